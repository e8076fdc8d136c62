/**
 * How the rest of the extension sees TypingMind's own storage: IndexedDB `keyval-store`/`keyval`
 * and localStorage, as one namespace of items.
 *
 * - idb:  a non-Blob value in keyval (objects with Dates, arrays, strings…), kept exactly as stored.
 * - ls:   a localStorage string.
 * - blob: a Blob in keyval (an attachment), with its MIME type.
 */
export type ItemType = 'idb' | 'ls' | 'blob';

export interface LocalItem {
  key: string;
  type: ItemType;
  /** idb: the raw structured-clone value; ls: the string; blob: a Blob. */
  value: unknown;
}

export interface LocalKey {
  key: string;
  type: ItemType;
}

export interface ListKeysOptions {
  /**
   * The type a key had when last seen (e.g. from the sync base), for keys not changed since. IndexedDB cannot
   * tell a Blob from a chat without reading the value, and reading every value costs ~40× a keys-only listing
   * (list-keys.bench.ts), so keys with a hint of 'idb' or 'blob' are not read; only the others are. A wrong hint
   * is harmless to data: `get` always returns the item's real type. Leave it out for a full check (backstop scan).
   */
  typeHint?: (key: string) => ItemType | undefined;
}

export interface HostStore {
  /** Every syncable key (exclusions applied), without reading the values. */
  listKeys(options?: ListKeysOptions): Promise<LocalKey[]>;
  /** One item, or undefined when it is not there (or excluded). */
  get(key: string, type: ItemType): Promise<LocalItem | undefined>;
  /** Writes one item as TypingMind stores it (idb put, localStorage.setItem, Blob put). */
  put(item: LocalItem): Promise<void>;
  delete(key: string, type: ItemType): Promise<void>;
  /** True when the key must never be synced (tcs_, gsi_, eruda, system list, user list). */
  isExcluded(key: string): boolean;
  /**
   * Many items in one read (one IndexedDB transaction for all idb/blob keys), aligned with `keys`:
   * undefined where an item is not there or is excluded. Optional so other implementations may omit it.
   */
  getMany?(keys: readonly LocalKey[]): Promise<(LocalItem | undefined)[]>;
  /**
   * Writes many IndexedDB items (idb or blob) in one transaction, each only if its key is still absent when
   * the transaction runs, so a value TypingMind wrote meanwhile is never replaced. Aligned with `items`: true
   * where the item was written, false where the key was already there. All or nothing on failure.
   */
  putNewMany?(items: readonly LocalItem[]): Promise<boolean[]>;
}

/** Which of TypingMind's two storages a change happened in (Blobs live in IndexedDB: 'idb'). */
export type ChangeArea = 'idb' | 'ls';

/** One key TypingMind changed, seen by the change feed once the write was committed. */
export interface ChangedKey {
  key: string;
  area: ChangeArea;
  /** Epoch ms when the change was committed (the feed's clock). */
  at: number;
}

/**
 * Lets the sync mark its own writes so the change feed does not report them back as local edits.
 * Marking is per transaction / per synchronous call, never a time window, so TypingMind's own write to the
 * same key during a sync is still reported.
 */
export interface WriteSuppressor {
  /** Every write made in this (raw, unwrapped) IndexedDB transaction is the sync's own. */
  suppressTransaction(tx: IDBTransaction): void;
  /** Runs `fn` synchronously; localStorage writes made inside it are the sync's own. */
  suppressSync<T>(fn: () => T): T;
}

/** Local changes as they happen (DESIGN.md sync cycle step 1). */
export interface ChangeFeed extends WriteSuppressor {
  /** Called with the keys of each committed write (excluded keys left out). Returns an unsubscribe function. */
  onChange(listener: (keys: ChangedKey[]) => void): () => void;
  /** Puts the original methods back (tests, teardown). Safe to call twice. */
  uninstall(): void;
}
