/**
 * `backups/manifest-index.json` in the bucket (original-format.md §5.4): read it, rebuild it from the
 * backup folders when it is missing or damaged, and change it with a compare-and-swap where the provider
 * honours conditional writes, so two devices adding backups at once do not drop each other's entry (W17).
 */
import { writeShared } from '../providers/shared-document';
import { CloudSyncError, isCloudSyncError } from '../errors';
import {
  BACKUPS_PREFIX,
  BACKUP_MANIFEST_NAME,
  MANIFEST_INDEX_KEY,
  parseManifest,
  parseManifestIndex,
  serializeManifestIndex,
  type BackupManifest,
} from '../cloud';
import { listedGet } from '../providers/listed-get';
import type { CloudStore, RequestOptions } from '../providers/cloud-store';
import { mapPool } from '../runtime/pool';

export interface IndexRead {
  index: BackupManifest[];
  /** ETag of the index object as read (also of a damaged one), null when there was none. */
  etag: string | null;
  /** True when the index was rebuilt by listing the backup folders. */
  rebuilt: boolean;
  /** Human lines about manifests that could not be read during a rebuild. */
  warnings: string[];
}

const MANIFEST_PATH = new RegExp(`^${BACKUPS_PREFIX}[^/]+/${BACKUP_MANIFEST_NAME.replace('.', '\\.')}$`);
const JSON_PUT = { contentType: 'application/json' };
const MAX_CAS_ATTEMPTS = 5;

/**
 * A daily backup's claim: the manifest a device writes first to reserve the day (daily-backup.ts). It is not
 * a backup yet, so it never enters the index.
 */
export function isInProgress(m: BackupManifest): boolean {
  return m.tcsInProgress === true;
}

/**
 * Reads every `backups/<folder>/backup-manifest.json`; damaged ones are skipped and named in `warnings`,
 * claims of backups still being written are skipped.
 */
export async function scanManifests(store: CloudStore, options: RequestOptions = {}): Promise<{ index: BackupManifest[]; warnings: string[] }> {
  const keys: string[] = [];
  for await (const page of store.list(BACKUPS_PREFIX, options)) for (const e of page) if (MANIFEST_PATH.test(e.key)) keys.push(e.key);
  const warnings: string[] = [];
  const found = await mapPool(keys, 8, async (key) => {
    const res = await store.get(key, options);
    if (res.kind !== 'found') return null;
    try {
      return parseManifest(res.body, key);
    } catch (e) {
      warnings.push(isCloudSyncError(e) ? e.message : `Could not read ${key}.`);
      return null;
    }
  });
  const index = found.filter((m): m is BackupManifest => m !== null && !isInProgress(m));
  // Oldest first, the order in which the original appends to the index.
  index.sort((a, b) => a.created - b.created);
  return { index, warnings };
}

/** The index, rebuilt from the folders (not written back) when it is missing or not a JSON list. */
export async function readManifestIndex(store: CloudStore, options: RequestOptions = {}): Promise<IndexRead> {
  // Missing on every bucket without backups: asked so that absence is no failed request (listed-get.ts).
  const res = await listedGet(store, MANIFEST_INDEX_KEY, options);
  if (res.kind === 'found') {
    try {
      return { index: parseManifestIndex(res.body), etag: res.etag, rebuilt: false, warnings: [] };
    } catch (e) {
      if (!isCloudSyncError(e, 'corrupt-object')) throw e;
      const scan = await scanManifests(store, options);
      return { ...scan, etag: res.etag, rebuilt: true };
    }
  }
  // not-modified cannot happen without ifNoneMatch; treat anything else as missing.
  const scan = await scanManifests(store, options);
  return { ...scan, etag: null, rebuilt: true };
}

/** Writes `index` over the version read as `etag` (null = create); false when another writer got there first. */
async function writeIndex(store: CloudStore, index: readonly BackupManifest[], etag: string | null, options: RequestOptions): Promise<boolean> {
  const body = new TextEncoder().encode(serializeManifestIndex(index));
  return (await writeShared(store, MANIFEST_INDEX_KEY, body, etag, { contentType: JSON_PUT.contentType, signal: options.signal })).kind === 'written';
}

/**
 * The index for listing: rebuilt and written back when missing or damaged (the original does the same).
 * A failed write-back is not an error for the caller: the list is still right, and the next call rebuilds.
 */
export async function loadManifestIndex(store: CloudStore, options: RequestOptions = {}): Promise<IndexRead> {
  const read = await readManifestIndex(store, options);
  if (read.rebuilt) {
    try {
      await writeIndex(store, read.index, read.etag, options);
    } catch (e) {
      if (isCloudSyncError(e, 'aborted')) throw e;
      read.warnings.push('The list of backups was rebuilt but could not be saved; it will be rebuilt again next time.');
    }
  }
  return read;
}

/**
 * Read-modify-write of the index with compare-and-swap: on a concurrent change it re-reads and applies
 * `change` again. Returns the index as written.
 */
export async function updateManifestIndex(
  store: CloudStore,
  change: (index: BackupManifest[]) => BackupManifest[],
  options: RequestOptions = {},
): Promise<BackupManifest[]> {
  for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
    const read = await readManifestIndex(store, options);
    const next = change(read.index);
    if (await writeIndex(store, next, read.etag, options)) return next;
  }
  throw new CloudSyncError(
    'precondition-failed',
    'The list of backups kept changing while this device was updating it (other devices are busy with backups). ' +
      'The backup itself is saved; try again in a minute to see it in the list.',
    { details: { objectKey: MANIFEST_INDEX_KEY } },
  );
}
