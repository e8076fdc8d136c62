/**
 * forgetDevice: removes everything this extension keeps on this device (its keys, sealed credentials,
 * settings and sync state) and nothing of TypingMind's: only IndexedDB databases named `tcs-cloudsync…`
 * and localStorage keys starting with `tcs_`. The cloud is not touched.
 */
import { CloudSyncError } from '../errors';
import { OWN_DB_PREFIX, OWN_KEY_PREFIX, SECRETS_DB } from './storage-keys';

export interface ForgetResult {
  databases: string[];
  localStorageKeys: string[];
}

/** Our other databases by name (the sync base), for browsers that cannot list databases. */
const KNOWN_OWN_DATABASES = ['tcs-cloudsync-sync'];

/** How long a deletion may wait for another tab to close its connection before we give up. */
const BLOCKED_TIMEOUT_MS = 5_000;

export async function forgetDevice(
  env: { localStorage: Storage; indexedDB: IDBFactory },
  options: { blockedTimeoutMs?: number } = {},
): Promise<ForgetResult> {
  const storage = env.localStorage;
  // Collect first: removing while indexing by position would skip keys.
  const localStorageKeys: string[] = [];
  for (let i = 0; i < storage.length; i++) {
    const key = storage.key(i);
    if (key !== null && key.startsWith(OWN_KEY_PREFIX)) localStorageKeys.push(key);
  }
  for (const key of localStorageKeys) storage.removeItem(key);

  const databases = await ownDatabases(env.indexedDB);
  const failed: string[] = [];
  for (const name of databases) {
    if (!(await deleteDatabase(env.indexedDB, name, options.blockedTimeoutMs ?? BLOCKED_TIMEOUT_MS))) failed.push(name);
  }
  if (failed.length > 0) {
    throw new CloudSyncError(
      'host-unavailable',
      'Cloud Sync removed its settings, but another TypingMind tab is still using its stored keys. ' +
        'Close the other TypingMind tabs, then choose "Forget this device" again.',
      { details: { databases: failed } },
    );
  }
  return { databases, localStorageKeys };
}

async function ownDatabases(factory: IDBFactory): Promise<string[]> {
  // databases() lists every tcs-cloudsync… database, even ones added later that this file does not name.
  if (typeof factory.databases === 'function') {
    const all = await factory.databases();
    return all.map((info) => info.name ?? '').filter((name) => name.startsWith(OWN_DB_PREFIX));
  }
  // Browsers without it (Firefox before 126): the names we know.
  return [SECRETS_DB, ...KNOWN_OWN_DATABASES];
}

function deleteDatabase(factory: IDBFactory, name: string, blockedTimeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const request = factory.deleteDatabase(name);
    request.onsuccess = () => {
      clearTimeout(timer);
      resolve(true);
    };
    request.onerror = () => {
      clearTimeout(timer);
      resolve(false);
    };
    // Blocked: some connection ignored versionchange. The request stays queued and may still succeed later.
    request.onblocked = () => {
      timer = setTimeout(() => resolve(false), blockedTimeoutMs);
    };
  });
}
