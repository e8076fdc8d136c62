import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bucketNameProblem } from '../../../src/config/bucket-name';
import { checkEndpoint, isAwsEndpoint } from '../../../src/config/endpoint';
import type { StoredSettings } from '../../../src/config/settings-model';
import { readStoredSettings } from '../../../src/config/stored-settings';
import {
  checkAccessKeyId,
  checkGoogleClientId,
  checkMassDeleteThreshold,
  checkQuietPeriod,
  checkRegion,
  checkSecretAccessKey,
  checkSettingsForm,
  checkStorageType,
  checkSyncInterval,
  findConfigProblems,
  PASSWORD_REQUIRED,
} from '../../../src/config/validation';

const emptySettings: StoredSettings = readStoredSettings(() => null);
const message = (r: { ok: boolean; message?: string }) => (r.ok ? null : r.message);

describe('sync interval', () => {
  it('defaults to 15 s when left empty, as the original does', () => {
    expect(checkSyncInterval('')).toEqual({ ok: true, value: 15 });
    expect(checkSyncInterval(undefined)).toEqual({ ok: true, value: 15 });
  });
  it('accepts whole seconds from 15 up', () => {
    expect(checkSyncInterval('15')).toEqual({ ok: true, value: 15 });
    expect(checkSyncInterval(' 60 ')).toEqual({ ok: true, value: 60 });
    expect(checkSyncInterval(120)).toEqual({ ok: true, value: 120 });
  });
  it("refuses less than 15 s with the original's words", () => {
    expect(message(checkSyncInterval('14'))).toBe('Sync interval must be at least 15 seconds.');
    expect(message(checkSyncInterval('0'))).toBe('Sync interval must be at least 15 seconds.');
  });
  it('refuses text and fractions instead of turning them into NaN', () => {
    expect(message(checkSyncInterval('abc'))).toMatch(/whole number of seconds.*"abc"/);
    expect(message(checkSyncInterval('15.5'))).toMatch(/whole number/);
    expect(message(checkSyncInterval('-20'))).toMatch(/whole number/);
  });
  it('refuses more than a day', () => {
    expect(message(checkSyncInterval('86401'))).toMatch(/at most 86400 seconds/);
  });
  it('gives a number ≥ 15 or a message, for any input', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.integer({ min: -1e6, max: 1e6 }).map(String)), (raw) => {
        const r = checkSyncInterval(raw);
        return r.ok ? Number.isInteger(r.value) && r.value >= 15 && r.value <= 86400 : r.message.length > 0;
      }),
    );
  });
});

describe('quiet period and mass-deletion threshold', () => {
  it('default to 3 s and 50 %', () => {
    expect(checkQuietPeriod('')).toEqual({ ok: true, value: 3 });
    expect(checkMassDeleteThreshold('')).toEqual({ ok: true, value: 50 });
  });
  it('accept values in range', () => {
    expect(checkQuietPeriod('0')).toEqual({ ok: true, value: 0 });
    expect(checkQuietPeriod('2.5')).toEqual({ ok: true, value: 2.5 });
    expect(checkMassDeleteThreshold('25%')).toEqual({ ok: true, value: 25 });
    expect(checkMassDeleteThreshold(100)).toEqual({ ok: true, value: 100 });
  });
  it('refuse values out of range with a message', () => {
    expect(message(checkQuietPeriod('301'))).toMatch(/from 0 to 300/);
    expect(message(checkQuietPeriod('soon'))).toMatch(/"soon"/);
    expect(message(checkMassDeleteThreshold('0'))).toMatch(/from 1 to 100/);
    expect(message(checkMassDeleteThreshold('101'))).toMatch(/from 1 to 100/);
    expect(message(checkMassDeleteThreshold('12.5'))).toMatch(/whole percentage/);
  });
});

describe('bucket names S3 would accept', () => {
  const aws = { aws: true };
  it('accepts ordinary names', () => {
    for (const name of ['my-bucket', 'tcs-lab', 'backup.v2.example', 'abc', 'a'.repeat(63)]) {
      expect(bucketNameProblem(name, aws)).toBeNull();
    }
  });
  it('refuses a wrong length', () => {
    expect(bucketNameProblem('ab', aws)).toBe('A bucket name is 3 to 63 characters long; "ab" has 2.');
    expect(bucketNameProblem('a'.repeat(64), aws)).toMatch(/3 to 63 characters long/);
  });
  it('names the characters that are not allowed, and hints at lowercase', () => {
    expect(bucketNameProblem('My_Bucket', aws)).toBe(
      'A bucket name may only use lowercase letters, digits, dots (.) and hyphens (-); "My_Bucket" contains "M", "_", "B". Bucket names are all lowercase.',
    );
    expect(bucketNameProblem('my bucket', aws)).toMatch(/contains space/);
  });
  it('allows "_" on S3-compatible services (Google Cloud Storage) but not on AWS', () => {
    expect(bucketNameProblem('my_bucket', { aws: false })).toBeNull();
    expect(bucketNameProblem('my_bucket', aws)).toMatch(/contains "_"/);
  });
  it('refuses names that do not begin and end with a letter or digit', () => {
    expect(bucketNameProblem('-bucket', aws)).toMatch(/begin and end with a letter or a digit/);
    expect(bucketNameProblem('bucket.', aws)).toMatch(/begin and end/);
  });
  it('refuses two dots in a row and IP addresses', () => {
    expect(bucketNameProblem('my..bucket', aws)).toMatch(/two dots in a row/);
    expect(bucketNameProblem('192.168.5.4', aws)).toMatch(/cannot look like an IP address/);
  });
  it('refuses reserved prefixes and suffixes', () => {
    expect(bucketNameProblem('xn--bucket', aws)).toBe('S3 does not allow bucket names that start with "xn--".');
    expect(bucketNameProblem('sthree-data', aws)).toMatch(/start with "sthree-"/);
    expect(bucketNameProblem('data-s3alias', aws)).toBe('S3 does not allow bucket names that end with "-s3alias".');
    expect(bucketNameProblem('data--ol-s3', aws)).toMatch(/end with "--ol-s3"/);
  });
  it('accepts every name built from the allowed alphabet with the right shape', () => {
    const inner = fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789-'.split('')), minLength: 1, maxLength: 40 });
    const edge = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789'.split(''));
    fc.assert(
      fc.property(edge, inner, edge, (a, mid, b) => {
        const name = `${a}${mid}${b}`;
        fc.pre(!/^(xn--|sthree-|amzn-s3-demo-)/.test(name) && !/(-s3alias|--ol-s3|--x-s3|--table-s3)$/.test(name));
        return bucketNameProblem(name, aws) === null;
      }),
    );
  });
});

describe('endpoint', () => {
  it('is optional', () => {
    expect(checkEndpoint('')).toEqual({ ok: true, value: '' });
    expect(checkEndpoint('  ')).toEqual({ ok: true, value: '' });
  });
  it('accepts https and normalises away the trailing slash', () => {
    expect(checkEndpoint('https://acc.r2.cloudflarestorage.com/')).toEqual({ ok: true, value: 'https://acc.r2.cloudflarestorage.com' });
    expect(checkEndpoint('https://s3.example.com:8443/minio/')).toEqual({ ok: true, value: 'https://s3.example.com:8443/minio' });
  });
  it('reads a bare host name as https, as the SDK the original used did', () => {
    expect(checkEndpoint('s3.us-west-001.backblazeb2.com')).toEqual({ ok: true, value: 'https://s3.us-west-001.backblazeb2.com' });
  });
  it('allows plain http only on this computer', () => {
    expect(checkEndpoint('http://localhost:9000')).toEqual({ ok: true, value: 'http://localhost:9000' });
    expect(checkEndpoint('http://127.0.0.1:4568/')).toEqual({ ok: true, value: 'http://127.0.0.1:4568' });
    expect(checkEndpoint('http://[::1]:9000')).toEqual({ ok: true, value: 'http://[::1]:9000' });
    expect(message(checkEndpoint('http://s3.example.com'))).toBe(
      'The endpoint must use https://, so your keys and data are not sent in the clear. Plain http:// is only allowed for a server on this computer (localhost, 127.0.0.1 or [::1]).',
    );
    expect(message(checkEndpoint('http://192.168.1.10:9000'))).toMatch(/must use https/);
  });
  it('refuses other schemes, embedded credentials, queries and non-addresses', () => {
    expect(message(checkEndpoint('ftp://files.example.com'))).toMatch(/must start with https:\/\/ \("ftp:" is not supported\)/);
    expect(message(checkEndpoint('https://user:pw@s3.example.com'))).toMatch(/Remove the user name and password/);
    expect(message(checkEndpoint('https://s3.example.com/?x=1'))).toMatch(/remove everything after "\?" or "#"/);
    expect(message(checkEndpoint('not an address'))).toMatch(/"not an address" is not a web address/);
  });
  it('tells AWS from S3-compatible services', () => {
    expect(isAwsEndpoint('')).toBe(true);
    expect(isAwsEndpoint('https://s3.eu-west-1.amazonaws.com')).toBe(true);
    expect(isAwsEndpoint('https://acc.r2.cloudflarestorage.com')).toBe(false);
  });
  it('never throws, whatever is typed', () => {
    fc.assert(fc.property(fc.string(), (s) => typeof checkEndpoint(s).ok === 'boolean'));
  });
});

describe('other fields', () => {
  it('storage type is s3 or googleDrive', () => {
    expect(checkStorageType('googleDrive')).toEqual({ ok: true, value: 'googleDrive' });
    expect(message(checkStorageType('dropbox'))).toBe(
      'Storage provider must be "s3" (Amazon S3 or S3-compatible) or "googleDrive" (Google Drive); "dropbox" is not supported.',
    );
  });
  it('region is required and has no spaces', () => {
    expect(checkRegion('auto')).toEqual({ ok: true, value: 'auto' });
    expect(message(checkRegion(''))).toBe("Enter the bucket's region, for example us-east-1 (Cloudflare R2 uses auto).");
    expect(message(checkRegion('us east 1'))).toMatch(/without spaces/);
  });
  it('keys are required, trimmed, and refuse inner spaces (a bad paste)', () => {
    expect(checkAccessKeyId('  AKIAIOSFODNN7EXAMPLE\n')).toEqual({ ok: true, value: 'AKIAIOSFODNN7EXAMPLE' });
    expect(checkSecretAccessKey('wJalr+XUtnFEMI/K7MDENG=')).toEqual({ ok: true, value: 'wJalr+XUtnFEMI/K7MDENG=' });
    expect(message(checkAccessKeyId(''))).toBe('Enter the access key ID of a key that may read and write this bucket.');
    expect(message(checkSecretAccessKey(''))).toBe('Enter the secret access key that belongs to the access key.');
    expect(message(checkSecretAccessKey('abc def'))).toBe('The secret key contains a space or a line break; copy it again without them.');
  });
  it('a Google client id is the whole id from the console', () => {
    const id = '1234-abc.apps.googleusercontent.com';
    expect(checkGoogleClientId(` ${id} `)).toEqual({ ok: true, value: id });
    expect(message(checkGoogleClientId(''))).toMatch(/Enter your Google Cloud OAuth client ID/);
    expect(message(checkGoogleClientId('1234-abc'))).toMatch(/ends with ".apps.googleusercontent.com"/);
  });
});

describe('what a saved configuration still needs', () => {
  it('s3 needs bucket, region, access key, secret key and the password', () => {
    const problems = findConfigProblems({ settings: emptySettings, credentials: {}, hasKeys: false });
    expect(problems.map((p) => p.field)).toEqual(['bucket', 'region', 'accessKeyId', 'secretAccessKey', 'password']);
    expect(problems.find((p) => p.field === 'password')?.message).toBe(PASSWORD_REQUIRED);
  });
  it('googleDrive needs the client id and the password', () => {
    const settings = { ...emptySettings, storageType: 'googleDrive' as const };
    expect(findConfigProblems({ settings, credentials: {}, hasKeys: false }).map((p) => p.field)).toEqual(['googleClientId', 'password']);
  });
  it('a complete s3 configuration has no problems', () => {
    const settings = { ...emptySettings, bucket: 'tcs-lab', region: 'us-east-1', endpoint: 'http://localhost:4568' };
    const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
    expect(findConfigProblems({ settings, credentials, hasKeys: true })).toEqual([]);
  });
  it('an unknown stored provider is a problem, quoting the value', () => {
    const settings = readStoredSettings((k) => (k === 'tcs_storagetype' ? 'dropbox' : null));
    expect(findConfigProblems({ settings, credentials: {}, hasKeys: true })[0]).toEqual({
      field: 'storageType',
      message: expect.stringContaining('"dropbox" is not supported'),
    });
  });
  it('a stored endpoint that is not allowed is a problem', () => {
    const settings = { ...emptySettings, bucket: 'b-1', region: 'auto', endpoint: 'http://minio.lan:9000' };
    const credentials = { accessKeyId: 'a', secretAccessKey: 'b' };
    expect(findConfigProblems({ settings, credentials, hasKeys: true }).map((p) => p.field)).toEqual(['endpoint']);
  });
});

describe('the settings form', () => {
  const current = { settings: emptySettings, credentials: {}, hasKeys: false };

  it('reports every problem at once, one per field', () => {
    const r = checkSettingsForm(
      { storageType: 's3', bucket: 'Bad_Bucket', region: '', accessKeyId: '', secretAccessKey: 'x y', endpoint: 'http://evil.example', password: '', syncInterval: '5' },
      current,
    );
    expect(r.problems.map((p) => p.field).sort()).toEqual(
      ['accessKeyId', 'bucket', 'endpoint', 'password', 'region', 'secretAccessKey', 'syncInterval'].sort(),
    );
  });
  it('returns the changes and the trimmed password when all is well', () => {
    const r = checkSettingsForm(
      { storageType: 's3', bucket: ' tcs-lab ', region: 'us-east-1', accessKeyId: 'AK', secretAccessKey: 'SK', password: '  pw  ', syncInterval: '30', exclusions: ' a,b ' },
      current,
    );
    expect(r.problems).toEqual([]);
    expect(r.password).toBe('pw');
    expect(r.settings).toMatchObject({ storageType: 's3', bucket: 'tcs-lab', syncIntervalS: 30, exclusions: 'a,b' });
    expect(r.credentials).toEqual({ accessKeyId: 'AK', secretAccessKey: 'SK' });
  });
  it('keeps the stored keys when the password is left empty', () => {
    const r = checkSettingsForm({ storageType: 'googleDrive', googleClientId: 'x.apps.googleusercontent.com', password: '' }, { ...current, hasKeys: true });
    expect(r.problems).toEqual([]);
    expect(r.password).toBeUndefined();
  });
  it('does not let half-filled S3 fields block a Google Drive save', () => {
    const r = checkSettingsForm(
      { storageType: 'googleDrive', googleClientId: 'x.apps.googleusercontent.com', bucket: 'Bad_Bucket', region: '', password: 'pw' },
      current,
    );
    expect(r.problems).toEqual([]);
    expect(r.settings.bucket).toBeUndefined();
  });
});
