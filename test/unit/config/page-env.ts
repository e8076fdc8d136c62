/**
 * A page for the config tests: happy-dom's localStorage, location and history (real URL handling), and a
 * fresh fake-indexeddb factory, so every test starts with an empty browser profile.
 */
// idb recognises requests by the global IDB classes (as in a browser): install fake-indexeddb's as globals.
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { Window } from 'happy-dom';
import type { ConfigEnv } from '../../../src/config';

export interface Page {
  win: Window;
  env: ConfigEnv & { location: Location; history: History };
}

export function openPage(url = 'https://www.typingmind.com/', indexedDB: IDBFactory = new IDBFactory(), win?: Window): Page {
  const w = win ?? new Window({ url });
  if (win) w.location.href = url;
  return {
    win: w,
    env: {
      localStorage: w.localStorage as unknown as Storage,
      indexedDB,
      location: w.location as unknown as Location,
      history: w.history as unknown as History,
    },
  };
}

/** The same browser profile (storage and databases) opened again at another address: a reload. */
export function reload(page: Page, url = 'https://www.typingmind.com/'): Page {
  const next = openPage(url, page.env.indexedDB as IDBFactory);
  const from = page.env.localStorage;
  for (let i = 0; i < from.length; i++) {
    const key = from.key(i)!;
    next.env.localStorage.setItem(key, from.getItem(key)!);
  }
  return next;
}

/** Every value stored in every database of the factory, read with plain cursors. */
export async function dumpDatabases(factory: IDBFactory): Promise<{ db: string; store: string; key: IDBValidKey; value: unknown }[]> {
  const out: { db: string; store: string; key: IDBValidKey; value: unknown }[] = [];
  for (const info of await factory.databases()) {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const r = factory.open(info.name!);
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    for (const store of Array.from(db.objectStoreNames)) {
      await new Promise<void>((resolve, reject) => {
        const req = db.transaction(store).objectStore(store).openCursor();
        req.onsuccess = () => {
          const c = req.result;
          if (!c) return resolve();
          out.push({ db: info.name!, store, key: c.key, value: c.value });
          c.continue();
        };
        req.onerror = () => reject(req.error);
      });
    }
    db.close();
  }
  return out;
}

/** Every string and byte sequence inside a value (objects, arrays, typed arrays, buffers), recursively. */
export function collectLeaves(value: unknown, strings: string[] = [], bytes: Uint8Array[] = []): { strings: string[]; bytes: Uint8Array[] } {
  if (typeof value === 'string') strings.push(value);
  else if (value instanceof ArrayBuffer) bytes.push(new Uint8Array(value));
  else if (ArrayBuffer.isView(value)) bytes.push(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
  else if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value as object)) collectLeaves(v, strings, bytes);
    if (typeof CryptoKey !== 'undefined' && value instanceof CryptoKey) strings.push(JSON.stringify(value.algorithm));
  }
  return { strings, bytes };
}

function indexOfBytes(haystack: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

function utf16le(text: string): Uint8Array {
  const out = new Uint8Array(text.length * 2);
  for (let i = 0; i < text.length; i++) {
    out[2 * i] = text.charCodeAt(i) & 0xff;
    out[2 * i + 1] = text.charCodeAt(i) >> 8;
  }
  return out;
}

/**
 * Where any of the secrets appears in localStorage or in any database, as text or as bytes (UTF-8 and
 * UTF-16), including inside sealed blobs. Empty means the profile holds no plaintext copy of them.
 */
export async function findPlaintext(env: ConfigEnv, secrets: string[]): Promise<string[]> {
  const hits: string[] = [];
  const storage = env.localStorage;
  for (let i = 0; i < storage.length; i++) {
    const key = storage.key(i)!;
    const value = storage.getItem(key)!;
    for (const s of secrets) if (key.includes(s) || value.includes(s)) hits.push(`localStorage ${key}`);
  }
  for (const rec of await dumpDatabases(env.indexedDB as IDBFactory)) {
    const { strings, bytes } = collectLeaves(rec.value);
    strings.push(String(rec.key));
    for (const s of secrets) {
      if (strings.some((t) => t.includes(s))) hits.push(`${rec.db}/${rec.store}/${String(rec.key)} (text)`);
      const forms = [new TextEncoder().encode(s), utf16le(s)];
      if (bytes.some((b) => forms.some((f) => indexOfBytes(b, f) !== -1))) hits.push(`${rec.db}/${rec.store}/${String(rec.key)} (bytes)`);
    }
  }
  return hits;
}
