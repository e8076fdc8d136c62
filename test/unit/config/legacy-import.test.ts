import { describe, expect, it } from 'vitest';
import { planLegacyImport } from '../../../src/config/legacy-import';

const PASSWORD = 'correct horse battery staple';
const getter = (entries: Record<string, string>) => (k: string) => entries[k] ?? null;

describe("planning the takeover of the original's secrets", () => {
  it('reads the §11.4 enc:: vector with the stored password and removes both', () => {
    const plan = planLegacyImport(getter({ tcs_encryptionkey: PASSWORD, tcs_aws_accesskey: 'enc::IiQ7MywsJ2YnKzw9UmU6IDkkKTc=' }));
    expect(plan).toEqual({
      password: PASSWORD,
      credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE' },
      remove: ['tcs_encryptionkey', 'tcs_aws_accesskey'],
      waitingForPassword: [],
    });
  });

  it('uses a password from elsewhere only when the original stored none', () => {
    const enc = 'enc::IiQ7MywsJ2YnKzw9UmU6IDkkKTc=';
    expect(planLegacyImport(getter({ tcs_aws_accesskey: enc }), PASSWORD).credentials.accessKeyId).toBe('AKIAIOSFODNN7EXAMPLE');
    const stored = planLegacyImport(getter({ tcs_encryptionkey: PASSWORD, tcs_aws_accesskey: enc }), 'other password');
    expect(stored.credentials.accessKeyId).toBe('AKIAIOSFODNN7EXAMPLE');
  });

  it('leaves enc:: values in place when no password is known, instead of storing garbage', () => {
    const plan = planLegacyImport(getter({ tcs_aws_accesskey: 'enc::IiQ7MywsJ2YnKzw9UmU6IDkkKTc=', tcs_aws_secretkey: 'enc::AAAA' }));
    expect(plan).toEqual({ credentials: {}, remove: [], waitingForPassword: ['accessKeyId', 'secretAccessKey'] });
  });

  it('removes the empty values the original writes for unused fields, taking nothing from them', () => {
    const plan = planLegacyImport(getter({ tcs_encryptionkey: '', tcs_aws_accesskey: '', tcs_aws_secretkey: '' }));
    expect(plan).toEqual({ credentials: {}, remove: ['tcs_encryptionkey', 'tcs_aws_accesskey', 'tcs_aws_secretkey'], waitingForPassword: [] });
  });

  it('takes a valid Google token, and removes one it cannot parse (a stale bearer token helps no one)', () => {
    const token = { access_token: 'ya29.x', expires_in: 3599, iat: 5 };
    expect(planLegacyImport(getter({ tcs_google_access_token: JSON.stringify(token) }))).toMatchObject({
      credentials: { googleToken: token },
      remove: ['tcs_google_access_token'],
    });
    for (const bad of ['{not json', '"ya29.x"', '{"expires_in":1}']) {
      expect(planLegacyImport(getter({ tcs_google_access_token: bad }))).toEqual({
        credentials: {},
        remove: ['tcs_google_access_token'],
        waitingForPassword: [],
      });
    }
  });

  it('has nothing to do on a profile without the original', () => {
    expect(planLegacyImport(getter({ TM_useTheme: '"dark"', tcs_aws_bucketname: 'b' }))).toEqual({ credentials: {}, remove: [], waitingForPassword: [] });
  });
});
