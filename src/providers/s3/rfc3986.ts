/**
 * RFC 3986 percent-encoding, as S3 and SigV4 expect it: `encodeURIComponent` plus `!'()*`, the characters it
 * leaves alone although they are reserved.
 */
export const rfc3986 = (s: string): string =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** An object key as a URL path: each `/`-separated segment encoded, the slashes kept. */
export function encodeKeyPath(key: string): string {
  return key.split('/').map(rfc3986).join('/');
}
