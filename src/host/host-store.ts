/**
 * HostStore over TypingMind's real storage: IndexedDB `keyval-store`/`keyval` (through `idb`) and localStorage.
 *
 * Reads never return a partial answer: any failure while listing throws `host-unavailable` (original-behaviour.md
 * W1: a partial key list would look like mass deletion). Writes are one atomic operation each, and a full disk is
 * reported as `quota-exceeded`. Writes are marked on the change feed so they are not echoed back as local edits.
 */
import { unwrap, type IDBPDatabase, type IDBPTransaction } from 'idb';
import { isCloudSyncError } from '../errors';
import { isBlobValue, toStoredBlob } from './blob-values';
import { isExcludedKey } from './exclusions';
import { badValue, excludedKey, hostUnavailable, isInvalidStateError, isQuotaError, quotaExceeded } from './host-errors';
import { createKeyvalConnection, type WaitForDatabaseOptions } from './keyval-connection';
import { KEYVAL_STORE } from './keyval-names';
import type { HostStore, ItemType, ListKeysOptions, LocalItem, LocalKey, WriteSuppressor } from './types';

export interface HostStoreOptions {
  indexedDB: IDBFactory;
  localStorage: Storage;
  /** The user's exclusion list (already parsed); read on every call, so a settings change applies at once. */
  userExclusions?: () => readonly string[];
  /** How long, and how often, to wait for TypingMind to create its database. */
  waitForDatabase?: WaitForDatabaseOptions;
  /** The change feed: writes made here are marked as the sync's own and not reported back. */
  suppressor?: WriteSuppressor;
  /**
   * Values read per transaction when `listKeys` tells Blobs from other values (default 25). Bounds memory
   * (one page of values at a time) and keeps each read transaction short, so TypingMind's writes are not held up.
   * Measured in Chromium (list-keys.bench.ts, 1 950 keys, ~30 MB of chats): pages of 25 were as fast as or faster
   * than 100 and 500 in every run (~0.8–1.5 s vs ~2–3 s for 500 on a loaded 2-core machine); a type hint skips
   * the value reads altogether (~30 ms, the cost of the keys alone).
   */
  listPageSize?: number;
}

export interface ClosableHostStore extends HostStore {
  /** The string keys the exclusions keep out of the sync, without reading values (for the diagnostics). */
  listExcludedKeys(): Promise<string[]>;
  getMany(keys: readonly LocalKey[]): Promise<(LocalItem | undefined)[]>;
  putNewMany(items: readonly LocalItem[]): Promise<boolean[]>;
  /** Closes the database connection (it reopens on next use). */
  close(): void;
}

type ReadTx = IDBPTransaction<unknown, [typeof KEYVAL_STORE], 'readonly'>;
type WriteTx = IDBPTransaction<unknown, [typeof KEYVAL_STORE], 'readwrite'>;

const noSuppressor: WriteSuppressor = {
  suppressTransaction() {},
  suppressSync: (fn) => fn(),
};

export function createHostStore(options: HostStoreOptions): ClosableHostStore {
  const ls = options.localStorage;
  const userList = options.userExclusions ?? (() => []);
  const suppressor = options.suppressor ?? noSuppressor;
  const pageSize = Math.max(1, Math.floor(options.listPageSize ?? 25));
  const connection = createKeyvalConnection(options.indexedDB, options.waitForDatabase);

  const excluded = (key: string, list: readonly string[] = userList()) => isExcludedKey(key, list);

  /** A transaction on keyval; reopens once when TypingMind's upgrade closed our connection in between. */
  async function transaction(mode: 'readonly'): Promise<ReadTx>;
  async function transaction(mode: 'readwrite'): Promise<WriteTx>;
  async function transaction(mode: IDBTransactionMode): Promise<ReadTx | WriteTx> {
    let db: IDBPDatabase = await connection.database();
    try {
      return db.transaction(KEYVAL_STORE, mode as 'readonly') as ReadTx | WriteTx;
    } catch (e) {
      if (!isInvalidStateError(e)) throw e;
      connection.reset();
      db = await connection.database();
      return db.transaction(KEYVAL_STORE, mode as 'readonly') as ReadTx | WriteTx;
    }
  }

  /** Wraps a host failure, keeping our own typed errors (quota, not created yet) as they are. */
  const asHostError = (what: string, e: unknown) => (isCloudSyncError(e) ? e : hostUnavailable(what, e));

  async function readPage(after: IDBValidKey | undefined): Promise<{ keys: IDBValidKey[]; values: unknown[] }> {
    const tx = await transaction('readonly');
    const range = after === undefined ? undefined : IDBKeyRange.lowerBound(after, true);
    // Same transaction, same range, same count: the two lists line up one to one.
    const [keys, values] = await Promise.all([
      tx.store.getAllKeys(range, pageSize),
      tx.store.getAll(range, pageSize),
      tx.done,
    ]);
    if (keys.length !== values.length) throw new Error('keys and values pages differ in length');
    return { keys, values };
  }

  async function readKeyPage(after: IDBValidKey | undefined, count: number): Promise<IDBValidKey[]> {
    const tx = await transaction('readonly');
    const range = after === undefined ? undefined : IDBKeyRange.lowerBound(after, true);
    const [keys] = await Promise.all([tx.store.getAllKeys(range, count), tx.done]);
    return keys;
  }

  async function readValues(keys: readonly string[]): Promise<unknown[]> {
    const tx = await transaction('readonly');
    const [values] = await Promise.all([Promise.all(keys.map((k) => tx.store.get(k))), tx.done]);
    return values;
  }

  /** Keys only, then values just for the keys the hint does not vouch for, a bounded batch at a time. */
  async function listIdbKeysHinted(
    list: readonly string[],
    hint: (key: string) => ItemType | undefined,
    out: LocalKey[],
  ): Promise<void> {
    const slots: (LocalKey | undefined)[] = [];
    const unknown: { key: string; slot: number }[] = [];
    const keyPage = pageSize * 20; // keys are small: bigger pages, still bounded
    let after: IDBValidKey | undefined;
    for (;;) {
      const keys = await readKeyPage(after, keyPage);
      for (const key of keys) {
        if (typeof key !== 'string' || excluded(key, list)) continue;
        const t = hint(key);
        if (t === 'idb' || t === 'blob') slots.push({ key, type: t });
        else {
          unknown.push({ key, slot: slots.length });
          slots.push(undefined);
        }
      }
      if (keys.length < keyPage) break;
      after = keys[keys.length - 1];
    }
    for (let i = 0; i < unknown.length; i += pageSize) {
      const batch = unknown.slice(i, i + pageSize);
      const values = await readValues(batch.map((u) => u.key));
      batch.forEach((u, j) => {
        const value = values[j];
        // Gone since the key page was read: it is not there now, so it is not listed.
        if (value !== undefined) slots[u.slot] = { key: u.key, type: isBlobValue(value) ? 'blob' : 'idb' };
      });
    }
    for (const s of slots) if (s) out.push(s);
  }

  async function listIdbKeys(list: readonly string[], out: LocalKey[]): Promise<void> {
    let after: IDBValidKey | undefined;
    for (;;) {
      const page = await readPage(after);
      page.keys.forEach((key, i) => {
        // Only string keys can be named in metadata.json; numbers, dates and arrays are TypingMind's business.
        if (typeof key !== 'string' || excluded(key, list)) return;
        const value = page.values[i];
        if (value === undefined) return;
        out.push({ key, type: isBlobValue(value) ? 'blob' : 'idb' });
      });
      if (page.keys.length < pageSize) return;
      after = page.keys[page.keys.length - 1];
    }
  }

  function listLsKeys(list: readonly string[], out: LocalKey[]): void {
    // Synchronous from first to last index, so nothing can shift the indices in between.
    const n = ls.length;
    for (let i = 0; i < n; i++) {
      const key = ls.key(i);
      if (key === null) throw new Error(`localStorage changed its length while being listed (index ${i} of ${n})`);
      if (!excluded(key, list)) out.push({ key, type: 'ls' });
    }
  }

  /** A value as TypingMind stored it: a Blob keeps its own type, "" included. */
  function readItem(key: string, value: unknown): LocalItem | undefined {
    if (value === undefined) return undefined;
    if (isBlobValue(value)) return { key, type: 'blob', value };
    return { key, type: 'idb', value };
  }

  function getLs(key: string): LocalItem | undefined {
    const value = ls.getItem(key);
    return value === null ? undefined : { key, type: 'ls', value };
  }

  async function writeIdb(key: string, what: string, op: (tx: WriteTx) => Promise<unknown>): Promise<void> {
    let tx: WriteTx | undefined;
    try {
      tx = await transaction('readwrite');
      suppressor.suppressTransaction(unwrap(tx) as unknown as IDBTransaction);
      await Promise.all([op(tx), tx.done]);
    } catch (e) {
      // A full disk often shows on the transaction (commit aborted), while the request only says AbortError.
      const txError = tx ? (unwrap(tx) as unknown as IDBTransaction).error : null;
      if (isQuotaError(e) || isQuotaError(txError)) throw quotaExceeded(key, txError ?? e);
      throw asHostError(what, e);
    }
  }

  function writeLs(key: string, what: string, op: () => void): void {
    try {
      suppressor.suppressSync(op);
    } catch (e) {
      if (isQuotaError(e)) throw quotaExceeded(key, e);
      throw hostUnavailable(what, e);
    }
  }

  return {
    async listKeys(listOptions?: ListKeysOptions) {
      const list = userList();
      const out: LocalKey[] = [];
      const hint = listOptions?.typeHint;
      try {
        if (hint) await listIdbKeysHinted(list, hint, out);
        else await listIdbKeys(list, out);
        listLsKeys(list, out);
      } catch (e) {
        throw asHostError('list the items', e);
      }
      return out;
    },

    async listExcludedKeys() {
      const list = userList();
      const out: string[] = [];
      try {
        const keyPage = pageSize * 20;
        let after: IDBValidKey | undefined;
        for (;;) {
          const keys = await readKeyPage(after, keyPage);
          for (const key of keys) if (typeof key === 'string' && excluded(key, list)) out.push(key);
          if (keys.length < keyPage) break;
          after = keys[keys.length - 1];
        }
        for (let i = 0; i < ls.length; i++) {
          const key = ls.key(i);
          if (key !== null && excluded(key, list)) out.push(key);
        }
      } catch (e) {
        throw asHostError('list the excluded items', e);
      }
      return out;
    },

    async get(key, type) {
      if (excluded(key)) return undefined;
      try {
        if (type === 'ls') return getLs(key);
        const tx = await transaction('readonly');
        const [value] = await Promise.all([tx.store.get(key), tx.done]);
        return readItem(key, value);
      } catch (e) {
        throw asHostError(`read "${key}"`, e);
      }
    },

    async getMany(keys) {
      const list = userList();
      const results: (LocalItem | undefined)[] = new Array(keys.length).fill(undefined);
      const idbIndexes: number[] = [];
      try {
        keys.forEach(({ key, type }, i) => {
          if (excluded(key, list)) return;
          if (type === 'ls') results[i] = getLs(key);
          else idbIndexes.push(i);
        });
        if (idbIndexes.length === 0) return results;
        const tx = await transaction('readonly');
        const [values] = await Promise.all([
          Promise.all(idbIndexes.map((i) => tx.store.get(keys[i].key))),
          tx.done,
        ]);
        for (let j = 0; j < idbIndexes.length; j++) {
          const i = idbIndexes[j];
          results[i] = readItem(keys[i].key, values[j]);
        }
        return results;
      } catch (e) {
        throw asHostError(`read ${keys.length} items`, e);
      }
    },

    async putNewMany(items) {
      if (items.length === 0) return [];
      const list = userList();
      // Everything is checked and converted before the transaction opens: it must not wait on anything else.
      const values = await Promise.all(
        items.map(async ({ key, type, value }) => {
          if (excluded(key, list)) throw excludedKey(key);
          if (type === 'ls') throw badValue(key, 'an IndexedDB value', value);
          if (type === 'blob') {
            if (!isBlobValue(value) && !(value instanceof Uint8Array) && !(value instanceof ArrayBuffer)) throw badValue(key, 'an attachment (Blob or bytes)', value);
            return toStoredBlob(value);
          }
          if (value === undefined) throw badValue(key, 'a value', value);
          return value;
        }),
      );
      const written = items.map(() => false);
      const what = items.length === 1 ? `save "${items[0].key}"` : `save ${items.length} items`;
      await writeIdb(items[0].key, what, async (tx) => {
        // add() is IndexedDB's own "insert if absent": one request per item, no read first. A key that is there
        // fails its request with ConstraintError, which is cancelled so that the rest of the batch still commits.
        const raw = unwrap(tx.store) as unknown as IDBObjectStore;
        await Promise.all(
          items.map(
            (it, i) =>
              new Promise<void>((resolve) => {
                const request = raw.add(values[i], it.key);
                request.onsuccess = () => {
                  written[i] = true;
                  resolve();
                };
                request.onerror = (event) => {
                  if (request.error?.name === 'ConstraintError') {
                    event.preventDefault();
                    event.stopPropagation();
                  }
                  // Any other error aborts the transaction: writeIdb reports it from tx.done.
                  resolve();
                };
              }),
          ),
        );
      });
      return written;
    },

    async put(item) {
      const { key, type, value } = item;
      if (excluded(key)) throw excludedKey(key);
      if (type === 'ls') {
        if (typeof value !== 'string') throw badValue(key, 'text', value);
        writeLs(key, `save "${key}"`, () => ls.setItem(key, value));
        return;
      }
      let stored: unknown = value;
      if (type === 'blob') {
        if (!isBlobValue(value) && !(value instanceof Uint8Array) && !(value instanceof ArrayBuffer)) {
          throw badValue(key, 'an attachment (Blob or bytes)', value);
        }
        stored = toStoredBlob(value);
      } else if (value === undefined) {
        throw badValue(key, 'a value', value);
      }
      await writeIdb(key, `save "${key}"`, (tx) => tx.store.put(stored, key));
    },

    async delete(key, type: ItemType) {
      if (excluded(key)) throw excludedKey(key);
      if (type === 'ls') {
        writeLs(key, `delete "${key}"`, () => ls.removeItem(key));
        return;
      }
      await writeIdb(key, `delete "${key}"`, (tx) => tx.store.delete(key));
    },

    isExcluded(key) {
      return excluded(key);
    },

    close() {
      connection.close();
    },
  };
}
