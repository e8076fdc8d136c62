/**
 * The commit phase of a cycle (docs/sync.md, "The commit path"), and its one exit.
 *
 * - `commitPulled`: before anything goes up, the base records of what the pulls found are committed: they
 *   describe what the bucket already holds, whatever happens to our own uploads next.
 * - `writeIndex`: the entries are journaled (uncommitted: they name the objects we uploaded), then
 *   metadata.json is written through writeShared, by compare-and-swap on the ETag read where the store honours
 *   it (a lost race throws precondition-failed: the cycle reads and plans again), a plain write where not.
 * - `finishCycle`: every exit of a cycle ends here, whatever it produced: the base records, the conflicts, the
 *   journal's confirmations, the retry list, the sync state and the cached index in one transaction; then the
 *   report. A failure before it leaves the base as it was, so the next cycle redoes the work.
 */
import { METADATA_KEY, pruneExpiredTombstones, serializeMetadata } from '../cloud';
import type { Metadata } from '../cloud/types';
import { CloudSyncError } from '../errors';
import { writeShared } from '../providers/shared-document';
import type { BaseRecord, JournalRecord, SyncState } from './base-store';
import { entryIdentity } from './commit-journal';
import type { Cycle, IndexWritten } from './cycle-context';
import type { PlannedCycle } from './cycle-plan';
import type { CycleResult, EngineEnv } from './engine-types';
import { nextRetry } from './retry';

const toBytes = (s: string) => new TextEncoder().encode(s);

/** The base records, keys forgotten and conflicts the pulls produced, committed before anything goes up. */
export async function commitPulled(env: EngineEnv, cycle: Cycle): Promise<void> {
  const { out } = cycle;
  if (!out.basePut.length && !out.baseRemove.length && !out.conflicts.length) return;
  await env.deps.base.commit({
    put: out.basePut.splice(0),
    remove: out.baseRemove.splice(0),
    state: { scope: env.deps.scope, passwordCheck: cycle.passwordCheck, retry: retryAfter(env, cycle, cycle.remote.meta) },
    conflicts: out.conflicts.splice(0),
  });
}

/** Whether the cycle has anything to write into metadata.json: entries, or entries to drop. */
export function publishes(cycle: Cycle, planned: PlannedCycle): boolean {
  return Object.keys(cycle.out.newEntries).length > 0 || planned.dropKeys.size > 0;
}

/** Journals the cycle's entries, then writes metadata.json with them (and without the entries dropped). */
export async function writeIndex(env: EngineEnv, cycle: Cycle, planned: PlannedCycle): Promise<void> {
  const { out, remote, now, report } = cycle;
  const next: Metadata = pruneExpiredTombstones({ lastSync: now, items: { ...remote.meta.items, ...out.newEntries } }, now);
  next.lastSync = now;
  for (const k of planned.dropKeys) delete next.items[k];
  // Journaled before the index write (uncommitted: they name the objects we uploaded), confirmed with the base.
  const entries: JournalRecord[] = Object.entries(out.newEntries).map(([key, entry]) => {
    const before = Object.prototype.hasOwnProperty.call(remote.meta.items, key) ? remote.meta.items[key] : undefined;
    const replaced = key in cycle.repairs ? cycle.journal![key].replaced : before ? entryIdentity(before) : null;
    return { key, entry, replaced, at: now, committed: false };
  });
  await env.deps.base.journalPut(entries);
  const written = await writeMetadata(env, next, remote.etag);
  // Reported once the index holds it: a lost race re-plans the cycle and comes here again.
  for (const k of planned.dropKeys) if (!report.dropped.includes(k)) report.dropped.push(k);
  env.index.set(written.etag, written.meta);
  env.sent.forget(Object.keys(out.newEntries));
  out.written = written;
  out.journaled = entries;
  out.dropped = [...planned.dropKeys];
}

/**
 * Writes metadata.json: a compare-and-swap where the store honours it (throws precondition-failed to re-plan),
 * a plain write where it does not. There, a writer that read an older index may still write over ours
 * later, which no read-back right now could see: the commit journal finds and repairs it on a later read.
 */
async function writeMetadata(env: EngineEnv, next: Metadata, etag: string | null): Promise<IndexWritten> {
  const text = serializeMetadata(next);
  const res = await env.count(writeShared(env.deps.store, METADATA_KEY, toBytes(text), etag));
  if (res.kind === 'conflict') throw new CloudSyncError('precondition-failed', 'Another device wrote metadata.json at the same moment; planning again.');
  return { etag: res.etag, meta: next, text };
}

/** The one end of every cycle: commits what it produced, with the index it read or wrote, and reports it. */
export async function finishCycle(env: EngineEnv, cycle: Cycle): Promise<void> {
  const { out, state } = cycle;
  const index = out.written ?? cycle.remote;
  const retry = retryAfter(env, cycle, index.meta);
  for (const k of out.dropped) delete retry?.[k];
  await env.deps.base.commit({
    put: [...out.basePut, ...out.published],
    remove: [...out.baseRemove, ...out.dropped],
    conflicts: out.conflicts,
    journal: { put: out.journaled.map((r) => ({ ...r, committed: true })), remove: out.journalDone },
    // The cached index changes only with a new text; a 304 leaves it alone, a missing index forgets it.
    index: index.etag ? (index.text !== null ? { etag: index.etag, text: index.text } : undefined) : null,
    state: {
      scope: env.deps.scope,
      etag: index.etag,
      passwordCheck: cycle.passwordCheck,
      retry,
      lastSync: env.now(),
      held: state.held,
      holdReason: state.holdReason,
      answer: state.answer,
      // The user's request to drop entries is used by the index write that carries it.
      drop: out.written ? undefined : state.drop,
    },
  });
  finishReport(cycle.report, out.published, retry);
}

/** The retry list after this cycle: its failures, plus earlier ones it did not look at or that still wait. */
function retryAfter(env: EngineEnv, cycle: Cycle, meta: Metadata): SyncState['retry'] {
  return nextRetry(cycle.state.retry, cycle.candidates, meta.items, cycle.memo.failures, cycle.memo.waiting, env.now());
}

function finishReport(report: CycleResult, records: BaseRecord[], retry?: SyncState['retry']) {
  for (const r of records) {
    if (r.kind === 'live' && !report.uploaded.includes(r.key)) report.uploaded.push(r.key);
    if (r.kind === 'tombstone' && !report.deleted.includes(r.key)) report.deleted.push(r.key);
  }
  // Keys the caller keeps dirty to try again; a key no object name can hold is not tried again.
  const unaddressable = new Set(Object.entries(retry ?? {}).flatMap(([k, r]) => (r.code === 'bad-key' ? [k] : [])));
  const unsettled = [...report.errors, ...report.deferred];
  report.failedKeys = [...new Set(unsettled.filter((e) => !unaddressable.has(e.key)).map((e) => e.key))];
  // Keys that failed before and were not tried this cycle are still failing: said again, so the status does
  // not turn green over a device that is silently stale. A key no object name can hold was said once.
  for (const [key, r] of Object.entries(retry ?? {})) {
    if (r.code === 'bad-key' || unsettled.some((e) => e.key === key)) continue;
    (r.code === 'sync-conflict' ? report.deferred : report.errors).push({ key, message: r.message ?? `"${key}" could not be synced yet.` });
  }
}
