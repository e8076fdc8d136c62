/**
 * The host layer in real Chromium: real IndexedDB (upgrade rules, Blobs, structured clone), real Storage
 * prototypes. The same behaviours as the fake-indexeddb tests, checked where TypingMind actually runs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as HostModule from '../../../src/host';
import { startHostPage, type HostPage } from './support/chromium-host-page';

type Host = typeof HostModule;
declare const CloudSyncHost: Host;

let harness: HostPage;

beforeAll(async () => {
  harness = await startHostPage();
}, 60_000);

afterAll(async () => {
  await harness?.close();
});

describe('host/ in Chromium', () => {
  it('does not create keyval-store when TypingMind has not, and idb-keyval can still create it', async () => {
    const page = await harness.newPage();
    const result = await page.evaluate(async () => {
      const store = CloudSyncHost.createHostStore({
        indexedDB,
        localStorage,
        waitForDatabase: { initialDelayMs: 5, maxDelayMs: 20, timeoutMs: 200 },
      });
      const error = await store.listKeys().then(
        () => null,
        (e: { code?: string; message: string }) => ({ code: e.code, message: e.message }),
      );
      const names = (await indexedDB.databases()).map((d) => d.name);
      const created = await new Promise<{ oldVersion: number; stores: string[] }>((resolve) => {
        let oldVersion = -1;
        const r = indexedDB.open('keyval-store');
        r.onupgradeneeded = (e) => {
          oldVersion = e.oldVersion;
          r.result.createObjectStore('keyval');
        };
        r.onsuccess = () => {
          resolve({ oldVersion, stores: [...r.result.objectStoreNames] });
          r.result.close();
        };
      });
      return { error, names, created };
    });
    expect(result.error?.code).toBe('host-unavailable');
    expect(result.names).not.toContain('keyval-store');
    expect(result.created).toEqual({ oldVersion: 0, stores: ['keyval'] });
    await page.context().close();
  });

  it('reports committed TypingMind writes, not aborted ones, not sessionStorage, not our own', async () => {
    const page = await harness.newPage();
    const result = await page.evaluate(async () => {
      const reports: string[] = [];
      const feed = CloudSyncHost.installChangeFeed(window);
      feed.onChange((keys) => reports.push(...keys.map((k) => `${k.area}:${k.key}`)));
      const db = await new Promise<IDBDatabase>((resolve) => {
        const r = indexedDB.open('keyval-store');
        r.onupgradeneeded = () => r.result.createObjectStore('keyval');
        r.onsuccess = () => resolve(r.result);
      });
      const commit = (fn: (s: IDBObjectStore, tx: IDBTransaction) => void) =>
        new Promise<string>((resolve) => {
          const tx = db.transaction('keyval', 'readwrite');
          fn(tx.objectStore('keyval'), tx);
          tx.oncomplete = () => resolve('complete');
          tx.onabort = () => resolve('abort');
        });
      const outcomes: string[] = [];
      outcomes.push(await commit((s) => {
        s.put({ updatedAt: new Date(5), messages: [] }, 'CHAT_a');
        s.put(new Blob([new Uint8Array([0x89, 0x50, 0x4e, 0x47])]), 'ATT_png');
        s.put('secret', 'tcs_x');
      }));
      outcomes.push(await commit((s, tx) => {
        s.put('half', 'CHAT_aborted').onsuccess = () => tx.abort();
      }));
      outcomes.push(await commit((s) => {
        const c = s.openCursor(IDBKeyRange.only('CHAT_a'));
        c.onsuccess = () => c.result?.update({ updatedAt: new Date(6), messages: [1] });
      }));
      localStorage.setItem('TM_useTheme', '"dark"');
      sessionStorage.setItem('TM_session', '1');
      await Promise.resolve();

      const store = CloudSyncHost.createHostStore({ indexedDB, localStorage, suppressor: feed });
      await store.put({ key: 'CHAT_fromCloud', type: 'idb', value: { n: 1 } });
      await store.put({ key: 'TM_fromCloud', type: 'ls', value: 'v' });
      await new Promise((r) => setTimeout(r, 20));

      const keys = await store.listKeys();
      const png = await store.get('ATT_png', 'blob');
      const chat = await store.get('CHAT_a', 'idb');
      feed.uninstall();
      store.close();
      db.close();
      return {
        reports,
        outcomes,
        keys,
        pngType: (png?.value as Blob).type,
        pngIsBlob: png?.value instanceof Blob,
        chatDateIsDate: (chat?.value as { updatedAt: unknown }).updatedAt instanceof Date,
      };
    });
    expect(result.outcomes).toEqual(['complete', 'abort', 'complete']);
    // The cursor's commit may be reported after the localStorage write: the host's own oncomplete (registered
    // before the cursor write) runs first and the page moves on. Order across transactions does not matter.
    expect(result.reports.slice(0, 2)).toEqual(['idb:CHAT_a', 'idb:ATT_png']);
    expect(result.reports.slice(2).sort()).toEqual(['idb:CHAT_a', 'ls:TM_useTheme']);
    expect(result.keys).toEqual([
      { key: 'ATT_png', type: 'blob' },
      { key: 'CHAT_a', type: 'idb' },
      { key: 'CHAT_fromCloud', type: 'idb' },
      { key: 'TM_useTheme', type: 'ls' },
      { key: 'TM_fromCloud', type: 'ls' },
    ]);
    expect(result.pngIsBlob).toBe(true);
    // As TypingMind stored it (no type): the host never sniffs a Blob's type.
    expect(result.pngType).toBe('');
    expect(result.chatDateIsDate).toBe(true);
    await page.context().close();
  });

  it('writes a batch of downloads, skipping a key that is there, and reports none of them as TypingMind changes', async () => {
    const page = await harness.newPage();
    const result = await page.evaluate(async () => {
      const reports: string[] = [];
      const feed = CloudSyncHost.installChangeFeed(window);
      feed.onChange((keys) => reports.push(...keys.map((k) => k.key)));
      const db = await new Promise<IDBDatabase>((resolve) => {
        const r = indexedDB.open('keyval-store');
        r.onupgradeneeded = () => r.result.createObjectStore('keyval');
        r.onsuccess = () => resolve(r.result);
      });
      await new Promise<void>((resolve) => {
        const tx = db.transaction('keyval', 'readwrite');
        tx.objectStore('keyval').put({ typed: 'by TypingMind' }, 'CHAT_there');
        tx.oncomplete = () => resolve();
      });
      await new Promise((r) => setTimeout(r, 20));
      reports.length = 0;
      const store = CloudSyncHost.createHostStore({ indexedDB, localStorage, suppressor: feed });
      const written = await store.putNewMany([
        { key: 'CHAT_new', type: 'idb', value: { at: new Date(7) } },
        { key: 'CHAT_there', type: 'idb', value: { typed: 'from the bucket' } },
        { key: 'ATT_new', type: 'blob', value: new Blob([new Uint8Array([0x89, 0x50, 0x4e, 0x47])], { type: 'image/png' }) },
      ]);
      await new Promise((r) => setTimeout(r, 20));
      const there = await store.get('CHAT_there', 'idb');
      const fresh = await store.get('CHAT_new', 'idb');
      const att = await store.get('ATT_new', 'blob');
      feed.uninstall();
      store.close();
      db.close();
      return {
        written,
        reports,
        there: there?.value,
        freshDate: (fresh?.value as { at: unknown }).at instanceof Date,
        attType: (att?.value as Blob).type,
      };
    });
    expect(result.written).toEqual([true, false, true]);
    expect(result.there).toEqual({ typed: 'by TypingMind' });
    expect(result.freshDate).toBe(true);
    expect(result.attType).toBe('image/png');
    expect(result.reports).toEqual([]);
    await page.context().close();
  });

  it('steps aside for a TypingMind schema upgrade and reopens', async () => {
    const page = await harness.newPage();
    const result = await page.evaluate(async () => {
      await new Promise<void>((resolve) => {
        const r = indexedDB.open('keyval-store');
        r.onupgradeneeded = () => r.result.createObjectStore('keyval');
        r.onsuccess = () => {
          r.result.close();
          resolve();
        };
      });
      const store = CloudSyncHost.createHostStore({ indexedDB, localStorage });
      await store.put({ key: 'CHAT_1', type: 'idb', value: 1 });
      let blocked = false;
      const version = await new Promise<number>((resolve) => {
        const r = indexedDB.open('keyval-store', 2);
        r.onblocked = () => {
          blocked = true;
        };
        r.onupgradeneeded = () => r.result.createObjectStore('extra');
        r.onsuccess = () => {
          resolve(r.result.version);
          r.result.close();
        };
      });
      const after = await store.get('CHAT_1', 'idb');
      store.close();
      return { blocked, version, after: after?.value };
    });
    expect(result).toEqual({ blocked: false, version: 2, after: 1 });
    await page.context().close();
  });
});
