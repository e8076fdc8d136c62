/**
 * Tombstones (original-format.md §4): a deleted item's metadata entry is replaced by
 * `{deleted, type, tombstoneVersion, synced}` (optionally `deletedAt`), and dropped after 30 days.
 */
import type { ItemType } from '../host/types';
import { isTombstone, type Metadata, type MetadataEntry, type TombstoneEntry } from './types';

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

export function makeTombstone(input: TombstoneInput): TombstoneEntry {
  const t: TombstoneEntry = input.withDeletedAt
    ? { deleted: input.deleted, deletedAt: input.deleted, type: input.type, tombstoneVersion: 0, synced: input.synced }
    : { deleted: input.deleted, type: input.type, tombstoneVersion: 0, synced: input.synced };
  t.tombstoneVersion = nextTombstoneVersion(input.previous);
  return t;
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
