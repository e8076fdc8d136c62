/**
 * The bucket layout as data (original-format.md §2, §5): object keys for live items, attachments,
 * metadata and backups, and the inverse (object key → what it holds). Item keys are used raw —
 * spaces, quotes, slashes and non-ASCII are kept — because that is what the original writes and reads.
 */
import type { ItemType } from '../host/types';

export const METADATA_KEY = 'metadata.json';
export const ITEMS_PREFIX = 'items/';
export const ATTACHMENTS_PREFIX = 'attachments/';
export const ITEM_SUFFIX = '.json';
export const ATTACHMENT_SUFFIX = '.bin';
export const BACKUPS_PREFIX = 'backups/';
export const MANIFEST_INDEX_KEY = 'backups/manifest-index.json';
export const BACKUP_MANIFEST_NAME = 'backup-manifest.json';
export const SNAPSHOT_FOLDER_PREFIX = 's-';
export const DAILY_FOLDER_PREFIX = 'typingmind-backup-';

export function itemObjectKey(key: string): string {
  return ITEMS_PREFIX + key + ITEM_SUFFIX;
}

export function attachmentObjectKey(key: string): string {
  return ATTACHMENTS_PREFIX + key + ATTACHMENT_SUFFIX;
}

/** Blobs live in attachments/…bin, everything else in items/…json; the metadata `type` decides (§2.1). */
export function objectKeyFor(key: string, type: ItemType): string {
  return type === 'blob' ? attachmentObjectKey(key) : itemObjectKey(key);
}

/** `YYYYMMDD` of a Date in UTC (the current daily-backup naming, §5.2). */
export function utcDateStamp(date: Date): string {
  return date.toISOString().slice(0, 10).replace(/-/g, '');
}

/** The original's timestamp: toISOString without `-`/`:` and cut at the `.` → `YYYYMMDDTHHMMSS` (UTC). */
export function snapshotTimestamp(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').split('.')[0];
}

/** Every non-alphanumeric UTF-16 code unit becomes `-`, exactly as the original (§5.1). */
export function sanitizeSnapshotName(name: string): string {
  return name.replace(/[^a-zA-Z0-9]/g, '-');
}

/** `backups/s-<sanitized>-<YYYYMMDDTHHMMSS>` */
export function snapshotFolder(name: string, date: Date): string {
  return `${BACKUPS_PREFIX}${SNAPSHOT_FOLDER_PREFIX}${sanitizeSnapshotName(name)}-${snapshotTimestamp(date)}`;
}

/** `backups/typingmind-backup-<YYYYMMDD>` with the UTC date. */
export function dailyBackupFolder(date: Date): string {
  return `${BACKUPS_PREFIX}${DAILY_FOLDER_PREFIX}${utcDateStamp(date)}`;
}

export function backupItemKey(folder: string, key: string): string {
  return `${folder}/${itemObjectKey(key)}`;
}

export function backupAttachmentKey(folder: string, key: string): string {
  return `${folder}/${attachmentObjectKey(key)}`;
}

export function backupObjectKeyFor(folder: string, key: string, type: ItemType): string {
  return `${folder}/${objectKeyFor(key, type)}`;
}

export function backupMetadataKey(folder: string): string {
  return `${folder}/${METADATA_KEY}`;
}

export function backupManifestKey(folder: string): string {
  return `${folder}/${BACKUP_MANIFEST_NAME}`;
}

/** The folder's own name without `backups/` (what the UI shows). */
export function backupFolderName(folder: string): string {
  return folder.startsWith(BACKUPS_PREFIX) ? folder.slice(BACKUPS_PREFIX.length) : folder;
}

/** How the original's UI classifies a backup folder: by its name prefix (§5.4). */
export function backupFolderKind(folder: string): 'snapshot' | 'daily' | 'unknown' {
  const name = backupFolderName(folder);
  if (name.startsWith(SNAPSHOT_FOLDER_PREFIX)) return 'snapshot';
  if (name.startsWith(DAILY_FOLDER_PREFIX)) return 'daily';
  return 'unknown';
}

export type ObjectKind = 'metadata' | 'item' | 'attachment' | 'manifest' | 'manifest-index';

export interface ParsedObjectKey {
  kind: ObjectKind;
  /** The item key for items and attachments, raw. */
  itemKey?: string;
  /** `backups/<name>` when the object sits inside a backup folder. */
  folder?: string;
}

function parseInFolder(rest: string): Omit<ParsedObjectKey, 'folder'> | null {
  if (rest === METADATA_KEY) return { kind: 'metadata' };
  if (rest.startsWith(ITEMS_PREFIX) && rest.endsWith(ITEM_SUFFIX) && rest.length >= ITEMS_PREFIX.length + ITEM_SUFFIX.length) {
    return { kind: 'item', itemKey: rest.slice(ITEMS_PREFIX.length, rest.length - ITEM_SUFFIX.length) };
  }
  if (
    rest.startsWith(ATTACHMENTS_PREFIX) &&
    rest.endsWith(ATTACHMENT_SUFFIX) &&
    rest.length >= ATTACHMENTS_PREFIX.length + ATTACHMENT_SUFFIX.length
  ) {
    return { kind: 'attachment', itemKey: rest.slice(ATTACHMENTS_PREFIX.length, rest.length - ATTACHMENT_SUFFIX.length) };
  }
  return null;
}

/**
 * Object key → what it holds, or null for keys outside the layout (legacy V1/V2 files, stray objects).
 * A backup folder is the one segment after `backups/` (folder names never contain `/`); the item key
 * after it may contain slashes.
 */
export function parseObjectKey(objectKey: string): ParsedObjectKey | null {
  if (objectKey === MANIFEST_INDEX_KEY) return { kind: 'manifest-index' };
  if (objectKey.startsWith(BACKUPS_PREFIX)) {
    const slash = objectKey.indexOf('/', BACKUPS_PREFIX.length);
    if (slash <= BACKUPS_PREFIX.length) return null;
    const folder = objectKey.slice(0, slash);
    const rest = objectKey.slice(slash + 1);
    if (rest === BACKUP_MANIFEST_NAME) return { kind: 'manifest', folder };
    const inner = parseInFolder(rest);
    return inner ? { ...inner, folder } : null;
  }
  return parseInFolder(objectKey);
}

/** Which codec an object key needs, decided by its prefix as the original does (§1.6). */
export function codecForObjectKey(objectKey: string): 'plaintext-json' | 'bytes' | 'json' | null {
  const parsed = parseObjectKey(objectKey);
  if (!parsed) return null;
  switch (parsed.kind) {
    case 'metadata':
    case 'manifest':
    case 'manifest-index':
      return 'plaintext-json';
    case 'attachment':
      // Backup attachments too: decryptBytes also recovers the original's JSON-codec quirk there.
      return 'bytes';
    case 'item':
      return 'json';
  }
}
