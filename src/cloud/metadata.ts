/**
 * Reading and writing `metadata.json` (original-format.md §3). Reading is tolerant of every variant the
 * original ever wrote (V3, V4.0, V4.2; a V2 file reads as empty); writing is the original's compact
 * `JSON.stringify({lastSync, items})`.
 */
import { CloudSyncError } from '../errors';
import type { ItemType } from '../host/types';
import type { Metadata, MetadataEntry } from './types';

export function emptyMetadata(): Metadata {
  return { lastSync: 0, items: {} };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function finiteOr(v: unknown, fallback: number): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
}

const TYPES: ReadonlySet<string> = new Set(['idb', 'ls', 'blob']);

const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/**
 * One entry, normalised just enough that the engine can trust the field types; unknown fields are kept.
 * - `type` missing or unknown → "idb": the original sends anything that is not "blob" through items/…json.
 * - `synced`, `deleted`, `tombstoneVersion` that are not finite numbers → 0 / not a tombstone / 1.
 * - `lastModified` that is neither number nor string → 0; malformed optional fields are dropped.
 * Changes `entry` in place (callers pass an object they own) and writes only what is wrong, because
 * metadata with thousands of entries is read on every cycle that changes something.
 */
function normaliseEntryInPlace(entry: Record<string, unknown>): MetadataEntry {
  if (!(typeof entry.type === 'string' && TYPES.has(entry.type))) entry.type = 'idb';
  if (!isFiniteNumber(entry.synced)) entry.synced = 0;
  if ('deleted' in entry && isFiniteNumber(entry.deleted) && entry.deleted > 0) {
    if (!(isFiniteNumber(entry.tombstoneVersion) && entry.tombstoneVersion >= 1)) entry.tombstoneVersion = 1;
    if ('deletedAt' in entry && !isFiniteNumber(entry.deletedAt)) delete entry.deletedAt;
    return entry as MetadataEntry;
  }
  // `deleted: 0/false/garbage` is not a tombstone (an undone deletion leaves such entries); kept as data.
  if (!isFiniteNumber(entry.lastModified) && typeof entry.lastModified !== 'string') entry.lastModified = 0;
  if ('size' in entry && !isFiniteNumber(entry.size)) delete entry.size;
  if ('chatFingerprint' in entry && typeof entry.chatFingerprint !== 'string') delete entry.chatFingerprint;
  if ('blobType' in entry && typeof entry.blobType !== 'string') delete entry.blobType;
  if ('tcsBlobType' in entry && typeof entry.tcsBlobType !== 'string') delete entry.tcsBlobType;
  if ('tcsHash' in entry && typeof entry.tcsHash !== 'string') delete entry.tcsHash;
  if ('tcsDates' in entry && !(Array.isArray(entry.tcsDates) && entry.tcsDates.every((p) => typeof p === 'string'))) {
    delete entry.tcsDates;
  }
  return entry as MetadataEntry;
}

function buildMetadata(value: unknown, owned: boolean): Metadata {
  if (!isPlainObject(value)) return emptyMetadata();
  const items: Record<string, MetadataEntry> = {};
  const rawItems = value.items;
  if (isPlainObject(rawItems)) {
    for (const key of Object.keys(rawItems)) {
      const raw = rawItems[key];
      if (!isPlainObject(raw)) continue;
      // Spread, not Object.assign: an own "__proto__" field must be copied as data.
      const entry = normaliseEntryInPlace(owned ? raw : { ...raw });
      if (key === '__proto__') {
        // Assignment would set the prototype; keep it an ordinary key.
        Object.defineProperty(items, key, { value: entry, enumerable: true, writable: true, configurable: true });
      } else {
        items[key] = entry;
      }
    }
  }
  return { lastSync: finiteOr(value.lastSync, 0), items };
}

/** Builds metadata from an already parsed JSON value (any shape). The input is not changed. */
export function metadataFromJson(value: unknown): Metadata {
  return buildMetadata(value, false);
}

/**
 * Parses `metadata.json` bytes or text. Non-object JSON, or JSON without `items` (a V2 bucket), reads as
 * empty, as in the original; text that is not JSON at all is a `bad-metadata` error, because treating it
 * as empty would make the engine think every item was deleted remotely.
 * A missing file is `emptyMetadata()` (the caller knows it is missing; nothing to parse).
 */
export function parseMetadata(input: Uint8Array | string): Metadata {
  const text = typeof input === 'string' ? input : new TextDecoder().decode(input);
  let value: unknown;
  try {
    value = JSON.parse(text.trim());
  } catch (cause) {
    throw new CloudSyncError(
      'bad-metadata',
      'The cloud index file "metadata.json" is damaged: it is not valid JSON. Sync stopped so that nothing is ' +
        'deleted or overwritten by mistake. Restore a backup from the Backups section, or delete metadata.json ' +
        'in the bucket to rebuild it from this device.',
      { cause, details: { objectKey: 'metadata.json', length: text.length } },
    );
  }
  return buildMetadata(value, true);
}

/** Compact JSON with `{lastSync, items}` in that order, as the original writes it. */
export function serializeMetadata(m: Metadata): string {
  return JSON.stringify({ lastSync: m.lastSync, items: m.items });
}

/** Keys of live (non-tombstone) entries. */
export function liveKeys(m: Metadata): string[] {
  return Object.keys(m.items).filter((k) => {
    const e = m.items[k] as { deleted?: unknown };
    return !(typeof e.deleted === 'number' && e.deleted > 0);
  });
}
