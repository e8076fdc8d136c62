/**
 * One attempt of a sync cycle, as its phases pass it along: what it read (cycle-read.ts), which keys it looks
 * at (cycle-candidates.ts), and what it produced for the commit (`CycleOutput`, cycle-commit.ts). The plan
 * and what depends on it travel beside it (`PlannedCycle`, cycle-plan.ts).
 */
import type { Metadata, MetadataEntry } from '../cloud/types';
import type { ItemType, LocalKey } from '../host/types';
import type { BaseRecord, ConflictRecord, JournalRecord, SyncState } from './base-store';
import type { Journal, PendingCommit } from './commit-journal';
import { isCloudSyncError } from '../errors';
import type { CycleMemo, CycleRequest, CycleResult, EngineEnv } from './engine-types';
import type { ForceRequest } from './force-transfer';
import type { Encoded } from './item-codec';
import { classifyFailure } from './retry';

/** metadata.json as this cycle read it. */
export interface IndexRead {
  meta: Metadata;
  etag: string | null;
  /** The text to cache; null when it is unchanged since it was cached (a 304) or there is none. */
  text: string | null;
  /** It changed since this device last read or wrote it. */
  changed: boolean;
}

/** metadata.json as this cycle wrote it. */
export interface IndexWritten {
  meta: Metadata;
  etag: string;
  text: string;
}

/** What a cycle produced, committed by its one exit (cycle-commit.ts, finishCycle). */
export interface CycleOutput {
  /**
   * Base records of what the bucket already holds (downloaded, reconciled, adopted, deleted here) and keys
   * forgotten, with the conflicts recorded: committed before anything goes up (commitPulled), or at the end.
   */
  basePut: BaseRecord[];
  baseRemove: string[];
  conflicts: ConflictRecord[];
  /** Values to upload beside the planned uploads: merges, local winners, objects whose entry is republished. */
  toUpload: Encoded[];
  /** Entries of ours found under another writer's entry (our object won the race for the same key). */
  republish: Map<string, { entry: MetadataEntry; record: BaseRecord }>;
  /** Entries this cycle writes into the index: first our entries lost to a stale writer, written again as they were. */
  newEntries: Record<string, MetadataEntry>;
  /** The base records that go with the entries this cycle published. */
  published: BaseRecord[];
  /** Journal keys whose record can go: judged settled or superseded, or reconciled at last. */
  journalDone: string[];
  /** Journal records of the entries written, confirmed by the commit. */
  journaled: JournalRecord[];
  /** Index entries dropped at the user's word (dropMissing). */
  dropped: string[];
  /** The index as this cycle wrote it, when it did. */
  written?: IndexWritten;
}

export interface Cycle {
  readonly req: CycleRequest;
  readonly memo: CycleMemo;
  readonly report: CycleResult;
  /** The clock when the attempt began: what it writes is stamped with it. */
  readonly now: number;
  /** The sync state as read; the plan records on it the deletions it holds and that the answer was used. */
  state: SyncState;
  /** The password proof the commit records (cycle-password.ts). */
  passwordCheck: string | null;
  /** The index as read, with the journal's repairs laid over it. */
  readonly remote: IndexRead;
  /** The commit journal, once read: for a changed index, or before uploads that may replace our own objects. */
  journal?: Journal;
  /** Our entries a stale writer overwrote, to write again. */
  readonly repairs: Record<string, MetadataEntry>;
  /** Keys another writer wrote over our entry without having seen it: reconciled as changed on both sides. */
  readonly concurrent: ReadonlyMap<string, PendingCommit>;
  /** The base records this cycle needs (all of them for a full look or a changed index). */
  readonly baseMap: Map<string, BaseRecord>;
  readonly baseCount: number;
  /** Every key is compared: the request asked for it, or the base is empty. */
  readonly full: boolean;
  /** The local listing, read for a full look. */
  readonly listing?: LocalKey[];
  readonly dirty: ReadonlyMap<string, { area: 'idb' | 'ls'; at: number }>;
  /** Deletions held for the user's answer in an earlier cycle, looked at again until answered. */
  readonly heldBefore: ReadonlySet<string>;
  /** The user's answer to them, from this request or from any tab (the sync state). */
  readonly answer?: 'delete' | 'restore';
  /** A Force Export or Import this cycle carries out instead of the usual plan (force-transfer.ts). */
  readonly force?: ForceRequest;
  /**
   * The time the failed keys' back-offs are measured against: `now`, or past every back-off when the user
   * asked for this sync (`retryFailed`).
   */
  readonly retryClock: number;
  /** The keys this cycle looks at (cycle-candidates.ts). */
  candidates: Map<string, ItemType | undefined>;
  readonly out: CycleOutput;
}

export function emptyOutput(repairs: Record<string, MetadataEntry>, journalDone: string[]): CycleOutput {
  return {
    basePut: [],
    baseRemove: [],
    conflicts: [],
    toUpload: [],
    republish: new Map(),
    newEntries: { ...repairs },
    published: [],
    journalDone: [...journalDone],
    journaled: [],
    dropped: [],
  };
}

/**
 * Records a key that failed in this cycle: reported, remembered for its retry, and logged. A failure of the
 * whole provider is thrown on: it stops the cycle. A bad or missing object is skipped and shown, never deleted.
 */
export function failKey(env: EngineEnv, cycle: Cycle, key: string, e: unknown): void {
  const { failure, stopsCycle } = classifyFailure(e);
  // Another device's write in flux, or a change here during the sync: the key is tried again next cycle (it is
  // transient), and it is not the user's problem unless it lasts, which inFluxMs bounds.
  (isCloudSyncError(e, 'sync-conflict') ? cycle.report.deferred : cycle.report.errors).push({ key, message: failure.message });
  cycle.memo.failures.set(key, failure);
  env.log('warn', `Could not sync "${key}": ${failure.message}`);
  if (stopsCycle) throw e;
}
