/**
 * What settings cost at page load: the steady state (keys and sealed credentials read back) and the
 * one-time takeover of the original's settings (two key derivations, one of them PBKDF2).
 * Run: npx vitest bench test/unit/config
 */
import { bench, describe } from 'vitest';
import { loadConfig, saveSettings } from '../../../src/config';
import { obfuscateCredential } from '../../../src/crypto';
import { openPage, reload } from './page-env';

const PASSWORD = 'correct horse battery staple';

describe('loadConfig', async () => {
  const configured = openPage();
  await saveSettings(configured.env, {
    storageType: 's3',
    bucket: 'tcs-lab',
    region: 'us-east-1',
    accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
    secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    password: PASSWORD,
  });

  bench('reload of a configured device', async () => {
    await loadConfig(reload(configured).env);
  });

  bench(
    "first run: takeover of the original's settings",
    async () => {
      const { env } = openPage();
      env.localStorage.setItem('tcs_aws_bucketname', 'tcs-lab');
      env.localStorage.setItem('tcs_aws_region', 'us-east-1');
      env.localStorage.setItem('tcs_aws_accesskey', obfuscateCredential('AKIAIOSFODNN7EXAMPLE', PASSWORD));
      env.localStorage.setItem('tcs_aws_secretkey', obfuscateCredential('wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', PASSWORD));
      env.localStorage.setItem('tcs_encryptionkey', PASSWORD);
      await loadConfig(env);
    },
    { iterations: 10 },
  );
});
