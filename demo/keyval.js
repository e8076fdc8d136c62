// TypingMind's store as idb-keyval creates it: database "keyval-store", version 1, object store "keyval",
// out-of-line keys (put(value, key)). Plain IndexedDB calls, so the extension's wrappers around
// IDBObjectStore.prototype see the page's writes exactly as they would see TypingMind's.

const DB = 'keyval-store';
const STORE = 'keyval';

function request(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function openAt(version) {
  return new Promise((resolve, reject) => {
    const req = version === undefined ? indexedDB.open(DB) : indexedDB.open(DB, version);
    req.onupgradeneeded = () => {
      if (!req.result.objectStoreNames.contains(STORE)) req.result.createObjectStore(STORE);
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
    req.onblocked = () => reject(new Error('The keyval-store database is held open by another tab with an older version.'));
  });
}

/** Opens the database, creating it (or its missing store) the way idb-keyval would. */
export async function openKeyval() {
  const db = await openAt(undefined);
  if (db.objectStoreNames.contains(STORE)) {
    // Another open (e.g. a new version elsewhere) must not be blocked by this page.
    db.onversionchange = () => db.close();
    return db;
  }
  // Someone opened the database first without creating the store: add it in an upgrade.
  const next = db.version + 1;
  db.close();
  const upgraded = await openAt(next);
  upgraded.onversionchange = () => upgraded.close();
  return upgraded;
}

function done(tx) {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onabort = tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
  });
}

export async function putMany(db, entries) {
  const tx = db.transaction(STORE, 'readwrite');
  const store = tx.objectStore(STORE);
  for (const [key, value] of entries) store.put(value, key);
  await done(tx);
}

export async function get(db, key) {
  return request(db.transaction(STORE).objectStore(STORE).get(key));
}

export async function del(db, key) {
  const tx = db.transaction(STORE, 'readwrite');
  tx.objectStore(STORE).delete(key);
  await done(tx);
}

/** Every [key, value] pair, in key order. */
export async function entries(db) {
  const store = db.transaction(STORE).objectStore(STORE);
  const [keys, values] = await Promise.all([request(store.getAllKeys()), request(store.getAll())]);
  return keys.map((k, i) => [k, values[i]]);
}
