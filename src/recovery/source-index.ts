/**
 * What a recovery reads first: the index of the live data or of one backup, and the list of backups.
 * Read-only by design: nothing here writes to the bucket, not even the rebuilt list of backups that the
 * extension's own listing saves back (a recovery must work with read-only credentials and change nothing).
 */
import type { BackupInfo } from '../api';
import { backupInfoFromManifest, sortNewestFirst } from '../backup/backup-info';
import { normaliseBackupFolder } from '../backup/backup-folder';
import { readManifestIndex } from '../backup/manifest-index-store';
import { backupFolderName, backupMetadataKey, backupObjectKeyFor, METADATA_KEY, objectKeyFor, parseMetadata } from '../cloud';
import type { Metadata } from '../cloud/types';
import { CloudSyncError } from '../errors';
import type { ItemType } from '../host/types';
import type { CloudStore, RequestOptions } from '../providers/cloud-store';

export interface SourceIndex {
  /** `backups/<name>`, or null for the live data. */
  folder: string | null;
  meta: Metadata;
}

/** Where an item's object lives in the live data (folder null) or in a backup folder. */
export function sourceObjectKey(folder: string | null, key: string, type: ItemType): string {
  return folder === null ? objectKeyFor(key, type) : backupObjectKeyFor(folder, key, type);
}

/** The live `metadata.json`, or a backup's own copy of it. A missing one is an error that names it. */
export async function readSourceIndex(store: CloudStore, folder: string | null, options: RequestOptions = {}): Promise<SourceIndex> {
  const key = folder === null ? METADATA_KEY : backupMetadataKey(folder);
  const res = await store.get(key, options);
  if (res.kind !== 'found') {
    throw new CloudSyncError(
      'not-found',
      folder === null
        ? 'This bucket has no metadata.json: it holds no TypingMind Cloud Sync data (check the bucket name, or the Drive account).'
        : `The backup "${backupFolderName(folder)}" has no metadata.json, so its items cannot be read.`,
      { details: { objectKey: key } },
    );
  }
  return { folder, meta: parseMetadata(res.body) };
}

/** Every backup, newest first, without writing anything back (the index is rebuilt in memory when missing). */
export async function listBackupsReadOnly(store: CloudStore, options: RequestOptions = {}): Promise<{ backups: BackupInfo[]; warnings: string[] }> {
  const read = await readManifestIndex(store, options);
  return { backups: sortNewestFirst(read.index.map(backupInfoFromManifest)), warnings: read.warnings };
}

/**
 * The backup a person named: its folder (`backups/<name>` or `<name>`), or the snapshot's own name when one
 * backup has it. A name that fits none, or several, is refused with what to type instead.
 */
export function findBackup(backups: readonly BackupInfo[], wanted: string): BackupInfo {
  let folder: string | undefined;
  try {
    folder = normaliseBackupFolder(wanted);
  } catch {
    folder = undefined;
  }
  const byFolder = backups.find((b) => b.folder === folder);
  if (byFolder) return byFolder;
  const byName = backups.filter((b) => b.name === wanted);
  if (byName.length === 1) return byName[0];
  const list = backups.map((b) => backupFolderName(b.folder)).join(', ') || 'none';
  const why = byName.length > 1 ? `${byName.length} backups are named "${wanted}"; give the folder instead.` : `There is no backup "${wanted}".`;
  throw new CloudSyncError('not-found', `${why} Backups in this bucket: ${list}.`, { details: { wanted } });
}
