/**
 * The change feed (DESIGN.md sync cycle step 1): local changes seen as they happen instead of by rescanning.
 *
 * It wraps the write methods on the prototypes, because TypingMind (idb-keyval) calls them there:
 *  - `IDBObjectStore.prototype.put/add/delete/clear` and `IDBCursor.prototype.update/delete`, for the `keyval`
 *    store of `keyval-store` only. A key is reported when its transaction COMPLETES; a write whose request failed,
 *    or whose transaction aborted, is never reported.
 *  - `Storage.prototype.setItem/removeItem/clear`, for `localStorage` only (not sessionStorage). A write that
 *    leaves the value as it was is not reported. Reports are batched to the end of the current task (a microtask),
 *    so listeners never run inside TypingMind's call.
 *
 * `clear()` and `delete(range)` report every key they removed: the wrapper first asks the same transaction for
 * the keys in that range (`getAllKeys`, queued before the delete, so it sees what the delete removes). No
 * "full rescan" signal is needed for anything the wrappers see.
 *
 * What the wrappers cannot see, the engine's start-up scan and slow backstop scan catch: writes made before this
 * script loaded, writes by other tabs (their own feed forwards them), `localStorage.x = …` property assignment,
 * and browsers or test environments whose Storage methods are bound per instance (happy-dom).
 *
 * The wrappers never break the host: they call the original once, with the same `this`, arguments and return
 * value, let its exceptions through unchanged, and never throw from their own bookkeeping.
 */
import { isExcludedKey } from './exclusions';
import { KEYVAL_DATABASE, KEYVAL_STORE } from './keyval-names';
import type { ChangedKey, ChangeFeed } from './types';

/** The parts of a window the feed wraps; `typeof globalThis` in a browser fits. */
export interface ChangeFeedWindow {
  IDBObjectStore?: { prototype: IDBObjectStore };
  IDBCursor?: { prototype: IDBCursor };
  IDBKeyRange?: { prototype: IDBKeyRange };
  Storage?: { prototype: Storage };
  localStorage?: Storage;
}

export interface ChangeFeedOptions {
  /** Clock for `ChangedKey.at` (default Date.now). */
  now?: () => number;
  /** The user's exclusion list; excluded keys are never reported. */
  userExclusions?: () => readonly string[];
  /** Where a throwing listener's error goes (default: the browser's reportError, else console.error). */
  reportError?: (error: unknown) => void;
}

type AnyFn = (...args: unknown[]) => unknown;

/**
 * Feeds already installed, per window. Kept here rather than on the window: the bundle puts exactly one thing
 * on `window` (typingMindCloudSync), and its load guard already keeps a second copy from installing again.
 */
const installed = new WeakMap<object, ChangeFeed>();

interface Patch {
  proto: Record<string, unknown>;
  name: string;
  original: AnyFn;
  wrapper: AnyFn;
}

function defaultReportError(error: unknown): void {
  const report = (globalThis as { reportError?: (e: unknown) => void }).reportError;
  if (typeof report === 'function') report(error);
  else console.error(error);
}

export function installChangeFeed(win: ChangeFeedWindow, options: ChangeFeedOptions = {}): ChangeFeed {
  const existing = installed.get(win);
  if (existing) return existing; // loaded twice: one set of wrappers, one feed

  const now = options.now ?? Date.now;
  const userList = options.userExclusions ?? (() => []);
  const reportError = options.reportError ?? defaultReportError;

  const listeners = new Set<(keys: ChangedKey[]) => void>();
  /** Transactions the sync itself writes in. */
  const ownTransactions = new WeakSet<IDBTransaction>();
  /** Keys whose write succeeded, waiting for their transaction to commit. */
  const pendingByTransaction = new WeakMap<IDBTransaction, Set<string>>();
  /** localStorage keys changed in the current task, reported together at its end. */
  const pendingLs = new Map<string, number>();
  let lsFlushScheduled = false;
  let ownSyncDepth = 0;
  let active = true;
  const patches: Patch[] = [];

  let localStorageRef: Storage | undefined;
  try {
    localStorageRef = win.localStorage;
  } catch {
    localStorageRef = undefined; // storage disabled (sandboxed frame, blocked cookies): nothing to watch there
  }

  function emit(changes: ChangedKey[]): void {
    if (changes.length === 0) return;
    let list: readonly string[] = [];
    try {
      list = userList();
    } catch (e) {
      reportError(e);
    }
    const visible = changes.filter((c) => !isExcludedKey(c.key, list));
    if (visible.length === 0) return;
    for (const listener of [...listeners]) {
      try {
        listener(visible.map((c) => ({ ...c })));
      } catch (e) {
        reportError(e);
      }
    }
  }

  function isKeyvalStore(store: IDBObjectStore): boolean {
    return store.name === KEYVAL_STORE && store.transaction.db.name === KEYVAL_DATABASE;
  }

  /** The keys that wait for `tx` to commit; listens from the first write on, so it hears the commit early. */
  function pendingFor(tx: IDBTransaction): Set<string> {
    let set = pendingByTransaction.get(tx);
    if (!set) {
      const fresh = new Set<string>();
      set = fresh;
      pendingByTransaction.set(tx, fresh);
      tx.addEventListener('complete', () => {
        pendingByTransaction.delete(tx);
        if (!active) return;
        const at = now();
        emit([...fresh].map((key) => ({ key, area: 'idb' as const, at })));
      });
      tx.addEventListener('abort', () => pendingByTransaction.delete(tx));
    }
    return set;
  }

  /** Once `request` succeeds, its keys wait for the transaction to commit. */
  function afterSuccess(request: IDBRequest, tx: IDBTransaction, keys: () => Iterable<IDBValidKey>): void {
    const pending = pendingFor(tx);
    request.addEventListener('success', () => {
      try {
        for (const key of keys()) if (typeof key === 'string') pending.add(key);
      } catch (e) {
        reportError(e);
      }
    });
  }

  function noteLs(key: string): void {
    pendingLs.set(key, now());
    if (lsFlushScheduled) return;
    lsFlushScheduled = true;
    queueMicrotask(() => {
      lsFlushScheduled = false;
      const changes = [...pendingLs].map(([k, at]) => ({ key: k, area: 'ls' as const, at }));
      pendingLs.clear();
      if (active) emit(changes);
    });
  }

  function patch(proto: object | undefined, name: string, make: (original: AnyFn) => AnyFn): void {
    const target = proto as Record<string, unknown> | undefined;
    const original = target?.[name];
    if (!target || typeof original !== 'function') return;
    const wrapper = make(original as AnyFn);
    target[name] = wrapper;
    patches.push({ proto: target, name, original: original as AnyFn, wrapper });
  }

  /** Runs the bookkeeping; it must never disturb the host's call. */
  function safely(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      try {
        reportError(e);
      } catch {
        /* nothing more we can do without risking the host */
      }
    }
  }

  // ---- IndexedDB --------------------------------------------------------------------------------------------
  const storeProto = win.IDBObjectStore?.prototype;
  const originalGetAllKeys = (storeProto as unknown as Record<string, unknown> | undefined)?.getAllKeys as
    | ((this: IDBObjectStore, query?: IDBValidKey | IDBKeyRange | null) => IDBRequest<IDBValidKey[]>)
    | undefined;
  const KeyRange = win.IDBKeyRange;
  const isRange = (q: unknown): boolean =>
    !!KeyRange && typeof q === 'object' && q !== null && q instanceof (KeyRange as unknown as new () => IDBKeyRange);

  const writeOneKey = (original: AnyFn) =>
    function (this: IDBObjectStore, ...args: unknown[]) {
      const request = original.apply(this, args) as IDBRequest;
      safely(() => {
        const key = args[1];
        if (!active || typeof key !== 'string' || !isKeyvalStore(this)) return;
        const tx = this.transaction;
        if (!ownTransactions.has(tx)) afterSuccess(request, tx, () => [key]);
      });
      return request;
    };
  patch(storeProto, 'put', writeOneKey);
  patch(storeProto, 'add', writeOneKey);

  /** delete(key | range) and clear(): learn the keys from the same transaction just before they go. */
  const removeKeys = (original: AnyFn, withQuery: boolean) =>
    function (this: IDBObjectStore, ...args: unknown[]) {
      let keysRequest: IDBRequest<IDBValidKey[]> | undefined;
      let singleKey: string | undefined;
      let tracked = false;
      safely(() => {
        if (!active || !isKeyvalStore(this) || ownTransactions.has(this.transaction)) return;
        const query = withQuery ? args[0] : undefined;
        if (withQuery && typeof query === 'string') {
          singleKey = query;
          tracked = true;
        } else if (!withQuery || isRange(query)) {
          if (!originalGetAllKeys) return;
          keysRequest = originalGetAllKeys.call(this, (query as IDBKeyRange | undefined) ?? null);
          tracked = true;
        }
      });
      const request = original.apply(this, args) as IDBRequest;
      safely(() => {
        if (!tracked) return;
        afterSuccess(request, this.transaction, () => (singleKey !== undefined ? [singleKey] : keysRequest?.result ?? []));
      });
      return request;
    };
  patch(storeProto, 'delete', (original) => removeKeys(original, true));
  patch(storeProto, 'clear', (original) => removeKeys(original, false));

  const cursorProto = win.IDBCursor?.prototype;
  const cursorWrite = (original: AnyFn) =>
    function (this: IDBCursor, ...args: unknown[]) {
      let key: IDBValidKey | undefined;
      let store: IDBObjectStore | undefined;
      safely(() => {
        if (!active) return;
        const source = this.source as IDBObjectStore | IDBIndex;
        const s = 'objectStore' in source ? source.objectStore : source;
        if (isKeyvalStore(s) && !ownTransactions.has(s.transaction)) {
          store = s;
          key = this.primaryKey; // read before the call: the cursor is what the update targets
        }
      });
      const request = original.apply(this, args) as IDBRequest;
      safely(() => {
        if (store && typeof key === 'string') {
          const k = key;
          afterSuccess(request, store.transaction, () => [k]);
        }
      });
      return request;
    };
  patch(cursorProto, 'update', cursorWrite);
  patch(cursorProto, 'delete', cursorWrite);

  // ---- localStorage -----------------------------------------------------------------------------------------
  const storageProto = win.Storage?.prototype as Storage | undefined;
  const originalGetItem = storageProto?.getItem;
  const originalKey = storageProto?.key;
  const isWatchedStorage = (s: unknown) => active && ownSyncDepth === 0 && !!localStorageRef && s === localStorageRef;

  patch(storageProto, 'setItem', (original) =>
    function (this: Storage, ...args: unknown[]) {
      let before: string | null | undefined;
      safely(() => {
        if (isWatchedStorage(this) && originalGetItem) before = originalGetItem.call(this, String(args[0]));
      });
      const result = original.apply(this, args);
      safely(() => {
        if (before !== undefined && before !== String(args[1])) noteLs(String(args[0]));
      });
      return result;
    },
  );

  patch(storageProto, 'removeItem', (original) =>
    function (this: Storage, ...args: unknown[]) {
      let existed = false;
      safely(() => {
        if (isWatchedStorage(this) && originalGetItem) existed = originalGetItem.call(this, String(args[0])) !== null;
      });
      const result = original.apply(this, args);
      safely(() => {
        if (existed) noteLs(String(args[0]));
      });
      return result;
    },
  );

  patch(storageProto, 'clear', (original) =>
    function (this: Storage, ...args: unknown[]) {
      const keys: string[] = [];
      safely(() => {
        if (!isWatchedStorage(this) || !originalKey) return;
        for (let i = 0; i < this.length; i++) {
          const k = originalKey.call(this, i);
          if (k !== null) keys.push(k);
        }
      });
      const result = original.apply(this, args);
      safely(() => keys.forEach(noteLs));
      return result;
    },
  );

  const feed: ChangeFeed = {
    onChange(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    suppressTransaction(tx) {
      ownTransactions.add(tx);
    },
    suppressSync<T>(fn: () => T): T {
      ownSyncDepth++;
      try {
        return fn();
      } finally {
        ownSyncDepth--;
      }
    },
    uninstall() {
      if (!active) return;
      active = false;
      listeners.clear();
      for (const p of patches.reverse()) {
        // Someone wrapped on top of us: leave their wrapper in place; ours is now a plain pass-through.
        if (p.proto[p.name] === p.wrapper) p.proto[p.name] = p.original;
      }
      if (installed.get(win) === feed) installed.delete(win);
    },
  };
  installed.set(win, feed);
  return feed;
}
