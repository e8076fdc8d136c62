/**
 * The fields of a live metadata entry, computed exactly as the original computes them
 * (original-format.md §3.1–3.3), so neither extension re-uploads what the other wrote.
 */
import type { ItemType } from '../host/types';
import type { LiveEntry } from './types';

export const CHAT_KEY_PREFIX = 'CHAT_';

export function isChatKey(key: string): boolean {
  return key.startsWith(CHAT_KEY_PREFIX);
}

/** The original's special chat handling applies only to CHAT_ keys stored in IndexedDB. */
export function isChatItem(key: string, type: ItemType): boolean {
  return type === 'idb' && isChatKey(key);
}

function byteLength(value: unknown): number {
  if (typeof Blob !== 'undefined' && value instanceof Blob) return value.size;
  if (value instanceof ArrayBuffer) return value.byteLength;
  if (ArrayBuffer.isView(value)) return value.byteLength;
  return 0;
}

/**
 * `size` as the original writes it: UTF-16 length of `JSON.stringify(value)` for idb, of
 * `JSON.stringify({key, value})` for ls (pass the localStorage string and its key), byte length for blobs.
 * A value with no JSON form (undefined) has size 0.
 */
export function itemSize(type: ItemType, value: unknown, key?: string): number {
  if (type === 'blob') return byteLength(value);
  const subject = type === 'ls' && typeof value === 'string' ? { key: key ?? '', value } : value;
  const text = JSON.stringify(subject) as string | undefined;
  return text === undefined ? 0 : text.length;
}

type Bag = Record<string, unknown>;

function firstTruthy(obj: Bag, names: readonly string[]): unknown {
  for (const n of names) if (obj[n]) return obj[n];
  return undefined;
}

function isObject(v: unknown): v is Bag {
  return v !== null && typeof v === 'object';
}

function messageList(chat: Bag): unknown[] | undefined {
  const candidates = [
    chat.messages,
    isObject(chat.chat) ? chat.chat.messages : undefined,
    isObject(chat.conversation) ? chat.conversation.messages : undefined,
    isObject(chat.data) ? chat.data.messages : undefined,
  ];
  for (const c of candidates) if (Array.isArray(c)) return c;
  return undefined;
}

/**
 * `updatedAt|msgCount|lastMsgId|lastMsgTs`, byte for byte as the original (§3.2). `String(x)` of a Date
 * is the local-time text the browser gives, as in the original; see fingerprintsEquivalent.
 */
export function chatFingerprint(chat: unknown): string {
  try {
    if (!isObject(chat)) return '0';
    const updatedAt = firstTruthy(chat, ['updatedAt', 'updated_at', 'lastUpdated', 'modifiedAt']) ?? '';
    const msgs = messageList(chat);
    let n: unknown;
    let lastId: unknown;
    let lastTs: unknown;
    if (msgs) {
      n = msgs.length;
      const last = msgs[msgs.length - 1];
      lastId = (isObject(last) && firstTruthy(last, ['id', 'messageId', 'uuid'])) || '';
      lastTs = (isObject(last) && firstTruthy(last, ['updatedAt', 'updated_at', 'createdAt', 'created_at', 'timestamp'])) || '';
    } else {
      n = firstTruthy(chat, ['messageCount', 'messagesCount', 'turns']) ?? 0;
      lastId = firstTruthy(chat, ['lastMessageId', 'lastMsgId', 'last_message_id']) ?? '';
      lastTs = firstTruthy(chat, ['lastMessageAt', 'lastMsgAt', 'last_message_at']) ?? '';
    }
    return `${String(updatedAt)}|${String(n)}|${String(lastId)}|${String(lastTs)}`;
  } catch {
    // A getter that throws, an object whose toString throws: the original answers "0" too.
    return '0';
  }
}

interface FingerprintParts {
  updatedAt: string;
  count: string;
  lastId: string;
  lastTs: string;
}

function splitFingerprint(fp: string): FingerprintParts | null {
  const first = fp.indexOf('|');
  const second = first < 0 ? -1 : fp.indexOf('|', first + 1);
  const last = fp.lastIndexOf('|');
  if (first < 0 || second < 0 || last <= second) return null;
  return {
    updatedAt: fp.slice(0, first),
    count: fp.slice(first + 1, second),
    lastId: fp.slice(second + 1, last),
    lastTs: fp.slice(last + 1),
  };
}

const ISO_WITH_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * Two renderings of one instant: equal text, or both parse as dates and agree to the precision the
 * coarser one carries. `String(Date)` has whole seconds; an ISO string has milliseconds.
 */
function sameInstant(a: string, b: string): boolean {
  if (a === b) return true;
  if (/^-?\d+(\.\d+)?$/.test(a) || /^-?\d+(\.\d+)?$/.test(b)) return false; // numbers are not date text
  const ta = Date.parse(a);
  const tb = Date.parse(b);
  if (!Number.isFinite(ta) || !Number.isFinite(tb)) return false;
  if (ISO_WITH_MS.test(a) && ISO_WITH_MS.test(b)) return ta === tb;
  return Math.floor(ta / 1000) === Math.floor(tb / 1000);
}

/**
 * True when two fingerprints describe the same chat state and differ at most in how a date was written
 * (ISO string after a JSON round trip vs `String(Date)` local-time text, in any time zone). The engine
 * uses it so that this difference alone is not counted as a change (original-format.md §3.2).
 */
export function fingerprintsEquivalent(a: string | undefined, b: string | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return false;
  const pa = splitFingerprint(a);
  const pb = splitFingerprint(b);
  if (!pa || !pb) return false;
  return (
    pa.count === pb.count &&
    pa.lastId === pb.lastId &&
    sameInstant(pa.updatedAt, pb.updatedAt) &&
    sameInstant(pa.lastTs, pb.lastTs)
  );
}

/** Numeric value of a version clock as the original normalises it: numbers pass, dates parse, NaN → 0. */
export function toMillis(value: unknown): number {
  let n: number;
  if (typeof value === 'number') n = value;
  else if (value instanceof Date) n = value.getTime();
  else if (typeof value === 'string') n = Date.parse(value);
  else n = NaN;
  return Number.isFinite(n) ? n : 0;
}

/** The chat's `updatedAt` (first truthy of the four names), as epoch ms; 0 when absent or unparseable. */
export function chatUpdatedAtMillis(chat: unknown): number {
  if (!isObject(chat)) return 0;
  return toMillis(firstTruthy(chat, ['updatedAt', 'updated_at', 'lastUpdated', 'modifiedAt']));
}

export interface LiveEntryInput {
  key: string;
  type: ItemType;
  /** idb: the raw value; ls: the localStorage string; blob: Blob / bytes. */
  value: unknown;
  synced: number;
  lastModified: number | string;
  /** blob only: MIME type ("" allowed, as the original). */
  blobType?: string;
  /** blob only: the Blob's own type when it is not `blobType` (ours; see LiveEntry.tcsBlobType). */
  tcsBlobType?: string;
  tcsHash?: string;
  tcsDates?: string[];
}

/**
 * A live entry with the original's fields in the original's order (`synced, type, lastModified`, then
 * `chatFingerprint` | `blobType, size` | `size`), so serialised metadata matches byte for byte. Our
 * `tcs*` fields come last; the original ignores them.
 */
export function buildLiveEntry(input: LiveEntryInput): LiveEntry {
  const entry: LiveEntry = { synced: input.synced, type: input.type, lastModified: input.lastModified };
  if (isChatItem(input.key, input.type)) {
    entry.chatFingerprint = chatFingerprint(input.value);
  } else if (input.type === 'blob') {
    entry.blobType = input.blobType ?? '';
    entry.size = itemSize('blob', input.value);
  } else {
    entry.size = itemSize(input.type, input.value, input.key);
  }
  if (input.tcsHash !== undefined) entry.tcsHash = input.tcsHash;
  if (input.type === 'blob' && input.tcsBlobType !== undefined && input.tcsBlobType !== entry.blobType) entry.tcsBlobType = input.tcsBlobType;
  if (input.tcsDates !== undefined && input.tcsDates.length > 0) entry.tcsDates = input.tcsDates;
  return entry;
}

/**
 * The entry shape of the original's first upload, Force Export and daily-backup metadata (§3.1,
 * createInitialSync): chats with a truthy `updatedAt` → `{synced, type, lastModified: raw updatedAt,
 * chatFingerprint}` (a Date is written as JSON writes it, its ISO string); blobs → `{synced, type, blobType,
 * size, lastModified: now}`; everything else → `{synced, type, size, lastModified: now}`. `blobType` is the
 * caller's (sniffed when the Blob's own type is empty, as the original does).
 */
export function buildExportEntry(input: {
  key: string;
  type: ItemType;
  value: unknown;
  now: number;
  blobType?: string;
}): LiveEntry {
  const { key, type, value, now } = input;
  const updatedAt = isChatItem(key, type) && isObject(value) ? value.updatedAt : undefined;
  if (updatedAt) {
    const raw = updatedAt instanceof Date ? (JSON.parse(JSON.stringify(updatedAt)) as string | null) ?? 0 : updatedAt;
    const lastModified = typeof raw === 'number' || typeof raw === 'string' ? raw : 0;
    return { synced: now, type, lastModified, chatFingerprint: chatFingerprint(value) };
  }
  if (type === 'blob') {
    return { synced: now, type, blobType: input.blobType ?? '', size: itemSize('blob', value), lastModified: now };
  }
  return { synced: now, type, size: itemSize(type, value, key), lastModified: now };
}
