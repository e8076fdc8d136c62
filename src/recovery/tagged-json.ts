/**
 * Tagged JSON: JSON that keeps what plain JSON loses of a TypingMind value. Pure. It is the form of the
 * repository's fixtures (test/fixtures/original-*-bucket/seed.json), so an export can be compared with them:
 * - a Date is `{"$date": "<ISO>"}`;
 * - a Blob is `{"$blob": {"type", "size", "sha256", "file"}}`, its bytes in the file named (by reference);
 * - an object that would read as one of these tags (its only key starts with `$`) is wrapped as
 *   `{"$object": …}`, so no value of the user's is ever taken for a tag;
 * - everything else is JSON as it is: falsy values (0, "", null, false) stay what they are.
 */

export interface BlobRef {
  type: string;
  size: number;
  sha256: string;
  /** Path of the bytes, relative to the export folder (`attachments/<name>`). */
  file: string;
}

function isPlainTagLike(obj: Record<string, unknown>): boolean {
  const keys = Object.keys(obj);
  return keys.length === 1 && keys[0].startsWith('$');
}

function define(out: Record<string, unknown>, k: string, v: unknown): void {
  // defineProperty, not assignment: a key named "__proto__" must stay a plain own property.
  Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
}

/** A value (Dates revived, no Blobs inside: TypingMind's Blobs are whole items) as tagged JSON. */
export function toTagged(value: unknown): unknown {
  if (value instanceof Date) return Number.isFinite(value.getTime()) ? { $date: value.toISOString() } : null;
  if (Array.isArray(value)) return value.map((v) => (v === undefined || typeof v === 'function' ? null : toTagged(v)));
  if (value === null || typeof value !== 'object') return typeof value === 'number' && !Number.isFinite(value) ? null : value;
  const obj = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(obj)) {
    const v = obj[k];
    if (v === undefined || typeof v === 'function') continue;
    define(out, k, toTagged(v));
  }
  return isPlainTagLike(out) ? { $object: out } : out;
}

/** The tag of a Blob item. */
export function blobTag(ref: BlobRef): { $blob: BlobRef } {
  return { $blob: { type: ref.type, size: ref.size, sha256: ref.sha256, file: ref.file } };
}

/**
 * Tagged JSON back to a value: Dates revived, `$object` unwrapped; a `$blob` tag is handed to `blob`
 * (default: kept as its descriptor).
 */
export function fromTagged(value: unknown, blob: (ref: BlobRef) => unknown = (ref) => ({ $blob: ref })): unknown {
  if (Array.isArray(value)) return value.map((v) => fromTagged(v, blob));
  if (value === null || typeof value !== 'object') return value;
  const obj = value as Record<string, unknown>;
  if (isPlainTagLike(obj)) {
    if (typeof obj.$date === 'string') return new Date(obj.$date);
    if (obj.$blob && typeof obj.$blob === 'object') return blob(obj.$blob as BlobRef);
    if (obj.$object && typeof obj.$object === 'object') {
      const inner = obj.$object as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(inner)) define(out, k, fromTagged(inner[k], blob));
      return out;
    }
  }
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(obj)) define(out, k, fromTagged(obj[k], blob));
  return out;
}
