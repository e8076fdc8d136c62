/**
 * Value fidelity beyond the original (issue 3). The original stores `JSON.stringify(value)`, so every
 * `Date` in a chat comes back as an ISO string on the next device. We store the same JSON (the original
 * still reads it) and record where the Dates were, in the entry's `tcsDates`, so our reader restores them.
 *
 * Paths are JSON Pointers (RFC 6901: "" is the value itself, "/a/0/b", `~0` = "~", `~1` = "/"),
 * with one addition: the segment `*` means "every element of this array" and is used when every element
 * of an array has Dates at the same places — so 500 messages with a Date each cost one path, not 500.
 * An object key that is literally "*" is written `~2`.
 *
 * Everything else follows JSON exactly, because the original must read the same bytes:
 * - `undefined`, functions and symbols: dropped from objects, `null` in arrays; a top-level undefined has
 *   no JSON form (json is undefined; encryptJson refuses it with a clear error).
 * - Map, Set, Blob and other objects without own enumerable keys become `{}`; typed arrays become
 *   `{"0":b0,"1":b1,…}`. None of these is restored (TypingMind keeps plain JSON data plus Dates in its
 *   keyval store, and Blobs are whole items that go through the attachment codec instead).
 * - Invalid Dates become `null`, NaN/Infinity become `null`, as JSON.stringify does.
 * - A BigInt or a cycle cannot be stored: a clear error instead of JSON.stringify's TypeError.
 * Falsy values (0, "", null, false) are kept as they are.
 */
import { CloudSyncError } from '../errors';

export interface CloudValue {
  /** JSON-safe value: JSON.stringify(json) === JSON.stringify(original value). */
  json: unknown;
  /** Where the Dates were (see module comment); absent when there were none. */
  dates?: string[];
}

function escapeSegment(key: string): string {
  if (key === '*') return '~2';
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

function unescapeSegment(seg: string): string {
  if (seg === '~2') return '*';
  return seg.replace(/~1/g, '/').replace(/~0/g, '~');
}

interface Walked {
  json: unknown;
  /** Relative pointers ("" = this value). */
  dates: string[];
}

const OMIT = Symbol('omit');

function unstorable(what: string, path: string): CloudSyncError {
  return new CloudSyncError(
    'corrupt-object',
    `This item cannot be stored in the cloud: it contains ${what} at "${path || '/'}", which has no JSON form. ` +
      'It was left out of the sync; the local copy is unchanged.',
    { details: { path } },
  );
}

function walk(value: unknown, key: string, path: string, stack: Set<object>): Walked | typeof OMIT {
  if (value instanceof Date) {
    const t = value.getTime();
    return Number.isFinite(t) ? { json: value.toISOString(), dates: [''] } : { json: null, dates: [] };
  }
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    // Same as JSON.stringify: toJSON decides the representation (its result is not a Date we record).
    return walk((value as { toJSON: (k: string) => unknown }).toJSON(key), key, path, stack);
  }
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return { json: value, dates: [] };
    case 'number':
      return { json: Number.isFinite(value) ? value : null, dates: [] };
    case 'undefined':
    case 'function':
    case 'symbol':
      return OMIT;
    case 'bigint':
      throw unstorable('a BigInt', path);
  }
  if (value === null) return { json: null, dates: [] };
  const obj = value as object;
  if (stack.has(obj)) throw unstorable('a circular reference', path);
  stack.add(obj);
  try {
    if (Array.isArray(obj)) {
      const json: unknown[] = new Array(obj.length);
      const childDates: string[][] = new Array(obj.length);
      for (let i = 0; i < obj.length; i++) {
        const w = walk(obj[i], String(i), `${path}/${i}`, stack);
        json[i] = w === OMIT ? null : w.json;
        childDates[i] = w === OMIT ? [] : w.dates;
      }
      return { json, dates: compactArrayDates(childDates) };
    }
    const json: Record<string, unknown> = {};
    const dates: string[] = [];
    for (const k of Object.keys(obj)) {
      const w = walk((obj as Record<string, unknown>)[k], k, `${path}/${escapeSegment(k)}`, stack);
      if (w === OMIT) continue;
      // defineProperty, not assignment: a key named "__proto__" must stay a plain own property.
      Object.defineProperty(json, k, { value: w.json, enumerable: true, writable: true, configurable: true });
      const seg = '/' + escapeSegment(k);
      for (const d of w.dates) dates.push(seg + d);
    }
    return { json, dates };
  } finally {
    stack.delete(obj);
  }
}

/** One `/*` path when every element has Dates at the same places; exact index paths otherwise. */
function compactArrayDates(childDates: readonly (readonly string[])[]): string[] {
  if (childDates.length === 0) return [];
  const signature = childDates[0].join('\n');
  const uniform = childDates[0].length > 0 && childDates.every((d) => d.join('\n') === signature);
  if (uniform) return childDates[0].map((d) => '/*' + d);
  const out: string[] = [];
  childDates.forEach((d, i) => {
    for (const p of d) out.push(`/${i}${p}`);
  });
  return out;
}

export function toCloudValue(value: unknown): CloudValue {
  const w = walk(value, '', '', new Set());
  if (w === OMIT) return { json: undefined };
  return w.dates.length > 0 ? { json: w.json, dates: w.dates } : { json: w.json };
}

/**
 * The cloud form of a value as text: exactly `JSON.stringify(toCloudValue(value).json)` and its `dates`, without
 * toCloudValue's deep copy. Every item is hashed this way on every full scan, upload and download, and the copy
 * (plus a path string per node, kept only for error messages) was most of the garbage of a first sync: the
 * benchmark's peak heap came at the end of the local scan. Here JSON.stringify walks the value itself and a
 * second, allocation-free walk only looks for Dates; a path is spelled out only for an error.
 *
 * JSON.stringify and toCloudValue part ways only on values TypingMind does not store (a toJSON other than
 * Date's, boxed primitives); those take the exact path through toCloudValue. A property test holds the two equal.
 */
export function cloudText(value: unknown): { text: string | undefined; dates?: string[] } {
  const state = { exotic: false, segments: [] as (string | number)[], stack: new Set<object>() };
  const dates = findDates(value, state);
  if (state.exotic) {
    const cv = toCloudValue(value);
    const exact = cv.json === undefined ? undefined : JSON.stringify(cv.json);
    return cv.dates ? { text: exact, dates: cv.dates } : { text: exact };
  }
  const text = JSON.stringify(value) as string | undefined;
  return dates.length > 0 ? { text, dates: [...dates] } : { text };
}

const NO_DATES: readonly string[] = Object.freeze([]);
const HERE: readonly string[] = Object.freeze(['']);

function pathOf(segments: readonly (string | number)[]): string {
  return segments.map((s) => `/${typeof s === 'number' ? s : escapeSegment(s)}`).join('');
}

/** The Date pointers under `value`, as walk() finds them; sets `exotic` where JSON.stringify would differ. */
function findDates(value: unknown, st: { exotic: boolean; segments: (string | number)[]; stack: Set<object> }): readonly string[] {
  if (value instanceof Date) return Number.isFinite(value.getTime()) ? HERE : NO_DATES;
  switch (typeof value) {
    case 'bigint':
      throw unstorable('a BigInt', pathOf(st.segments));
    case 'object':
      break;
    default:
      return NO_DATES;
  }
  if (value === null) return NO_DATES;
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function' || value instanceof String || value instanceof Number || value instanceof Boolean) {
    st.exotic = true;
    return NO_DATES;
  }
  const obj = value as object;
  if (st.stack.has(obj)) throw unstorable('a circular reference', pathOf(st.segments));
  st.stack.add(obj);
  try {
    if (Array.isArray(obj)) {
      let childDates: (readonly string[])[] | undefined;
      for (let i = 0; i < obj.length; i++) {
        st.segments.push(i);
        const d = findDates(obj[i], st);
        st.segments.pop();
        if (d.length > 0 && !childDates) childDates = new Array<readonly string[]>(obj.length).fill(NO_DATES);
        if (childDates) childDates[i] = d;
      }
      return childDates ? compactArrayDates(childDates) : NO_DATES;
    }
    let dates: string[] | undefined;
    for (const k of Object.keys(obj)) {
      st.segments.push(k);
      const d = findDates((obj as Record<string, unknown>)[k], st);
      st.segments.pop();
      if (d.length === 0) continue;
      const seg = '/' + escapeSegment(k);
      dates ??= [];
      for (const p of d) dates.push(seg + p);
    }
    return dates ?? NO_DATES;
  } finally {
    st.stack.delete(obj);
  }
}

const ISO_DATE = /^[+-]?\d{4,6}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function reviveAt(node: unknown, segments: readonly string[], i: number, set: (v: unknown) => void): void {
  if (i === segments.length) {
    // Only an ISO string becomes a Date: if another writer replaced the value since, leave it alone.
    if (typeof node === 'string' && ISO_DATE.test(node)) {
      const d = new Date(node);
      if (Number.isFinite(d.getTime())) set(d);
    }
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const seg = segments[i];
  if (Array.isArray(node)) {
    if (seg === '*') {
      for (let j = 0; j < node.length; j++) reviveAt(node[j], segments, i + 1, (v) => (node[j] = v));
      return;
    }
    if (!/^\d+$/.test(seg)) return;
    const j = Number(seg);
    if (j < node.length) reviveAt(node[j], segments, i + 1, (v) => (node[j] = v));
    return;
  }
  const key = unescapeSegment(seg);
  const rec = node as Record<string, unknown>;
  if (Object.prototype.hasOwnProperty.call(rec, key)) reviveAt(rec[key], segments, i + 1, (v) => (rec[key] = v));
}

/**
 * Restores Dates at the recorded paths. `json` is changed in place (it is a freshly decoded value the
 * caller owns) and returned. Paths that no longer match (a value that is not an ISO string, a missing
 * key) are skipped, and `dates` that is not an array of strings is ignored: it comes from plaintext
 * metadata that anyone with bucket access can edit, so it may only ever turn ISO strings into Dates.
 */
export function fromCloudValue(json: unknown, dates?: unknown): unknown {
  if (!Array.isArray(dates)) return json;
  let root = json;
  for (const p of dates) {
    if (typeof p !== 'string') continue;
    if (p === '') {
      reviveAt(root, [], 0, (v) => (root = v));
      continue;
    }
    if (!p.startsWith('/')) continue;
    reviveAt(root, p.slice(1).split('/'), 0, (v) => (root = v));
  }
  return root;
}
