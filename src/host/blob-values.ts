/**
 * Attachments as TypingMind stores them: Blobs with a MIME type. Small helpers at the edge of the Blob API.
 */
import { needsSniffing, sniffMimeType, SNIFF_BYTES } from './mime-sniff';

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

/** The Blob's own type, or the one its first bytes show when the stored type says nothing. */
export async function effectiveBlobType(blob: Blob): Promise<string> {
  if (!needsSniffing(blob.type)) return blob.type;
  const head = new Uint8Array(await blob.slice(0, SNIFF_BYTES).arrayBuffer());
  return sniffMimeType(head);
}

/** The same bytes with a useful MIME type. Re-wrapping a Blob does not copy its bytes. */
export async function withUsefulType(blob: Blob): Promise<Blob> {
  const type = await effectiveBlobType(blob);
  return type === blob.type ? blob : new Blob([blob], { type });
}

/** Bytes (or a Blob) from a download, as the Blob to store: its own type, else the sniffed one. */
export async function toStoredBlob(value: Blob | Uint8Array | ArrayBuffer): Promise<Blob> {
  if (isBlobValue(value)) return withUsefulType(value);
  const bytes = value instanceof Uint8Array ? value : new Uint8Array(value);
  return new Blob([bytes as BlobPart], { type: sniffMimeType(bytes.subarray(0, SNIFF_BYTES)) });
}
