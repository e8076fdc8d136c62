/**
 * The Content-Type / Cache-Control the original extension writes (format reference §7), so objects we
 * write look the same to it and to anyone browsing the bucket. metadata.json must never be cached:
 * devices read it every cycle to learn what changed.
 */
export const METADATA_CACHE_CONTROL = 'no-cache, no-store, max-age=0, must-revalidate';

export interface ObjectHeaders {
  contentType: string;
  cacheControl?: string;
}

/** True for the live metadata.json at the bucket root (backup copies keep their own headers via copy). */
function isMetadataKey(key: string): boolean {
  return key === 'metadata.json';
}

/**
 * Every other object we write is overwritten in place too (items on each edit, backup manifests, the backup
 * index). A browser's HTTP cache is keyed by URL alone, so without a directive it may answer a later GET with a
 * version it saw before. `no-cache` makes it revalidate each time (a 304 when unchanged) without giving up the
 * CORS preflight cache, which a fetch cache mode such as 'no-store' would. The original ignores the header.
 */
export const OBJECT_CACHE_CONTROL = 'no-cache';

export function defaultHeadersForKey(key: string): ObjectHeaders {
  if (isMetadataKey(key)) return { contentType: 'application/json', cacheControl: METADATA_CACHE_CONTROL };
  return { contentType: 'application/octet-stream', cacheControl: OBJECT_CACHE_CONTROL };
}

/** The caller's headers win; what it leaves out comes from the key's default. */
export function headersForPut(key: string, given: { contentType?: string; cacheControl?: string }): ObjectHeaders {
  const d = defaultHeadersForKey(key);
  return { contentType: given.contentType ?? d.contentType, cacheControl: given.cacheControl ?? d.cacheControl };
}
