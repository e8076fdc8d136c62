/**
 * A snapshot of this device's data, taken before Force Import overwrites it: a backup folder like any snapshot
 * (`backups/s-<name>-<stamp>/`, the same objects and metadata.json the live bucket would hold for this data),
 * so the usual Restore brings it back on every device, and the original extension can restore it too.
 * An item the cloud already holds with the same content is copied inside the bucket; anything else is
 * encrypted here and uploaded. Failures are counted like a server-side snapshot's; a connection or account
 * failure stops it.
 */
import { backupMetadataKey, backupObjectKeyFor, buildSnapshotManifest, isTombstone, objectKeyFor, serializeMetadata, snapshotFolder, type LiveEntry, type Metadata } from '../cloud';
import type { HostStore, LocalKey } from '../host/types';
import type { CloudStore } from '../providers/cloud-store';
import type { BackupDeps, RunOptions } from '../backup/backup-deps';
import { runCopies } from '../backup/copy-objects';
import { readLiveState } from '../backup/live-state';
import { failureFields, outcomeOf, validateSnapshotName, writeManifestAndIndex, type BackupOutcome } from '../backup/snapshot';
import { encodeItem, encryptEncoded, entryFor, type SyncKeys } from './item-codec';

export interface LocalSnapshotDeps {
  store: CloudStore;
  host: HostStore;
  keys: SyncKeys;
  now: () => number;
  /** Items in flight at once. */
  concurrency?: number;
  log?: BackupDeps['log'];
}

export async function snapshotLocalData(deps: LocalSnapshotDeps, name: string, options: RunOptions = {}): Promise<BackupOutcome> {
  const rawName = validateSnapshotName(name);
  const created = deps.now();
  const folder = snapshotFolder(rawName, new Date(created));
  const { store, host, keys } = deps;
  const [listing, live] = await Promise.all([host.listKeys(), readLiveState(store, { signal: options.signal, tolerateDamaged: true })]);
  const items: Metadata['items'] = {};
  const byKey = new Map<string, LocalKey>(listing.map((l) => [l.key, l]));
  const perform = async (job: { key: string }) => {
    const l = byKey.get(job.key)!;
    const item = await host.get(l.key, l.type);
    if (!item) return; // deleted meanwhile: not part of the data any more
    const e = await encodeItem(item, keys.hashKey);
    const to = backupObjectKeyFor(folder, e.key, e.type);
    const remote = Object.prototype.hasOwnProperty.call(live.metadata.items, e.key) ? live.metadata.items[e.key] : undefined;
    const same = remote && !isTombstone(remote) && remote.type === e.type && remote.tcsHash === e.hash;
    if (same) {
      await store.copy(objectKeyFor(e.key, e.type), to, { signal: options.signal });
      items[e.key] = { ...(remote as LiveEntry) };
      return;
    }
    await store.put(to, await encryptEncoded(e, keys.contentKey), { contentType: e.type === 'blob' ? 'application/octet-stream' : 'application/json', signal: options.signal });
    items[e.key] = entryFor(e, remote && !isTombstone(remote) ? (remote as LiveEntry) : undefined, created);
  };
  const run = await runCopies(store, listing.map((l) => ({ key: l.key, from: l.key, to: l.key })), {
    concurrency: Math.max(1, deps.concurrency ?? 4),
    signal: options.signal,
    perform,
    onProgress: (done, total) => options.onProgress?.({ phase: 'backup', done, total }),
  });
  await store.put(backupMetadataKey(folder), new TextEncoder().encode(serializeMetadata({ lastSync: created, items })), { contentType: 'application/json', signal: options.signal });
  const copy = { totalItems: listing.length, copied: run.copied, failed: run.failed };
  const manifest = {
    ...buildSnapshotManifest({ name: rawName, created, totalItems: copy.totalItems, copiedItems: copy.copied.length, backupFolder: folder }),
    // Ours (the original ignores it): the data came from this device, not from the live cloud objects.
    tcsSource: 'device',
    ...failureFields(copy.failed),
  };
  if (copy.failed.length) deps.log?.('warn', `Snapshot "${rawName}": ${copy.failed.length} of ${copy.totalItems} items could not be saved.`);
  const backupDeps: BackupDeps = { store, keys, now: deps.now, concurrency: 1, log: deps.log ?? (() => {}) };
  await writeManifestAndIndex(backupDeps, manifest, options);
  return outcomeOf(manifest, copy);
}
