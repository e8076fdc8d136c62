/**
 * The one place the live state is kept: the sync status (the public API's `status` and its 'status' event)
 * and what the UI renders beside it (progress, diagnostics counts, the first-time notice), as one snapshot.
 * Every change makes a new snapshot object; listeners get it at once.
 *
 * Progress belongs to the work that reports it: it is dropped when that work ends (the last report, or the
 * status leaving 'syncing'), so no "Downloading 1 of 2…" outlives the sync that said it.
 */
import type { ProgressEvent, SyncStatus } from '../api';
import type { SyncCounts, UiSnapshot } from '../ui/controller';

export interface StatusStore {
  status(): SyncStatus;
  snapshot(): UiSnapshot;
  /** Merges a patch into this tab's status; `pending` always comes from the dirty set. */
  set(patch: Partial<SyncStatus>): void;
  /** A status the leading tab published (this tab follows). */
  adoptRemote(status: SyncStatus): void;
  progress(p: ProgressEvent): void;
  counts(c: SyncCounts): void;
  setupNotice(show: boolean): void;
  onStatus(listener: (s: SyncStatus) => void): () => void;
  subscribe(listener: (s: UiSnapshot) => void): () => void;
}

export interface StatusStoreOptions {
  /** Keys changed locally and not uploaded yet. */
  pending(): number;
  /** Also told of every status this tab sets (the leader spreads it to the other tabs). */
  publish?(status: SyncStatus): void;
}

/** True while `p` describes work still running. Pure. */
export function progressRunning(p: ProgressEvent | undefined): boolean {
  return !!p && p.total > 0 && p.done < p.total;
}

export function createStatusStore(options: StatusStoreOptions): StatusStore & { setPublisher(p: ((s: SyncStatus) => void) | undefined): void } {
  let publish = options.publish;
  let snap: UiSnapshot = { status: { state: 'idle', lastSync: 0, pending: 0, leader: false }, setupNotice: false };
  const statusListeners = new Set<(s: SyncStatus) => void>();
  const snapListeners = new Set<(s: UiSnapshot) => void>();

  const notify = (statusChanged: boolean) => {
    if (statusChanged) for (const l of [...statusListeners]) isolate(() => l(snap.status));
    for (const l of [...snapListeners]) isolate(() => l(snap));
  };
  const replace = (next: Partial<UiSnapshot>, statusChanged: boolean) => {
    snap = { ...snap, ...next };
    notify(statusChanged);
  };
  const withStatus = (status: SyncStatus) => {
    // Work reported during a sync ends with it, even when its last report never came (a failure midway).
    // (Backup and restore report outside the cycle: their progress stays until their own last report.)
    const cycleWork = snap.progress?.phase === 'upload' || snap.progress?.phase === 'download';
    replace({ status, progress: status.state !== 'syncing' && cycleWork ? undefined : snap.progress }, true);
  };

  return {
    status: () => snap.status,
    snapshot: () => snap,
    set(patch) {
      const status = { ...snap.status, ...patch, pending: options.pending() };
      withStatus(status);
      publish?.(status);
    },
    adoptRemote(status) {
      withStatus({ ...status, leader: false });
    },
    progress(p) {
      replace({ progress: progressRunning(p) ? p : undefined }, false);
    },
    counts(c) {
      replace({ counts: c }, false);
    },
    setupNotice(show) {
      if (snap.setupNotice !== show) replace({ setupNotice: show }, false);
    },
    onStatus(l) {
      statusListeners.add(l);
      return () => void statusListeners.delete(l);
    },
    subscribe(l) {
      snapListeners.add(l);
      return () => void snapListeners.delete(l);
    },
    setPublisher(p) {
      publish = p;
    },
  };
}

/** One broken view must not stop the others (or the status dot). */
function isolate(fn: () => void): void {
  try {
    fn();
  } catch {
    // dropped: nowhere better to report a view's own failure
  }
}
