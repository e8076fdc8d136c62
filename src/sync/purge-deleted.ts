/**
 * "Permanently delete" in Recently Deleted: the deleted item's object is removed from the bucket and its
 * tombstone marked purged (cloud/tombstones.ts, purgedTombstone, says why the tombstone itself stays), so it can
 * no longer be restored from there. metadata.json is written through the one shared-document path
 * (compare-and-swap where honoured, re-read and re-applied on a lost race); the caller journals the entries
 * written (engine.adoptCommits), so a stale writer's older index cannot bring the item back into the list
 * where the store ignores preconditions. Backups that hold the item keep it: they are the user's own copies.
 */
import { entryIdentity, isPurged, METADATA_KEY, objectKeyFor, parseMetadata, purgedTombstone, serializeMetadata } from '../cloud';
import { isTombstone, type Metadata, type MetadataEntry } from '../cloud/types';
import { CloudSyncError } from '../errors';
import type { CloudStore } from '../providers/cloud-store';
import { writeShared } from '../providers/shared-document';

export interface PurgeOutcome {
  /** Keys whose object is gone and whose tombstone says so. */
  purged: string[];
  errors: { key: string; message: string }[];
  /** The entries written, each with the identity of the one it replaced (for the commit journal). */
  committed: { key: string; entry: MetadataEntry; replaced: string | null }[];
}

/** How many times the index write is tried again when another device writes it meanwhile. */
const MAX_ATTEMPTS = 4;

async function readIndex(store: CloudStore): Promise<{ meta: Metadata; etag: string | null }> {
  const res = await store.get(METADATA_KEY);
  if (res.kind !== 'found') return { meta: { lastSync: 0, items: {} }, etag: null };
  return { meta: parseMetadata(res.body), etag: res.etag };
}

export async function purgeDeleted(store: CloudStore, keys: readonly string[], now: () => number): Promise<PurgeOutcome> {
  for (let attempt = 1; ; attempt++) {
    const { meta, etag } = await readIndex(store);
    const errors: PurgeOutcome['errors'] = [];
    const targets: string[] = [];
    const committed: PurgeOutcome['committed'] = [];
    const items = { ...meta.items };
    const at = now();
    for (const key of keys) {
      const e = Object.prototype.hasOwnProperty.call(items, key) ? items[key] : undefined;
      if (!isTombstone(e)) {
        errors.push({ key, message: e ? `"${key}" is not deleted any more (it was restored or edited on a device); nothing was removed.` : `"${key}" is not among the recently deleted items.` });
        continue;
      }
      targets.push(key);
      if (isPurged(e)) continue; // purged before, its object perhaps not removed then: removed now
      const entry = purgedTombstone(e, at);
      entry.tcsPrev = entryIdentity(e);
      items[key] = entry;
      committed.push({ key, entry, replaced: entryIdentity(e) });
    }
    if (committed.length) {
      const next: Metadata = { ...meta, items };
      const written = await writeShared(store, METADATA_KEY, new TextEncoder().encode(serializeMetadata(next)), etag);
      if (written.kind === 'conflict') {
        if (attempt < MAX_ATTEMPTS) continue;
        throw new CloudSyncError('sync-conflict', 'Other devices kept changing the cloud index (metadata.json); nothing was deleted. Try again in a moment.');
      }
    }
    // The objects go once the index says so: a device that restores the item now writes a new object.
    const objectKeys = targets.map((k) => objectKeyFor(k, items[k].type));
    if (objectKeys.length) {
      try {
        await store.deleteMany(objectKeys);
      } catch (e) {
        const why = e instanceof Error ? e.message : String(e);
        return { purged: [], errors: [...errors, ...targets.map((key) => ({ key, message: `Its object could not be removed from the bucket (${why}); try again.` }))], committed };
      }
    }
    return { purged: targets, errors, committed };
  }
}
