/**
 * Which item and attachment objects are garbage (docs/backups.md, "Garbage"). Pure: no I/O, no clock.
 *
 * Two things leave objects that no `metadata.json` entry names:
 * - an interrupted cycle: a sync uploads the item objects first and writes the index after them, so a crash or
 *   a failure in between leaves objects no entry names (yet);
 * - expired tombstones: a deletion keeps the object (the "Recently deleted" list restores from it), and the
 *   tombstone is pruned from the index after 30 days, leaving the object behind.
 *
 * The object key an entry names is derived from the entry (`objectKeyFor(key, type)`), for every entry, live or
 * tombstone, so a deleted item stays restorable for as long as its tombstone lasts. Object names are never
 * mapped back to item keys: an object is kept exactly when some entry derives its key. An unnamed object is only
 * garbage once it is older than `minAgeMs` (default 24 hours): a device that uploaded it commits its entry within
 * one sync cycle, so an object that young may still be on its way into the index.
 */
import { ATTACHMENTS_PREFIX, ITEMS_PREFIX, objectKeyFor, type Metadata } from '../cloud';
import type { ListEntry } from '../providers/cloud-store';

/** How old an object no entry names must be before it is deleted. */
export const GARBAGE_MIN_AGE_MS = 24 * 60 * 60 * 1000;

/** The only prefixes garbage is looked for under (never `metadata.json`, never `backups/`). */
export const GARBAGE_PREFIXES: readonly string[] = [ITEMS_PREFIX, ATTACHMENTS_PREFIX];

export interface GarbagePlanInput {
  /** The index as read now. */
  metadata: Metadata;
  /** Objects listed in the bucket; anything outside items/ and attachments/ is ignored. */
  objects: Iterable<ListEntry>;
  /** The time to measure object ages against, epoch ms (see `referenceTime`). */
  now: number;
  minAgeMs?: number;
}

export interface GarbagePlan {
  /** Object keys to delete, each once, in listing order. */
  keys: string[];
  /** Their total size in bytes, as listed. */
  bytes: number;
  /** Objects no entry names that are kept for now: younger than the minimum age, or of unknown age. */
  young: number;
}

/** Every object key the index names: one per entry, live or tombstone. */
export function namedObjectKeys(metadata: Metadata): Set<string> {
  const named = new Set<string>();
  for (const [key, entry] of Object.entries(metadata.items)) named.add(objectKeyFor(key, entry.type));
  return named;
}

function underGarbagePrefix(objectKey: string): boolean {
  return GARBAGE_PREFIXES.some((p) => objectKey.startsWith(p));
}

export function planGarbage(input: GarbagePlanInput): GarbagePlan {
  const minAgeMs = input.minAgeMs ?? GARBAGE_MIN_AGE_MS;
  const named = namedObjectKeys(input.metadata);
  // Per unnamed key: its listed size and whether every copy of it is old enough. A provider that can hold two
  // objects under one name (Drive) lists both, and one delete by key takes both: a key is garbage only whole.
  const unnamed = new Map<string, { bytes: number; old: boolean }>();
  for (const o of input.objects) {
    if (!underGarbagePrefix(o.key) || named.has(o.key)) continue;
    const old = typeof o.lastModified === 'number' && Number.isFinite(o.lastModified) && input.now - o.lastModified > minAgeMs;
    const size = Number.isFinite(o.size) && o.size > 0 ? o.size : 0;
    const seen = unnamed.get(o.key);
    if (seen) {
      seen.bytes += size;
      seen.old &&= old;
    } else {
      unnamed.set(o.key, { bytes: size, old });
    }
  }
  const plan: GarbagePlan = { keys: [], bytes: 0, young: 0 };
  for (const [key, u] of unnamed) {
    if (!u.old) {
      plan.young++;
      continue;
    }
    plan.keys.push(key);
    plan.bytes += u.bytes;
  }
  return plan;
}

/**
 * The time object ages are measured against: the device's clock, but never later than the newest time the
 * storage itself has stamped on an object (its `lastModified`, in the server's clock). A device whose clock runs
 * days ahead would otherwise see an object uploaded minutes ago as days old and delete it under a device that is
 * still committing it. A clock that runs behind only makes the collection later.
 */
export function referenceTime(deviceNow: number, serverTimes: Iterable<number | undefined>): number {
  let newest = -Infinity;
  for (const t of serverTimes) if (typeof t === 'number' && Number.isFinite(t) && t > newest) newest = t;
  return newest === -Infinity ? deviceNow : Math.min(deviceNow, newest);
}
