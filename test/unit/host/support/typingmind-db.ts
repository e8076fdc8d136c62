/**
 * Plays TypingMind's part on a fake IndexedDB: creates `keyval-store` the way idb-keyval does (open without a
 * version, create `keyval` in upgradeneeded) and writes values with plain IDB requests.
 */
export function openAsTypingMind(factory: IDBFactory): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = factory.open('keyval-store');
    request.onupgradeneeded = () => request.result.createObjectStore('keyval');
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/** Resolves when the transaction commits, rejects when it aborts. */
export function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onabort = () => reject(tx.error ?? new DOMException('aborted', 'AbortError'));
  });
}

export async function seed(db: IDBDatabase, entries: [IDBValidKey, unknown][]): Promise<void> {
  const tx = db.transaction('keyval', 'readwrite');
  const store = tx.objectStore('keyval');
  for (const [key, value] of entries) store.put(value, key);
  await done(tx);
}

export async function readRaw(db: IDBDatabase, key: IDBValidKey): Promise<unknown> {
  const tx = db.transaction('keyval', 'readonly');
  const request = tx.objectStore('keyval').get(key);
  await done(tx);
  return request.result;
}

export async function databaseNames(factory: IDBFactory): Promise<string[]> {
  return (await factory.databases()).map((d) => d.name ?? '');
}
