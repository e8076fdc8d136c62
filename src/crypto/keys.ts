/**
 * Key derivation (original-format.md §1.1) and our keyed-hash key.
 *
 * The content key must stay the original's weak SHA-256(password) so both extensions read each other's
 * objects. The hash key is ours: it keys the `tcsHash` content hashes that sit in PLAINTEXT metadata, so it
 * must not let anyone who reads the bucket confirm a guess of the content, and it must not reveal the AES
 * key. PBKDF2 with a fixed, public salt makes it deterministic from the password alone (every device
 * derives the same key with no coordination) and independent of the AES key (different function, salt).
 */
import { toArrayBufferView, utf8Encode } from './bytes';

/** Fixed, documented salt for the content-hash key (docs/format.md). Changing it invalidates every tcsHash. */
export const HASH_KEY_SALT = 'typingmind-cloudsync/content-hash/v1';
/** PBKDF2-SHA-256 iterations for the hash key: derived once per password per session, so it can be slow. */
export const HASH_KEY_ITERATIONS = 210_000;

function subtle(): SubtleCrypto {
  return globalThis.crypto.subtle;
}

/** The raw 32 key bytes SHA-256(UTF-8(password)); exported for tests and the legacy tools only. */
export async function contentKeyBytes(password: string): Promise<Uint8Array> {
  return new Uint8Array(await subtle().digest('SHA-256', toArrayBufferView(utf8Encode(password))));
}

/** AES-256-GCM key = SHA-256(UTF-8(password)), non-extractable (original-format.md §1.1). */
export async function importContentKey(password: string): Promise<CryptoKey> {
  const raw = await contentKeyBytes(password);
  try {
    return await subtle().importKey('raw', toArrayBufferView(raw), { name: 'AES-GCM' }, false, ['encrypt', 'decrypt']);
  } finally {
    raw.fill(0);
  }
}

/** Non-extractable HMAC-SHA-256 key for keyed content hashes, deterministic from the password alone. */
export async function deriveHashKey(password: string): Promise<CryptoKey> {
  const base = await subtle().importKey('raw', toArrayBufferView(utf8Encode(password)), 'PBKDF2', false, ['deriveKey']);
  return subtle().deriveKey(
    { name: 'PBKDF2', hash: 'SHA-256', salt: toArrayBufferView(utf8Encode(HASH_KEY_SALT)), iterations: HASH_KEY_ITERATIONS },
    base,
    { name: 'HMAC', hash: 'SHA-256', length: 256 },
    false,
    ['sign', 'verify'],
  );
}
