import { describe, expect, it } from 'vitest';
import { deriveHashKey, encryptJson, decryptJson, importContentKey, keyedHash } from '../../../src/crypto';

describe('keys', () => {
  it('the content key is non-extractable AES-GCM', async () => {
    const key = await importContentKey('pw');
    expect(key.extractable).toBe(false);
    expect(key.algorithm.name).toBe('AES-GCM');
    await expect(globalThis.crypto.subtle.exportKey('raw', key)).rejects.toBeTruthy();
  });

  it('the hash key is non-extractable HMAC-SHA-256', async () => {
    const key = await deriveHashKey('pw');
    expect(key.extractable).toBe(false);
    expect(key.algorithm).toMatchObject({ name: 'HMAC', hash: { name: 'SHA-256' } });
  });

  it('two devices with the same password derive the same hash key', async () => {
    const a = await keyedHash(await deriveHashKey('same password'), 'content');
    const b = await keyedHash(await deriveHashKey('same password'), 'content');
    expect(a).toBe(b);
  });

  it('a different password gives a different keyed hash', async () => {
    const a = await keyedHash(await deriveHashKey('one'), 'content');
    const b = await keyedHash(await deriveHashKey('two'), 'content');
    expect(a).not.toBe(b);
  });

  it('the keyed hash is not a bare SHA-256 of the content, nor an HMAC keyed by the AES key bytes', async () => {
    const content = new TextEncoder().encode('content');
    const h = await keyedHash(await deriveHashKey('pw'), content);
    const bare = new Uint8Array(await crypto.subtle.digest('SHA-256', content));
    const b64url = (u: Uint8Array) => Buffer.from(u).toString('base64url');
    expect(h).not.toBe(b64url(bare));
    const aesBytes = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode('pw')));
    const hmacWithAes = await crypto.subtle.importKey('raw', aesBytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    expect(h).not.toBe(b64url(new Uint8Array(await crypto.subtle.sign('HMAC', hmacWithAes, content))));
  });

  it('keyedHash of a string equals keyedHash of its UTF-8 bytes, base64url without padding', async () => {
    const key = await deriveHashKey('pw');
    const s = 'héllo 🔑';
    const fromString = await keyedHash(key, s);
    expect(fromString).toBe(await keyedHash(key, new TextEncoder().encode(s)));
    expect(fromString).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('the password is used as given (no trimming): a trailing space is another key', async () => {
    const obj = await encryptJson(await importContentKey('pw'), { a: 1 });
    await expect(decryptJson(await importContentKey('pw '), obj, 'items/a.json')).rejects.toMatchObject({ code: 'wrong-password' });
  });
});
