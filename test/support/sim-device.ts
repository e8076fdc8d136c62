/**
 * A simulated device for engine tests in Node: its own IndexedDB (fake-indexeddb factory), its own
 * localStorage, TypingMind's keyval-store created as idb-keyval does, our base store, and a SyncEngine
 * against a shared CloudStore.
 */
import { IDBFactory } from 'fake-indexeddb';
import { afterEach } from 'vitest';
import { parseMetadata } from '../../src/cloud';
import { deriveHashKey, importContentKey } from '../../src/crypto';
import { createHostStore, type ClosableHostStore } from '../../src/host/host-store';
import type { CloudStore } from '../../src/providers/cloud-store';
import { BaseStore } from '../../src/sync/base-store';
import { SyncEngine, type CycleRequest, type CycleResult, type EngineOptions } from '../../src/sync/engine';
import type { SyncKeys } from '../../src/sync/item-codec';
import { MemoryStorage } from '../unit/host/support/memory-storage';
import { openAsTypingMind } from '../unit/host/support/typingmind-db';

const keyCache = new Map<string, Promise<SyncKeys>>();

/** Keys per password, derived once per test file (PBKDF2 is deliberately slow). */
export function keysFor(password: string): Promise<SyncKeys> {
  let k = keyCache.get(password);
  if (!k) {
    k = Promise.all([importContentKey(password), deriveHashKey(password)]).then(([contentKey, hashKey]) => ({ contentKey, hashKey }));
    keyCache.set(password, k);
  }
  return k;
}

export interface SimDevice {
  name: string;
  factory: IDBFactory;
  storage: MemoryStorage;
  db: IDBDatabase;
  host: ClosableHostStore;
  base: BaseStore;
  engine: SyncEngine;
  /** Keys changed since the last sync, as the change feed would report them. */
  dirty: Map<string, { area: 'idb' | 'ls'; at: number }>;
  put(key: string, value: unknown): Promise<void>;
  del(key: string): Promise<void>;
  setLs(key: string, value: string): void;
  removeLs(key: string): void;
  read(key: string): Promise<unknown>;
  /** Every keyval entry and every non-tcs_ localStorage entry. */
  dump(): Promise<{ idb: Record<string, unknown>; ls: Record<string, string> }>;
  sync(req?: Partial<CycleRequest>): Promise<CycleResult>;
  close(): void;
}

export interface SimDeviceOptions {
  name: string;
  store: CloudStore;
  password?: string;
  scope?: string;
  now?: () => number;
  engine?: EngineOptions;
  /** Awaited by the engine before its first write to the bucket (the app's capability probe). */
  beforeWrites?: () => Promise<void>;
}

function idbRequest<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

export async function createSimDevice(opts: SimDeviceOptions): Promise<SimDevice> {
  const factory = new IDBFactory();
  const storage = new MemoryStorage();
  const db = await openAsTypingMind(factory);
  const host = createHostStore({ indexedDB: factory, localStorage: storage });
  const base = await BaseStore.open(factory);
  const keys = await keysFor(opts.password ?? 'correct horse battery staple');
  const now = opts.now ?? Date.now;
  const engine = new SyncEngine({ store: opts.store, host, base, keys, scope: opts.scope ?? 'test-bucket', now, options: opts.engine, beforeWrites: opts.beforeWrites });
  const dirty = new Map<string, { area: 'idb' | 'ls'; at: number }>();

  const tx = async (fn: (s: IDBObjectStore) => IDBRequest) => {
    const t = db.transaction('keyval', 'readwrite');
    await idbRequest(fn(t.objectStore('keyval')));
    await new Promise<void>((resolve, reject) => {
      t.oncomplete = () => resolve();
      t.onabort = () => reject(t.error);
    });
  };

  const device: SimDevice = {
    name: opts.name,
    factory,
    storage,
    db,
    host,
    base,
    engine,
    dirty,
    async put(key, value) {
      await tx((s) => s.put(value, key));
      dirty.set(key, { area: 'idb', at: now() });
    },
    async del(key) {
      await tx((s) => s.delete(key));
      dirty.set(key, { area: 'idb', at: now() });
    },
    setLs(key, value) {
      storage.setItem(key, value);
      dirty.set(key, { area: 'ls', at: now() });
    },
    removeLs(key) {
      storage.removeItem(key);
      dirty.set(key, { area: 'ls', at: now() });
    },
    async read(key) {
      const t = db.transaction('keyval', 'readonly');
      return idbRequest(t.objectStore('keyval').get(key));
    },
    async dump() {
      const t = db.transaction('keyval', 'readonly');
      const s = t.objectStore('keyval');
      const [ks, vs] = await Promise.all([idbRequest(s.getAllKeys()), idbRequest(s.getAll())]);
      const idb: Record<string, unknown> = {};
      ks.forEach((k, i) => (idb[String(k)] = vs[i]));
      const ls: Record<string, string> = {};
      for (let i = 0; i < storage.length; i++) {
        const k = storage.key(i)!;
        if (!k.startsWith('tcs_')) ls[k] = storage.getItem(k)!;
      }
      return { idb, ls };
    },
    async sync(req = {}) {
      const r = await engine.runCycle({ full: req.full ?? false, dirty: new Map(dirty), retryFailed: req.retryFailed });
      for (const k of dirty.keys()) if (!r.failedKeys.includes(k)) dirty.delete(k);
      return r;
    },
    close() {
      host.close();
      base.close();
      db.close();
    },
  };
  return device;
}

/** A chat as TypingMind stores it: Dates, messages with ids. */
export function makeChat(id: string, messages: string[], updatedAt = new Date('2026-11-01T10:00:00Z')) {
  return {
    id,
    chatID: id,
    chatTitle: `Chat ${id}`,
    model: 'gpt-4o',
    createdAt: new Date('2026-11-01T09:00:00Z'),
    updatedAt,
    messages: messages.map((content, i) => ({
      id: `${id}-m${i}`,
      role: i % 2 ? 'assistant' : 'user',
      content,
      createdAt: new Date(Date.parse('2026-11-01T09:00:00Z') + i * 1000),
    })),
  };
}

/**
 * Simulated devices for one test file, closed after each test: `device(name, store, password?)` makes one,
 * `keep(d)` closes one made otherwise. Registers its own afterEach.
 */
export function useSimDevices() {
  const open: SimDevice[] = [];
  afterEach(() => {
    while (open.length) open.pop()!.close();
  });
  return {
    async device(name: string, store: CloudStore, password?: string): Promise<SimDevice> {
      const d = await createSimDevice({ name, store, password });
      open.push(d);
      return d;
    },
    keep(d: SimDevice): SimDevice {
      open.push(d);
      return d;
    },
  };
}

/** The bucket's metadata.json, parsed (a test fails when there is none). */
export async function bucketMetadata(store: CloudStore) {
  const r = await store.get('metadata.json');
  if (r.kind !== 'found') throw new Error('no metadata.json');
  return parseMetadata(r.body);
}
