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

/**
 * One entry, normalised just enough that the engine can trust the field types; unknown fields are kept.
 * - `type` missing or unknown → "idb": the original sends anything that is not "blob" through items/…json.
 * - `synced`, `size`, `deleted`, `tombstoneVersion` that are not finite numbers → 0 / absent / 1.
 * - `lastModified` that is neither number nor string → 0.
 */
function normaliseEntry(raw: Record<string, unknown>): MetadataEntry {
  const entry: Record<string, unknown> = { ...raw };
  entry.type = typeof raw.type === 'string' && TYPES.has(raw.type) ? (raw.type as ItemType) : 'idb';
  entry.synced = finiteOr(raw.synced, 0);
  if ('deleted' in raw) {
    const deleted = finiteOr(raw.deleted, 0);
    if (deleted > 0) {
      entry.deleted = deleted;
      const v = finiteOr(raw.tombstoneVersion, 1);
      entry.tombstoneVersion = v >= 1 ? v : 1;
      if ('deletedAt' in raw && finiteOr(raw.deletedAt, 0) === 0) delete entry.deletedAt;
      return entry as MetadataEntry;
    }
    // `deleted: 0/false/garbage`: not a tombstone (an undone deletion leaves such entries).
  }
  if (!(typeof raw.lastModified === 'number' && Number.isFinite(raw.lastModified)) && typeof raw.lastModified !== 'string') {
    entry.lastModified = 0;
  }
  if ('size' in raw && !(typeof raw.size === 'number' && Number.isFinite(raw.size))) delete entry.size;
  if ('chatFingerprint' in raw && typeof raw.chatFingerprint !== 'string') delete entry.chatFingerprint;
  if ('blobType' in raw && typeof raw.blobType !== 'string') delete entry.blobType;
  if ('tcsHash' in raw && typeof raw.tcsHash !== 'string') delete entry.tcsHash;
  if ('tcsDates' in raw && !(Array.isArray(raw.tcsDates) && raw.tcsDates.every((p) => typeof p === 'string'))) {
    delete entry.tcsDates;
  }
  return entry as MetadataEntry;
}

/** Builds metadata from an already parsed JSON value (any shape). */
export function metadataFromJson(value: unknown): Metadata {
  if (!isPlainObject(value)) return emptyMetadata();
  const items: Record<string, MetadataEntry> = {};
  const rawItems = value.items;
  if (isPlainObject(rawItems)) {
    for (const key of Object.keys(rawItems)) {
      const raw = rawItems[key];
      if (!isPlainObject(raw)) continue;
      // defineProperty: an item key "__proto__" must be an ordinary key, not the object's prototype.
      Object.defineProperty(items, key, { value: normaliseEntry(raw), enumerable: true, writable: true, configurable: true });
    }
  }
  return { lastSync: finiteOr(value.lastSync, 0), items };
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
  return metadataFromJson(value);
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
