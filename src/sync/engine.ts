/**
 * The sync engine: runs one cycle of docs/sync.md against one bucket. `attempt` is a short orchestrator over
 * named phases, each in its own module, passing one per-cycle context along (cycle-context.ts):
 *
 *   read        cycle-read.ts        the sync state; metadata.json, conditionally (If-None-Match); the commit
 *                                    journal judged against a changed index; the base records and local
 *                                    listing the cycle needs (an idle cycle: the state record, one request)
 *   candidates  cycle-candidates.ts  which keys to look at (pure)
 *   local       local-read.ts        the candidates' keyed hashes, in bounded batches
 *   plan        cycle-plan.ts        the pure planner (planner.ts) over the three states, the guard's counts,
 *                                    held deletions, which transfers run (pure parts: plan-inputs.ts)
 *   password    cycle-password.ts    proven before the first write; the first downloads can be the proof
 *   pull        cycle-pull.ts        downloads and reconciles (pull.ts, one item), local deletions
 *   push        cycle-push.ts        item uploads (item-upload.ts), tombstones, repairs, entries republished
 *   commit      cycle-commit.ts      the pulled base records first; journal intents, metadata.json through
 *                                    writeShared, then the base with the journal's confirmation, through the
 *                                    one exit every attempt takes (finishCycle)
 *
 * A lost compare-and-swap on metadata.json reads and plans again; a key that failed is retried with back-off
 * (retry.ts, pure). The engine decides nothing itself: the planner and the chat merge (chat-merge.ts) do. It
 * owns the order of effects, so that a failure anywhere leaves the base as it was and the next cycle redoes
 * the work.
 */
import type { ProgressEvent } from '../api';
import type { BackupOutcome } from '../backup/snapshot';
import { METADATA_KEY, parseMetadata } from '../cloud';
import { isTombstone, type Metadata, type MetadataEntry } from '../cloud/types';
import type { ItemType } from '../host/types';
import type { ConflictRecord } from './base-store';
import { entrySig } from './commit-journal';
import { selectCandidates, type CandidateSources } from './cycle-candidates';
import { describeResult } from './cycle-log';
import { commitPulled, finishCycle, publishes, writeIndex } from './cycle-commit';
import type { Cycle } from './cycle-context';
import { provePassword } from './cycle-password';
import { planCycle } from './cycle-plan';
import { pullPhase } from './cycle-pull';
import { goesUp, pushPhase } from './cycle-push';
import { readCycle } from './cycle-read';
import { DEFAULTS, type CycleMemo, type CycleRequest, type CycleResult, type EngineDeps, type EngineEnv, type EngineOptions, type LogLevel } from './engine-types';
import { forceRefusal, type ForceDirection } from './force-transfer';
import { lastIndex } from './last-index';
import { readCandidates } from './local-read';
import { snapshotLocalData } from './local-snapshot';
import { SentObjects } from './own-objects';
import { ParsedIndex } from './parsed-index';
import { recentlyDeleted, restoreConflict, restoreDeleted, type DeletedItem } from './restores';
import { purgeDeleted, type PurgeOutcome } from './purge-deleted';
import { replanAfter } from './retry';

export type { CycleRequest, CycleResult, EngineDeps, EngineOptions } from './engine-types';
export { entrySig };

export class SyncEngine {
  private readonly opt: Required<EngineOptions>;
  private readonly now: () => number;
  private requests = 0;
  private readonly env: EngineEnv;

  constructor(private readonly deps: EngineDeps) {
    this.opt = { ...DEFAULTS, ...deps.options };
    this.now = deps.now ?? Date.now;
    this.env = {
      deps,
      opt: this.opt,
      now: this.now,
      count: (p) => this.count(p),
      log: (level, message, data) => this.log(level, message, data),
      index: new ParsedIndex(),
      sent: new SentObjects(),
    };
  }

  /** Every request is counted for the report and the benchmarks. */
  private count<T>(p: Promise<T>): Promise<T> {
    this.requests++;
    return p;
  }

  private log(level: LogLevel, message: string, data?: Record<string, unknown>) {
    this.deps.log?.(level, message, data);
  }

  async runCycle(req: CycleRequest): Promise<CycleResult> {
    const started = this.now();
    this.requests = 0;
    const memo: CycleMemo = {
      uploaded: new Map(),
      report: { uploaded: [], downloaded: [], deleted: [], conflicts: [], errors: [], deferred: [], requests: 0, durationMs: 0, held: [], failedKeys: [], idle: false, dropped: [] },
      failures: new Map(),
      waiting: new Set(),
    };
    for (let attempt = 1; ; attempt++) {
      try {
        await this.attempt(req, memo);
        break;
      } catch (e) {
        if (replanAfter(e, attempt)) {
          this.log('info', 'metadata.json changed while this device was writing it; planning again', { attempt });
          continue;
        }
        throw e;
      }
    }
    const r = memo.report;
    r.requests = this.requests;
    r.durationMs = this.now() - started;
    const done = describeResult(r);
    this.log(done.level, done.line);
    return r;
  }

  /** One attempt of a cycle: the phases in order; every way out commits through finishCycle. */
  private async attempt(req: CycleRequest, memo: CycleMemo): Promise<void> {
    const env = this.env;
    const cycle = await readCycle(env, req, memo);
    cycle.candidates = selectCandidates(candidateSources(cycle, (k) => this.deps.host.isExcluded(k)));
    // A force with nothing on either side is refused by its plan, not passed over as idle.
    if (cycle.candidates.size === 0 && !cycle.force) {
      // Nothing to look at: one request when the index did not change either.
      memo.report.idle = !cycle.remote.changed;
      return finishCycle(env, cycle);
    }
    const planned = await planCycle(env, cycle, await readCandidates(env, cycle));
    const proof = await provePassword(env, cycle, planned);
    await pullPhase(env, cycle, planned, proof);
    // Nothing goes up: the base records, the state and the index in one transaction.
    if (!goesUp(cycle, planned)) return finishCycle(env, cycle);
    await commitPulled(env, cycle);
    await pushPhase(env, cycle, planned);
    if (publishes(cycle, planned)) await writeIndex(env, cycle, planned);
    return finishCycle(env, cycle);
  }

  /** metadata.json as this device last read or wrote it (no request); undefined before the first sync. */
  lastIndex(): Promise<Metadata | undefined> {
    return lastIndex(this.env);
  }

  /** Items deleted within the tombstone window, newest first, from the index as last read (no request). */
  recentlyDeleted(): Promise<DeletedItem[]> {
    return recentlyDeleted(this.env);
  }

  /**
   * Brings deleted items back on this device from their objects, which deletion never removes. The caller
   * marks the keys changed, so the next cycle uploads them and every device gets them back (restores.ts).
   */
  restoreDeleted(keys: string[]): Promise<{ restored: string[]; errors: { key: string; message: string }[] }> {
    return restoreDeleted(this.env, keys);
  }

  /**
   * Asks the next cycle, in whichever tab of this browser leads, for a Force Export or Import instead of the
   * usual plan (force-transfer.ts); the caller then asks for a sync. Returns the request's id, which the
   * cycle that carries it out reports (CycleResult.forced). `basis`: see ForceRequest.
   */
  async requestForce(direction: ForceDirection, basis?: string | null): Promise<string> {
    const id = globalThis.crypto.randomUUID();
    await this.deps.base.requestForce({ direction, id, at: this.now(), ...(basis !== undefined ? { basis } : {}) });
    return id;
  }

  /** Whether the force request `id` still waits for a cycle. */
  async forcePending(id: string): Promise<boolean> {
    return (await this.deps.base.state()).force?.id === id;
  }

  /** Withdraws the force request `id` if no cycle took it yet. */
  async withdrawForce(id: string): Promise<void> {
    if (await this.forcePending(id)) await this.deps.base.requestForce(undefined);
  }

  /**
   * Why a Force Export or Import must not run now (it would empty one side), or undefined: checked before its
   * snapshot is taken. The forced cycle checks again on what it reads.
   */
  async forceRefusal(direction: ForceDirection): Promise<string | undefined> {
    const { host, store } = this.deps;
    if (direction === 'export') return forceRefusal(direction, { localIdb: (await host.listKeys()).filter((k) => k.type !== 'ls').length, remoteLive: 0 });
    const res = await store.get(METADATA_KEY);
    const items = res.kind === 'found' ? parseMetadata(res.body).items : {};
    return forceRefusal(direction, { localIdb: 0, remoteLive: Object.entries(items).filter(([k, e]) => !isTombstone(e) && !host.isExcluded(k)).length });
  }

  /** A snapshot of this device's data into the bucket, before Force Import overwrites it (local-snapshot.ts). */
  snapshotLocal(name: string, options: { onProgress?: (p: ProgressEvent) => void } = {}): Promise<BackupOutcome> {
    const { store, host, keys } = this.deps;
    return snapshotLocalData({ store, host, keys, now: this.now, concurrency: this.opt.concurrency, log: (level, message) => this.log(level, message) }, name, options);
  }

  /**
   * "Permanently delete": removes deleted items' objects from the bucket and marks their tombstones purged
   * (purge-deleted.ts), journaling what it wrote like a cycle's commit. The caller syncs next, so the list
   * (read from the index as last synced) no longer shows them.
   */
  async purgeDeleted(keys: string[]): Promise<PurgeOutcome> {
    const out = await purgeDeleted(this.deps.store, keys, this.now);
    if (out.committed.length) await this.adoptCommits(out.committed);
    return out;
  }

  /**
   * The user's answer to the deletions the guard holds: 'delete' lets them go through everywhere, 'restore'
   * brings them back (downloaded to this device, or uploaded again). Recorded for the next cycle of whichever
   * tab of this browser leads; the caller then asks for a sync.
   */
  answerHeld(answer: 'delete' | 'restore'): Promise<void> {
    return this.deps.base.answerHeld(answer);
  }

  /**
   * Drops, at the next cycle, the index entries of these keys when their objects are missing from the bucket
   * (their last failure said so and the entry did not change since). A device that still holds such an item
   * then publishes it again (an entry that vanished is uploaded by whoever has the value).
   */
  async dropMissing(keys: string[]): Promise<void> {
    await this.deps.base.setDrop(keys);
  }

  /**
   * Journals entries another part of this device wrote to metadata.json (a restore), as if a cycle had
   * committed them: where the store ignores preconditions, a stale writer's copy over them is repaired.
   */
  async adoptCommits(commits: { key: string; entry: MetadataEntry; replaced: string | null }[]): Promise<void> {
    const at = this.now();
    await this.deps.base.journalPut(commits.map((c) => ({ ...c, at, committed: true })));
  }

  /** Keys that keep failing, with the last reason (from the sync state; no request). */
  async failing(): Promise<{ key: string; message: string; missing: boolean }[]> {
    const state = await this.deps.base.state();
    return Object.entries(state.retry ?? {}).map(([key, r]) => ({ key, message: r.message ?? '', missing: r.code === 'not-found' }));
  }

  /** The deletions held for the user's answer, and why (from the last cycle; no request). */
  async held(): Promise<{ keys: { key: string; kind: 'delete-local' | 'tombstone' }[]; reason?: string }> {
    const state = await this.deps.base.state();
    return { keys: state.held ?? [], reason: state.holdReason };
  }

  /** Conflicts resolved by past cycles, for the user to review. */
  conflicts(): Promise<ConflictRecord[]> {
    return this.deps.base.conflicts();
  }

  dismissConflict(id: number): Promise<void> {
    return this.deps.base.removeConflict(id);
  }

  /**
   * Puts the version a conflict discarded back on this device (restores.ts). The caller marks the key changed
   * so it syncs out like any edit.
   */
  restoreConflict(id: number): Promise<{ key: string; type: ItemType }> {
    return restoreConflict(this.env, id);
  }
}

/** Where the candidates of a cycle come from: what it read, and the keys the journal and the user point at. */
function candidateSources(cycle: Cycle, isExcluded: (key: string) => boolean): CandidateSources {
  const { state, remote } = cycle;
  return {
    listing: cycle.listing,
    baseMap: cycle.baseMap,
    items: remote.meta.items,
    changed: remote.changed,
    dirty: cycle.dirty,
    retry: state.retry,
    pointed: [...Object.keys(cycle.repairs), ...cycle.concurrent.keys(), ...cycle.heldBefore, ...(state.drop ?? [])],
    now: cycle.retryClock,
    isExcluded,
  };
}
