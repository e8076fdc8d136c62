/**
 * Backup manifests and the manifest index (original-format.md §5): the four manifest variants, reading
 * them tolerantly, writing them exactly as the original does, and the 30-day retention of daily backups.
 */
import { CloudSyncError } from '../errors';
import { backupFolderKind, backupFolderName, BACKUP_MANIFEST_NAME, MANIFEST_INDEX_KEY, utcDateStamp } from './paths';

export type ManifestType = 'server-side-snapshot' | 'server-side-daily-backup' | 'daily-backup';
export type ManifestFormat = 'server-side' | 'export-style' | 'export-upload';

/** `backup-manifest.json` and each element of `manifest-index.json` (§5.1–5.4). */
export interface BackupManifest {
  /** One of ManifestType in practice; any string is kept. */
  type: string;
  name: string;
  /** Epoch ms. */
  created: number;
  totalItems: number;
  copiedItems: number;
  /** One of ManifestFormat in practice. */
  format: string;
  /** "3.0" (server-side) or "3.1" (daily-backup). */
  version: string;
  /** `backups/<folder>` */
  backupFolder: string;
  [extra: string]: unknown;
}

export const DAILY_BACKUP_TTL_MS = 30 * 24 * 60 * 60 * 1000;
export const DAILY_MANIFEST_TYPES: readonly string[] = ['daily-backup', 'server-side-daily-backup'];
export const RESTORABLE_FORMATS: readonly string[] = ['server-side', 'export-style', 'export-upload'];

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function decode(input: Uint8Array | string): string {
  return (typeof input === 'string' ? input : new TextDecoder().decode(input)).trim();
}

function num(v: unknown): number {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string') {
    const n = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
    if (Number.isFinite(n)) return n;
  }
  return 0;
}

/**
 * Normalises one manifest object, or null when it cannot name its folder. `folderHint` is the folder the
 * manifest was read from, used when the manifest itself lacks `backupFolder`.
 */
export function manifestFromJson(value: unknown, folderHint?: string): BackupManifest | null {
  if (!isPlainObject(value)) return null;
  const folder =
    typeof value.backupFolder === 'string' && value.backupFolder.startsWith('backups/') && value.backupFolder.length > 8
      ? value.backupFolder
      : folderHint;
  if (!folder) return null;
  return {
    ...value,
    type: typeof value.type === 'string' ? value.type : '',
    name: typeof value.name === 'string' ? value.name : backupFolderName(folder),
    created: num(value.created),
    totalItems: num(value.totalItems),
    copiedItems: num(value.copiedItems),
    format: typeof value.format === 'string' ? value.format : '',
    version: typeof value.version === 'string' ? value.version : '',
    backupFolder: folder,
  };
}

function corruptManifest(objectKey: string, what: string, cause?: unknown): CloudSyncError {
  return new CloudSyncError(
    'corrupt-object',
    `The backup file "${objectKey}" is damaged (${what}). This backup cannot be listed or restored as it is; ` +
      'other backups are not affected.',
    { cause, details: { objectKey } },
  );
}

/** Reads `<folder>/backup-manifest.json`. */
export function parseManifest(input: Uint8Array | string, objectKey = BACKUP_MANIFEST_NAME): BackupManifest {
  let value: unknown;
  try {
    value = JSON.parse(decode(input));
  } catch (cause) {
    throw corruptManifest(objectKey, 'not valid JSON', cause);
  }
  const suffix = '/' + BACKUP_MANIFEST_NAME;
  const hint = objectKey.endsWith(suffix) ? objectKey.slice(0, -suffix.length) : undefined;
  const m = manifestFromJson(value, hint);
  if (!m) throw corruptManifest(objectKey, 'not a backup manifest');
  return m;
}

/**
 * Reads `backups/manifest-index.json`: a JSON array of manifests. Elements that are not manifests are
 * dropped. Anything that is not a JSON array is a typed error: the original then deletes the index and
 * rebuilds it by listing the manifests, and so should the caller.
 */
export function parseManifestIndex(input: Uint8Array | string): BackupManifest[] {
  let value: unknown;
  try {
    value = JSON.parse(decode(input));
  } catch (cause) {
    throw new CloudSyncError(
      'corrupt-object',
      'The list of backups ("backups/manifest-index.json") is damaged: it is not valid JSON. It will be rebuilt ' +
        'from the backup folders; no backup is lost.',
      { cause, details: { objectKey: MANIFEST_INDEX_KEY, rebuild: true } },
    );
  }
  if (!Array.isArray(value)) {
    throw new CloudSyncError(
      'corrupt-object',
      'The list of backups ("backups/manifest-index.json") is damaged: it is not a list. It will be rebuilt from ' +
        'the backup folders; no backup is lost.',
      { details: { objectKey: MANIFEST_INDEX_KEY, rebuild: true } },
    );
  }
  const out: BackupManifest[] = [];
  for (const el of value) {
    const m = manifestFromJson(el);
    if (m) out.push(m);
  }
  return out;
}

export function serializeManifest(m: BackupManifest): string {
  return JSON.stringify(m);
}

export function serializeManifestIndex(index: readonly BackupManifest[]): string {
  return JSON.stringify(index);
}

/** The snapshot manifest, field for field and in the original's order (§5.1). */
export function buildSnapshotManifest(input: {
  name: string;
  created: number;
  totalItems: number;
  copiedItems: number;
  backupFolder: string;
}): BackupManifest {
  return {
    type: 'server-side-snapshot',
    name: input.name,
    created: input.created,
    totalItems: input.totalItems,
    copiedItems: input.copiedItems,
    format: 'server-side',
    version: '3.0',
    backupFolder: input.backupFolder,
  };
}

/** The current daily-backup manifest (§5.2), readable by the original's restore. */
export function buildDailyManifest(input: {
  created: number;
  totalItems: number;
  copiedItems: number;
  backupFolder: string;
}): BackupManifest {
  return {
    type: 'daily-backup',
    name: 'daily-auto',
    created: input.created,
    totalItems: input.totalItems,
    copiedItems: input.copiedItems,
    format: 'export-upload',
    version: '3.1',
    backupFolder: input.backupFolder,
  };
}

/** A new index with `manifest` replacing the entry of the same folder (kept in place), or appended. */
export function upsertManifestIndex(index: readonly BackupManifest[], manifest: BackupManifest): BackupManifest[] {
  const i = index.findIndex((m) => m.backupFolder === manifest.backupFolder);
  if (i < 0) return [...index, manifest];
  const out = index.slice();
  out[i] = manifest;
  return out;
}

export function removeFromManifestIndex(index: readonly BackupManifest[], folders: Iterable<string>): BackupManifest[] {
  const drop = new Set(folders);
  return index.filter((m) => !drop.has(m.backupFolder));
}

export function isDailyManifest(m: BackupManifest): boolean {
  return DAILY_MANIFEST_TYPES.includes(m.type);
}

/** Snapshot or daily, by type, falling back to the folder prefix as the original's UI does. */
export function manifestKind(m: BackupManifest): 'snapshot' | 'daily' | 'unknown' {
  if (m.type === 'server-side-snapshot') return 'snapshot';
  if (isDailyManifest(m)) return 'daily';
  return backupFolderKind(m.backupFolder);
}

/**
 * Which of the four variants of §5.3 a manifest is; restore and listing differ by variant:
 * - `server-side-snapshot`: copies of items/ + metadata.json, no attachments (V3 → current).
 * - `server-side-daily`: the same shape, daily, named by LOCAL date (V3, V4.0/4.1).
 * - `export-style-daily`: fresh upload, Blobs stored as items/<key>.json = encrypted "{}" (sync-will.js era).
 * - `export-upload-daily`: fresh upload, attachments under attachments/ with the JSON-codec quirk (current).
 */
export type ManifestVariant =
  | 'server-side-snapshot'
  | 'server-side-daily'
  | 'export-style-daily'
  | 'export-upload-daily'
  | 'unknown';

export function manifestVariant(m: BackupManifest): ManifestVariant {
  if (m.format === 'server-side') {
    if (m.type === 'server-side-snapshot') return 'server-side-snapshot';
    if (m.type === 'server-side-daily-backup') return 'server-side-daily';
  }
  if (m.type === 'daily-backup') {
    if (m.format === 'export-style') return 'export-style-daily';
    if (m.format === 'export-upload') return 'export-upload-daily';
  }
  return 'unknown';
}

export function isRestorable(m: BackupManifest): boolean {
  return RESTORABLE_FORMATS.includes(m.format);
}

/**
 * Daily backups past retention: `created < now - 30 days` and a daily type (§5.5). Snapshots are never
 * selected.
 */
export function selectExpiredDailyBackups(
  index: readonly BackupManifest[],
  now: number,
  ttlMs: number = DAILY_BACKUP_TTL_MS,
): BackupManifest[] {
  return index.filter((m) => isDailyManifest(m) && m.created < now - ttlMs);
}

/**
 * Whether today's daily backup exists, by the original's rule: an entry of type `daily-backup` whose
 * folder ends with the UTC `YYYYMMDD` of `now` (`server-side-daily-backup` entries do not count).
 */
export function hasDailyBackupFor(index: readonly BackupManifest[], now: Date): boolean {
  const stamp = utcDateStamp(now);
  return index.some((m) => m.type === 'daily-backup' && m.backupFolder.endsWith(stamp));
}
