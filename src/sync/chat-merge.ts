/**
 * Merging a chat edited on two devices since their last common sync (pure).
 *
 * Rules (DESIGN.md, sync cycle step 4):
 * - messages are merged by id: the union of both sides, never dropping one;
 * - order is kept: the winning side's order, with the other side's extra messages inserted right after the
 *   message that precedes them on their own side;
 * - the same id with different content keeps the newer message and records the other as a conflict;
 * - the chat's own fields (title, model, folder…) come from the newer chat; `updatedAt` is the later of the two.
 *
 * "Newer" is decided by a total order that does not depend on which side is called local or remote
 * (timestamp first, then the canonical JSON text), so merge(a, b) equals merge(b, a), and merging a result
 * again with either input changes nothing.
 */

type Obj = Record<string, unknown>;

export interface MessageConflict {
  id: string;
  /** The message that lost, kept so the user can restore it. */
  discarded: unknown;
}

export interface ChatMergeResult {
  chat: Obj;
  conflicts: MessageConflict[];
}

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export function messageId(m: unknown): string | undefined {
  if (!isObj(m)) return undefined;
  for (const f of ['id', 'messageId', 'uuid']) {
    const v = m[f];
    if (typeof v === 'string' && v) return v;
    if (typeof v === 'number') return String(v);
  }
  return undefined;
}

function timeOf(v: unknown): number {
  if (v instanceof Date) return v.getTime();
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    const t = Date.parse(v);
    return Number.isNaN(t) ? 0 : t;
  }
  return 0;
}

function chatTime(c: Obj): number {
  return timeOf(c.updatedAt ?? c.updated_at ?? c.lastUpdated ?? c.modifiedAt);
}

function messageTime(m: unknown): number {
  if (!isObj(m)) return 0;
  return timeOf(m.updatedAt ?? m.updated_at ?? m.createdAt ?? m.created_at ?? m.timestamp);
}

/** JSON text with object keys sorted, so two equal values compare equal whatever their key order. */
export function canonicalJson(v: unknown): string {
  return JSON.stringify(v, (_k, val) => {
    if (isObj(val) && !(val instanceof Date)) {
      const out: Obj = {};
      for (const k of Object.keys(val).sort()) out[k] = val[k];
      return out;
    }
    return val;
  });
}

/** Total order: by time, then by canonical text. Returns > 0 when a is newer. */
function compareVersions(ta: number, tb: number, a: unknown, b: unknown): number {
  if (ta !== tb) return ta - tb;
  const ja = canonicalJson(a);
  const jb = canonicalJson(b);
  return ja < jb ? -1 : ja > jb ? 1 : 0;
}

/** True when the value has a `messages` array this module knows how to merge. */
export function isMergeableChat(v: unknown): v is Obj {
  return isObj(v) && Array.isArray(v.messages);
}

function fieldsOf(c: Obj): Obj {
  const { messages: _messages, ...rest } = c;
  return rest;
}

/** Identity of a message: its id, or for id-less messages the content itself. */
function messageKey(m: unknown): string {
  return messageId(m) ?? `json:${canonicalJson(m)}`;
}

/** Extra (non-common) messages of one side, grouped by the common message that precedes them. */
function extrasByAnchor(msgs: unknown[], common: Set<string>): Map<string, unknown[]> {
  const START = '';
  const out = new Map<string, unknown[]>();
  let anchor = START;
  const seen = new Set<string>();
  for (const m of msgs) {
    const k = messageKey(m);
    if (common.has(k)) {
      anchor = k;
      continue;
    }
    if (seen.has(k)) continue; // a duplicate id on one side: keep the first
    seen.add(k);
    const list = out.get(anchor) ?? [];
    list.push(m);
    out.set(anchor, list);
  }
  return out;
}

/** The merge step of a merge sort: both sides keep their own order; between them, older first. */
function interleave(a: unknown[], b: unknown[]): unknown[] {
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (compareVersions(messageTime(a[i]), messageTime(b[j]), a[i], b[j]) <= 0) out.push(a[i++]);
    else out.push(b[j++]);
  }
  return out.concat(a.slice(i), b.slice(j));
}

export function mergeChats(a: Obj, b: Obj): ChatMergeResult {
  const aNewer = compareVersions(chatTime(a), chatTime(b), fieldsOf(a), fieldsOf(b)) >= 0;
  const winner = aNewer ? a : b;
  const aMsgs = (a.messages as unknown[]) ?? [];
  const bMsgs = (b.messages as unknown[]) ?? [];

  const bByKey = new Map<string, unknown>();
  for (const m of bMsgs) if (!bByKey.has(messageKey(m))) bByKey.set(messageKey(m), m);
  const aByKey = new Map<string, unknown>();
  for (const m of aMsgs) if (!aByKey.has(messageKey(m))) aByKey.set(messageKey(m), m);
  const common = new Set([...aByKey.keys()].filter((k) => bByKey.has(k)));

  // Messages both sides have, in the newer chat's order; each resolved to its newer version.
  const conflicts: MessageConflict[] = [];
  const commonOrder: string[] = [];
  for (const m of (winner.messages as unknown[]) ?? []) {
    const k = messageKey(m);
    if (common.has(k) && !commonOrder.includes(k)) commonOrder.push(k);
  }
  const resolve = (k: string): unknown => {
    const x = aByKey.get(k);
    const y = bByKey.get(k);
    if (canonicalJson(x) === canonicalJson(y)) return x;
    const xNewer = compareVersions(messageTime(x), messageTime(y), x, y) > 0;
    conflicts.push({ id: k, discarded: xNewer ? y : x });
    return xNewer ? x : y;
  };

  // Between two common messages, the extras of both sides, interleaved by time.
  const extrasA = extrasByAnchor(aMsgs, common);
  const extrasB = extrasByAnchor(bMsgs, common);
  const merged: unknown[] = interleave(extrasA.get('') ?? [], extrasB.get('') ?? []);
  for (const k of commonOrder) {
    merged.push(resolve(k));
    merged.push(...interleave(extrasA.get(k) ?? [], extrasB.get(k) ?? []));
  }

  // The winner's own fields, updatedAt included, are already the later ones: it was chosen by time first.
  return { chat: { ...winner, messages: merged }, conflicts };
}
