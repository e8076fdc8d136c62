/**
 * Runs many object copies inside the provider with bounded parallelism, counting failures instead of
 * stopping at the first one (a snapshot with one unreadable object is still worth keeping). Failures that
 * mean every other request will fail too (credentials, network, cancel) stop the whole run.
 */
import { CloudSyncError, isCloudSyncError, type ErrorCode } from '../errors';
import type { CloudStore, RequestOptions } from '../providers/cloud-store';
import { mapPool } from '../runtime/pool';

export interface CopyJob {
  /** The item key (for reports). */
  key: string;
  from: string;
  to: string;
}

export interface CopyFailure {
  key: string;
  objectKey: string;
  code?: ErrorCode;
  message: string;
}

export interface CopyRun {
  copied: string[];
  failed: CopyFailure[];
}

export interface CopyOptions extends RequestOptions {
  concurrency: number;
  onProgress?: (done: number, total: number) => void;
  /** How one job is done; defaults to `store.copy(from, to)`. */
  perform?: (job: CopyJob) => Promise<void>;
}

/** Errors that are about the connection or the account, not the one object: retrying other objects is pointless. */
const FATAL: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'bad-credentials',
  'expired-credentials',
  'bucket-not-found',
  'access-denied',
  'cors-or-network',
  'reconnect-required',
  'aborted',
  'quota-exceeded',
  'wrong-password',
]);

export function isFatalStoreError(e: unknown): e is CloudSyncError {
  return isCloudSyncError(e) && FATAL.has(e.code);
}

export function describeError(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Copies every job; throws the first fatal error after in-flight copies settle. */
export async function runCopies(store: CloudStore, jobs: readonly CopyJob[], options: CopyOptions): Promise<CopyRun> {
  const copied: string[] = [];
  const failed: CopyFailure[] = [];
  let fatal: CloudSyncError | undefined;
  let done = 0;
  const perform = options.perform ?? ((j: CopyJob) => store.copy(j.from, j.to, { signal: options.signal }));
  options.onProgress?.(0, jobs.length);
  await mapPool(jobs, options.concurrency, async (job) => {
    if (fatal) return;
    try {
      await perform(job);
      copied.push(job.key);
    } catch (e) {
      if (isFatalStoreError(e)) fatal ??= e;
      else failed.push({ key: job.key, objectKey: job.from, code: isCloudSyncError(e) ? e.code : undefined, message: describeError(e) });
    }
    options.onProgress?.(++done, jobs.length);
  });
  if (fatal) throw fatal;
  return { copied, failed };
}
