/** Size of the user-facing bundle, raw and gzip (level 9, as a server compressing static files would). */
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

export function bundleSize(file: string): { rawBytes: number; gzipBytes: number } {
  const raw = readFileSync(file);
  return { rawBytes: raw.length, gzipBytes: gzipSync(raw, { level: 9 }).length };
}
