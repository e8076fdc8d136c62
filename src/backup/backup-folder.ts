/**
 * Checks a backup folder name that came from outside (the UI, the API) before anything is listed, copied or
 * deleted under it. A folder is exactly `backups/<name>` with one segment: an empty or slashed name would
 * make "delete this backup" delete other backups or the live data. Pure.
 */
import { CloudSyncError } from '../errors';
import { BACKUPS_PREFIX, BACKUP_MANIFEST_NAME, MANIFEST_INDEX_KEY } from '../cloud/paths';

/**
 * Accepts `backups/<name>`, `backups/<name>/`, `backups/<name>/backup-manifest.json` (the original's UI
 * value) and a bare `<name>`; returns `backups/<name>`.
 */
export function normaliseBackupFolder(input: string): string {
  let s = typeof input === 'string' ? input.trim() : '';
  const manifestSuffix = '/' + BACKUP_MANIFEST_NAME;
  if (s.endsWith(manifestSuffix)) s = s.slice(0, -manifestSuffix.length);
  while (s.endsWith('/')) s = s.slice(0, -1);
  const name = s.startsWith(BACKUPS_PREFIX) ? s.slice(BACKUPS_PREFIX.length) : s;
  if (name === '' || s === BACKUPS_PREFIX.slice(0, -1) || name.includes('/') || name === '.' || name === '..' || BACKUPS_PREFIX + name === MANIFEST_INDEX_KEY) {
    throw new CloudSyncError(
      'not-found',
      `"${String(input)}" is not the name of a backup folder. Choose a backup from the list of available backups.`,
      { details: { folder: input } },
    );
  }
  return BACKUPS_PREFIX + name;
}
