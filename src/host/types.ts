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

export interface HostStore {
  /** Every syncable key (exclusions applied), without reading the values. */
  listKeys(): Promise<LocalKey[]>;
  /** One item, or undefined when it is not there (or excluded). */
  get(key: string, type: ItemType): Promise<LocalItem | undefined>;
  /** Writes one item as TypingMind stores it (idb put, localStorage.setItem, Blob put). */
  put(item: LocalItem): Promise<void>;
  delete(key: string, type: ItemType): Promise<void>;
  /** True when the key must never be synced (tcs_, gsi_, eruda, system list, user list). */
  isExcluded(key: string): boolean;
}
