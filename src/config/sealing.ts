/**
 * Sealing of the cloud credentials with a per-device key. The device key is an AES-GCM key created
 * non-extractable in this browser: script on the page can use it but never read it, and a copy of the
 * database files on another machine is useless without the browser's own key storage.
 */

export interface SealedBlob {
  v: 1;
  iv: Uint8Array<ArrayBuffer>;
  data: Uint8Array<ArrayBuffer>;
}

/** Binds a sealed blob to its purpose, so a blob cannot be swapped for another one sealed with the same key. */
const AAD = new TextEncoder().encode('tcs-cloudsync/credentials/v1');

export function createDeviceKey(): Promise<CryptoKey> {
  return crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']) as Promise<CryptoKey>;
}

export async function seal(deviceKey: CryptoKey, value: unknown): Promise<SealedBlob> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const plain = new TextEncoder().encode(JSON.stringify(value));
  const data = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: AAD }, deviceKey, plain);
  return { v: 1, iv, data: new Uint8Array(data) };
}

/** Throws (a DOMException from WebCrypto) when the blob was not sealed with this key or was altered. */
export async function unseal<T>(deviceKey: CryptoKey, blob: SealedBlob): Promise<T> {
  const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: blob.iv, additionalData: AAD }, deviceKey, blob.data);
  return JSON.parse(new TextDecoder().decode(plain)) as T;
}

export function isSealedBlob(value: unknown): value is SealedBlob {
  const v = value as SealedBlob | null;
  return typeof v === 'object' && v !== null && v.v === 1 && v.iv instanceof Uint8Array && v.data instanceof Uint8Array;
}
