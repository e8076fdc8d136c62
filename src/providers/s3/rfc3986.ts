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

/**
 * Whether a key written as a path would not come back as itself: a `.` or `..` segment is resolved by every
 * URL parser on the way (fetch, the SDK), so `items/x/../../metadata.json` would address `metadata.json`; an
 * empty segment (`//`, a leading or trailing `/` in the item's own key) is collapsed or refused by some servers.
 */
export function pathWouldChange(key: string): boolean {
  return key.split('/').some((s) => s === '' || s === '.' || s === '..');
}

/**
 * The object key as it goes on the wire: segment by segment where that is safe (the familiar look, and what
 * every S3-compatible accepts), otherwise the whole key as one segment, its own `/` sent as `%2F`, which S3
 * decodes back: no segment is then a dot segment, and the request addresses exactly this key.
 */
export function wireKeyPath(key: string): string {
  return pathWouldChange(key) ? rfc3986(key) : encodeKeyPath(key);
}

/** S3's limit on an object key: 1,024 bytes of UTF-8. */
export const MAX_KEY_BYTES = 1024;

/**
 * Why an object key cannot be addressed in S3 at all, in words for the user; undefined when it can. Such a
 * key is one item that cannot be synced, never a failure of the provider.
 */
export function unaddressableKey(objectKey: string): string | undefined {
  if (!wellFormed(objectKey)) return `The name of "${printable(objectKey)}" holds a broken character (a lone UTF-16 surrogate), which no S3 object name can hold: it cannot be synced.`;
  const bytes = new TextEncoder().encode(objectKey).byteLength;
  if (bytes > MAX_KEY_BYTES) return `The name of "${printable(objectKey).slice(0, 80)}…" is ${bytes} bytes long; S3 object names are limited to ${MAX_KEY_BYTES} bytes: it cannot be synced.`;
  return undefined;
}

/** No lone surrogate (what `String.prototype.isWellFormed` tells, where the browser has it). */
function wellFormed(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (!(d >= 0xdc00 && d <= 0xdfff)) return false;
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) return false;
  }
  return true;
}

function printable(s: string): string {
  return s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd').replace(/[\u0000-\u001f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
