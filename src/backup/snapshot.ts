/**
 * Named snapshots (original-format.md §5.1): server-side copies of the live objects, attachments included,
 * into `backups/s-<sanitized>-<UTC stamp>/`, then the manifest and the index entry, as the original writes them.
 */
import type { BackupInfo } from '../api';
import { backupManifestKey, buildSnapshotManifest, serializeManifest, snapshotFolder, upsertManifestIndex, type BackupManifest } from '../cloud';
import { CloudSyncError } from '../errors';
import { backupInfoFromManifest } from './backup-info';
import type { BackupDeps, RunOptions } from './backup-deps';
import type { CopyFailure } from './copy-objects';
import { deleteFolder } from './folder-store';
import { copyLiveStateInto, readLiveState, type FolderCopy, type LiveState } from './live-state';
import { updateManifestIndex } from './manifest-index-store';

/** A backup just written: what the list shows, plus what went wrong while copying. */
export interface BackupOutcome extends BackupInfo {
  copiedItems: number;
  /** Objects that could not be copied; the backup is incomplete when this is not empty. */
  failed: CopyFailure[];
}

/** How many failed keys a manifest names (the rest are counted). */
const MAX_NAMED_FAILURES = 50;

/** Extra manifest fields (the original ignores them) that say a backup is incomplete, and what is missing. */
export function failureFields(failed: readonly CopyFailure[]): Record<string, unknown> {
  if (failed.length === 0) return {};
  return { tcsIncomplete: true, tcsFailedKeys: failed.slice(0, MAX_NAMED_FAILURES).map((f) => f.key) };
}

export function outcomeOf(manifest: BackupManifest, copy: FolderCopy): BackupOutcome {
  return { ...backupInfoFromManifest(manifest), copiedItems: copy.copied.length, failed: copy.failed };
}

export function validateSnapshotName(name: unknown): string {
  const trimmed = typeof name === 'string' ? name.trim() : '';
  if (trimmed === '') {
    throw new CloudSyncError('invalid-settings', 'Type a name for the snapshot (for example "before-cleanup"), then try again. Nothing was saved.');
  }
  return trimmed;
}

export async function writeManifestAndIndex(deps: BackupDeps, manifest: BackupManifest, options: RunOptions): Promise<void> {
  await deps.store.put(backupManifestKey(manifest.backupFolder), new TextEncoder().encode(serializeManifest(manifest)), {
    contentType: 'application/json',
    signal: options.signal,
  });
  await updateManifestIndex(deps.store, (index) => upsertManifestIndex(index, manifest), options);
}

/**
 * Copies the live state into a new snapshot folder and builds its manifest; the caller publishes it with
 * writeManifestAndIndex (restore first checks that its automatic snapshot is complete). `state` lets restore
 * snapshot exactly the metadata it read, so that this state can be put back.
 */
export async function takeSnapshot(
  deps: BackupDeps,
  name: string,
  options: RunOptions & { state?: LiveState } = {},
): Promise<{ outcome: BackupOutcome; manifest: BackupManifest; copy: FolderCopy }> {
  const rawName = validateSnapshotName(name);
  const created = deps.now();
  const folder = snapshotFolder(rawName, new Date(created));
  const state = options.state ?? (await readLiveState(deps.store, options));
  let copy: FolderCopy;
  try {
    copy = await copyLiveStateInto(deps.store, state, folder, {
      concurrency: deps.concurrency,
      signal: options.signal,
      onProgress: (done, total) => options.onProgress?.({ phase: 'backup', done, total }),
    });
  } catch (e) {
    // Stopped half-way (the account unreachable, cancelled): no manifest lists these copies, so nothing would
    // ever show or remove them. Best effort, without the signal, which may be the reason for stopping.
    await deleteFolder(deps.store, folder).catch(() => undefined);
    throw e;
  }
  const manifest: BackupManifest = {
    ...buildSnapshotManifest({ name: rawName, created, totalItems: copy.totalItems, copiedItems: copy.copied.length, backupFolder: folder }),
    ...failureFields(copy.failed),
  };
  if (copy.failed.length) deps.log('warn', `Snapshot "${rawName}": ${copy.failed.length} of ${copy.totalItems} objects could not be copied.`);
  return { outcome: outcomeOf(manifest, copy), manifest, copy };
}
