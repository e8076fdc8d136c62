/** What every backup operation needs, passed in so the logic is testable on any CloudStore and clock. */
import type { ProgressEvent } from '../api';
import type { CloudStore } from '../providers/cloud-store';

export interface BackupKeys {
  contentKey: CryptoKey;
  hashKey: CryptoKey;
}

export type BackupLog = (level: 'info' | 'warn' | 'error', message: string) => void;

export interface BackupDeps {
  store: CloudStore;
  keys: BackupKeys;
  now: () => number;
  /** Copies in flight at once. */
  concurrency: number;
  log: BackupLog;
}

export interface RunOptions {
  signal?: AbortSignal;
  onProgress?: (progress: ProgressEvent) => void;
}
