/**
 * The base: what every key looked like at this device's last successful sync, in the extension's own
 * IndexedDB database (never in localStorage, never in TypingMind's store). It makes the three-way plan
 * possible, and it survives reloads so a restart does not mistake old state for new edits.
 */
import { unwrap, wrap, type DBSchema, type IDBPDatabase } from 'idb';
import type { ItemType } from '../host/types';
import type { Journal, PendingCommit } from './commit-journal';
import { writeInSlices } from './sliced-writes';
import type { ForceRequest } from './force-transfer';

export const SYNC_DB_NAME = 'tcs-cloudsync-sync';

export interface BaseRecord {
  key: string;
  type: ItemType;
  kind: 'live' | 'tombstone';
  /** Keyed hash of the content both sides agreed on (live only). */
  hash?: string;
  /** Signature of the metadata.json entry it matched. */
  sig: string;
}

export interface ConflictRecord {
  id?: number;
  key: string;
  type: ItemType;
  /** Epoch ms when the conflict was resolved. */
  at: number;
  /** Which side's value was kept. */
  kept: 'local' | 'remote' | 'merged';
  /** The value (or message) that lost, so the user can restore it. */
  discarded: unknown;
  /** For chats: the id of the message that lost. */
  messageId?: string;
}

/** A key that failed, until it syncs: shown in every cycle's report meanwhile. */
export interface RetryRecord {
  /** Signature of the entry it failed on (null: none). */
  sig: string | null;
  /** Network, throttling, "being written": tried again every cycle. Otherwise with back-off. */
  transient: boolean;
  /** Consecutive failures. */
  failures?: number;
  /** Epoch ms before which a failure that is not transient is not tried again (unless its entry changes). */
  next?: number;
  /** The last failure, for the user. */
  message?: string;
  /** The last failure's error code ('not-found': the entry's object is missing; it can be dropped). */
  code?: string;
}

/** Per-bucket state that is not about one key. */
export interface SyncState {
  /** ETag of metadata.json as last read or written by us. */
  etag: string | null;
  /** Keyed hash proving the current password already decrypted an object of this bucket. */
  passwordCheck: string | null;
  /** Which bucket this base belongs to; a different one means the base is empty. */
  scope: string | null;
  lastSync: number;
  /**
   * Keys that failed in an earlier cycle, to be tried again even when nothing else points at them
   * (a 304 says nothing about a download that failed). Transient failures are retried every cycle;
   * a damaged object only when its entry changes (`sig`).
   */
  retry?: Record<string, RetryRecord>;
  /** Keys whose index entries the user chose to drop (their objects are missing), for the next cycle. */
  drop?: string[];
  /** Deletions the mass-deletion guard holds for the user's answer (kept across cycles and reloads). */
  held?: { key: string; kind: 'delete-local' | 'tombstone' }[];
  /** Why they are held, in words for the user. */
  holdReason?: string;
  /** The user's answer, given in any tab, for the next cycle of whichever tab leads. */
  answer?: 'delete' | 'restore';
  /** Force Export or Force Import, asked in any tab, for the next cycle of whichever tab leads (force-transfer.ts). */
  force?: ForceRequest;
}

/** A journal record as stored: the key beside its pending commit (commit-journal.ts). */
export interface JournalRecord extends PendingCommit {
  key: string;
}

interface SyncDb extends DBSchema {
  base: { key: string; value: BaseRecord };
  journal: { key: string; value: JournalRecord };
  conflicts: { key: number; value: ConflictRecord; indexes: { byKey: string } };
  state: { key: string; value: SyncState | CachedIndex };
}

const EMPTY_STATE: SyncState = { etag: null, passwordCheck: null, scope: null, lastSync: 0 };

/** The metadata.json text an ETag belongs to, kept apart from the small state record that every cycle reads. */
export interface CachedIndex {
  etag: string;
  text: string;
}

export class BaseStore {
  private constructor(private readonly db: IDBPDatabase<SyncDb>) {}

  /** Opens (creating on first use) our own database in the given IndexedDB factory. */
  static async open(factory: IDBFactory, name = SYNC_DB_NAME): Promise<BaseStore> {
    // idb's openDB only uses the global indexedDB; each simulated device in the tests has its own factory,
    // so the request is made by hand and then wrapped.
    const req = factory.open(name, 2);
    req.onupgradeneeded = (event) => {
      const d = req.result;
      if (event.oldVersion < 1) {
        d.createObjectStore('base', { keyPath: 'key' });
        d.createObjectStore('conflicts', { keyPath: 'id', autoIncrement: true }).createIndex('byKey', 'key');
        d.createObjectStore('state');
      }
      // Version 2: the commit journal (commit-journal.ts).
      if (event.oldVersion < 2) d.createObjectStore('journal', { keyPath: 'key' });
    };
    const raw = await new Promise<IDBDatabase>((resolve, reject) => {
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
      req.onblocked = () => reject(new Error(`${name} is held open by an older version of the extension in another tab`));
    });
    // Close for another tab's upgrade or "forget this device" instead of blocking it.
    raw.onversionchange = () => raw.close();
    return new BaseStore(wrap(raw) as unknown as IDBPDatabase<SyncDb>);
  }

  async all(): Promise<Map<string, BaseRecord>> {
    const rows = await this.db.getAll('base');
    return new Map(rows.map((r) => [r.key, r]));
  }

  /** The records of some keys only (a cycle where nothing changed remotely needs no more). */
  async some(keys: Iterable<string>): Promise<Map<string, BaseRecord>> {
    const tx = this.db.transaction('base');
    const out = new Map<string, BaseRecord>();
    await Promise.all(
      [...keys].map(async (k) => {
        const r = await tx.store.get(k);
        if (r) out.set(k, r);
      }),
    );
    await tx.done;
    return out;
  }

  /** How many keys the base knows (live or deleted), without reading them. */
  count(): Promise<number> {
    return this.db.count('base');
  }

  /**
   * Applies one cycle's outcome in one transaction: all of it or none of it. `index` replaces the cached
   * metadata.json text (null forgets it; absent leaves it), so an idle cycle never rewrites a megabyte.
   */
  async commit(changes: {
    put: BaseRecord[];
    remove: string[];
    state: Partial<SyncState>;
    conflicts: ConflictRecord[];
    index?: CachedIndex | null;
    /** Journal records to write (replacing the key's) and keys whose record goes. */
    journal?: { put: JournalRecord[]; remove: string[] };
  }): Promise<void> {
    const tx = this.db.transaction(['base', 'state', 'conflicts', 'journal'], 'readwrite');
    // The plain store: a first cycle puts a record per item (thousands), and each request through idb's wrapper
    // would make a promise nobody awaits. Their failures abort the transaction, which tx.done reports. A slice at
    // a time, so the cloning does not hold the page in one long task (sliced-writes.ts).
    const base = unwrap(tx.objectStore('base')) as unknown as IDBObjectStore;
    writeInSlices([...changes.put.map((r) => () => base.put(r)), ...changes.remove.map((k) => () => base.delete(k))]);
    const st = tx.objectStore('state');
    const current = ((await st.get('sync')) as SyncState | undefined) ?? EMPTY_STATE;
    void st.put({ ...current, ...changes.state }, 'sync');
    if (changes.index === null) void st.delete('index');
    else if (changes.index) void st.put(changes.index, 'index');
    const c = tx.objectStore('conflicts');
    for (const r of changes.conflicts) void c.add(r);
    if (changes.journal) {
      const j = unwrap(tx.objectStore('journal')) as unknown as IDBObjectStore;
      writeInSlices([...changes.journal.remove.map((k) => () => j.delete(k)), ...changes.journal.put.map((r) => () => j.put(r))]);
    }
    await tx.done;
  }

  /** The commit journal: read only when the index changed (an idle cycle never reads it). */
  async journal(): Promise<Journal> {
    const rows = await this.db.getAll('journal');
    const out: Journal = {};
    for (const { key, ...pending } of rows) out[key] = pending;
    return out;
  }

  /** Writes journal records on their own: the uploads a cycle is about to commit, before the index write. */
  async journalPut(records: JournalRecord[]): Promise<void> {
    if (records.length === 0) return;
    const tx = this.db.transaction('journal', 'readwrite');
    const j = unwrap(tx.store) as unknown as IDBObjectStore;
    writeInSlices(records.map((r) => () => j.put(r)));
    await tx.done;
  }

  /** Records the user's answer to the held deletions, for the next cycle (whichever tab of this browser runs it). */
  async answerHeld(answer: 'delete' | 'restore'): Promise<void> {
    const tx = this.db.transaction('state', 'readwrite');
    const current = ((await tx.store.get('sync')) as SyncState | undefined) ?? EMPTY_STATE;
    await tx.store.put({ ...current, answer }, 'sync');
    await tx.done;
  }

  /** Records (or, with undefined, withdraws) a Force Export or Import for the next cycle. */
  async requestForce(force: ForceRequest | undefined): Promise<void> {
    const tx = this.db.transaction('state', 'readwrite');
    const current = ((await tx.store.get('sync')) as SyncState | undefined) ?? EMPTY_STATE;
    await tx.store.put({ ...current, force }, 'sync');
    await tx.done;
  }

  /** Records keys whose missing-object entries the next cycle drops from the index. */
  async setDrop(keys: string[]): Promise<void> {
    const tx = this.db.transaction('state', 'readwrite');
    const current = ((await tx.store.get('sync')) as SyncState | undefined) ?? EMPTY_STATE;
    await tx.store.put({ ...current, drop: [...new Set([...(current.drop ?? []), ...keys])] }, 'sync');
    await tx.done;
  }

  async state(): Promise<SyncState> {
    return ((await this.db.get('state', 'sync')) as SyncState | undefined) ?? { ...EMPTY_STATE };
  }

  /** The cached metadata.json text, read only when the in-memory copy does not match the ETag. */
  async index(): Promise<CachedIndex | undefined> {
    return (await this.db.get('state', 'index')) as CachedIndex | undefined;
  }

  async conflicts(): Promise<ConflictRecord[]> {
    return this.db.getAll('conflicts');
  }

  async removeConflict(id: number): Promise<void> {
    await this.db.delete('conflicts', id);
  }

  /** Forgets everything (another bucket, another password, or "forget this device"). */
  async clear(): Promise<void> {
    const tx = this.db.transaction(['base', 'state', 'conflicts', 'journal'], 'readwrite');
    await Promise.all([tx.objectStore('base').clear(), tx.objectStore('state').clear(), tx.objectStore('conflicts').clear(), tx.objectStore('journal').clear(), tx.done]);
  }

  close(): void {
    this.db.close();
  }
}
