/**
 * How a large body is cut into multipart-upload parts. S3 wants every part but the last to be at least
 * 5 MiB and at most 10,000 parts, so the part size grows for very large bodies.
 */
export interface PartRange {
  partNumber: number;
  start: number;
  end: number;
}

export const MIN_PART_SIZE = 5 * 1024 * 1024;
export const MAX_PARTS = 10_000;

export function planParts(totalBytes: number, preferredPartSize: number): PartRange[] {
  let size = Math.max(MIN_PART_SIZE, Math.floor(preferredPartSize));
  if (Math.ceil(totalBytes / size) > MAX_PARTS) size = Math.ceil(totalBytes / MAX_PARTS);
  const parts: PartRange[] = [];
  for (let start = 0, n = 1; start < totalBytes || n === 1; start += size, n++) {
    parts.push({ partNumber: n, start, end: Math.min(totalBytes, start + size) });
    if (totalBytes === 0) break;
  }
  return parts;
}
