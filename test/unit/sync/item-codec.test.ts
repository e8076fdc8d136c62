import { describe, expect, it } from 'vitest';
import { keyedHash } from '../../../src/crypto';
import { encodeItem } from '../../../src/sync/item-codec';

// A fixed HMAC key (deriving one from a password takes 210k PBKDF2 rounds).
const hashKey = await crypto.subtle.importKey('raw', new Uint8Array(32).fill(7), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);

describe('encodeItem hashes', () => {
  // The hash is the identity every device and every base record compares: its input must never drift.
  it('hash the documented input: type, Date paths and the cloud JSON text (non-ASCII included)', async () => {
    const value = { title: 'Ünïcødé — 日本 🙂', at: new Date(Date.UTC(2026, 0, 2)), list: [{ d: new Date(0) }] };
    const e = await encodeItem({ key: 'CHAT_x', type: 'idb', value }, hashKey);
    expect(e.dates).toEqual(['/at', '/list/*/d']);
    expect(e.hash).toBe(await keyedHash(hashKey, `idb\n/at\u0001/list/*/d\n${JSON.stringify(value)}`));

    const ls = await encodeItem({ key: 'TM_useTheme', type: 'ls', value: '"dark"' }, hashKey);
    expect(ls.hash).toBe(await keyedHash(hashKey, `ls\n${JSON.stringify({ key: 'TM_useTheme', value: '"dark"' })}`));
  });
});
