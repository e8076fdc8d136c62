/**
 * The `multipart/related` body of Drive's multipart upload: a JSON metadata part, then the
 * media part. Pure. The boundary is passed in (tests and determinism); it must not occur in the
 * body, which the caller guarantees by choosing a random one and checking.
 */
const encoder = new TextEncoder();

export function buildMultipartRelated(
  metadata: object,
  media: Uint8Array,
  mediaType: string,
  boundary: string,
): { body: Uint8Array; contentType: string } {
  const head = encoder.encode(
    `--${boundary}\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n${JSON.stringify(metadata)}\r\n` +
      `--${boundary}\r\nContent-Type: ${mediaType}\r\n\r\n`,
  );
  const tail = encoder.encode(`\r\n--${boundary}--\r\n`);
  const body = new Uint8Array(head.length + media.length + tail.length);
  body.set(head, 0);
  body.set(media, head.length);
  body.set(tail, head.length + media.length);
  return { body, contentType: `multipart/related; boundary=${boundary}` };
}

/** True when `needle` occurs in `hay` (bytes). Used to reject a boundary that collides with the body. */
export function containsBytes(hay: Uint8Array, needle: Uint8Array): boolean {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

export function randomBoundary(random: () => number): string {
  let s = 'tcs_';
  for (let i = 0; i < 24; i++) s += Math.floor(random() * 36).toString(36);
  return s;
}
