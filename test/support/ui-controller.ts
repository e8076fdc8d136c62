/**
 * A small UiController double for UI tests: records what the UI sends, answers with what the test sets.
 */
import type { ProgressEvent, SyncStatus } from '../../src/api';
import type { BackupsController, ConflictsController, DeletedController, ForceController, ModalState, SaveOutcome, SettingsForm, SignInOutcome, SyncCounts, SyncNowOutcome, UiController, UiSnapshot } from '../../src/ui/controller';

export class FakeController implements UiController {
  state: ModalState = { form: { storageType: 's3', syncInterval: '15' }, passwordSaved: false, configured: false, noSync: false, version: 'test' };
  saveOutcome: SaveOutcome = { ok: true, problems: [] };
  syncOutcome: SyncNowOutcome = { ok: true, message: 'Synced.' };
  signInOutcome: SignInOutcome = { ok: true, message: 'Signed in.' };
  snap: UiSnapshot = { status: { state: 'unconfigured', lastSync: 0, pending: 0, leader: true }, setupNotice: false };
  saved: SettingsForm[] = [];
  autoSync: boolean[] = [];
  logging: boolean[] = [];
  forgotten = 0;
  backups?: BackupsController;
  deleted?: DeletedController;
  conflicts?: ConflictsController;
  force?: ForceController;
  logLines?: () => string[];
  /** Times the UI asked for fresh counts; the dismissals of the first-time notice. */
  countRequests = 0;
  noticeDismissals = 0;
  /** When set, syncNow waits for this before answering. */
  syncGate?: Promise<void>;
  private listeners = new Set<(s: UiSnapshot) => void>();

  get current(): SyncStatus {
    return this.snap.status;
  }
  set current(status: SyncStatus) {
    this.snap = { ...this.snap, status };
  }

  async load() {
    return structuredClone(this.state);
  }
  async save(form: SettingsForm) {
    this.saved.push(form);
    return this.saveOutcome;
  }
  async syncNow() {
    if (this.syncGate) await this.syncGate;
    return this.syncOutcome;
  }
  /** Answers given to held deletions, in order. */
  answers: ('delete' | 'restore')[] = [];
  async answerHeld(answer: 'delete' | 'restore') {
    this.answers.push(answer);
    return { ok: true, message: answer === 'delete' ? 'Deleted 2 item(s) everywhere.' : 'Brought back 2 item(s).' };
  }
  snapshot() {
    return this.snap;
  }
  subscribe(listener: (s: UiSnapshot) => void) {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }
  /** A new snapshot with this patch, to every listener. */
  push(patch: Partial<UiSnapshot>) {
    this.snap = { ...this.snap, ...patch };
    for (const l of this.listeners) l(this.snap);
  }
  emit(status: SyncStatus) {
    this.push({ status });
  }
  progress(p: ProgressEvent | undefined) {
    this.push({ progress: p });
  }
  counts(c: SyncCounts) {
    this.push({ counts: c });
  }
  async refreshCounts() {
    this.countRequests++;
  }
  /** Views watching the counts now (the app recounts after a sync only while there are some). */
  countWatchers = 0;
  watchCounts() {
    this.countWatchers++;
    this.countRequests++;
    return () => {
      this.countWatchers--;
    };
  }
  dismissSetupNotice() {
    this.noticeDismissals++;
    this.push({ setupNotice: false });
  }
  listenerCount() {
    return this.listeners.size;
  }
  async setAutoSync(enabled: boolean) {
    this.autoSync.push(enabled);
  }
  async setLogging(enabled: boolean) {
    this.logging.push(enabled);
  }
  async signInWithGoogle() {
    return this.signInOutcome;
  }
  async forgetDevice() {
    this.forgotten++;
  }
}
