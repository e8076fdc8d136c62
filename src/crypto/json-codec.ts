/**
 * The JSON item codec (original-format.md §1.4–1.5):
 * write  JSON text → UTF-8 → deflate-raw (when available) → envelope;
 * read   envelope → try JSON.parse(inflate-raw(P)), else JSON.parse(P).
 */
import { CloudSyncError } from '../errors';
import { utf8Decode, utf8Encode } from './bytes';
import { canCompress, canDecompress, deflateRaw, inflateRaw } from './deflate';
import { corruptObject, open, seal } from './envelope';

export interface EncryptJsonOptions {
  /** Default true (when the platform can). false writes the uncompressed variant, as the original without CompressionStream. */
  compress?: boolean;
  /** Fixed IV, for test vectors only. Never reuse an IV in real use. */
  iv?: Uint8Array;
}

export async function encryptJsonText(key: CryptoKey, jsonText: string, opts: EncryptJsonOptions = {}): Promise<Uint8Array> {
  const utf8 = utf8Encode(jsonText);
  const compress = opts.compress !== false && canCompress();
  return seal(key, compress ? await deflateRaw(utf8) : utf8, opts.iv);
}

export async function encryptJson(key: CryptoKey, value: unknown, opts: EncryptJsonOptions = {}): Promise<Uint8Array> {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (cause) {
    // BigInt, a cycle, a throwing toJSON: say so instead of leaking a TypeError.
    throw new CloudSyncError(
      'corrupt-object',
      'This value cannot be stored in the cloud: it cannot be written as JSON (it holds a BigInt, a circular ' +
        'reference, or a value that refuses to be converted). It was left out; the local copy is unchanged.',
      { cause },
    );
  }
  if (text === undefined) {
    // JSON.stringify(undefined / a function) gives no text; the original would then fail to encode.
    throw new CloudSyncError('corrupt-object', 'This value cannot be stored in the cloud: it has no JSON form (undefined or a function).', {
      details: { valueType: typeof value },
    });
  }
  return encryptJsonText(key, text, opts);
}

function tryParse(text: string): { ok: true; value: unknown } | { ok: false; error: unknown } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, error };
  }
}

/** A decoded JSON payload with the UTF-8 text it was parsed from (as bytes and as a string). */
export interface DecodedJson {
  value: unknown;
  text: string;
  bytes: Uint8Array;
}

/** Decrypts a JSON payload that is already out of the envelope. Shared with the attachment quirk reader. */
export async function decodeJsonPayload(plaintext: Uint8Array, objectKey: string): Promise<unknown> {
  return (await decodeJsonPayloadText(plaintext, objectKey)).value;
}

async function decodeJsonPayloadText(plaintext: Uint8Array, objectKey: string): Promise<DecodedJson> {
  if (canDecompress()) {
    try {
      const inflated = await inflateRaw(plaintext);
      if (inflated) {
        const text = utf8Decode(inflated);
        const parsed = tryParse(text);
        if (parsed.ok) return { value: parsed.value, text, bytes: inflated };
      }
    } catch {
      // Not a deflate stream: the writer had no CompressionStream; try plain JSON below (§1.5).
    }
  }
  const text = utf8Decode(plaintext);
  const parsed = tryParse(text);
  if (parsed.ok) return { value: parsed.value, text, bytes: plaintext };
  throw corruptObject(objectKey, 'the decrypted content is neither compressed JSON nor JSON', parsed.error);
}

export async function decryptJson(key: CryptoKey, object: Uint8Array, objectKey: string): Promise<unknown> {
  return decodeJsonPayload(await open(key, object, objectKey), objectKey);
}

/** decryptJson, also giving the JSON text (string and UTF-8 bytes) the value was parsed from. */
export async function decryptJsonText(key: CryptoKey, object: Uint8Array, objectKey: string): Promise<DecodedJson> {
  return decodeJsonPayloadText(await open(key, object, objectKey), objectKey);
}
