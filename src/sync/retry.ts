/**
 * When a cycle tries again, and when a key that failed is tried again (docs/sync.md, "Failures"). Pure: the
 * clock is passed in.
 *
 * - A cycle whose metadata.json write lost the compare-and-swap re-reads the index and plans again, up to
 *   `MAX_ATTEMPTS` attempts in all (`replanAfter`).
 * - A key whose download or upload failed keeps its base record and is remembered in the sync state
 *   (`nextRetry`): a transient failure is tried every cycle; a failure of the object itself (damaged, missing,
 *   wrong password, bad index) when its entry changes or its back-off (1 min, doubling to an hour) runs out
 *   (`retryDue`). A failure that concerns the whole provider stops the cycle (`classifyFailure`).
 */
import type { MetadataEntry } from '../cloud/types';
import { isCloudSyncError } from '../errors';
import { backoffDelay } from '../runtime/backoff';
import type { RetryRecord, SyncState } from './base-store';
import { entrySig } from './commit-journal';
import type { KeyFailure } from './engine-types';

/** Attempts of one cycle, the first one included, before a lost compare-and-swap is the cycle's error. */
export const MAX_ATTEMPTS = 4;

/** Back-off of a key whose object failed to read or decrypt: 1 min, doubling, at most an hour. */
export const RETRY_BACKOFF = { baseMs: 60_000, maxMs: 3_600_000 };

/** Failures of the object itself (damaged, wrong password, missing, bad index): retried with back-off, or when its entry changes. */
const PERMANENT = new Set(['corrupt-object', 'wrong-password', 'not-found', 'bad-metadata', 'bad-key']);

/** Failures of the whole provider: no other key would fare better, so the cycle stops (the scheduler backs off). */
const PROVIDER_WIDE = new Set(['bad-credentials', 'expired-credentials', 'bucket-not-found', 'access-denied', 'cors-or-network', 'reconnect-required', 'aborted', 'quota-exceeded']);

/** Whether attempt `attempt` (1 = the first) ended in an error that calls for reading and planning again. */
export function replanAfter(e: unknown, attempt: number): boolean {
  return isCloudSyncError(e, 'precondition-failed') && attempt < MAX_ATTEMPTS;
}

/** What a key's failure is remembered as, and whether it stops the whole cycle. */
export function classifyFailure(e: unknown): { failure: KeyFailure; stopsCycle: boolean } {
  const message = e instanceof Error ? e.message : String(e);
  const code = isCloudSyncError(e) ? e.code : undefined;
  return {
    failure: { transient: !(code !== undefined && PERMANENT.has(code)), message, code },
    // A bad or missing object is skipped and shown, never deleted; a provider-wide failure ends the cycle.
    stopsCycle: code !== undefined && PROVIDER_WIDE.has(code),
  };
}

/** Whether a key that failed before is tried in this cycle: transient, its entry changed, or its back-off ran out. */
export function retryDue(r: RetryRecord, entry: MetadataEntry | undefined, now: number): boolean {
  return r.transient || (entry ? entrySig(entry) : null) !== r.sig || now >= (r.next ?? 0);
}

/**
 * The retry list after a cycle: its failures (each with its back-off, counted on from the key's earlier
 * failures on the same entry), plus the earlier ones it did not look at or that still wait out their back-off.
 */
export function nextRetry(
  before: SyncState['retry'],
  looked: ReadonlyMap<string, unknown>,
  items: Record<string, MetadataEntry>,
  failures: ReadonlyMap<string, KeyFailure>,
  waiting: ReadonlySet<string>,
  now: number,
): SyncState['retry'] {
  const out: NonNullable<SyncState['retry']> = {};
  for (const [k, r] of Object.entries(before ?? {})) if (!looked.has(k) || waiting.has(k)) out[k] = r;
  for (const [k, f] of failures) {
    const e = items[k];
    const sig = e ? entrySig(e) : null;
    const earlier = before?.[k];
    const count = earlier && earlier.sig === sig ? (earlier.failures ?? 1) + 1 : 1;
    // A key no object name can hold was said once; trying it again cannot help (its name is the problem).
    const next = f.code === 'bad-key' ? Number.MAX_SAFE_INTEGER : now + backoffDelay(count, RETRY_BACKOFF, 1);
    out[k] = { sig, transient: f.transient, failures: count, next, message: f.message, code: f.code };
  }
  return out;
}
