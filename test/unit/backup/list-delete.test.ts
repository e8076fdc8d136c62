import { describe, expect, it } from 'vitest';
import { createBackupService, normaliseBackupFolder } from '../../../src/backup';
import { isCloudSyncError } from '../../../src/errors';
import { createMemoryStore, type MemoryStore } from '../../../src/providers/memory';
import { loadFixtureBucket, seedStoreFromFixture } from '../../support/fixture-bucket';
import { enc, readJson, readText, seedBucket, testKeys } from './helpers';

async function fixtureStore(name: 'v3' | 'v4.2') {
  const fx = loadFixtureBucket(name);
  const store = createMemoryStore();
  await seedStoreFromFixture(store, fx);
  return { fx, store };
}

function countingGets(store: MemoryStore) {
  const seen: string[] = [];
  const wrapped = Object.create(store) as MemoryStore;
  wrapped.get = (k, o) => (seen.push(k), store.get(k, o));
  return { store: wrapped, seen };
}

describe('listBackups', () => {
  it("reads the original's V4.2 index, newest first, as BackupInfo", async () => {
    const { store } = await fixtureStore('v4.2');
    const svc = createBackupService({ store, keys: await testKeys() });
    expect(await svc.listBackups()).toEqual([
      { folder: 'backups/typingmind-backup-20261122', name: 'daily-auto', kind: 'daily', created: 1795314002988, totalItems: 23, format: 'export-upload' },
      { folder: 'backups/s-Lab-snapshot-A-20261122T022002', name: 'Lab snapshot A', kind: 'snapshot', created: 1795314002660, totalItems: 24, format: 'server-side' },
    ]);
  });

  it('rebuilds the missing index of a V3 bucket from the manifests, writes it back, and reads it from then on', async () => {
    const { store } = await fixtureStore('v3');
    expect(await readText(store, 'backups/manifest-index.json')).toBeUndefined();
    const c = countingGets(store);
    const svc = createBackupService({ store: c.store, keys: await testKeys() });
    const list = await svc.listBackups();
    expect(list.map((b) => [b.folder, b.kind, b.format])).toEqual([
      ['backups/typingmind-backup-20261122', 'daily', 'server-side'],
      ['backups/s-Lab-snapshot-V3-20261122T022054', 'snapshot', 'server-side'],
    ]);
    const written = (await readJson(store, 'backups/manifest-index.json')) as { type: string }[];
    expect(written.map((m) => m.type)).toEqual(['server-side-snapshot', 'server-side-daily-backup']);

    c.seen.length = 0;
    expect(await svc.listBackups()).toEqual(list);
    expect(c.seen).toEqual(['backups/manifest-index.json']);
  });

  it('rebuilds a damaged index, skipping (and reporting) a damaged manifest without losing the others', async () => {
    const { store } = await fixtureStore('v4.2');
    await store.put('backups/manifest-index.json', enc.encode('{"not": "a list"'));
    await store.put('backups/s-broken-20261101T000000/backup-manifest.json', enc.encode('garbage'));
    const logs: string[] = [];
    const svc = createBackupService({ store, keys: await testKeys(), log: (_l, m) => logs.push(m) });
    const list = await svc.listBackups();
    expect(list.map((b) => b.folder).sort()).toEqual(['backups/s-Lab-snapshot-A-20261122T022002', 'backups/typingmind-backup-20261122']);
    expect(logs.join('\n')).toMatch(/s-broken-20261101T000000\/backup-manifest\.json" is damaged/);
    expect(Array.isArray(await readJson(store, 'backups/manifest-index.json'))).toBe(true);
  });

  it('on an empty bucket lists nothing', async () => {
    const svc = createBackupService({ store: createMemoryStore(), keys: await testKeys() });
    expect(await svc.listBackups()).toEqual([]);
  });
});

describe('deleteBackup', () => {
  it('removes the folder and its index entry, and nothing else', async () => {
    const { store, fx } = await fixtureStore('v4.2');
    const svc = createBackupService({ store, keys: await testKeys() });
    await svc.deleteBackup('backups/typingmind-backup-20261122');
    expect(store.keys().some((k) => k.startsWith('backups/typingmind-backup-20261122/'))).toBe(false);
    expect((await svc.listBackups()).map((b) => b.folder)).toEqual(['backups/s-Lab-snapshot-A-20261122T022002']);
    for (const k of fx.objects.keys()) if (!k.startsWith('backups/')) expect(store.keys()).toContain(k);
    expect(store.keys().filter((k) => k.startsWith('backups/s-Lab-snapshot-A-20261122T022002/'))).toHaveLength(26);
  });

  it("accepts the original's UI value (the manifest key) and a bare folder name", async () => {
    const { store } = await seedBucket();
    const svc = createBackupService({ store, keys: await testKeys(), now: () => Date.UTC(2026, 0, 1) });
    const a = await svc.createSnapshot('a');
    const b = await svc.createSnapshot('b');
    await svc.deleteBackup(`${a.folder}/backup-manifest.json`);
    await svc.deleteBackup(b.folder.slice('backups/'.length));
    expect(await svc.listBackups()).toEqual([]);
    expect(store.keys().some((k) => k.startsWith('backups/s-'))).toBe(false);
  });

  it('refuses names that are not one backup folder, with a message, deleting nothing', async () => {
    const { store } = await seedBucket();
    const svc = createBackupService({ store, keys: await testKeys() });
    await svc.createSnapshot('keep');
    const before = store.keys();
    for (const bad of ['', 'backups/', 'backups', 'backups/a/b', '..', 'backups/manifest-index.json']) {
      const err = await svc.deleteBackup(bad).catch((e) => e);
      expect(isCloudSyncError(err, 'not-found'), bad).toBe(true);
      expect(err.message).toMatch(/is not the name of a backup folder/);
    }
    expect(store.keys()).toEqual(before);
  });

  it('says so when the backup is already gone', async () => {
    const { store } = await seedBucket();
    const svc = createBackupService({ store, keys: await testKeys() });
    await expect(svc.deleteBackup('backups/s-nothing-20260101T000000')).rejects.toMatchObject({
      code: 'not-found',
      message: expect.stringMatching(/not in the cloud storage .* Nothing was deleted/),
    });
  });

  it('normaliseBackupFolder keeps exactly one folder segment', () => {
    expect(normaliseBackupFolder('backups/x/')).toBe('backups/x');
    expect(normaliseBackupFolder(' s-a-1 ')).toBe('backups/s-a-1');
    expect(() => normaliseBackupFolder('backups/x/items/k.json')).toThrow(/not the name of a backup folder/);
  });
});
