/**
 * The backup service the API and the UI call: one object per configured bucket and password.
 * Each method is one use case; the work lives in the modules it calls.
 */
import type { BackupInfo } from '../api';
import { removeFromManifestIndex } from '../cloud';
import { CloudSyncError } from '../errors';
import type { CloudStore } from '../providers/cloud-store';
import { backupInfoFromManifest, sortNewestFirst } from './backup-info';
import type { BackupDeps, BackupKeys, BackupLog, RunOptions } from './backup-deps';
import { normaliseBackupFolder } from './backup-folder';
import { runDailyBackup, type DailyOutcome } from './daily-backup';
import { deleteFolder } from './folder-store';
import { collectGarbage, type GarbageOptions, type GarbageOutcome } from './garbage';
import type { LiveState } from './live-state';
import { loadManifestIndex, updateManifestIndex } from './manifest-index-store';
import { restoreBackup, type RestoreOutcome } from './restore';
import { takeSnapshot, writeManifestAndIndex, type BackupOutcome } from './snapshot';

export interface BackupServiceOptions {
  store: CloudStore;
  keys: BackupKeys;
  now?: () => number;
  /** Server-side copies in flight at once (default 8; the original uses 20). */
  concurrency?: number;
  log?: BackupLog;
}

export interface BackupService {
  /**
   * A named snapshot of the live cloud state, attachments included; of `state` when given (what the caller read,
   * so that it knows exactly which index the snapshot holds).
   */
  createSnapshot(name: string, options?: RunOptions & { state?: LiveState }): Promise<BackupOutcome>;
  /**
   * Today's (UTC) daily backup, retention, then garbage collection; `backup` is null (and nothing is collected)
   * when it was already made (or is being made).
   */
  runDailyBackup(options?: RunOptions): Promise<DailyOutcome>;
  /**
   * Deletes the item and attachment objects no metadata.json entry names, once older than 24 hours
   * (`minAgeMs`). Never anything else; nothing at all when metadata.json is missing or unreadable.
   */
  collectGarbage(options?: GarbageOptions): Promise<GarbageOutcome>;
  /** Every backup, newest first (the index is rebuilt from the folders when missing or damaged). */
  listBackups(options?: RunOptions): Promise<BackupInfo[]>;
  /** Deletes a backup's folder and its index entry. */
  deleteBackup(folder: string, options?: RunOptions): Promise<void>;
  /** Makes the cloud equal to the backup; an automatic snapshot of the current state is taken first. */
  restoreBackup(folder: string, options?: RunOptions): Promise<RestoreOutcome>;
}

export function createBackupService(opts: BackupServiceOptions): BackupService {
  const deps: BackupDeps = {
    store: opts.store,
    keys: opts.keys,
    now: opts.now ?? Date.now,
    concurrency: Math.max(1, opts.concurrency ?? 8),
    log: opts.log ?? (() => {}),
  };
  return {
    async createSnapshot(name, options = {}) {
      const { outcome, manifest } = await takeSnapshot(deps, name, options);
      await writeManifestAndIndex(deps, manifest, options);
      return outcome;
    },
    runDailyBackup: (options = {}) => runDailyBackup(deps, options),
    collectGarbage: (options = {}) => collectGarbage(deps, options),
    async listBackups(options = {}) {
      const read = await loadManifestIndex(deps.store, options);
      for (const w of read.warnings) deps.log('warn', w);
      return sortNewestFirst(read.index.map(backupInfoFromManifest));
    },
    async deleteBackup(folderInput, options = {}) {
      const folder = normaliseBackupFolder(folderInput);
      const count = await deleteFolder(deps.store, folder, options);
      const before = await loadManifestIndex(deps.store, options);
      const listed = before.index.some((m) => m.backupFolder === folder);
      if (count === 0 && !listed) {
        throw new CloudSyncError('not-found', `The backup "${folder.slice('backups/'.length)}" is not in the cloud storage (it may have been deleted from another device already). Nothing was deleted.`, {
          details: { folder },
        });
      }
      if (listed) await updateManifestIndex(deps.store, (i) => removeFromManifestIndex(i, [folder]), options);
    },
    restoreBackup: (folder, options = {}) => restoreBackup(deps, folder, options),
  };
}

/** One line for the UI's action area about a backup just made. */
export function describeBackupOutcome(o: BackupOutcome): string {
  const what = o.kind === 'snapshot' ? `Snapshot "${o.name}"` : 'Daily backup';
  if (o.failed.length === 0) return `${what} saved (${o.copiedItems} items).`;
  return `${what} saved, but incomplete: ${o.failed.length} of ${o.totalItems} items could not be copied (first: "${o.failed[0].key}": ${o.failed[0].message}). Take another snapshot later.`;
}

/** One line for the UI's action area about a finished restore. */
export function describeRestoreOutcome(o: RestoreOutcome): string {
  const parts = [`Restored "${o.folder.slice('backups/'.length)}": ${o.restored.length} items back`];
  if (o.tombstoned.length) parts.push(`${o.tombstoned.length} newer items removed`);
  if (o.kept.length) parts.push(`${o.kept.length} items the backup lacks kept as they were`);
  return `${parts.join(', ')}. Your devices apply it on their next sync. To undo, restore the snapshot "${o.autoSnapshot.folder.slice('backups/'.length)}".`;
}
