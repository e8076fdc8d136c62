/**
 * A daily backup that a provider's rate limit stops half-way resumes on the next attempt instead of starting
 * over (Google Drive allows only a few new files and copies per second; a large library's backup would otherwise
 * fail again and again, each time from the start).
 *
 * So the state a daily backup copies is recorded first, as `<folder>/metadata.json` (the exact bytes read), and
 * an attempt that finds it copies that same state, skipping the objects already in the folder. Until every object
 * is copied there is no manifest, so the half backup is never listed, let alone as complete. A copy the provider
 * still throttles after its own back-off stops the run at once (the rest would be throttled too) with a
 * `throttled` error that says how far it got.
 */
import { backupMetadataKey, emptyMetadata, parseMetadata } from '../cloud';
import { CloudSyncError, isCloudSyncError } from '../errors';
import type { CloudStore, RequestOptions } from '../providers/cloud-store';
import { listedGet } from '../providers/listed-get';
import { runCopies, type CopyJob } from './copy-objects';
import { backupCopyJobs, readLiveState, type FolderCopy, type LiveState } from './live-state';

const JSON_PUT = { contentType: 'application/json' };

/** Today's recorded state when an earlier attempt left one (resumed), else the live state, recorded now. */
export async function dailyBackupState(store: CloudStore, folder: string, options: RequestOptions): Promise<{ state: LiveState; resumed: boolean }> {
  const key = backupMetadataKey(folder);
  // Usually absent (a fresh day): asked so that absence is no failed request (listed-get.ts).
  const earlier = await listedGet(store, key, options);
  if (earlier.kind === 'found') {
    try {
      return { state: { metadata: parseMetadata(earlier.body), body: earlier.body, etag: null }, resumed: true };
    } catch {
      // Damaged: start over from the live state.
    }
  }
  const state = await readLiveState(store, options);
  const body = state.body ?? new TextEncoder().encode(JSON.stringify(emptyMetadata()));
  await store.put(key, body, { ...JSON_PUT, signal: options.signal });
  return { state, resumed: false };
}

/** Copies what is not yet in `folder`; throws `throttled` (after in-flight copies settle) when the provider keeps limiting. */
export async function copyRemaining(
  store: CloudStore,
  state: LiveState,
  folder: string,
  options: RequestOptions & { concurrency: number; onProgress?: (done: number, total: number) => void },
): Promise<FolderCopy> {
  const jobs = backupCopyJobs(state.metadata, folder);
  const present = new Set<string>();
  for await (const page of store.list(`${folder}/`, options)) for (const e of page) present.add(e.key);
  const done = jobs.filter((j) => present.has(j.to)).map((j) => j.key);
  const todo = jobs.filter((j) => !present.has(j.to));
  let throttled: CloudSyncError | undefined;
  const perform = async (job: CopyJob) => {
    if (throttled) throw throttled;
    try {
      await store.copy(job.from, job.to, { signal: options.signal });
    } catch (e) {
      if (isCloudSyncError(e, 'throttled')) throttled ??= e;
      throw e;
    }
  };
  const run = await runCopies(store, todo, {
    concurrency: options.concurrency,
    signal: options.signal,
    perform,
    onProgress: (n) => options.onProgress?.(done.length + n, jobs.length),
  });
  if (throttled) {
    const copied = done.length + run.copied.length;
    throw new CloudSyncError(
      'throttled',
      `The storage is limiting how fast objects can be copied: ${copied} of ${jobs.length} are in today's backup so far. It continues where it stopped on the next attempt; nothing is listed until it is complete.`,
      { cause: throttled, details: { copied, total: jobs.length, folder } },
    );
  }
  return { totalItems: jobs.length, copied: [...done, ...run.copied], failed: run.failed };
}
