/**
 * Drive provider against the emulator over loopback HTTP: `npx vitest bench --run test/integration/providers/gdrive`.
 * Measures the provider's own overhead and its request counts (printed once), not Google's latency:
 * on real Drive every request costs ~100-300 ms, so the request count is what matters there.
 */
import { afterAll, beforeAll, bench, describe } from 'vitest';
import { createDriveStore, type DriveStore } from '../../../src/providers/gdrive';
import { startDriveEmulator, type DriveEmulator } from '../../support/gdrive-emulator';

let emu: DriveEmulator;
let store: DriveStore;
let etag = '';
const small = new Uint8Array(1024).fill(65);
const large = new Uint8Array(50 * 1024 * 1024).fill(66);

async function requestsFor(label: string, fn: () => Promise<unknown>): Promise<void> {
  const before = emu.requests.length;
  await fn();
  console.log(`${label}: ${emu.requests.length - before} request(s)`);
}

beforeAll(async () => {
  emu = await startDriveEmulator();
  // Unpaced: this measures requests and the provider's own overhead, not Drive's per-second limits.
  const unpaced = { createIntervalMs: 0, copyIntervalMs: 0 };
  store = createDriveStore({ getAccessToken: async () => 'test-token', apiBase: emu.url, pacing: unpaced });
  await requestsFor('first put into an empty Drive (root + items folder created)', () => store.put('items/a.json', small));
  await requestsFor('put of an existing item (cached id)', () => store.put('items/a.json', small));
  await requestsFor('put of a new item in a known folder', () => store.put('items/b.json', small));
  etag = (await store.put('metadata.json', small)).etag;
  await requestsFor('get metadata.json, unchanged (ifNoneMatch)', () => store.get('metadata.json', { ifNoneMatch: etag }));
  await requestsFor('get metadata.json, changed', () => store.get('metadata.json', { ifNoneMatch: 'old' }));
  await requestsFor('compare-and-swap put of metadata.json', async () => {
    etag = (await store.put('metadata.json', small, { ifMatch: etag })).etag;
  });
  for (let i = 0; i < 1000; i++) await store.put(`many/k${i}.json`, small);
  const cold = createDriveStore({ getAccessToken: async () => 'test-token', apiBase: emu.url, pacing: unpaced });
  await requestsFor('list 1000 keys in one folder, cold cache', async () => {
    for await (const page of cold.list('many/')) void page;
  });
}, 600_000);

afterAll(async () => {
  await emu.stop();
});

describe('drive provider over the emulator', () => {
  bench('get metadata.json, unchanged (the idle cycle)', async () => {
    await store.get('metadata.json', { ifNoneMatch: etag });
  });
  bench('put a 1 KiB item (multipart update)', async () => {
    await store.put('items/a.json', small);
  });
  bench('list 1000 keys', async () => {
    for await (const page of store.list('many/')) void page;
  });
  bench(
    'put a 50 MiB attachment (resumable, 8 MiB chunks)',
    async () => {
      await store.put('attachments/big.bin', large);
    },
    { iterations: 3, time: 0 },
  );
});
