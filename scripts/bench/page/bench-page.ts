/**
 * Injected into the stand-in page by the benchmark (window.cloudsyncBench): seeds TypingMind's store with the
 * benchmark dataset, runs the plain-PUT / plain-GET baseline with the project's own S3 provider (same signing,
 * same fetch transport, same CORS preflights as the extension, none of its encryption or bookkeeping), counts
 * reads of TypingMind's store, and answers "does this device have X yet" questions.
 */
import { createS3Store, type S3Settings } from '../../../src/providers/s3/s3-store';
import { mapPool } from '../../../src/runtime/pool';
import { makeAttachmentBytes, makeChat, makeKeyvalSettings, makeLocalSettings, makeRandom, type DatasetSpec } from '../dataset';

const DB = 'keyval-store';
const STORE = 'keyval';
/** Items per seeding transaction: big enough to be quick, small enough not to hold 100 MB in memory at once. */
const SEED_BATCH = 100;

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function openKeyval(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB);
    req.onupgradeneeded = () => {
      if (!req.result.objectStoreNames.contains(STORE)) req.result.createObjectStore(STORE);
    };
    req.onsuccess = () => {
      const db = req.result;
      db.onversionchange = () => db.close();
      if (!db.objectStoreNames.contains(STORE)) {
        db.close();
        reject(new Error('keyval-store has no keyval object store: open the demo page once before seeding.'));
      } else resolve(db);
    };
    req.onerror = () => reject(req.error);
  });
}

async function withDb<T>(fn: (db: IDBDatabase) => Promise<T>): Promise<T> {
  const db = await openKeyval();
  try {
    return await fn(db);
  } finally {
    db.close();
  }
}

function putBatch(db: IDBDatabase, entries: [string, unknown][]): Promise<void> {
  return new Promise((resolve, reject) => {
    const tx = db.transaction(STORE, 'readwrite');
    const store = tx.objectStore(STORE);
    for (const [k, v] of entries) store.put(v, k);
    tx.oncomplete = () => resolve();
    tx.onabort = tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction aborted while seeding'));
  });
}

export interface SeedSummary {
  items: number;
  chats: number;
  attachments: number;
  /** Sum of chat JSON lengths and attachment sizes, in bytes. */
  bytes: number;
  chatBytes: number;
  attachmentBytes: number;
  largestItemBytes: number;
  firstChatId: string;
  seedMs: number;
}

async function seed(spec: DatasetSpec, seedValue: number): Promise<SeedSummary> {
  const t0 = performance.now();
  const rand = makeRandom(seedValue);
  const now = Date.now();
  let chatBytes = 0;
  let attachmentBytes = 0;
  let largest = 0;
  let firstChatId = '';
  await withDb(async (db) => {
    for (let start = 0; start < spec.chats; start += SEED_BATCH) {
      const batch: [string, unknown][] = [];
      for (let i = start; i < Math.min(spec.chats, start + SEED_BATCH); i++) {
        const chat = makeChat(rand, i, spec.chatBytes, now);
        if (i === 0) firstChatId = chat.id;
        const size = JSON.stringify(chat).length;
        chatBytes += size;
        largest = Math.max(largest, size);
        batch.push([`CHAT_${chat.id}`, chat]);
      }
      await putBatch(db, batch);
    }
    for (let start = 0; start < spec.attachments; start += SEED_BATCH) {
      const batch: [string, unknown][] = [];
      for (let i = start; i < Math.min(spec.attachments, start + SEED_BATCH); i++) {
        const bytes = makeAttachmentBytes(rand, spec.attachmentBytes);
        attachmentBytes += bytes.length;
        largest = Math.max(largest, bytes.length);
        batch.push([`ATTACHMENT_bench${String(i).padStart(5, '0')}`, new Blob([bytes as BlobPart], { type: 'image/png' })]);
      }
      await putBatch(db, batch);
    }
    await putBatch(db, makeKeyvalSettings(rand));
  });
  for (const [k, v] of makeLocalSettings(firstChatId)) localStorage.setItem(k, v);
  return {
    items: spec.chats + spec.attachments + 3,
    chats: spec.chats,
    attachments: spec.attachments,
    bytes: chatBytes + attachmentBytes,
    chatBytes,
    attachmentBytes,
    largestItemBytes: largest,
    firstChatId,
    seedMs: Math.round(performance.now() - t0),
  };
}

/** Bytes of a stored value as a plain upload would send them: a Blob's own bytes, anything else as JSON. */
async function plainBytes(value: unknown): Promise<Uint8Array> {
  if (value instanceof Blob) return new Uint8Array(await value.arrayBuffer());
  return new TextEncoder().encode(JSON.stringify(value));
}

export interface BaselineResult {
  objects: number;
  bytes: number;
  ms: number;
  keys: string[];
}

/**
 * Reads every keyval item (one get each, as a sync must) and every TM_ localStorage key, and PUTs each as-is
 * under `prefix`, `concurrency` at a time: the cost of moving the data with no encryption or bookkeeping.
 */
async function baselinePut(settings: S3Settings, prefix: string, concurrency: number): Promise<BaselineResult> {
  const store = createS3Store(settings);
  const t0 = performance.now();
  let bytes = 0;
  const keys = await withDb(async (db) => {
    const all = (await request(db.transaction(STORE).objectStore(STORE).getAllKeys())).map(String);
    await mapPool(all, concurrency, async (key) => {
      const value = await request(db.transaction(STORE).objectStore(STORE).get(key));
      const body = await plainBytes(value);
      bytes += body.length;
      await store.put(`${prefix}items/${key}`, body);
    });
    return all;
  });
  const local = Object.keys(localStorage).filter((k) => k.startsWith('TM_'));
  await mapPool(local, concurrency, async (key) => {
    const body = new TextEncoder().encode(localStorage.getItem(key) ?? '');
    bytes += body.length;
    await store.put(`${prefix}items/${key}`, body);
  });
  return { objects: keys.length + local.length, bytes, ms: Math.round(performance.now() - t0), keys: [...keys, ...local].map((k) => `${prefix}items/${k}`) };
}

/** GETs every key given, `concurrency` at a time, and reads each body in full. */
async function baselineGet(settings: S3Settings, keys: string[], concurrency: number): Promise<BaselineResult> {
  const store = createS3Store(settings);
  const t0 = performance.now();
  let bytes = 0;
  await mapPool(keys, concurrency, async (key) => {
    const r = await store.get(key);
    if (r.kind !== 'found') throw new Error(`Baseline object ${key} was not found: the plain-PUT run did not store it.`);
    bytes += r.body.length;
  });
  return { objects: keys.length, bytes, ms: Math.round(performance.now() - t0), keys: [] };
}

/**
 * Reads on this page from now on. For TypingMind's store, by the extension (told apart by its script on the call
 * stack): calls per method, cursor steps, and how many records the bulk reads asked for ("unbounded" = no count
 * given), so a full scan can be told from one page read; the host page's own reads only as "hostReads".
 * For every other store (the extension's own database): calls per "db/store.method".
 */
const READ_METHODS = ['get', 'getAll', 'getAllKeys', 'openCursor', 'openKeyCursor', 'count'] as const;
let readCounts: Record<string, number> | undefined;
let otherCounts: Record<string, number> = {};

function resetCounts(counts: Record<string, number>): void {
  for (const k of Object.keys(counts)) counts[k] = 0;
  otherCounts = {};
}

/** Whether the caller is the extension's bundle: its frame is on the stack of a synchronous IndexedDB call. */
function fromExtension(): boolean {
  return /\/dist\/cloudsync\.js/.test(new Error().stack ?? '');
}

function countStoreReads(): void {
  if (readCounts) return resetCounts(readCounts);
  const counts: Record<string, number> = Object.fromEntries(
    [...READ_METHODS, 'cursorSteps', 'getAllAsked', 'getAllKeysAsked', 'unbounded', 'hostReads'].map((m) => [m, 0]),
  );
  readCounts = counts;
  const isKeyval = (store: IDBObjectStore) => store.name === STORE && store.transaction.db.name === DB;
  const proto = IDBObjectStore.prototype as unknown as Record<string, (...args: unknown[]) => unknown>;
  for (const m of READ_METHODS) {
    const original = proto[m];
    proto[m] = function (this: IDBObjectStore, ...args: unknown[]) {
      if (isKeyval(this) && !fromExtension()) {
        // The stand-in page reads the whole store to draw its list (after every sync, too): not our cost.
        counts.hostReads += 1;
      } else if (isKeyval(this)) {
        counts[m] += 1;
        if (m === 'getAll' || m === 'getAllKeys') {
          const n = args[1];
          if (typeof n === 'number' && n > 0) counts[`${m}Asked`] += n;
          else if (!(args[0] instanceof IDBKeyRange) && args[0] !== undefined && args[0] !== null) counts[`${m}Asked`] += 1; // one key
          else counts.unbounded += 1;
        }
      } else {
        const k = `${this.transaction.db.name}/${this.name}.${m}`;
        otherCounts[k] = (otherCounts[k] ?? 0) + 1;
      }
      return original.apply(this, args);
    };
  }
  const cursorProto = IDBCursor.prototype as unknown as Record<string, (...args: unknown[]) => unknown>;
  for (const m of ['continue', 'advance'] as const) {
    const original = cursorProto[m];
    cursorProto[m] = function (this: IDBCursor, ...args: unknown[]) {
      const src = this.source as IDBObjectStore | IDBIndex;
      const store = src instanceof IDBIndex ? src.objectStore : src;
      if (isKeyval(store) && fromExtension()) counts.cursorSteps += m === 'advance' && typeof args[0] === 'number' ? args[0] : 1;
      return original.apply(this, args);
    };
  }
}

function storeReads(): { keyval: Record<string, number>; other: Record<string, number> } {
  return { keyval: { ...(readCounts ?? {}) }, other: { ...otherCounts } };
}

async function countKeys(prefix: string): Promise<number> {
  return withDb(async (db) => {
    const keys = await request(db.transaction(STORE).objectStore(STORE).getAllKeys());
    return keys.filter((k) => String(k).startsWith(prefix)).length;
  });
}

async function hasMessage(chatId: string, messageId: string): Promise<boolean> {
  return withDb(async (db) => {
    const chat = (await request(db.transaction(STORE).objectStore(STORE).get(`CHAT_${chatId}`))) as { messages?: { id: string }[] } | undefined;
    return Boolean(chat?.messages?.some((m) => m.id === messageId));
  });
}

(window as unknown as { cloudsyncBench: unknown }).cloudsyncBench = {
  seed,
  baselinePut,
  baselineGet,
  countStoreReads,
  storeReads,
  countKeys,
  hasMessage,
};
