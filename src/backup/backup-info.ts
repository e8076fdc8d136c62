/**
 * What the API and the UI show of a backup (`BackupInfo`), made from a manifest. Pure.
 */
import type { BackupInfo } from '../api';
import { manifestKind, type BackupManifest } from '../cloud/manifests';

/** Folders the original's UI calls "unknown" are shown with the daily backups, as the original groups them. */
export function backupInfoFromManifest(m: BackupManifest): BackupInfo {
  return {
    folder: m.backupFolder,
    name: m.name,
    kind: manifestKind(m) === 'snapshot' ? 'snapshot' : 'daily',
    created: m.created,
    totalItems: m.totalItems,
    format: m.format,
  };
}

/** Newest first; equal times by folder name (newest stamp first), so the order is stable. */
export function sortNewestFirst(list: readonly BackupInfo[]): BackupInfo[] {
  return [...list].sort((a, b) => b.created - a.created || (a.folder < b.folder ? 1 : a.folder > b.folder ? -1 : 0));
}
