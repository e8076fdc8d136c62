import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { deobfuscateCredential, obfuscateCredential } from '../../../src/crypto';
import { isCloudSyncError } from '../../../src/errors';

const PASSWORD = 'correct horse battery staple';

describe('enc:: credential obfuscation (docs/format.md §1.8, §11)', () => {
  it('writes the original vector exactly', () => {
    expect(obfuscateCredential('AKIAIOSFODNN7EXAMPLE', PASSWORD)).toBe('enc::IiQ7MywsJ2YnKzw9UmU6IDkkKTc=');
  });

  it('reads the original vector', () => {
    expect(deobfuscateCredential('enc::IiQ7MywsJ2YnKzw9UmU6IDkkKTc=', PASSWORD)).toBe('AKIAIOSFODNN7EXAMPLE');
  });

  it('round-trips any Latin-1 secret with any ASCII password', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.integer({ min: 0, max: 0x7f }).map((c) => String.fromCharCode(c)) }),
        fc.string({ minLength: 1, unit: 'grapheme-ascii' }),
        (secret, pw) => deobfuscateCredential(obfuscateCredential(secret, pw), pw) === secret,
      ),
    );
  });

  it('stores plaintext when there is no password, as the original does', () => {
    expect(obfuscateCredential('AKIA', '')).toBe('AKIA');
    expect(deobfuscateCredential('AKIA', '')).toBe('AKIA');
  });

  it('keeps enc:: values as they are when there is no password to read them', () => {
    expect(deobfuscateCredential('enc::IiQ7', '')).toBe('enc::IiQ7');
  });

  it('keeps a plaintext value (no enc:: prefix) as it is', () => {
    expect(deobfuscateCredential('AKIAIOSFODNN7EXAMPLE', PASSWORD)).toBe('AKIAIOSFODNN7EXAMPLE');
  });

  it('keeps a value with invalid base64 as it is', () => {
    expect(deobfuscateCredential('enc::not base64 ***', PASSWORD)).toBe('enc::not base64 ***');
  });

  it('a wrong password gives a different value, not an error (XOR cannot tell)', () => {
    const read = deobfuscateCredential('enc::IiQ7MywsJ2YnKzw9UmU6IDkkKTc=', 'other');
    expect(read).not.toBe('AKIAIOSFODNN7EXAMPLE');
    expect(read).toHaveLength(20);
  });

  it('refuses, with a clear typed error, what the original could not store (non-Latin-1)', () => {
    let err: unknown;
    try {
      obfuscateCredential('AKIAIOSFODNN7EXAMPLE', 'pässwörd 🔑');
    } catch (e) {
      err = e;
    }
    expect(isCloudSyncError(err, 'invalid-settings')).toBe(true);
    expect((err as Error).message).toMatch(/Latin-1/);
  });
});

describe('non-ASCII passwords the original can still store', () => {
  it('a Latin-1 password round-trips (XOR stays under 0x100)', () => {
    const stored = obfuscateCredential('AKIAIOSFODNN7EXAMPLE', 'pässwörd');
    expect(stored.startsWith('enc::')).toBe(true);
    expect(deobfuscateCredential(stored, 'pässwörd')).toBe('AKIAIOSFODNN7EXAMPLE');
  });
});
