/**
 * Who wrote what over what, in metadata.json: an entry's signature (what the base remembers of it) and its
 * identity (signature and write time). Every entry this build writes names the identity of the entry it
 * replaced in `tcsPrev` (an extra field, which the original ignores), so a reader can tell a writer that saw
 * an entry from one that did not (sync/commit-journal.ts). Pure.
 */
import { isTombstone, type MetadataEntry } from './types';

/** `tcsPrev` of an entry written where the key had none: it names its (absent) predecessor all the same. */
export const NO_PREDECESSOR = 'none';

/**
 * The signature the base remembers of an entry (what tells "changed remotely" from "same"). Lives here with
 * the identity built from it, so the two cannot drift apart.
 */
export function entrySig(entry: MetadataEntry): string {
  if (isTombstone(entry)) return `t:${entry.deleted}:${entry.tombstoneVersion ?? 1}`;
  if (typeof entry.tcsHash === 'string') return `h:${entry.type}:${entry.tcsHash}`;
  return `o:${JSON.stringify([entry.type, entry.synced, entry.lastModified, entry.size ?? null, entry.chatFingerprint ?? null, entry.blobType ?? null])}`;
}

/** A short, stable identity of one written entry: its signature and when it was written. */
export function entryIdentity(entry: MetadataEntry): string {
  return fnv1a64(`${entrySig(entry)}|${entry.synced}`);
}

/** 64-bit FNV-1a of a string's UTF-16 code units, as 16 hex digits (pure JS: no await in the planner's path). */
function fnv1a64(s: string): string {
  let h1 = 0x811c9dc5 >>> 0;
  let h2 = 0xcbf29ce4 >>> 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ (c + 0x9e37), 0x01000193) >>> 0;
  }
  return h1.toString(16).padStart(8, '0') + h2.toString(16).padStart(8, '0');
}
