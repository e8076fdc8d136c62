/**
 * The live cloud state a backup is taken from: `metadata.json` as read (bytes and parsed), and the copy
 * of it into a backup folder: every object the metadata lists as live — items/ AND attachments/ (the
 * original leaves attachments out of snapshots) — then the metadata itself. Orphaned objects of deleted
 * keys are not copied (W8).
 */
import {
  backupMetadataKey,
  backupObjectKeyFor,
  emptyMetadata,
  isTombstone,
  METADATA_KEY,
  objectKeyFor,
  parseMetadata,
  type Metadata,
} from '../cloud';
import { isCloudSyncError } from '../errors';
import type { CloudStore, RequestOptions } from '../providers/cloud-store';
import { runCopies, type CopyFailure, type CopyJob } from './copy-objects';

export interface LiveState {
  metadata: Metadata;
  /** The exact bytes read, or null when the bucket has no metadata.json yet. */
  body: Uint8Array | null;
  etag: string | null;
}

/**
 * `tolerateDamaged`: a metadata.json that is not JSON reads as empty instead of throwing (its bytes are kept),
 * for restore — a damaged index is exactly when the user reaches for a backup.
 */
export async function readLiveState(store: CloudStore, options: RequestOptions & { tolerateDamaged?: boolean } = {}): Promise<LiveState> {
  const res = await store.get(METADATA_KEY, options);
  if (res.kind !== 'found') return { metadata: emptyMetadata(), body: null, etag: null };
  try {
    return { metadata: parseMetadata(res.body), body: res.body, etag: res.etag };
  } catch (e) {
    if (!options.tolerateDamaged || !isCloudSyncError(e, 'bad-metadata')) throw e;
    return { metadata: emptyMetadata(), body: res.body, etag: res.etag };
  }
}

/** One copy per live entry, from its live object to the same place inside `folder`. Pure. */
export function backupCopyJobs(metadata: Metadata, folder: string): CopyJob[] {
  const jobs: CopyJob[] = [];
  for (const [key, entry] of Object.entries(metadata.items)) {
    if (isTombstone(entry)) continue;
    jobs.push({ key, from: objectKeyFor(key, entry.type), to: backupObjectKeyFor(folder, key, entry.type) });
  }
  return jobs;
}

export interface FolderCopy {
  totalItems: number;
  copied: string[];
  failed: CopyFailure[];
}

/**
 * Copies the live objects of `state` into `folder`, then writes `<folder>/metadata.json` with the very
 * bytes that were read: the backup's index describes exactly the objects this run copied, even if another
 * device rewrites metadata.json meanwhile (a server-side copy of it later could describe newer objects).
 */
export async function copyLiveStateInto(
  store: CloudStore,
  state: LiveState,
  folder: string,
  options: RequestOptions & { concurrency: number; onProgress?: (done: number, total: number) => void },
): Promise<FolderCopy> {
  const jobs = backupCopyJobs(state.metadata, folder);
  const run = await runCopies(store, jobs, options);
  const body = state.body ?? new TextEncoder().encode(JSON.stringify(emptyMetadata()));
  await store.put(backupMetadataKey(folder), body, { contentType: 'application/json', signal: options.signal });
  return { totalItems: jobs.length, copied: run.copied, failed: run.failed };
}
