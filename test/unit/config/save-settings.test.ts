import { describe, expect, it } from 'vitest';
import { loadConfig, prepareSettings, saveGoogleToken, saveSettings, setAutoSync, setLogging, type SettingsForm } from '../../../src/config';
import { deriveHashKey, keyedHash, obfuscateCredential } from '../../../src/crypto';
import { dumpDatabases, findPlaintext, openPage, reload } from './page-env';

const S3_FORM: SettingsForm = {
  storageType: 's3',
  bucket: 'tcs-lab',
  region: 'us-east-1',
  endpoint: 'http://localhost:4568/',
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  password: '  correct horse battery staple  ',
  syncInterval: '20',
  exclusions: 'TM_useDraft, other',
  autoSync: true,
  quietPeriod: '4',
  massDeleteThreshold: '30',
};

async function hashKeyIs(key: CryptoKey, password: string): Promise<boolean> {
  return (await keyedHash(key, 'probe')) === (await keyedHash(await deriveHashKey(password), 'probe'));
}

describe('saveSettings', () => {
  it('saves a complete S3 form: settings in tcs_* keys, keys derived from the trimmed password, credentials sealed', async () => {
    const { env } = openPage();
    const r = await saveSettings(env, S3_FORM);
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    expect(r.config).toMatchObject({
      configured: true,
      s3: { bucket: 'tcs-lab', region: 'us-east-1', endpoint: 'http://localhost:4568', accessKeyId: 'AKIAIOSFODNN7EXAMPLE' },
      syncIntervalMs: 20_000,
      quietPeriodMs: 4_000,
      massDeleteThreshold: 0.3,
      userExclusions: ['TM_useDraft', 'other'],
    });
    expect(await hashKeyIs(r.config.keys!.hashKey, 'correct horse battery staple')).toBe(true);
    expect(env.localStorage.getItem('tcs_aws_bucketname')).toBe('tcs-lab');
    expect(env.localStorage.getItem('tcs_aws_syncinterval')).toBe('20');
    expect(env.localStorage.getItem('tcs_sync-exclusions')).toBe('TM_useDraft, other');
    expect(env.localStorage.getItem('tcs_encryptionkey')).toBeNull();
    expect(await findPlaintext(env, ['correct horse battery staple', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'AKIAIOSFODNN7EXAMPLE'])).toEqual([]);
  });

  it('the saved settings survive a reload', async () => {
    const page = openPage();
    const r = await saveSettings(page.env, S3_FORM);
    const c = await loadConfig(reload(page).env);
    expect(r.ok && c.s3).toEqual(r.ok ? r.config.s3 : null);
    expect(c.configured).toBe(true);
    expect(c.form).toMatchObject({ bucket: 'tcs-lab', accessKeyId: 'AKIAIOSFODNN7EXAMPLE', syncInterval: '20' });
    expect(c.form).not.toHaveProperty('password');
  });

  it('writes nothing when a field is wrong, and returns every problem', async () => {
    const { env } = openPage();
    const r = await saveSettings(env, { ...S3_FORM, bucket: 'Bad_Bucket', syncInterval: '10', password: '', exclusions: 'changed' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map((p) => p.field).sort()).toEqual(['bucket', 'password', 'syncInterval']);
    expect(r.problems.find((p) => p.field === 'syncInterval')?.message).toBe('Sync interval must be at least 15 seconds.');
    // Unlike the original, not even the exclusions were written before the check.
    expect(env.localStorage.length).toBe(0);
    expect(await dumpDatabases(env.indexedDB as never)).toEqual([]);
  });

  it('an empty password keeps the keys derived before; a new password replaces them', async () => {
    const { env } = openPage();
    await saveSettings(env, S3_FORM);
    const kept = await saveSettings(env, { ...S3_FORM, password: '', syncInterval: '90' });
    expect(kept.ok && (await hashKeyIs(kept.config.keys!.hashKey, 'correct horse battery staple'))).toBe(true);
    expect(kept.ok && kept.config.syncIntervalMs).toBe(90_000);
    const changed = await saveSettings(env, { ...S3_FORM, password: 'another one' });
    expect(changed.ok && (await hashKeyIs(changed.config.keys!.hashKey, 'another one'))).toBe(true);
  });

  it('switching to Google Drive keeps the S3 values for later and needs only the client id', async () => {
    const { env } = openPage();
    await saveSettings(env, S3_FORM);
    const r = await saveSettings(env, { storageType: 'googleDrive', googleClientId: '1-a.apps.googleusercontent.com' });
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    expect(r.config).toMatchObject({ storageType: 'googleDrive', configured: true, googleClientId: '1-a.apps.googleusercontent.com' });
    expect(r.config.form.bucket).toBe('tcs-lab');
  });

  it("reads the original's enc:: keys with the typed password and removes them", async () => {
    const { env } = openPage();
    env.localStorage.setItem('tcs_aws_bucketname', 'tcs-lab');
    env.localStorage.setItem('tcs_aws_region', 'us-east-1');
    env.localStorage.setItem('tcs_aws_accesskey', 'enc::IiQ7MywsJ2YnKzw9UmU6IDkkKTc=');
    env.localStorage.setItem('tcs_aws_secretkey', obfuscateCredential('SECRETKEY', 'correct horse battery staple'));
    const r = await saveSettings(env, { password: 'correct horse battery staple' });
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    expect(r.config.s3).toMatchObject({ accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'SECRETKEY' });
    expect(env.localStorage.getItem('tcs_aws_accesskey')).toBeNull();
    expect(env.localStorage.getItem('tcs_aws_secretkey')).toBeNull();
  });

  it('keeps nosync and log from the page address in the returned configuration', async () => {
    const { env } = openPage('https://www.typingmind.com/?nosync&log');
    const r = await saveSettings(env, S3_FORM);
    expect(r.ok && r.config).toMatchObject({ noSync: true, logging: true });
  });
});

describe('small setters', () => {
  it('setAutoSync stores the checkbox as the original does', async () => {
    const { env } = openPage();
    setAutoSync(env.localStorage, false);
    expect(env.localStorage.getItem('tcs_autosync_enabled')).toBe('false');
    expect((await loadConfig(env)).autoSync).toBe(false);
    setAutoSync(env.localStorage, true);
    expect((await loadConfig(env)).autoSync).toBe(true);
  });

  it('setLogging is remembered without a complete configuration; ?log still turns it on for one load', async () => {
    const page = openPage();
    setLogging(page.env.localStorage, true);
    expect((await loadConfig(page.env)).logging).toBe(true);
    setLogging(page.env.localStorage, false);
    expect((await loadConfig(page.env)).logging).toBe(false);
    expect((await loadConfig(reload(page, 'https://www.typingmind.com/?log').env)).logging).toBe(true);
  });

  it('saveGoogleToken seals the token next to the other credentials, and null forgets it', async () => {
    const { env } = openPage();
    await saveSettings(env, S3_FORM);
    const token = { access_token: 'ya29.token-value', expires_in: 3599, iat: 1 };
    await saveGoogleToken(env, token);
    let c = await loadConfig(env);
    expect(c.googleToken).toEqual(token);
    expect(c.s3?.secretAccessKey).toBe('wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY');
    expect(await findPlaintext(env, ['ya29.token-value'])).toEqual([]);
    await saveGoogleToken(env, null);
    c = await loadConfig(env);
    expect(c.googleToken).toBeUndefined();
    expect(c.s3?.accessKeyId).toBe('AKIAIOSFODNN7EXAMPLE');
  });
});

describe('prepareSettings: nothing is written until the new settings are known to work', () => {
  it('builds the new configuration in memory and leaves the working one in place until commit', async () => {
    const page = openPage();
    const working = await saveSettings(page.env, S3_FORM);
    if (!working.ok) throw new Error(JSON.stringify(working.problems));
    const before = { ls: { ...page.env.localStorage }, dbs: await dumpDatabases(page.env.indexedDB) };

    const prepared = await prepareSettings(page.env, { ...S3_FORM, bucket: 'wrong-bucket', accessKeyId: 'AKIANEWKEYEXAMPLE', password: 'another password', exclusions: 'x' });
    if (!prepared.ok) throw new Error(JSON.stringify(prepared.problems));
    expect(prepared.config).toMatchObject({ configured: true, s3: { bucket: 'wrong-bucket', accessKeyId: 'AKIANEWKEYEXAMPLE' }, userExclusions: ['x'] });
    expect(await hashKeyIs(prepared.config.keys!.hashKey, 'another password')).toBe(true);
    // The check would run here; it failed, so no commit: everything stored is exactly as it was.
    expect({ ...page.env.localStorage }).toEqual(before.ls);
    expect(await dumpDatabases(page.env.indexedDB)).toEqual(before.dbs);
    const still = await loadConfig(reload(page).env);
    expect(still.s3).toMatchObject({ bucket: 'tcs-lab', accessKeyId: 'AKIAIOSFODNN7EXAMPLE' });
    expect(await hashKeyIs(still.keys!.hashKey, 'correct horse battery staple')).toBe(true);
  });

  it('commit stores what was prepared', async () => {
    const page = openPage();
    await saveSettings(page.env, S3_FORM);
    const prepared = await prepareSettings(page.env, { ...S3_FORM, bucket: 'next-bucket', password: '' });
    if (!prepared.ok) throw new Error(JSON.stringify(prepared.problems));
    const saved = await prepared.commit();
    expect(saved.s3).toMatchObject({ bucket: 'next-bucket' });
    expect((await loadConfig(reload(page).env)).s3).toMatchObject({ bucket: 'next-bucket' });
    // An empty password kept the saved keys.
    expect(await hashKeyIs(saved.keys!.hashKey, 'correct horse battery staple')).toBe(true);
  });
});
