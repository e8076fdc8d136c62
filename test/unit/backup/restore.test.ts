import { describe, expect, it } from 'vitest';
import { createBackupService, describeRestoreOutcome } from '../../../src/backup';
import { isTombstone, parseMetadata, type LiveEntry, type Metadata } from '../../../src/cloud';
import { importContentKey } from '../../../src/crypto';
import { open } from '../../../src/crypto/envelope';
import { CloudSyncError, isCloudSyncError } from '../../../src/errors';
import { createMemoryStore, type MemoryStore } from '../../../src/providers/memory';
import { loadFixtureBucket, readSeedBlob, seedStoreFromFixture, taggedBlob } from '../../support/fixture-bucket';
import { enc, failingCopies, live, putMetadata, readText, seedBucket, testKeys } from './helpers';

const T0 = Date.UTC(2026, 10, 20, 8, 0, 0);
const T1 = Date.UTC(2026, 10, 21, 9, 30, 0);

async function liveMetadata(store: MemoryStore): Promise<Metadata> {
  const r = await store.get('metadata.json');
  if (r.kind !== 'found') throw new Error('no metadata.json');
  return parseMetadata(r.body);
}

async function snapshotOfBucket(store: MemoryStore) {
  const out = new Map<string, string>();
  for (const k of store.keys()) {
    const r = await store.get(k);
    if (r.kind === 'found') out.set(k, Buffer.from(r.body).toString('hex'));
  }
  return out;
}

/** Seeds a bucket, snapshots it at T0, then changes it the way later syncs would. */
async function bucketChangedAfterSnapshot(store: MemoryStore = createMemoryStore()) {
  const { metadata } = await seedBucket(store);
  let now = T0;
  const keys = await testKeys();
  const svc = createBackupService({ store, keys, now: () => now });
  const snap = await svc.createSnapshot('s1');
  // Later: CHAT_a edited, CHAT_new created, TM_useTheme deleted.
  await store.put('items/CHAT_a.json', enc.encode('chat-a-v2'));
  await store.put('items/CHAT_new.json', enc.encode('new chat'));
  const later: Metadata = {
    lastSync: 2000,
    items: {
      ...metadata.items,
      CHAT_a: live('idb', { synced: 2000, lastModified: 2000, chatFingerprint: 'y|2|m2|t' }),
      CHAT_new: live('idb', { synced: 2000 }),
      TM_useTheme: { type: 'idb', deleted: 1900, tombstoneVersion: 1, synced: 1900 },
    },
  };
  await putMetadata(store, later);
  now = T1;
  return { store, svc, snap, later, keys, setNow: (t: number) => (now = t) };
}

describe('restoreBackup on the memory store', () => {
  it('makes the cloud equal to the backup: objects back, fresh synced, tombstones for later keys, after an automatic snapshot', async () => {
    const { store, svc, snap, later } = await bucketChangedAfterSnapshot();
    const progress: string[] = [];
    const out = await svc.restoreBackup(snap.folder, { onProgress: (p) => progress.push(`${p.phase} ${p.done}/${p.total}`) });
    // The automatic snapshot (4 live objects now), then the 4 copies back.
    expect(progress.at(0)).toBe('backup 0/4');
    expect(progress).toContain('backup 4/4');
    expect(progress.at(-1)).toBe('restore 4/4');

    expect(await readText(store, 'items/CHAT_a.json')).toBe('chat-a-v1');
    expect(await readText(store, 'items/TM_useTheme.json')).toBe('theme-v1');
    const m = await liveMetadata(store);
    expect(m.lastSync).toBe(T1);
    expect(m.items.CHAT_a).toMatchObject({ type: 'idb', synced: T1, lastModified: 1000, chatFingerprint: 'x|1|m|t' });
    expect(m.items.TM_useTheme).toMatchObject({ type: 'idb', synced: T1, lastModified: 1000 });
    expect(isTombstone(m.items.TM_useTheme)).toBe(false);
    // The key created after the backup is deleted on every device through the normal sync.
    expect(m.items.CHAT_new).toMatchObject({ deleted: T1, type: 'idb', tombstoneVersion: 1, synced: T1 });
    expect(typeof m.items.CHAT_new.tcsPrev).toBe('string');
    // An older tombstone stays as it was.
    expect(m.items.CHAT_gone).toEqual(later.items.CHAT_gone);
    // Restored entries name their new objects, for the engine's conditional uploads.
    const listed = new Map<string, string>();
    for await (const page of store.list('items/')) for (const e of page) listed.set(e.key, e.etag!);
    expect((m.items.CHAT_a as LiveEntry).tcsEtag).toBe(listed.get('items/CHAT_a.json'));

    expect(out.restored.sort()).toEqual(['ATTACHMENT_pic.png', 'CHAT_a', 'TM_useSidebarWidth', 'TM_useTheme']);
    expect(out.tombstoned).toEqual(['CHAT_new']);
    expect(out.kept).toEqual([]);
    expect(out.copied).toBe(4);

    // The automatic snapshot holds the state just replaced, attachments included, and is listed.
    const auto = out.autoSnapshot;
    expect(auto.folder).toBe('backups/s-before-restore-of-s-s1-20261120T080000-20261121T093000');
    expect(await readText(store, `${auto.folder}/items/CHAT_a.json`)).toBe('chat-a-v2');
    expect(await readText(store, `${auto.folder}/items/CHAT_new.json`)).toBe('new chat');
    expect((await store.get(`${auto.folder}/attachments/ATTACHMENT_pic.png.bin`)).kind).toBe('found');
    expect(parseMetadata((await readText(store, `${auto.folder}/metadata.json`))!)).toEqual(later);
    expect((await svc.listBackups()).map((b) => b.folder)).toEqual([auto.folder, snap.folder]);
    expect(describeRestoreOutcome(out)).toMatch(/4 items back, 1 newer items removed.*restore the snapshot "s-before-restore-of/);
  });

  it('restoring the automatic snapshot undoes the restore', async () => {
    const { store, svc, snap, setNow } = await bucketChangedAfterSnapshot();
    const out = await svc.restoreBackup(snap.folder);
    setNow(T1 + 60_000);
    await svc.restoreBackup(out.autoSnapshot.folder);
    expect(await readText(store, 'items/CHAT_a.json')).toBe('chat-a-v2');
    const m = await liveMetadata(store);
    expect(isTombstone(m.items.CHAT_new)).toBe(false);
    // Deleted by the snapshot's state, and deleted again (version + 1) because the first restore brought it back.
    expect(m.items.TM_useTheme).toMatchObject({ deleted: T1 + 60_000, tombstoneVersion: 1 });
  });

  it('a copy that fails stops the restore with a clear message and leaves the live objects and metadata as they were', async () => {
    const { store, snap } = await bucketChangedAfterSnapshot();
    const before = await snapshotOfBucket(store);
    // CHAT_a is overwritten first (copies run in metadata order), then TM_useTheme fails.
    const flaky = failingCopies(store, (from, to) => to === 'items/TM_useTheme.json' && from.startsWith(snap.folder));
    const svc = createBackupService({ store: flaky, keys: await testKeys(), now: () => T1, concurrency: 1 });
    const err = await svc.restoreBackup(snap.folder).catch((e) => e);
    expect(isCloudSyncError(err, 'provider-error')).toBe(true);
    expect(err.message).toMatch(/^Restoring "s-s1-20261120T080000" stopped: 1 of 4 objects could not be copied back \(first: "TM_useTheme".*The cloud was put back as it was/);
    const after = await snapshotOfBucket(store);
    for (const [k, v] of before) if (k !== 'backups/manifest-index.json') expect(after.get(k), k).toBe(v);
    // Only the automatic snapshot was added (and listed).
    expect([...after.keys()].filter((k) => !before.has(k)).every((k) => k.startsWith('backups/s-before-restore-of-') || k === 'backups/manifest-index.json')).toBe(true);
  });

  it('a restore whose automatic snapshot stops half-way leaves no unlisted snapshot objects behind', async () => {
    const { store, snap } = await bucketChangedAfterSnapshot();
    const before = await snapshotOfBucket(store);
    let snapshotCopies = 0;
    const broken = Object.create(store) as MemoryStore;
    broken.copy = async (from, to, o) => {
      if (to.startsWith('backups/s-before-restore') && ++snapshotCopies > 2) throw new CloudSyncError('cors-or-network', 'The storage could not be reached.');
      return store.copy(from, to, o);
    };
    const svc = createBackupService({ store: broken, keys: await testKeys(), now: () => T1, concurrency: 1 });
    const err = await svc.restoreBackup(snap.folder).catch((e) => e);
    expect(isCloudSyncError(err, 'cors-or-network')).toBe(true);
    expect(await snapshotOfBucket(store)).toEqual(before);
  });

  it('a restore whose automatic snapshot cannot be listed removes it, and changes nothing', async () => {
    const { store, snap } = await bucketChangedAfterSnapshot();
    const before = await snapshotOfBucket(store);
    const broken = Object.create(store) as MemoryStore;
    broken.put = async (key, body, o) => {
      if (key.startsWith('backups/s-before-restore') && key.endsWith('/backup-manifest.json')) throw new CloudSyncError('throttled', 'The storage provider is asking us to slow down.');
      return store.put(key, body, o);
    };
    const svc = createBackupService({ store: broken, keys: await testKeys(), now: () => T1 });
    const err = await svc.restoreBackup(snap.folder).catch((e) => e);
    expect(isCloudSyncError(err, 'throttled')).toBe(true);
    expect(await snapshotOfBucket(store)).toEqual(before);
  });

  it('cancelling half-way puts the overwritten objects back', async () => {
    const { store, snap } = await bucketChangedAfterSnapshot();
    const before = await snapshotOfBucket(store);
    const ctl = new AbortController();
    const cancelling = Object.create(store) as MemoryStore;
    cancelling.copy = async (f, t, o) => {
      await store.copy(f, t, o);
      if (t.startsWith('items/')) ctl.abort();
    };
    const svc = createBackupService({ store: cancelling, keys: await testKeys(), now: () => T1, concurrency: 1 });
    const err = await svc.restoreBackup(snap.folder, { signal: ctl.signal }).catch((e) => e);
    expect(isCloudSyncError(err, 'aborted')).toBe(true);
    expect(err.message).toMatch(/stopped: .*cancelled.*The cloud was put back as it was/);
    const after = await snapshotOfBucket(store);
    for (const [k, v] of before) if (k !== 'backups/manifest-index.json') expect(after.get(k), k).toBe(v);
  });

  it('a missing backup folder is refused before anything is written', async () => {
    const { store, svc } = await bucketChangedAfterSnapshot();
    const before = store.keys();
    const err = await svc.restoreBackup('backups/s-deleted-elsewhere-20260101T000000').catch((e) => e);
    expect(isCloudSyncError(err, 'not-found')).toBe(true);
    expect(err.message).toMatch(/is not in the cloud storage any more .* Nothing was changed/);
    expect(store.keys()).toEqual(before);
  });

  it('a backup without metadata.json, with a damaged one, or of an unknown format is refused, nothing changed', async () => {
    const { store, svc, snap } = await bucketChangedAfterSnapshot();
    const metaText = (await readText(store, `${snap.folder}/metadata.json`))!;
    const manifestText = (await readText(store, `${snap.folder}/backup-manifest.json`))!;
    const before = await snapshotOfBucket(store);

    await store.deleteMany([`${snap.folder}/metadata.json`]);
    await expect(svc.restoreBackup(snap.folder)).rejects.toMatchObject({ code: 'corrupt-object', message: expect.stringMatching(/metadata\.json is missing.*Nothing was changed/) });
    await store.put(`${snap.folder}/metadata.json`, enc.encode('{"lastSync":1,"items":'));
    await expect(svc.restoreBackup(snap.folder)).rejects.toMatchObject({ code: 'corrupt-object', message: expect.stringMatching(/metadata\.json is not valid JSON. Nothing was changed/) });
    await store.put(`${snap.folder}/metadata.json`, enc.encode(metaText));
    await store.put(`${snap.folder}/backup-manifest.json`, enc.encode(manifestText.replace('"server-side"', '"zip-v9"')));
    await expect(svc.restoreBackup(snap.folder)).rejects.toMatchObject({ message: expect.stringMatching(/format "zip-v9", which cannot be restored/) });
    await store.deleteMany([`${snap.folder}/backup-manifest.json`]);
    await expect(svc.restoreBackup(snap.folder)).rejects.toMatchObject({ message: expect.stringMatching(/has no backup-manifest\.json/) });

    const after = await snapshotOfBucket(store);
    for (const k of ['metadata.json', 'items/CHAT_a.json', 'items/CHAT_new.json']) expect(after.get(k)).toBe(before.get(k));
    expect([...after.keys()].some((k) => k.startsWith('backups/s-before-restore'))).toBe(false);
  });

  it('when another device writes metadata.json during the restore, it plans again and tombstones that device’s new key too', async () => {
    const { store, snap } = await bucketChangedAfterSnapshot();
    let raced = false;
    const racing = Object.create(store) as MemoryStore;
    racing.put = async (k, b, o) => {
      if (k === 'metadata.json' && !raced) {
        raced = true;
        // Another device uploads a new chat and a new CHAT_a, then its metadata, just before our write.
        await store.put('items/CHAT_late.json', enc.encode('late'));
        await store.put('items/CHAT_a.json', enc.encode('chat-a-v3'));
        const m = await liveMetadata(store);
        m.items.CHAT_late = live('idb', { synced: 3000 });
        m.items.CHAT_a = live('idb', { synced: 3000, lastModified: 3000 });
        await putMetadata(store, m);
      }
      return store.put(k, b, o);
    };
    const svc = createBackupService({ store: racing, keys: await testKeys(), now: () => T1 });
    const out = await svc.restoreBackup(snap.folder);
    expect(raced).toBe(true);
    expect(out.tombstoned.sort()).toEqual(['CHAT_late', 'CHAT_new']);
    expect(await readText(store, 'items/CHAT_a.json')).toBe('chat-a-v1');
    const m = await liveMetadata(store);
    expect(m.items.CHAT_late).toMatchObject({ deleted: T1, tombstoneVersion: 1 });
  });

  it('one damaged object in the backup is not taken for a wrong password', async () => {
    const store = createMemoryStore();
    const keys = await testKeys();
    const { encryptBytes } = await import('../../../src/crypto');
    await store.put('items/A.json', new Uint8Array(40).fill(7)); // damaged: GCM fails as with a wrong key
    await store.put('items/B.json', await encryptBytes(keys.contentKey, enc.encode('fine')));
    await putMetadata(store, { lastSync: 1, items: { A: live('idb'), B: live('idb') } });
    let now = T0;
    const svc = createBackupService({ store, keys, now: () => now });
    const snap = await svc.createSnapshot('mixed');
    now = T1;
    const out = await svc.restoreBackup(snap.folder);
    expect(out.restored.sort()).toEqual(['A', 'B']);
  });

  it('repairs a damaged live metadata.json (the case the sync engine sends users to backups for)', async () => {
    const { store, svc, snap } = await bucketChangedAfterSnapshot();
    await store.put('metadata.json', enc.encode('{"lastSync":2000,"items":{"CHAT_a":'));
    const out = await svc.restoreBackup(snap.folder);
    expect(out.restored.sort()).toEqual(['ATTACHMENT_pic.png', 'CHAT_a', 'TM_useSidebarWidth', 'TM_useTheme']);
    // Which keys were live cannot be known from a damaged index, so nothing is tombstoned.
    expect(out.tombstoned).toEqual([]);
    expect(Object.keys((await liveMetadata(store)).items).sort()).toEqual(['ATTACHMENT_pic.png', 'CHAT_a', 'CHAT_gone', 'TM_useSidebarWidth', 'TM_useTheme']);
    // The damaged file is kept in the automatic snapshot.
    expect(await readText(store, `${out.autoSnapshot.folder}/metadata.json`)).toBe('{"lastSync":2000,"items":{"CHAT_a":');
  });

  it('works where the provider has no conditional writes (writes, reads back, compares)', async () => {
    const { store, svc, snap } = await bucketChangedAfterSnapshot(createMemoryStore({ capabilities: { conditionalPut: false } }));
    const out = await svc.restoreBackup(snap.folder);
    expect(out.tombstoned).toEqual(['CHAT_new']);
    expect(await readText(store, 'items/CHAT_a.json')).toBe('chat-a-v1');
  });

  it('does not copy an object whose live content already has the same keyed hash', async () => {
    const store = createMemoryStore();
    await store.put('items/K.json', enc.encode('same'));
    const { etag } = await store.put('items/L.json', enc.encode('old'));
    await putMetadata(store, { lastSync: 1, items: { K: live('idb', { tcsHash: 'h1', tcsEtag: 'e-old' }), L: live('idb', { tcsHash: 'h2', tcsEtag: etag }) } });
    let now = T0;
    const svc = createBackupService({ store, keys: await testKeys(), now: () => now });
    const snap = await svc.createSnapshot('b');
    await store.put('items/K.json', enc.encode('changed'));
    const k2 = await store.put('items/K.json', enc.encode('changed'));
    await putMetadata(store, { lastSync: 2, items: { K: live('idb', { tcsHash: 'h9', tcsEtag: k2.etag }), L: live('idb', { tcsHash: 'h2', tcsEtag: etag }) } });
    now = T1;
    const copies: string[] = [];
    const watched = Object.create(store) as MemoryStore;
    watched.copy = (f, t, o) => (copies.push(t), store.copy(f, t, o));
    const out = await createBackupService({ store: watched, keys: await testKeys(), now: () => now }).restoreBackup(snap.folder);
    expect(copies.filter((t) => !t.startsWith('backups/'))).toEqual(['items/K.json']);
    expect(out.copied).toBe(1);
    const m = await liveMetadata(store);
    expect((m.items.L as LiveEntry).tcsEtag).toBe(etag);
    expect((m.items.L as LiveEntry).synced).toBe(T1);
    expect(await readText(store, 'items/K.json')).toBe('same');
  });
});

describe('restoreBackup on buckets written by the original', () => {
  it('V4.2 daily backup (export-upload): attachments recovered from the JSON-codec quirk and re-encoded, byte for byte', async () => {
    const fx = loadFixtureBucket('v4.2');
    const store = createMemoryStore();
    await seedStoreFromFixture(store, fx);
    const contentKey = await importContentKey(fx.password);
    const svc = createBackupService({ store, keys: { contentKey, hashKey: contentKey }, now: () => T1 });
    const folder = 'backups/typingmind-backup-20261122';
    const out = await svc.restoreBackup(folder);

    expect(out.reencoded).toBe(3);
    expect(out.tombstoned).toEqual([]);
    expect(out.kept).toEqual([]);
    for (const name of ['ATTACHMENT_doc.pdf', 'ATTACHMENT_img-gradient.png', 'ATTACHMENT_photo.jpg']) {
      const r = await store.get(`attachments/${name}.bin`);
      if (r.kind !== 'found') throw new Error(name);
      // The plain bytes codec: the envelope opens straight to the file, no quirk recovery needed.
      const plain = await open(contentKey, r.body, name);
      const blob = taggedBlob(fx.seed.idb[name])!;
      expect(Buffer.from(plain).equals(Buffer.from(readSeedBlob(fx.dir, blob.file))), name).toBe(true);
    }
    // Items come back as the backup's exact bytes.
    for (const k of fx.objects.keys()) {
      if (!k.startsWith(`${folder}/items/`)) continue;
      const liveKey = k.slice(folder.length + 1);
      const r = await store.get(liveKey);
      expect(r.kind === 'found' && Buffer.from(r.body).equals(Buffer.from(fx.objects.get(k)!)), liveKey).toBe(true);
    }
    const m = await liveMetadata(store);
    const backupMeta = parseMetadata(fx.objects.get(`${folder}/metadata.json`)!);
    for (const [k, e] of Object.entries(backupMeta.items)) expect(m.items[k]).toMatchObject({ ...e, synced: T1 });
    // Deleted before the backup was made: still deleted.
    expect(isTombstone(m.items.CHAT_deleteme01)).toBe(true);
    // The automatic snapshot kept the live attachments as they were.
    const autoAtt = await store.get(`${out.autoSnapshot.folder}/attachments/ATTACHMENT_photo.jpg.bin`);
    expect(autoAtt.kind === 'found' && Buffer.from(autoAtt.body).equals(Buffer.from(fx.objects.get('attachments/ATTACHMENT_photo.jpg.bin')!))).toBe(true);
  });

  it('V4.2 daily backup with the wrong password: refused before anything is written, with a message that says what to check', async () => {
    const fx = loadFixtureBucket('v4.2');
    const store = createMemoryStore();
    await seedStoreFromFixture(store, fx);
    const before = await snapshotOfBucket(store);
    const svc = createBackupService({ store, keys: await testKeys('not the password'), now: () => T1 });
    const err = await svc.restoreBackup('backups/typingmind-backup-20261122').catch((e) => e);
    expect(isCloudSyncError(err, 'wrong-password')).toBe(true);
    expect(err.message).toMatch(/^The backup "typingmind-backup-20261122" cannot be opened with this device's encryption password.*Check the encryption key.*Nothing was changed\.$/);
    expect(await snapshotOfBucket(store)).toEqual(before);
  });

  it("V4.2 snapshot (no attachments in it): the live attachments are kept, not deleted; the junk items/ATTACHMENT_*.json are not used", async () => {
    const fx = loadFixtureBucket('v4.2');
    const store = createMemoryStore();
    await seedStoreFromFixture(store, fx);
    const keys = await testKeys(fx.password);
    const out = await createBackupService({ store, keys, now: () => T1 }).restoreBackup('backups/s-Lab-snapshot-A-20261122T022002');
    expect(out.kept.sort()).toEqual(['ATTACHMENT_doc.pdf', 'ATTACHMENT_img-gradient.png', 'ATTACHMENT_photo.jpg']);
    expect(out.tombstoned).toEqual([]);
    expect(out.restored).toHaveLength(20);
    const m = await liveMetadata(store);
    expect(m.items['ATTACHMENT_photo.jpg']).toEqual(parseMetadata(fx.objects.get('metadata.json')!).items['ATTACHMENT_photo.jpg']);
    const att = await store.get('attachments/ATTACHMENT_photo.jpg.bin');
    expect(att.kind === 'found' && Buffer.from(att.body).equals(Buffer.from(fx.objects.get('attachments/ATTACHMENT_photo.jpg.bin')!))).toBe(true);
  });

  it('V3 server-side daily backup is restored as its exact objects', async () => {
    const fx = loadFixtureBucket('v3');
    const store = createMemoryStore();
    await seedStoreFromFixture(store, fx);
    await store.put('items/CHAT_after.json', enc.encode('x'));
    const m0 = await liveMetadata(store);
    m0.items.CHAT_after = live('idb');
    await putMetadata(store, m0);
    const out = await createBackupService({ store, keys: await testKeys(fx.password), now: () => T1 }).restoreBackup('backups/typingmind-backup-20261122');
    expect(out.tombstoned).toEqual(['CHAT_after']);
    expect(out.restored.length).toBe(Object.keys(parseMetadata(fx.objects.get('backups/typingmind-backup-20261122/metadata.json')!).items).length - 1);
    const r = await store.get('items/CHAT_with space.json');
    expect(r.kind === 'found' && Buffer.from(r.body).equals(Buffer.from(fx.objects.get('backups/typingmind-backup-20261122/items/CHAT_with space.json')!))).toBe(true);
  });
});
