/**
 * Attachments as TypingMind stores them: Blobs with a MIME type, which may be "" (TypingMind's own attachments
 * often are). Small helpers at the edge of the Blob API. A Blob's type is kept exactly as it is, both ways: the
 * sync hashes and records it as it is (item-codec.ts), so normalising it here would change the value.
 */
import { sniffMimeType, SNIFF_BYTES } from './mime-sniff';

/**
 * True for a Blob. Duck-typed as well, because a Blob read back from IndexedDB may come from another realm
 * (another frame, or a test's fake database); structured-clone values never hold functions, so a chat or a
 * setting can never look like this.
 */
export function isBlobValue(value: unknown): value is Blob {
  if (typeof Blob !== 'undefined' && value instanceof Blob) return true;
  if (!value || typeof value !== 'object') return false;
  const v = value as Partial<Blob>;
  return typeof v.size === 'number' && typeof v.type === 'string' && typeof v.slice === 'function' &&
    typeof v.arrayBuffer === 'function';
}

/**
 * An attachment to store: a Blob as it is, with its own type (the caller chose it: a download's type is the one its
 * entry names, see downloadedBlobType); bare bytes, which have no type, with the one their first bytes show.
 */
export function toStoredBlob(value: Blob | Uint8Array | ArrayBuffer): Blob {
  if (isBlobValue(value)) return value;
  const bytes = value instanceof Uint8Array ? value : new Uint8Array(value);
  return new Blob([bytes as BlobPart], { type: sniffMimeType(bytes.subarray(0, SNIFF_BYTES)) });
}
