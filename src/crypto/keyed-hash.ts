/** Keyed content hash for plaintext metadata (`tcsHash`): HMAC-SHA-256, base64url without padding. */
import { bytesToBase64Url, toArrayBufferView, utf8Encode } from './bytes';

export async function keyedHash(hashKey: CryptoKey, bytes: Uint8Array | string): Promise<string> {
  const data = typeof bytes === 'string' ? utf8Encode(bytes) : bytes;
  const mac = await globalThis.crypto.subtle.sign('HMAC', hashKey, toArrayBufferView(data));
  return bytesToBase64Url(new Uint8Array(mac));
}
