/**
 * The attachment codec (original-format.md §1.6): the payload is the raw file bytes, no compression.
 * Reading also recovers the daily-backup quirk, where the original pushed a Uint8Array through the JSON
 * codec and stored deflate-raw('{"0":137,"1":80,…}') (or that JSON uncompressed, when it had no
 * CompressionStream).
 */
import { utf8Decode } from './bytes';
import { canDecompress, inflateRaw } from './deflate';
import { open, seal } from './envelope';

export async function encryptBytes(key: CryptoKey, bytes: Uint8Array, opts: { iv?: Uint8Array } = {}): Promise<Uint8Array> {
  return seal(key, bytes, opts.iv);
}

const OPEN_BRACE = 0x7b;

/** `{}` or `{"0":` — how JSON.stringify(Uint8Array) starts. Anything else cannot be the quirk. */
function looksLikeIndexedObject(prefix: Uint8Array): boolean {
  if (prefix.length === 0 || prefix[0] !== OPEN_BRACE) return false;
  const head = utf8Decode(prefix.subarray(0, 5));
  return head === '{}' || head.startsWith('{"0":') || '{"0":'.startsWith(head);
}

/**
 * Rebuilds bytes from `{"0":b0,…,"n-1":bn-1}`, or returns null when the text is anything else.
 * Keys must be exactly 0..n-1 and values integers 0–255; a partial match is not the quirk.
 */
export function bytesFromIndexedJson(text: string): Uint8Array | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  const keys = Object.keys(value);
  const out = new Uint8Array(keys.length);
  const record = value as Record<string, unknown>;
  for (let i = 0; i < keys.length; i++) {
    const b = record[String(i)];
    if (typeof b !== 'number' || !Number.isInteger(b) || b < 0 || b > 255) return null;
    out[i] = b;
  }
  return out;
}

export async function decryptBytes(key: CryptoKey, object: Uint8Array, objectKey: string): Promise<Uint8Array> {
  const plaintext = await open(key, object, objectKey);
  return (await recoverQuirkBytes(plaintext)) ?? plaintext;
}

/** Returns the real bytes when a decrypted attachment payload is the daily-backup quirk, else null. */
export async function recoverQuirkBytes(plaintext: Uint8Array): Promise<Uint8Array | null> {
  if (canDecompress()) {
    try {
      const inflated = await inflateRaw(plaintext, (prefix) => !looksLikeIndexedObject(prefix));
      if (inflated && looksLikeIndexedObject(inflated)) {
        const rebuilt = bytesFromIndexedJson(utf8Decode(inflated));
        if (rebuilt) return rebuilt;
      }
    } catch {
      // Not deflate: the usual case for a real file.
    }
  }
  // Uncompressed quirk. An empty object is not accepted here: a real 2-byte file "{}" must stay itself.
  if (plaintext.length > 2 && plaintext[0] === OPEN_BRACE && looksLikeIndexedObject(plaintext)) {
    const rebuilt = bytesFromIndexedJson(utf8Decode(plaintext));
    if (rebuilt && rebuilt.length > 0) return rebuilt;
  }
  return null;
}
