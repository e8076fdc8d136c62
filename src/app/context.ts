/**
 * What the parts of the app share: the page, the services made once at load (compose.ts), and the few
 * things that change while the page lives (the settings once read, the sync session once started). Each
 * part (cycle-runner.ts, ui-controller.ts, public-api.ts) receives this one object instead of a closure.
 */
import type { ProgressEvent, SyncReport, SyncStatus } from '../api';
import type { BackupService } from '../backup';
import type { ConfigEnv, ResolvedConfig } from '../config';
import type { ChangeFeed, ChangedKey } from '../host/types';
import type { DirtySet } from '../host/dirty-set';
import type { ProviderHandle } from '../provider-factory';
import type { GoogleAuth } from '../providers/gdrive/google-auth';
import type { GestureRenewal } from '../providers/gdrive/gesture-renewal';
import type { EventBus, Log, Logger, SyncRuntime } from '../runtime';
import type { ChatHistory } from '../recovery/chat-history';
import type { BaseStore } from '../sync/base-store';
import type { CycleResult, SyncEngine } from '../sync/engine';
import type { ClosableHostStore } from '../host/host-store';
import type { DailyBackupTrigger } from './backup-trigger';
import type { StatusStore } from './status-store';

export type AppEvents = { status: SyncStatus; synced: SyncReport; error: { message: string; code?: string }; progress: ProgressEvent };

/** A configured, syncing page: its provider, engine, backups and tab runtime. */
export interface Session {
  provider: ProviderHandle;
  engine: SyncEngine;
  host: ClosableHostStore;
  base: BaseStore;
  backups: BackupService;
  runtime: SyncRuntime<CycleResult, ChangedKey>;
  /** One chat back from any backup (recovery/chat-history.ts). */
  history: ChatHistory;
}

export interface AppContext {
  readonly win: Window & typeof globalThis;
  readonly env: ConfigEnv;
  readonly feed: ChangeFeed;
  readonly logger: Logger;
  readonly log: Log;
  readonly bus: EventBus<AppEvents>;
  readonly dirty: DirtySet;
  readonly store: StatusStore & { setPublisher(p: ((s: SyncStatus) => void) | undefined): void };
  /** Every progress report (sync, backup, restore), paced for the eye. */
  readonly progress: (p: ProgressEvent) => void;
  readonly dailyBackup: DailyBackupTrigger;
  /** The settings at load, read (and the URL's secrets taken) before the first await. */
  readonly configReady: Promise<ResolvedConfig>;
  /** Settles the public API's `ready`. */
  readonly resolveReady: () => void;
  /** The sync database opened early on a page likely to sync, taken once. */
  takeEarlyBase(): Promise<BaseStore | undefined> | undefined;

  config?: ResolvedConfig;
  session?: Session;
  /** NoSync mode: the backups of the configured bucket, without a sync session. */
  backupsOnly?: BackupService;
  /** A Google sign-in made in the modal before the Drive settings were saved (sign in, check, save). */
  setupAuth?: GoogleAuth;
  /** Drive sessions: renews the sign-in on the user's next click or key press while it is needed. */
  googleRenewal?: GestureRenewal;
  /**
   * Open views that show the diagnostics counts (the modal). Counting lists the whole store, so a cycle
   * recounts only while someone is looking; opening the modal counts afresh.
   */
  countWatchers: number;
}
