/**
 * Wires the services together and returns the public API. Everything that touches the page starts here.
 */
import type { ApiEvent, CloudSyncApi, SyncStatus } from './api';
import { CloudSyncError } from './errors';
import { mountSyncButton } from './ui/sync-button';

export function startExtension(win: Window): CloudSyncApi {
  const listeners = new Map<ApiEvent, Set<(payload: unknown) => void>>();
  const status: SyncStatus = { state: 'unconfigured', lastSync: 0, pending: 0, leader: false };
  const notReady = () => Promise.reject(new CloudSyncError('not-configured', 'Cloud Sync is not configured yet.'));

  mountSyncButton(win.document, () => {});

  return {
    version: __CLOUDSYNC_VERSION__,
    ready: Promise.resolve(),
    get status() {
      return { ...status };
    },
    syncNow: notReady,
    runDailyBackup: notReady,
    createSnapshot: notReady,
    listBackups: notReady,
    on(event, listener) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener);
      return () => set!.delete(listener);
    },
  };
}
