/**
 * The encrypted object envelope shared by every codec (original-format.md §1.2–1.3):
 * IV (12 random bytes) ‖ AES-256-GCM ciphertext ‖ tag (16 bytes), raw binary, no AAD, no magic.
 */
import { CloudSyncError } from '../errors';
import { toArrayBufferView } from './bytes';

export const IV_LENGTH = 12;
export const TAG_LENGTH = 16;
export const MIN_OBJECT_LENGTH = IV_LENGTH + TAG_LENGTH;

export async function seal(key: CryptoKey, plaintext: Uint8Array, iv?: Uint8Array): Promise<Uint8Array> {
  if (iv !== undefined && iv.length !== IV_LENGTH) {
    throw new RangeError(`The IV must be ${IV_LENGTH} bytes, got ${iv.length}`);
  }
  const nonce = iv ?? globalThis.crypto.getRandomValues(new Uint8Array(IV_LENGTH));
  const ct = new Uint8Array(
    await globalThis.crypto.subtle.encrypt({ name: 'AES-GCM', iv: toArrayBufferView(nonce) }, key, toArrayBufferView(plaintext)),
  );
  const out = new Uint8Array(IV_LENGTH + ct.length);
  out.set(nonce, 0);
  out.set(ct, IV_LENGTH);
  return out;
}

export function corruptObject(objectKey: string, reason: string, cause?: unknown): CloudSyncError {
  return new CloudSyncError(
    'corrupt-object',
    `The cloud object "${objectKey}" is damaged or is not in a format this extension knows (${reason}). ` +
      'It was skipped and nothing local was changed. Restoring it from a backup, or syncing it again from a ' +
      'device that still has the data, replaces it.',
    { cause, details: { objectKey, reason } },
  );
}

/** Opens an envelope; a failed tag check is a wrong password (or a damaged object: GCM cannot tell). */
export async function open(key: CryptoKey, object: Uint8Array, objectKey: string): Promise<Uint8Array> {
  if (!(object instanceof Uint8Array) || object.length < MIN_OBJECT_LENGTH) {
    const length = object instanceof Uint8Array ? object.length : 0;
    throw corruptObject(objectKey, `${length} bytes, shorter than the ${MIN_OBJECT_LENGTH}-byte minimum`);
  }
  try {
    const pt = await globalThis.crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: toArrayBufferView(object.slice(0, IV_LENGTH)) },
      key,
      toArrayBufferView(object.slice(IV_LENGTH)),
    );
    return new Uint8Array(pt);
  } catch (cause) {
    throw new CloudSyncError(
      'wrong-password',
      `The cloud object "${objectKey}" could not be decrypted with this encryption password. Either the ` +
        'password is not the one this bucket was encrypted with, or the object was damaged. Check the ' +
        'encryption key in the settings (it must match the one used on your other devices). Nothing was changed.',
      { cause, details: { objectKey } },
    );
  }
}
