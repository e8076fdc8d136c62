import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { loadConfig, SECRETS_DB } from '../../../src/config';
import { decryptJson, deriveHashKey, keyedHash, obfuscateCredential } from '../../../src/crypto';
import { isCloudSyncError } from '../../../src/errors';
import { FIXTURES_DIR } from '../../support/fixture-bucket';
import { dumpDatabases, findPlaintext, openPage, reload } from './page-env';

const vectors = JSON.parse(
  readFileSync(join(FIXTURES_DIR, 'crypto-vectors', 'vectors-from-original.json'), 'utf8'),
) as { password: string; items: { name: string; objectBase64: string }[]; credential: { stored: string; plaintext: string } };

const PASSWORD = vectors.password; // "correct horse battery staple"
const ACCESS_KEY = vectors.credential.plaintext; // AKIAIOSFODNN7EXAMPLE
const SECRET_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const SECRETS = [PASSWORD, ACCESS_KEY, SECRET_KEY];

/** localStorage as the original V4.2 leaves it after a Save and a few syncs (docs/settings.md, "Coming from the original extension"). */
function originalLocalStorage(): Record<string, string> {
  return {
    tcs_storagetype: 's3',
    tcs_aws_bucketname: 'tcs-lab',
    tcs_aws_region: 'us-east-1',
    tcs_aws_endpoint: 'http://localhost:4568',
    tcs_aws_accesskey: vectors.credential.stored, // the §11.4 vector: enc::IiQ7MywsJ2YnKzw9UmU6IDkkKTc=
    tcs_aws_secretkey: obfuscateCredential(SECRET_KEY, PASSWORD),
    tcs_encryptionkey: PASSWORD,
    tcs_aws_syncinterval: '30',
    tcs_google_clientid: '',
    'tcs_sync-exclusions': 'TM_useDraft, my-setting,,',
    tcs_autosync_enabled: 'false',
    'tcs_local-metadata': '{"lastSync":1763777000000,"items":{}}',
    tcs_metadata_etag: '"9a0364b9e99bb480dd25e1f0284c8555"',
    'tcs_last-cloud-sync': '1763777000000',
    // TypingMind's own keys.
    TM_useTheme: '"dark"',
    TM_useUserLanguage: '"en"',
  };
}

function fill(storage: Storage, entries: Record<string, string>) {
  for (const [k, v] of Object.entries(entries)) storage.setItem(k, v);
}

function allItems(storage: Storage): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < storage.length; i++) out[storage.key(i)!] = storage.getItem(storage.key(i)!)!;
  return out;
}

async function decryptsVector(key: CryptoKey): Promise<unknown> {
  const vector = vectors.items.find((v) => v.name === 'json-fixed-iv-deflated')!;
  return decryptJson(key, Uint8Array.from(Buffer.from(vector.objectBase64, 'base64')), 'items/vector.json');
}

describe('a fresh browser', () => {
  it('is not configured and says what is missing; defaults apply', async () => {
    const { env } = openPage();
    const c = await loadConfig(env);
    expect(c.configured).toBe(false);
    expect(c.keys).toBeNull();
    expect(c.problems.map((p) => p.field)).toEqual(['bucket', 'region', 'accessKeyId', 'secretAccessKey', 'password']);
    expect(c).toMatchObject({
      storageType: 's3',
      syncIntervalMs: 15_000,
      quietPeriodMs: 3_000,
      massDeleteThreshold: 0.5,
      userExclusions: [],
      autoSync: true,
      logging: false,
      noSync: false,
      openModal: false,
      urlProblems: [],
    });
    expect(c.s3).toBeUndefined();
  });
});

describe('import of the original extension settings', () => {
  it('reads them all, so an existing user is not asked again', async () => {
    const { env } = openPage();
    fill(env.localStorage, originalLocalStorage());
    const c = await loadConfig(env);
    expect(c.problems).toEqual([]);
    expect(c.configured).toBe(true);
    expect(c.s3).toEqual({
      bucket: 'tcs-lab',
      region: 'us-east-1',
      endpoint: 'http://localhost:4568',
      accessKeyId: ACCESS_KEY,
      secretAccessKey: SECRET_KEY,
    });
    expect(c.syncIntervalMs).toBe(30_000);
    expect(c.userExclusions).toEqual(['TM_useDraft', 'my-setting']);
    expect(c.autoSync).toBe(false);
    // The keys are the ones derived from the original's password: the content key reads the original's
    // objects, and the hash key matches a fresh derivation.
    expect(await decryptsVector(c.keys!.contentKey)).toEqual({ hello: 'world' });
    expect(await keyedHash(c.keys!.hashKey, 'probe')).toBe(await keyedHash(await deriveHashKey(PASSWORD), 'probe'));
    expect(c.keys!.contentKey.extractable).toBe(false);
    expect(c.keys!.hashKey.extractable).toBe(false);
  });

  it('removes the plaintext password and the obfuscated keys from localStorage, and nothing else', async () => {
    const { env } = openPage();
    const before = originalLocalStorage();
    fill(env.localStorage, before);
    await loadConfig(env);
    const after = allItems(env.localStorage);
    const { tcs_encryptionkey: _p, tcs_aws_accesskey: _a, tcs_aws_secretkey: _s, ...kept } = before;
    expect(after).toEqual(kept);
  });

  it('leaves no plaintext password or secret anywhere: localStorage, and every database value, sealed blobs included', async () => {
    const { env } = openPage();
    fill(env.localStorage, originalLocalStorage());
    await loadConfig(env);
    // The obfuscated forms are as good as plaintext (XOR with a public pepper): they must be gone too.
    const obfuscated = [vectors.credential.stored, obfuscateCredential(SECRET_KEY, PASSWORD)];
    expect(await findPlaintext(env, [...SECRETS, ...obfuscated, 'enc::'])).toEqual([]);
    // What is there: non-extractable keys and a sealed blob.
    const records = await dumpDatabases(env.indexedDB as IDBFactory);
    expect(records.map((r) => `${r.db}/${String(r.key)}`).sort()).toEqual(
      [`${SECRETS_DB}/contentKey`, `${SECRETS_DB}/credentials`, `${SECRETS_DB}/deviceKey`, `${SECRETS_DB}/hashKey`].sort(),
    );
    for (const r of records) {
      if (r.value instanceof CryptoKey) {
        expect(r.value.extractable).toBe(false);
        await expect(crypto.subtle.exportKey('raw', r.value)).rejects.toThrow();
      }
    }
  });

  it('the scan would find a secret that was stored in the clear (the check can fail)', async () => {
    const { env } = openPage();
    env.localStorage.setItem('tcs_leak', `x${SECRET_KEY}x`);
    expect(await findPlaintext(env, SECRETS)).toEqual(['localStorage tcs_leak']);
  });

  it('accepts plaintext access and secret keys (the original stores them so when it has no password)', async () => {
    const { env } = openPage();
    fill(env.localStorage, { ...originalLocalStorage(), tcs_aws_accesskey: ACCESS_KEY, tcs_aws_secretkey: SECRET_KEY });
    const c = await loadConfig(env);
    expect(c.s3).toMatchObject({ accessKeyId: ACCESS_KEY, secretAccessKey: SECRET_KEY });
    expect(env.localStorage.getItem('tcs_aws_secretkey')).toBeNull();
  });

  it('keeps enc:: keys it cannot read yet (no password known), and asks for the password', async () => {
    const { env } = openPage();
    const { tcs_encryptionkey: _p, ...noPassword } = originalLocalStorage();
    fill(env.localStorage, noPassword);
    const c = await loadConfig(env);
    expect(env.localStorage.getItem('tcs_aws_accesskey')).toBe(vectors.credential.stored);
    expect(c.configured).toBe(false);
    expect(c.problems.map((p) => p.field)).toEqual(['accessKeyId', 'secretAccessKey', 'password']);
  });

  it('takes over the plaintext Google token, sealed, and removes it', async () => {
    const { env } = openPage();
    const token = { access_token: 'ya29.secret-token', expires_in: 3599, scope: 'https://www.googleapis.com/auth/drive.file', iat: 1763777000000 };
    fill(env.localStorage, {
      tcs_storagetype: 'googleDrive',
      tcs_google_clientid: '1234-abc.apps.googleusercontent.com',
      tcs_encryptionkey: PASSWORD,
      tcs_google_access_token: JSON.stringify(token),
      tcs_aws_accesskey: '',
      tcs_aws_secretkey: '',
    });
    const c = await loadConfig(env);
    expect(c.configured).toBe(true);
    expect(c.storageType).toBe('googleDrive');
    expect(c.googleClientId).toBe('1234-abc.apps.googleusercontent.com');
    expect(c.googleToken).toEqual(token);
    expect(await findPlaintext(env, ['ya29.secret-token', PASSWORD])).toEqual([]);
    expect(allItems(env.localStorage)).toEqual({ tcs_storagetype: 'googleDrive', tcs_google_clientid: '1234-abc.apps.googleusercontent.com' });
  });

  it('takes over again when the original saved newer settings later (switching back and forth)', async () => {
    const first = openPage();
    fill(first.env.localStorage, originalLocalStorage());
    await loadConfig(first.env);
    const later = reload(first);
    later.env.localStorage.setItem('tcs_encryptionkey', 'a new password');
    later.env.localStorage.setItem('tcs_aws_secretkey', obfuscateCredential('NEWSECRET', 'a new password'));
    const c = await loadConfig(later.env);
    expect(c.s3?.secretAccessKey).toBe('NEWSECRET');
    expect(c.s3?.accessKeyId).toBe(ACCESS_KEY);
    expect(await keyedHash(c.keys!.hashKey, 'probe')).toBe(await keyedHash(await deriveHashKey('a new password'), 'probe'));
  });
});

describe('settings survive a reload', () => {
  it('a new loadConfig on the same profile gives the same configuration and working keys', async () => {
    const first = openPage();
    fill(first.env.localStorage, originalLocalStorage());
    const c1 = await loadConfig(first.env);
    const c2 = await loadConfig(reload(first).env);
    expect(c2.configured).toBe(true);
    expect(c2.s3).toEqual(c1.s3);
    expect(c2.syncIntervalMs).toBe(c1.syncIntervalMs);
    expect(await decryptsVector(c2.keys!.contentKey)).toEqual({ hello: 'world' });
  });
});

describe('stored values as the original parses them', () => {
  it('auto-sync: a missing key means on; only "true" is on', async () => {
    for (const [stored, expected] of [[null, true], ['true', true], ['false', false], ['yes', false]] as const) {
      const { env } = openPage();
      if (stored !== null) env.localStorage.setItem('tcs_autosync_enabled', stored);
      expect((await loadConfig(env)).autoSync).toBe(expected);
    }
  });

  it('interval: parseInt(v) || 15, then at least 15 s (never NaN)', async () => {
    for (const [stored, ms] of [['abc', 15_000], ['5', 15_000], ['0', 15_000], ['60', 60_000], ['45s', 45_000]] as const) {
      const { env } = openPage();
      env.localStorage.setItem('tcs_aws_syncinterval', stored);
      expect((await loadConfig(env)).syncIntervalMs).toBe(ms);
    }
  });

  it('our own settings under new tcs_ keys, with defaults for bad values', async () => {
    const { env } = openPage();
    fill(env.localStorage, { tcs_quiet_period_s: '5', tcs_mass_delete_threshold_pct: '20', tcs_console_logging: 'true' });
    expect(await loadConfig(env)).toMatchObject({ quietPeriodMs: 5_000, massDeleteThreshold: 0.2, logging: true });
    const other = openPage();
    fill(other.env.localStorage, { tcs_quiet_period_s: '-1', tcs_mass_delete_threshold_pct: '500' });
    expect(await loadConfig(other.env)).toMatchObject({ quietPeriodMs: 3_000, massDeleteThreshold: 0.5 });
  });
});

describe('URL parameters at load', () => {
  it('applies them, keeps "+" in secrets, strips them from the address, keeps log', async () => {
    const { win, env } = openPage(
      'https://www.typingmind.com/?storagetype=s3&bucketname=tcs-lab&region=auto&endpoint=https%3A%2F%2Facc.r2.cloudflarestorage.com' +
        '&accesskey=AK+1&secretkey=secret+/=x&encryptionkey=pass+word&syncinterval=60&exclusions=a,b&log',
    );
    const c = await loadConfig(env);
    expect(win.location.href).toBe('https://www.typingmind.com/?log=');
    expect(c.s3).toEqual({ bucket: 'tcs-lab', region: 'auto', endpoint: 'https://acc.r2.cloudflarestorage.com', accessKeyId: 'AK+1', secretAccessKey: 'secret+/=x' });
    expect(c).toMatchObject({ configured: true, syncIntervalMs: 60_000, userExclusions: ['a', 'b'], logging: true, openModal: true, urlProblems: [] });
    expect(await keyedHash(c.keys!.hashKey, 'p')).toBe(await keyedHash(await deriveHashKey('pass+word'), 'p'));
    expect(await findPlaintext(env, ['secret+/=x', 'pass+word'])).toEqual([]);
  });

  it('strips the address before anything asynchronous runs', () => {
    const { win, env } = openPage('https://www.typingmind.com/?encryptionkey=pw&secretkey=s');
    const pending = loadConfig(env);
    // No await yet: only the synchronous start of loadConfig has run.
    expect(win.location.href).toBe('https://www.typingmind.com/');
    return pending;
  });

  it('rejects a bad syncinterval with a message, keeps the saved interval, applies the rest', async () => {
    const { env } = openPage('https://www.typingmind.com/?syncinterval=abc&bucket=tcs-lab');
    env.localStorage.setItem('tcs_aws_syncinterval', '45');
    const c = await loadConfig(env);
    expect(c.syncIntervalMs).toBe(45_000);
    expect(c.urlProblems).toEqual([{ field: 'syncInterval', message: expect.stringContaining('whole number of seconds') }]);
    expect(env.localStorage.getItem('tcs_aws_syncinterval')).toBe('45');
    expect(env.localStorage.getItem('tcs_aws_bucketname')).toBe('tcs-lab');
    expect(c.openModal).toBe(true);
  });

  it('nosync turns sync off for this page and stays in the address', async () => {
    const { win, env } = openPage('https://www.typingmind.com/?nosync&bucket=tcs-lab');
    const c = await loadConfig(env);
    expect(c.noSync).toBe(true);
    expect(win.location.href).toBe('https://www.typingmind.com/?nosync=');
  });

  it('config opens the modal without changing anything', async () => {
    const { win, env } = openPage('https://www.typingmind.com/?config');
    const c = await loadConfig(env);
    expect(c.openModal).toBe(true);
    expect(env.localStorage.length).toBe(0);
    expect(win.location.href).toBe('https://www.typingmind.com/');
  });

  it('a URL password reads enc:: keys the original left without its password key', async () => {
    const { env } = openPage(`https://www.typingmind.com/?encryptionkey=${encodeURIComponent(PASSWORD)}`);
    const { tcs_encryptionkey: _p, ...noPassword } = originalLocalStorage();
    fill(env.localStorage, noPassword);
    const c = await loadConfig(env);
    expect(c.configured).toBe(true);
    expect(c.s3?.accessKeyId).toBe(ACCESS_KEY);
    expect(env.localStorage.getItem('tcs_aws_accesskey')).toBeNull();
  });
});

describe('when the browser storage fails', () => {
  it('says so in words a person can act on', async () => {
    const { env } = openPage();
    const broken = {
      open() {
        throw new DOMException('The operation is insecure.', 'SecurityError');
      },
    } as unknown as IDBFactory;
    const err = await loadConfig({ ...env, indexedDB: broken }).catch((e: unknown) => e);
    expect(isCloudSyncError(err, 'host-unavailable')).toBe(true);
    expect((err as Error).message).toMatch(/IndexedDB\) is not available.*normal window/);
  });

  it('asks for the keys again when the sealed credentials cannot be opened (device key gone)', async () => {
    const first = openPage();
    fill(first.env.localStorage, originalLocalStorage());
    await loadConfig(first.env);
    await new Promise<void>((resolve, reject) => {
      const r = first.env.indexedDB.open(SECRETS_DB);
      r.onsuccess = () => {
        const tx = r.result.transaction('secrets', 'readwrite');
        tx.objectStore('secrets').delete('deviceKey');
        tx.oncomplete = () => {
          r.result.close();
          resolve();
        };
      };
      r.onerror = () => reject(r.error);
    });
    const c = await loadConfig(reload(first).env);
    expect(c.configured).toBe(false);
    expect(c.problems.map((p) => p.field)).toEqual(['accessKeyId', 'secretAccessKey']);
    expect(c.problems[0].message).toMatch(/could not be read.*Enter them again/);
  });
});
