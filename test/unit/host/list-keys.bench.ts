/**
 * How listKeys tells Blobs from other values, measured in real Chromium: `npx vitest bench --run test/unit/host`.
 *
 * IndexedDB cannot say a value's type without reading the value, so every way to classify keys pays for
 * deserialising the values once; the choices differ in how much they hold at once and how many round trips
 * they make. Compared on a heavy user's store (1 500 chats of 40 messages ≈ 30 MB, 150 attachments of 64 KiB,
 * 300 settings):
 *  - keys only (getAllKeys): the floor, but it cannot tell Blobs apart;
 *  - one cursor over all values: one transaction held for the whole scan (blocks TypingMind's writes);
 *  - listKeys, getAllKeys + getAll in pages of N in short transactions (what HostStore does), N = 25/100/500;
 *  - listKeys with a type hint (types known from the last sync): keys only, plus values of unknown keys.
 *
 * Measured 2026-11-22 (headless Chromium, 2-core machine under heavy load from other test runs; means, ms):
 *   keys only ~30 · hint for every key ~30 · hint for 90 % ~105 · one cursor ~1 300–1 700 ·
 *   pages of 25 ~800–1 500 · pages of 100 ~1 050–2 050 · pages of 500 ~2 000–2 900.
 * So: HostStore pages by 25 without a hint, and the engine should pass the base's types as a hint for the
 * start-up scan, leaving the full read to the slow backstop scan.
 */
import { afterAll, bench, describe } from 'vitest';
import type * as HostModule from '../../../src/host';
import { startHostPage } from './support/chromium-host-page';

type Host = typeof HostModule;
declare const CloudSyncHost: Host;
declare global {
  interface Window {
    benchStores: Record<number, ReturnType<Host['createHostStore']>>;
    benchTypes: Map<string, 'idb' | 'ls' | 'blob'>;
  }
}

const harness = await startHostPage();
const page = await harness.newPage();
await page.evaluate(async () => {
  const db = await new Promise<IDBDatabase>((resolve) => {
    const r = indexedDB.open('keyval-store');
    r.onupgradeneeded = () => r.result.createObjectStore('keyval');
    r.onsuccess = () => resolve(r.result);
  });
  const text = 'lorem ipsum dolor sit amet '.repeat(18); // ~500 chars a message
  for (let batch = 0; batch < 15; batch++) {
    await new Promise<void>((resolve) => {
      const tx = db.transaction('keyval', 'readwrite');
      const s = tx.objectStore('keyval');
      for (let i = batch * 100; i < (batch + 1) * 100; i++) {
        s.put(
          {
            id: `c${i}`,
            updatedAt: new Date(1_700_000_000_000 + i),
            messages: Array.from({ length: 40 }, (_, m) => ({ uuid: `c${i}m${m}`, role: 'user', content: text, createdAt: new Date() })),
          },
          `CHAT_${i}`,
        );
        if (i % 10 === 0) s.put(new Blob([new Uint8Array(64 * 1024)], { type: 'image/png' }), `ATT_${i}`);
        if (i % 5 === 0) s.put({ setting: i, list: [1, 2, 3] }, `TM_setting_${i}`);
      }
      tx.oncomplete = () => resolve();
    });
  }
  db.close();
  window.benchStores = {};
  for (const size of [25, 100, 500]) {
    window.benchStores[size] = CloudSyncHost.createHostStore({ indexedDB, localStorage, listPageSize: size });
  }
  window.benchTypes = new Map((await window.benchStores[100].listKeys()).map((k) => [k.key, k.type]));
});

afterAll(async () => {
  await harness.close();
});

const options = { iterations: 8, time: 0, warmupIterations: 1, warmupTime: 0 };

describe('classify 1 950 keys (1 500 chats ≈ 30 MB, 150 Blobs, 300 settings) in Chromium', () => {
  bench(
    'keys only: getAllKeys (cannot tell Blobs)',
    async () => {
      await page.evaluate(
        () =>
          new Promise<number>((resolve) => {
            const r = indexedDB.open('keyval-store');
            r.onsuccess = () => {
              const q = r.result.transaction('keyval').objectStore('keyval').getAllKeys();
              q.onsuccess = () => {
                r.result.close();
                resolve(q.result.length);
              };
            };
          }),
      );
    },
    options,
  );

  bench(
    'listKeys with a type hint for every key',
    async () => {
      await page.evaluate(() =>
        window.benchStores[100].listKeys({ typeHint: (k) => window.benchTypes.get(k) }).then((k) => k.length),
      );
    },
    options,
  );

  bench(
    'listKeys with a type hint for 90 % of keys (10 % new or changed)',
    async () => {
      await page.evaluate(() =>
        window.benchStores[100]
          .listKeys({ typeHint: (k) => (k.endsWith('7') ? undefined : window.benchTypes.get(k)) })
          .then((k) => k.length),
      );
    },
    options,
  );

  bench(
    'one cursor over every value (one long transaction)',
    async () => {
      await page.evaluate(
        () =>
          new Promise<number>((resolve) => {
            const r = indexedDB.open('keyval-store');
            r.onsuccess = () => {
              let blobs = 0;
              const c = r.result.transaction('keyval').objectStore('keyval').openCursor();
              c.onsuccess = () => {
                const cursor = c.result;
                if (!cursor) {
                  r.result.close();
                  resolve(blobs);
                  return;
                }
                if (cursor.value instanceof Blob) blobs++;
                cursor.continue();
              };
            };
          }),
      );
    },
    options,
  );

  for (const size of [25, 100, 500]) {
    bench(
      `listKeys, pages of ${size} values`,
      async () => {
        await page.evaluate((n) => window.benchStores[n].listKeys().then((k) => k.length), size);
      },
      options,
    );
  }
});
