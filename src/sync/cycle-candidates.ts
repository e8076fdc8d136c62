/**
 * Which keys a cycle looks at (pure). A full look (start-up, backstop scan, an empty base) takes every key
 * anyone knows: TypingMind's, the base's, the index's. Otherwise only what may have changed: the keys the
 * change feed saw, and, when the index changed, the keys whose entry differs from the base or is gone. Either
 * way, failed keys whose retry is due, and the keys the journal or the user point at.
 *
 * Each key carries the type it is read as locally, when one is known (a listing's, the base's, the entry's).
 * Keys this device excludes are never looked at: a per-device exclusion never purges the shared index (W11).
 */
import type { MetadataEntry } from '../cloud/types';
import type { ItemType, LocalKey } from '../host/types';
import type { BaseRecord, SyncState } from './base-store';
import { entrySig } from './commit-journal';
import { retryDue } from './retry';

export interface CandidateSources {
  /** A full look's local listing (typed from the base); absent when only changes are looked at. */
  listing?: readonly LocalKey[];
  /** The base records read for this cycle (all of them for a full look or a changed index). */
  baseMap: ReadonlyMap<string, BaseRecord>;
  /** The index's entries, with the journal's repairs laid over them. */
  items: Record<string, MetadataEntry>;
  /** The index changed since this device last read it. */
  changed: boolean;
  /** Keys the change feed saw change. */
  dirty: ReadonlyMap<string, { area: 'idb' | 'ls' }>;
  /** Keys that failed in earlier cycles. */
  retry: SyncState['retry'];
  /** Keys the journal and the user point at: lost entries to write again, concurrent writes, held deletions, entries to drop. */
  pointed: readonly string[];
  /** The time the failed keys' back-offs are measured against. */
  now: number;
  isExcluded(key: string): boolean;
}

/** The keys to look at, in the order they are planned, each with the local type it is read as (if known). */
export function selectCandidates(s: CandidateSources): Map<string, ItemType | undefined> {
  const { baseMap, items } = s;
  const candidates = new Map<string, ItemType | undefined>();
  const add = (k: string, t?: ItemType) => {
    if (s.isExcluded(k)) return;
    if (!candidates.has(k) || (t && !candidates.get(k))) candidates.set(k, t);
  };
  if (s.listing) {
    // The listing is typed from the base; the values are read once, later, to hash them.
    for (const l of s.listing) add(l.key, l.type);
    for (const [k, r] of baseMap) add(k, r.type);
    for (const [k, e] of Object.entries(items)) add(k, e.type);
  } else {
    // A key the feed saw change in localStorage is read from there; one it saw change in IndexedDB is read from
    // IndexedDB, typed as the base or the entry says, even where the entry says localStorage.
    for (const [k, d] of s.dirty) add(k, d.area === 'ls' ? 'ls' : baseMap.get(k)?.type ?? (items[k]?.type === 'ls' ? 'idb' : items[k]?.type) ?? 'idb');
    if (s.changed) {
      for (const [k, e] of Object.entries(items)) {
        const b = baseMap.get(k);
        if (!b || b.sig !== entrySig(e)) add(k, b?.type ?? e.type);
      }
      for (const [k, b] of baseMap) if (!(k in items)) add(k, b.type);
    }
  }
  // A failed key is tried again every cycle when the failure was transient, otherwise when its entry changed
  // or its back-off ran out; until then it is shown as failing, never forgotten (retryDue).
  for (const [k, r] of Object.entries(s.retry ?? {})) {
    if (retryDue(r, items[k], s.now)) add(k, baseMap.get(k)?.type ?? items[k]?.type);
  }
  for (const k of s.pointed) add(k, baseMap.get(k)?.type ?? items[k]?.type);
  return candidates;
}
