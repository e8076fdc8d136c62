/**
 * Attachment MIME types from magic bytes (original-format.md §2.1), for Blobs stored or downloaded
 * without a useful type. Pure.
 */
export const GENERIC_MIME = 'application/octet-stream';

/** How many leading bytes `sniffMimeType` looks at; read no more than this from a Blob. */
export const SNIFF_BYTES = 12;

function startsWith(bytes: Uint8Array, prefix: readonly number[], at = 0): boolean {
  if (bytes.length < at + prefix.length) return false;
  return prefix.every((b, i) => bytes[at + i] === b);
}

const RIFF = [0x52, 0x49, 0x46, 0x46];
const WEBP = [0x57, 0x45, 0x42, 0x50];

export function sniffMimeType(bytes: Uint8Array): string {
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47])) return 'image/png';
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(bytes, [0x47, 0x49, 0x46])) return 'image/gif';
  if (startsWith(bytes, RIFF) && startsWith(bytes, WEBP, 8)) return 'image/webp';
  if (startsWith(bytes, [0x25, 0x50, 0x44, 0x46])) return 'application/pdf';
  return GENERIC_MIME;
}

/** True when a stored type says nothing, so the bytes should decide (the original's rule). */
export function needsSniffing(type: string | undefined | null): boolean {
  return !type || type === GENERIC_MIME;
}

/**
 * An attachment's type by the original's rule: its own, or the one its first bytes show when that says nothing.
 * This is what the original reads from `blobType`, so two types it maps to the same answer are one to it.
 */
export function usefulMimeType(type: string, bytes: Uint8Array): string {
  return needsSniffing(type) ? sniffMimeType(bytes.subarray(0, SNIFF_BYTES)) : type;
}
