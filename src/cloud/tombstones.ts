/**
 * Tombstones (original-format.md §4): a deleted item's metadata entry is replaced by
 * `{deleted, type, tombstoneVersion, synced}` (optionally `deletedAt`), and dropped after 30 days.
 */
import type { ItemType } from '../host/types';
import { isTombstone, type LiveEntry, type Metadata, type MetadataEntry, type TombstoneEntry } from './types';

/** 30 days, the original's retention for tombstones. */
export const TOMBSTONE_TTL_MS = 30 * 24 * 60 * 60 * 1000;

/** The previous tombstoneVersion + 1 (a live entry or none counts as 0). */
export function nextTombstoneVersion(previous: MetadataEntry | undefined): number {
  const v = previous && typeof previous.tombstoneVersion === 'number' ? previous.tombstoneVersion : 0;
  return Math.max(0, Math.floor(v)) + 1;
}

export interface TombstoneInput {
  type: ItemType;
  /** Epoch ms of the deletion. */
  deleted: number;
  /** Epoch ms when the entry is written. */
  synced: number;
  /** The entry it replaces, for the version. */
  previous?: MetadataEntry;
  /** Also write `deletedAt` (= deleted), as some of the original's paths do; harmless to readers. */
  withDeletedAt?: boolean;
}

/**
 * The fields a reader needs to read a deleted item's object back exactly (Dates, an attachment's own type).
 * The object stays in the bucket after a deletion (Recently Deleted restores from it); without these, a
 * restored chat would come back with ISO strings where it had Dates. Extra fields: the original ignores them.
 */
const READ_BACK_FIELDS = ['tcsDates', 'blobType', 'tcsBlobType'] as const;

export function makeTombstone(input: TombstoneInput): TombstoneEntry {
  const t: TombstoneEntry = input.withDeletedAt
    ? { deleted: input.deleted, deletedAt: input.deleted, type: input.type, tombstoneVersion: 0, synced: input.synced }
    : { deleted: input.deleted, type: input.type, tombstoneVersion: 0, synced: input.synced };
  t.tombstoneVersion = nextTombstoneVersion(input.previous);
  for (const f of READ_BACK_FIELDS) if (input.previous && input.previous[f] !== undefined) t[f] = input.previous[f];
  return t;
}

/**
 * How to read a tombstone's object back: its type, and the Date paths and attachment type its live entry had
 * (when it was written by this build; malformed fields are left out). Pure.
 */
export function readBackEntry(t: TombstoneEntry): LiveEntry {
  const e: LiveEntry = { type: t.type, synced: 0, lastModified: 0 };
  if (Array.isArray(t.tcsDates) && t.tcsDates.every((p) => typeof p === 'string')) e.tcsDates = t.tcsDates as string[];
  if (typeof t.blobType === 'string') e.blobType = t.blobType;
  if (typeof t.tcsBlobType === 'string') e.tcsBlobType = t.tcsBlobType;
  return e;
}

/** The original's rule: removed once `now - deleted > 30 days`. */
export function isTombstoneExpired(entry: TombstoneEntry, now: number, ttlMs: number = TOMBSTONE_TTL_MS): boolean {
  return now - entry.deleted > ttlMs;
}

export function expiredTombstoneKeys(metadata: Metadata, now: number, ttlMs: number = TOMBSTONE_TTL_MS): string[] {
  const out: string[] = [];
  for (const [key, entry] of Object.entries(metadata.items)) {
    if (isTombstone(entry) && isTombstoneExpired(entry, now, ttlMs)) out.push(key);
  }
  return out;
}

/** A copy of the metadata without expired tombstones; the input is not changed. */
export function pruneExpiredTombstones(metadata: Metadata, now: number, ttlMs: number = TOMBSTONE_TTL_MS): Metadata {
  const expired = new Set(expiredTombstoneKeys(metadata, now, ttlMs));
  const items: Record<string, MetadataEntry> = {};
  for (const [key, entry] of Object.entries(metadata.items)) {
    if (!expired.has(key)) Object.defineProperty(items, key, { value: entry, enumerable: true, writable: true, configurable: true });
  }
  return { ...metadata, items };
}

/**
 * A tombstone whose object was removed for good ("permanently delete" in Recently Deleted): it can no longer
 * be restored, and is not listed. The tombstone itself stays until it expires, like any other: removed early,
 * a device that still holds the item and has not synced since the deletion would see the entry vanish and
 * upload the item again. Marked with an extra field (the original ignores it), written with a fresh `synced`
 * so that the commit journal tells it from the tombstone it replaces; its signature (deleted, version) is the
 * same, so no device sees a change to apply. Pure.
 */
export function purgedTombstone(t: TombstoneEntry, now: number): TombstoneEntry {
  const out: TombstoneEntry = { ...t, synced: now, tcsPurged: true };
  for (const f of READ_BACK_FIELDS) delete out[f];
  return out;
}

export function isPurged(entry: MetadataEntry | undefined): boolean {
  return isTombstone(entry) && entry.tcsPurged === true;
}
