/**
 * A small UiController double for UI tests: records what the UI sends, answers with what the test sets.
 */
import type { ProgressEvent, SyncStatus } from '../../src/api';
import type { BackupsController, ConflictsController, DeletedController, ForceController, ModalState, SaveOutcome, SettingsForm, SignInOutcome, SyncNowOutcome, UiController } from '../../src/ui/controller';

export class FakeController implements UiController {
  state: ModalState = { form: { storageType: 's3', syncInterval: '15' }, passwordSaved: false, configured: false, noSync: false, version: 'test' };
  saveOutcome: SaveOutcome = { ok: true, problems: [] };
  syncOutcome: SyncNowOutcome = { ok: true, message: 'Synced.' };
  signInOutcome: SignInOutcome = { ok: true, message: 'Signed in.' };
  current: SyncStatus = { state: 'unconfigured', lastSync: 0, pending: 0, leader: true };
  saved: SettingsForm[] = [];
  autoSync: boolean[] = [];
  logging: boolean[] = [];
  forgotten = 0;
  backups?: BackupsController;
  deleted?: DeletedController;
  conflicts?: ConflictsController;
  force?: ForceController;
  logLines?: () => string[];
  onProgress?: (listener: (p: ProgressEvent) => void) => () => void;
  /** When set, syncNow waits for this before answering. */
  syncGate?: Promise<void>;
  private listeners = new Set<(s: SyncStatus) => void>();

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
  status() {
    return this.current;
  }
  onStatus(listener: (s: SyncStatus) => void) {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }
  emit(status: SyncStatus) {
    this.current = status;
    for (const l of this.listeners) l(status);
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
