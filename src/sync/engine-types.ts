/**
 * The sync engine's types: what the app passes in (deps, options), what a cycle is asked and answers, and the
 * engine's services the cycle's phases use (`EngineEnv`). engine.ts re-exports the public ones; they live here
 * so that the phase modules need not import the engine that imports them.
 */
import type { SyncReport } from '../api';
import type { LiveEntry } from '../cloud/types';
import type { HostStore, ItemType } from '../host/types';
import type { CloudStore } from '../providers/cloud-store';
import { PARALLELISM } from '../runtime/pool';
import type { BaseStore } from './base-store';
import type { SyncKeys } from './item-codec';
import type { ForceRequest } from './force-transfer';
import type { ParsedIndex } from './parsed-index';
import type { SentObjects } from './own-objects';

export interface EngineOptions {
  /** Parallel transfers (uploads and downloads each): what the connection fits (runtime/pool.ts, PARALLELISM). */
  concurrency?: number;
  /** Fraction of known items a plan may delete without the user's confirmation. */
  massDeleteThreshold?: number;
  /** How long an entry whose object does not match its hash is taken as "being written" (ms). */
  inFluxMs?: number;
  /** Local reads per batch during a full scan (bounds memory). */
  scanBatch?: number;
  /**
   * Awaited between the batches of a full scan, so the start-up and backstop scans run in the page's idle
   * time instead of one long task (the app passes a requestIdleCallback-based wait).
   */
  betweenBatches?: () => Promise<void>;
}

export interface EngineDeps {
  store: CloudStore;
  host: HostStore;
  base: BaseStore;
  keys: SyncKeys;
  /** Identifies the bucket (provider + location); a different scope starts from an empty base. */
  scope: string;
  now?: () => number;
  options?: EngineOptions;
  onProgress?: (p: { phase: 'upload' | 'download'; done: number; total: number }) => void;
  /**
   * Awaited before the cycle's first write to the bucket. The app's capability probe (does the provider honour
   * conditional writes?) runs beside the cycle's reads and must be done before anything is written.
   */
  beforeWrites?: () => Promise<void>;
  log?: (level: 'debug' | 'info' | 'warn' | 'error', message: string, data?: Record<string, unknown>) => void;
}

export interface CycleRequest {
  /** Compare every key (start-up reconciliation, backstop scan, first sync). */
  full: boolean;
  /** Keys the change feed saw change, with when. */
  dirty?: ReadonlyMap<string, { area: 'idb' | 'ls'; at: number }>;
  /**
   * The user asked for this sync ("Sync now"): keys whose objects failed to read are tried again at once,
   * whatever their back-off (which only spares the bucket from automatic cycles).
   */
  retryFailed?: boolean;
  /**
   * The user's answer to the deletions held in an earlier cycle: delete them everywhere, or bring them back.
   * (An answer given in another tab arrives through the sync state instead: `answerHeld`.)
   */
  answer?: 'delete' | 'restore';
}

export interface CycleResult extends SyncReport {
  /** Deletions held back by the guard, waiting for the user. */
  held: { key: string; kind: 'delete-local' | 'tombstone' }[];
  holdReason?: string;
  /** Keys that could not be synced this cycle (the caller keeps them dirty). */
  failedKeys: string[];
  /** True when the cycle cost one request and no local work (nothing changed anywhere). */
  idle: boolean;
  /** Index entries removed at the user's word because their objects were missing (dropMissing). */
  dropped: string[];
  /** The Force Export or Import this cycle carried out (its request's id), when it carried one. */
  forced?: { id: string; direction: 'export' | 'import' };
}

export const DEFAULTS: Required<EngineOptions> = { concurrency: PARALLELISM['http/1.1'], massDeleteThreshold: 0.5, inFluxMs: 120_000, scanBatch: 25, betweenBatches: async () => {} };

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** What the engine lends every phase of a cycle: its dependencies, options, clock, request count and caches. */
export interface EngineEnv {
  readonly deps: EngineDeps;
  readonly opt: Required<EngineOptions>;
  now(): number;
  /** Every request is counted for the report and the benchmarks. */
  count<T>(p: Promise<T>): Promise<T>;
  log(level: LogLevel, message: string, data?: Record<string, unknown>): void;
  /** metadata.json parsed once per ETag (parsed-index.ts). */
  readonly index: ParsedIndex;
  /** The item objects this page uploaded and no commit has recorded yet (own-objects.ts). */
  readonly sent: SentObjects;
}

/**
 * A local item reduced to what the plan compares: its keyed hash (and a chat's fingerprint). No hash when
 * nothing compares it: a listed key that neither the base nor the index knows is uploaded whatever it holds,
 * and its upload hashes it (local-read.ts).
 */
export interface LocalInfo {
  type: ItemType;
  hash?: string;
  fingerprint?: string;
}

/** A key's failure in this cycle: transient (retry every cycle) or not (retry with back-off, or when the entry changes). */
export interface KeyFailure {
  transient: boolean;
  message: string;
  code?: string;
}

/** Work carried across compare-and-swap retries of one cycle, so a retry does not upload again. */
export interface CycleMemo {
  uploaded: Map<string, { hash: string; entry: LiveEntry }>;
  report: CycleResult;
  /** Keys that failed in this cycle. */
  failures: Map<string, KeyFailure>;
  /** Keys still backing off from an earlier failure: not tried this cycle, their records kept. */
  waiting: Set<string>;
  /** The force request this cycle took from the sync state (force-transfer.ts), for all of its attempts. */
  force?: ForceRequest;
}
