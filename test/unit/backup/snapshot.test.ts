import { describe, expect, it } from 'vitest';
import { createBackupService, describeBackupOutcome } from '../../../src/backup';
import { parseManifest, parseManifestIndex } from '../../../src/cloud';
import { isCloudSyncError } from '../../../src/errors';
import { createMemoryStore } from '../../../src/providers/memory';
import { failingCopies, readJson, readText, seedBucket, testKeys } from './helpers';

const T0 = Date.UTC(2026, 10, 22, 3, 4, 5, 678);

describe('createSnapshot', () => {
  it('copies every live item AND attachment plus metadata.json, never orphans, and writes the original manifest and index entry', async () => {
    const { store, bodies } = await seedBucket();
    const metaBefore = await readText(store, 'metadata.json');
    const svc = createBackupService({ store, keys: await testKeys(), now: () => T0 });
    const progress: number[] = [];
    const out = await svc.createSnapshot('My snap!', { onProgress: (p) => progress.push(p.done) });

    const folder = 'backups/s-My-snap--20261122T030405';
    expect(out).toMatchObject({ folder, name: 'My snap!', kind: 'snapshot', created: T0, totalItems: 4, copiedItems: 4, failed: [] });
    const inFolder = store.keys().filter((k) => k.startsWith(folder + '/'));
    expect(inFolder.sort()).toEqual(
      [
        `${folder}/attachments/ATTACHMENT_pic.png.bin`,
        `${folder}/backup-manifest.json`,
        `${folder}/items/CHAT_a.json`,
        `${folder}/items/TM_useSidebarWidth.json`,
        `${folder}/items/TM_useTheme.json`,
        `${folder}/metadata.json`,
      ].sort(),
    );
    for (const k of ['items/CHAT_a.json', 'items/TM_useTheme.json', 'attachments/ATTACHMENT_pic.png.bin']) {
      const copy = await store.get(`${folder}/${k}`);
      expect(copy.kind === 'found' && copy.body).toEqual(bodies[k]);
    }
    expect(await readText(store, `${folder}/metadata.json`)).toBe(metaBefore);
    // Field for field and in the original's order.
    expect(await readText(store, `${folder}/backup-manifest.json`)).toBe(
      JSON.stringify({ type: 'server-side-snapshot', name: 'My snap!', created: T0, totalItems: 4, copiedItems: 4, format: 'server-side', version: '3.0', backupFolder: folder }),
    );
    expect(await readJson(store, 'backups/manifest-index.json')).toEqual([JSON.parse((await readText(store, `${folder}/backup-manifest.json`))!)]);
    expect(progress.at(-1)).toBe(4);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
  });

  it('appends to an existing index instead of replacing it', async () => {
    const { store } = await seedBucket();
    let t = T0;
    const svc = createBackupService({ store, keys: await testKeys(), now: () => t });
    await svc.createSnapshot('one');
    t += 1000;
    await svc.createSnapshot('two');
    const index = parseManifestIndex((await store.get('backups/manifest-index.json') as { body: Uint8Array }).body);
    expect(index.map((m) => m.name)).toEqual(['one', 'two']);
  });

  it('counts a copy that fails, keeps going, and says so in the result and the manifest', async () => {
    const { store } = await seedBucket();
    const flaky = failingCopies(store, (from) => from === 'items/TM_useTheme.json');
    const svc = createBackupService({ store: flaky, keys: await testKeys(), now: () => T0 });
    const out = await svc.createSnapshot('flaky');
    expect(out.copiedItems).toBe(3);
    expect(out.totalItems).toBe(4);
    expect(out.failed).toEqual([expect.objectContaining({ key: 'TM_useTheme', objectKey: 'items/TM_useTheme.json', code: 'provider-error' })]);
    expect(describeBackupOutcome(out)).toMatch(/incomplete: 1 of 4 items could not be copied \(first: "TM_useTheme"/);
    const m = parseManifest((await store.get(`${out.folder}/backup-manifest.json`) as { body: Uint8Array }).body);
    expect(m).toMatchObject({ copiedItems: 3, totalItems: 4, tcsIncomplete: true, tcsFailedKeys: ['TM_useTheme'] });
    // The live data is untouched.
    expect(await readText(store, 'items/TM_useTheme.json')).toBe('theme-v1');
  });

  it('an account-wide failure stops the snapshot with its own message and lists nothing', async () => {
    const { store } = await seedBucket();
    const broken = Object.create(store) as typeof store;
    broken.copy = async () => {
      const { CloudSyncError } = await import('../../../src/errors');
      throw new CloudSyncError('bad-credentials', 'The access key was refused. Check it in the settings.');
    };
    const svc = createBackupService({ store: broken, keys: await testKeys(), now: () => T0 });
    await expect(svc.createSnapshot('x')).rejects.toMatchObject({ code: 'bad-credentials', message: expect.stringMatching(/access key was refused/) });
    expect(await readText(store, 'backups/manifest-index.json')).toBeUndefined();
  });

  it('refuses an empty name with a human message and writes nothing', async () => {
    const store = createMemoryStore();
    const svc = createBackupService({ store, keys: await testKeys(), now: () => T0 });
    const err = await svc.createSnapshot('   ').catch((e) => e);
    expect(isCloudSyncError(err, 'invalid-settings')).toBe(true);
    expect(err.message).toMatch(/Type a name for the snapshot/);
    expect(store.keys()).toEqual([]);
  });

  it('on an empty bucket writes an empty snapshot that still lists', async () => {
    const store = createMemoryStore();
    const svc = createBackupService({ store, keys: await testKeys(), now: () => T0 });
    const out = await svc.createSnapshot('empty');
    expect(out.totalItems).toBe(0);
    expect(await readJson(store, `${out.folder}/metadata.json`)).toEqual({ lastSync: 0, items: {} });
    expect((await svc.listBackups()).map((b) => b.folder)).toEqual([out.folder]);
  });

  it('copies through list pages and many items with bounded parallelism', async () => {
    const store = createMemoryStore({ pageSize: 7 });
    const items: Record<string, unknown> = {};
    for (let i = 0; i < 60; i++) {
      items[`K${i}`] = { type: 'idb', synced: 1, lastModified: 1, size: 1 };
      await store.put(`items/K${i}.json`, new Uint8Array([i]));
    }
    await store.put('metadata.json', new TextEncoder().encode(JSON.stringify({ lastSync: 1, items })));
    let inFlight = 0;
    let peak = 0;
    const watched = Object.create(store) as typeof store;
    watched.copy = async (f, t, o) => {
      peak = Math.max(peak, ++inFlight);
      try {
        return await store.copy(f, t, o);
      } finally {
        inFlight--;
      }
    };
    const svc = createBackupService({ store: watched, keys: await testKeys(), now: () => T0, concurrency: 5 });
    const out = await svc.createSnapshot('many');
    expect(out.copiedItems).toBe(60);
    expect(peak).toBeLessThanOrEqual(5);
    expect(peak).toBeGreaterThan(1);
  });
});

describe('the backup index under concurrent writers', () => {
  it('two devices taking snapshots at the same moment both end up in the index (compare-and-swap, W17)', async () => {
    const { store } = await seedBucket();
    const keys = await testKeys();
    const zero = await createBackupService({ store, keys, now: () => T0 - 1000 }).createSnapshot('zero');
    // Both devices read the index before either writes it: the lost-update interleaving.
    let waiting: (() => void)[] = [];
    let first = true;
    const barrier = Object.create(store) as typeof store;
    barrier.get = async (k, o) => {
      const r = await store.get(k, o);
      if (k === 'backups/manifest-index.json' && first) {
        await new Promise<void>((resolve) => {
          waiting.push(resolve);
          if (waiting.length === 2) {
            first = false;
            waiting.forEach((w) => w());
            waiting = [];
          }
        });
      }
      return r;
    };
    const a = createBackupService({ store: barrier, keys, now: () => T0 });
    const b = createBackupService({ store: barrier, keys, now: () => T0 + 1000 });
    const [sa, sb] = await Promise.all([a.createSnapshot('from A'), b.createSnapshot('from B')]);
    const listed = (await a.listBackups()).map((x) => x.folder).sort();
    expect(listed).toEqual([zero.folder, sa.folder, sb.folder].sort());
  });

  it('without conditional writes, snapshots taken one after the other are all listed', async () => {
    const store = createMemoryStore({ capabilities: { conditionalPut: false } });
    await seedBucket(store);
    const keys = await testKeys();
    const a = createBackupService({ store, keys, now: () => T0 });
    await a.createSnapshot('one');
    await a.createSnapshot('two');
    expect((await a.listBackups()).map((x) => x.name)).toEqual(['two', 'one']);
  });
});
