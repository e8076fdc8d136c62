/**
 * CopyObject's `CopySource` header is "<bucket>/<key>", URL-encoded. The original sent it raw, so copies
 * of keys with `%`, `+`, `#`, `?`, spaces or unicode failed (behaviour reference §15). Each path segment is
 * encoded and the slashes kept, which every S3-compatible accepts.
 */
export function encodeCopySource(bucket: string, key: string): string {
  return [bucket, ...key.split('/')].map(encodeRfc3986).join('/');
}

function encodeRfc3986(segment: string): string {
  return encodeURIComponent(segment).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
