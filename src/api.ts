/**
 * The extension's public API on `window.typingMindCloudSync`, for automation, other extensions and tests.
 * It is also the load guard the original uses: when the global is already set, neither script starts.
 */
export type SyncState = 'idle' | 'syncing' | 'success' | 'error' | 'needs-you' | 'disabled' | 'unconfigured';

export interface SyncStatus {
  state: SyncState;
  /** Epoch ms of the last successful sync on this device, or 0. */
  lastSync: number;
  /** Keys changed locally and not yet uploaded. */
  pending: number;
  /** This tab runs the syncs (leader) or forwards to the tab that does. */
  leader: boolean;
  /** Human text for the latest error, when state is 'error' (or what is asked, when 'needs-you'). */
  error?: string;
  /**
   * When state is 'needs-you': what the sync waits for. 'deletions' is answered by `answerHeldDeletions`;
   * 'reconnect-google' (the Google sign-in expired and only a user's gesture may renew it) by the user's next
   * click or key press in the page, or "Sign in with Google" in the modal; sync resumes at once after it.
   */
  needs?: { kind: 'deletions'; count: number; reason: string } | { kind: 'reconnect-google'; reason: string };
}

export interface SyncReport {
  uploaded: string[];
  downloaded: string[];
  deleted: string[];
  conflicts: string[];
  errors: { key: string; message: string }[];
  /**
   * Keys left for a following cycle because another device is writing them right now, or they changed here
   * during the sync: not errors (each settles within a cycle or two, at most after a couple of minutes).
   */
  deferred: { key: string; message: string }[];
  /** Requests sent to the cloud during this cycle. */
  requests: number;
  durationMs: number;
}

export interface BackupInfo {
  folder: string;
  name: string;
  kind: 'snapshot' | 'daily';
  created: number;
  totalItems: number;
  format: string;
}

/** What Force Export or Force Import did: the cycle that carried it out, and the snapshot taken first. */
export interface ForceReport extends SyncReport {
  /** The automatic snapshot of what it overwrote (the cloud for an export, this device's data for an import). */
  snapshot: BackupInfo;
}

/** A chat found by `findChats`: on this device, or deleted within the last 30 days. */
export interface ChatMatch {
  key: string;
  title: string;
  messageCount: number;
  lastMessage: string;
  /** The chat's updatedAt, epoch ms (0 when it has none). */
  date: number;
  where: 'device' | 'deleted';
}

/** One version of a chat in the live cloud data or in a backup (`chatVersions`). */
export interface ChatVersionInfo {
  key: string;
  /** The backup folder (`backups/<name>`), or null for the live cloud data. */
  folder: string | null;
  /** "current cloud data", `snapshot "<name>"`, or "daily backup <YYYYMMDD>". */
  source: string;
  kind: 'live' | 'snapshot' | 'daily';
  /** When the backup was made (the live data: its last sync), epoch ms. */
  created: number;
  title: string;
  messageCount: number;
  lastMessage: string;
  date: number;
  /** The source lists the chat as deleted: this is its last version. */
  deleted: boolean;
  /** Keyed content hash: equal hashes are the same version. */
  hash: string;
}

export interface RestoredChatInfo {
  key: string;
  attachments: string[];
  missingAttachments: string[];
}

export type ApiEvent = 'status' | 'synced' | 'error' | 'progress';

export interface ProgressEvent {
  phase: 'upload' | 'download' | 'backup' | 'restore';
  done: number;
  total: number;
}

export interface CloudSyncApi {
  readonly version: string;
  /** Settles after the first sync following page load has finished, or when it is skipped. Never rejects. */
  readonly ready: Promise<void>;
  readonly status: SyncStatus;
  syncNow(): Promise<SyncReport>;
  /**
   * Answers deletions the mass-deletion guard holds (status 'needs-you'): 'delete' deletes them everywhere,
   * 'restore' brings them back (from the cloud to this device, or from this device to the cloud). Then syncs.
   */
  answerHeldDeletions(answer: 'delete' | 'restore'): Promise<SyncReport>;
  /**
   * Force Export: makes the cloud equal this device. A snapshot of the cloud is taken first; every local item is
   * uploaded, every cloud item this device lacks is deleted (restorable from Recently Deleted). Other devices
   * follow on their next sync. Throws, with nothing changed, when this device's TypingMind data is empty.
   */
  forceExport(): Promise<ForceReport>;
  /**
   * Force Import: makes this device equal the cloud. A snapshot of this device's data is saved to the cloud
   * first (restore it to undo); every cloud item is downloaded, every local item the cloud lacks is deleted,
   * nothing is merged or uploaded. Throws, with nothing changed, when the cloud holds no items. Reload the page
   * afterwards: TypingMind keeps chats in memory.
   */
  forceImport(): Promise<ForceReport>;
  runDailyBackup(): Promise<BackupInfo | null>;
  createSnapshot(name: string): Promise<BackupInfo>;
  listBackups(): Promise<BackupInfo[]>;
  /** Chats on this device, or deleted in the last 30 days, whose title or text holds every word of `query`. */
  findChats(query: string): Promise<ChatMatch[]>;
  /** Every version of one chat in the live cloud data and each backup, newest first (one index and one object read per backup). */
  chatVersions(key: string): Promise<ChatVersionInfo[]>;
  /**
   * Brings a version back on this device, as that chat ('replace', the default) or as a copy with a new id
   * ('copy'), with the attachments it refers to that are missing here; then syncs. Nothing else is changed.
   */
  restoreChatVersion(key: string, folder: string | null, mode?: 'replace' | 'copy'): Promise<RestoredChatInfo>;
  /** Returns a function that removes the listener. */
  on(event: ApiEvent, listener: (payload: unknown) => void): () => void;
}
