/** The shape of one benchmark run as written to bench-results/<label>.json and read back by the table writer. */
import type { BenchOptions } from './options';
import type { LongTaskSummary } from './page-time';
import type { SeedSummary } from './page/bench-page';

export interface Traffic {
  /** Requests that reached the bucket, CORS preflights excluded. */
  requests: number;
  /** CORS preflights (OPTIONS), counted apart. */
  preflights: number;
  /** Request body bytes (what the page sent). Headers are not counted. */
  bytesUp: number;
  /** Response body bytes (what the page received). Headers are not counted. */
  bytesDown: number;
  /** Requests per method, preflights included under OPTIONS. */
  byMethod: Record<string, number>;
}

export interface Phase {
  ok: boolean;
  /** Why the phase did not complete, worded for the reader of BENCHMARKS.md. */
  error?: string;
  wallMs?: number;
  /**
   * Initial upload and fresh device: from the extension's script arriving in the page until its first sync is
   * done, on the page's clock. The wall time also holds the host page's own load; the baselines run in a page
   * already loaded, so the ratio targets compare this one.
   */
  extensionMs?: number;
  traffic?: Traffic;
  peakHeapBytes?: number;
  /** Main-thread busy time (TaskDuration) and script time (ScriptDuration) of the page over the phase. */
  mainThreadMs?: number;
  scriptMs?: number;
  /** Layout + style recalculation time over the phase. */
  layoutStyleMs?: number;
  /**
   * The extension's long tasks from its start to the end of the phase (initial upload and fresh device): its
   * script entry points over 50 ms, from the long animation frames' script attribution (GC and IndexedDB
   * cloning inside them included).
   */
  longTasks?: LongTaskSummary;
  /** The page's long tasks over the same time (PerformanceObserver 'longtask'), the host's own layout included. */
  pageLongTasks?: LongTaskSummary;
  notes: string[];
  /** "METHOD key" of each request (preflights left out), for phases small enough to read them. */
  requestLog?: string[];
}

export interface BaselinePhase extends Phase {
  objects: number;
  bytes: number;
}

export interface UploadPhase extends Phase {
  /** Sync cycles it took until a cycle uploaded nothing more (1 = all in the first cycle). */
  cycles: number;
  objectsInBucket: number;
  bucketBytes: number;
}

export interface DownloadPhase extends Phase {
  chatsOnDevice: number;
  expectedChats: number;
  /** PUTs the fresh device sent while downloading (the original re-uploads every chat). */
  putsFromFreshDevice: number;
}

export interface IdlePhase extends Phase {
  /** Main-thread time in the cycle, from Chromium's TaskDuration / ScriptDuration (the whole page's). */
  taskMs?: number;
  scriptMs?: number;
  /** Of the cycle's script time, what ran with the extension's bundle on the stack (a CPU profile of the cycle). */
  ownScriptMs?: number;
  /**
   * Reads of TypingMind's keyval store during the cycle: calls per IDBObjectStore method, cursorSteps, the
   * records bulk reads asked for (getAllAsked / getAllKeysAsked) and bulk reads with no limit (unbounded).
   */
  storeReads?: Record<string, number>;
  /** Reads of every other object store (the extension's own database), per "db/store.method". */
  otherStoreReads?: Record<string, number>;
  /** Requests of each idle cycle measured (the headline is the last). */
  requestsPerCycle: number[];
}

export interface EditPhase extends Phase {
  /** From the edit being written on A to device B holding the new message. */
  propagationMs?: number;
  /** A's side: the upload. */
  trafficA?: Traffic;
  /** B's side: the download. */
  trafficB?: Traffic;
  cyclesA: number;
  cyclesB: number;
}

export interface BackupPhase extends Phase {
  /** Items the backup reports holding, when it says. */
  totalItems?: number;
}

export interface BenchResult {
  label: string;
  date: string;
  commit: string;
  machine: { cpus: number; cpuModel: string; memoryGiB: number; node: string; chromium: string };
  options: BenchOptions;
  dataset: Omit<SeedSummary, 'firstChatId'>;
  bundle: { rawBytes: number; gzipBytes: number };
  /** What the extension reports about itself: whether syncNow() works yet. */
  app: { version: string; syncWorks: boolean; message?: string };
  /** The stand-in page without the extension: the heap the host itself needs. */
  hostPage: { peakHeapBytes?: number };
  baselinePut: BaselinePhase;
  baselineGet: BaselinePhase;
  initialUpload: UploadPhase;
  initialDownload: DownloadPhase;
  idle: IdlePhase;
  edit: EditPhase;
  /** runDailyBackup() on A after the other phases (optional: older result files lack it). */
  dailyBackup?: BackupPhase;
}
