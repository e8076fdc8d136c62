/**
 * Retention (original-format.md §5.5): daily backups older than 30 days are deleted, folder and index entry;
 * snapshots never. A folder that could not be deleted keeps its entry, so it is tried again next time.
 */
import { removeFromManifestIndex, selectExpiredDailyBackups } from '../cloud';
import type { BackupDeps, RunOptions } from './backup-deps';
import { describeError, isFatalStoreError } from './copy-objects';
import { deleteFolder } from './folder-store';
import { readManifestIndex, updateManifestIndex } from './manifest-index-store';
import { normaliseBackupFolder } from './backup-folder';

export interface RetentionResult {
  deleted: string[];
  failed: { folder: string; message: string }[];
}

export async function applyRetention(deps: BackupDeps, options: RunOptions = {}): Promise<RetentionResult> {
  const { index } = await readManifestIndex(deps.store, options);
  const expired = selectExpiredDailyBackups(index, deps.now());
  const result: RetentionResult = { deleted: [], failed: [] };
  for (const m of expired) {
    try {
      await deleteFolder(deps.store, normaliseBackupFolder(m.backupFolder), options);
      result.deleted.push(m.backupFolder);
    } catch (e) {
      if (isFatalStoreError(e)) throw e;
      result.failed.push({ folder: m.backupFolder, message: describeError(e) });
      deps.log('warn', `Could not delete the expired backup ${m.backupFolder}: ${describeError(e)}`);
    }
  }
  if (result.deleted.length) await updateManifestIndex(deps.store, (i) => removeFromManifestIndex(i, result.deleted), options);
  return result;
}
