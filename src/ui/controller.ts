/**
 * The one interface the UI talks to: state in (`snapshot()` and `subscribe`: one object the views render),
 * commands out (save, sync now, answer, snapshot, restore, ...). The UI knows nothing of config storage,
 * providers or the engine: the app (src/app/ui-controller.ts) implements this over them. Tests give the UI a
 * small double of it (test/support/ui-controller.ts).
 */
import type { BackupInfo, ChatMatch, ChatVersionInfo, ProgressEvent, SyncReport, SyncStatus } from '../api';
import type { SettingsForm, SettingsProblem } from '../config/settings-model';

export type { SettingsForm, SettingsProblem, SettingsField } from '../config/settings-model';

/**
 * Counts for "Sync Diagnostics", from what this device's last sync read (its local listing and the index it
 * last read): no request of their own.
 */
export interface SyncCounts {
  /** Syncable items on this device (exclusions applied). */
  localItems: number;
  /** Live (not deleted) entries of the index this device last read. */
  cloudItems: number;
  chatsLocal: number;
  chatsCloud: number;
  /** Keys on this device that are never synced (TypingMind's per-device keys and the user's exclusions). */
  excluded: string[];
  /** Keys a sync could not read, write or decode, with the last reason. */
  skipped: { key: string; message: string }[];
  /** Conflict records waiting in "Conflicts". */
  conflicts: number;
  /** Keys here and not in the cloud index (not uploaded yet). */
  onlyLocal: string[];
  /** Keys in the cloud index and not here (not downloaded yet). */
  onlyCloud: string[];
  /** Epoch ms when these were counted. */
  at: number;
}

/** Everything live the views show, in one object; a new object on every change. */
export interface UiSnapshot {
  status: SyncStatus;
  /** Long work under way (upload, download, backup, restore); absent once it ended. */
  progress?: ProgressEvent;
  /** Absent until a sync (or the modal asking for them) counted. */
  counts?: SyncCounts;
  /** The page is not configured and the user has not dismissed the first-time notice. */
  setupNotice: boolean;
}

/** What the modal needs to show when it opens. */
export interface ModalState {
  /** The saved settings (never the password: it is not stored). */
  form: SettingsForm;
  /** Keys derived from a password exist: the password field may be left empty to keep them. */
  passwordSaved: boolean;
  /** The provider is fully configured (so Sync now and Snapshot make sense). */
  configured: boolean;
  /** ?nosync is in the URL: syncing is off on this page. */
  noSync: boolean;
  /** Shown in the footer. */
  version: string;
}

/** One step of the setup check that Save runs ("reach the endpoint", "list the bucket", "write a test object"…). */
export interface ProbeStep {
  label: string;
  state: 'ok' | 'failed' | 'skipped';
  /** For a person: what was found, or what to fix. */
  message?: string;
}

export interface SaveOutcome {
  ok: boolean;
  /** Per-field problems; the modal shows each under its field. */
  problems: SettingsProblem[];
  /** The setup check, step by step, when it ran. */
  probe?: ProbeStep[];
  /** A sentence for the action line (success or a failure that belongs to no field). */
  message?: string;
}

export interface SyncNowOutcome {
  ok: boolean;
  /** For the action line: what happened, or what went wrong and what to do. */
  message: string;
  report?: SyncReport;
}

export interface SignInOutcome {
  ok: boolean;
  message: string;
}

/** The result of one button's work, for the action line. */
export interface ActionOutcome {
  ok: boolean;
  message: string;
}

/** "Available Backups" and the Snapshot button (original-ui.md §2.6, §2.13). */
export interface BackupsController {
  list(): Promise<BackupInfo[]>;
  createSnapshot(name: string): Promise<ActionOutcome>;
  /** Makes the cloud (and then this device) equal to the backup; takes a snapshot of the current state first. */
  restore(folder: string): Promise<ActionOutcome>;
  delete(folder: string): Promise<ActionOutcome>;
}

/** An item deleted within the last 30 days (a tombstone). */
export interface DeletedItem {
  key: string;
  /** Epoch ms of the deletion. */
  deletedAt: number;
}

/** "Recently Deleted Items" (original-ui.md §2.9). */
export interface DeletedController {
  list(): Promise<DeletedItem[]>;
  restore(keys: string[]): Promise<ActionOutcome>;
  /** "Permanently delete": removes the item's last version from the bucket, so it can no longer be restored. */
  purge?(key: string): Promise<ActionOutcome>;
}

/** One conflict record: both devices changed `key`; `discarded` is the version that was not kept. */
export interface ConflictItem {
  id: number;
  key: string;
  /** Epoch ms when the sync resolved it. */
  at: number;
  kept: 'local' | 'remote' | 'merged';
  discarded: unknown;
  /** For chats: the message that differed. */
  messageId?: string;
}

/** "Conflicts" (DESIGN.md, UI): the versions a sync did not keep, with restore. */
export interface ConflictsController {
  list(): Promise<ConflictItem[]>;
  /** Writes the discarded version back (it syncs out like any edit). */
  restore(id: number): Promise<ActionOutcome>;
  dismiss(id: number): Promise<ActionOutcome>;
}

/** Force Import and Force Export (original-ui.md §2.5): each takes a snapshot of what it overwrites first. */
export interface ForceController {
  /** Makes the cloud equal this device. Never throws. */
  export(): Promise<ActionOutcome>;
  /** Makes this device equal the cloud (the page reloads after it). Never throws. */
  import(): Promise<ActionOutcome>;
}

/** "History": one chat back from any backup (issue 17). */
export interface HistoryController {
  search(query: string): Promise<ChatMatch[]>;
  versions(key: string): Promise<{ versions: ChatVersionInfo[]; problems: string[] }>;
  /** Puts the version on this device, as the chat or as a copy beside it; it syncs out like any edit. */
  restore(key: string, folder: string | null, mode: 'replace' | 'copy'): Promise<ActionOutcome>;
}

export interface UiController {
  /** The current state (see UiSnapshot). */
  snapshot(): UiSnapshot;
  /** Called with every new snapshot. Returns a function that stops listening. */
  subscribe(listener: (snapshot: UiSnapshot) => void): () => void;
  /** Counts again now, from what is on this device (the diagnostics section opened). No request. */
  refreshCounts?(): Promise<void>;
  /**
   * A view showing the counts opened: counts now, and again after each sync that changed something, until the
   * returned function is called (counting lists the whole store, so it is not done for nobody).
   */
  watchCounts?(): () => void;
  /** The first-time notice was dismissed: it is not shown again on this device. */
  dismissSetupNotice(): void;
  load(): Promise<ModalState>;
  /**
   * Validates, checks the connection, and stores the settings only when the check passed: a failing setup never
   * replaces a working one. Never throws.
   */
  save(form: SettingsForm): Promise<SaveOutcome>;
  /** Runs a sync now (through the leader tab). Never throws. */
  syncNow(): Promise<SyncNowOutcome>;
  /** Answers the deletions the guard holds (status 'needs-you'), then syncs. Never throws. */
  answerHeld(answer: 'delete' | 'restore'): Promise<ActionOutcome>;
  /** The Auto-Sync checkbox: takes effect at once. */
  setAutoSync(enabled: boolean): Promise<void>;
  /** The Console Logging checkbox: takes effect at once. */
  setLogging(enabled: boolean): Promise<void>;
  /** Google sign-in with this client ID (opens Google's pop-up). Never throws. */
  signInWithGoogle(clientId: string): Promise<SignInOutcome>;
  /** Removes this extension's keys, credentials and settings from this device (not TypingMind's data, not the cloud). */
  forgetDevice(): Promise<void>;
  /** When present, the modal shows "Available Backups" and the Snapshot button. */
  backups?: BackupsController;
  /** When present, the modal shows "Recently Deleted Items". */
  deleted?: DeletedController;
  /** When present, the diagnostics section has the "Import ↙" and "Export ↗" buttons. */
  force?: ForceController;
  /** When present, the modal shows "Conflicts". */
  conflicts?: ConflictsController;
  /** When present, the modal shows "History" (one chat back from any backup). */
  history?: HistoryController;
  /** When present, the modal shows a log viewer (for browsers without developer tools). Newest last. */
  logLines?(): string[];
}
