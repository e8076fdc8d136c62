import { describe, expect, it } from 'vitest';
import { createBackupService } from '../../../src/backup';
import { parseManifestIndex, type BackupManifest } from '../../../src/cloud';
import { CloudSyncError } from '../../../src/errors';
import { createMemoryStore, type MemoryStore } from '../../../src/providers/memory';
import { loadFixtureBucket, seedStoreFromFixture } from '../../support/fixture-bucket';
import { enc, readJson, readText, seedBucket, testKeys } from './helpers';

const DAY = 24 * 60 * 60 * 1000;
const NOV22 = Date.UTC(2026, 10, 22, 10, 0, 0);

async function index(store: MemoryStore): Promise<BackupManifest[]> {
  const r = await store.get('backups/manifest-index.json');
  return r.kind === 'found' ? parseManifestIndex(r.body) : [];
}

function countingCopies(store: MemoryStore) {
  const counter = { copies: 0 };
  const wrapped = Object.create(store) as MemoryStore;
  wrapped.copy = (f, t, o) => (counter.copies++, store.copy(f, t, o));
  return { store: wrapped, counter };
}

describe('runDailyBackup', () => {
  it('copies the live items and attachments once per UTC day, with a manifest the original lists and restores', async () => {
    const { store, bodies } = await seedBucket();
    let now = NOV22;
    const c = countingCopies(store);
    const svc = createBackupService({ store: c.store, keys: await testKeys(), now: () => now });

    const first = await svc.runDailyBackup();
    const folder = 'backups/typingmind-backup-20261122';
    expect(first.backup).toMatchObject({ folder, kind: 'daily', totalItems: 4, copiedItems: 4, failed: [] });
    expect(c.counter.copies).toBe(4);
    const att = await store.get(`${folder}/attachments/ATTACHMENT_pic.png.bin`);
    expect(att.kind === 'found' && att.body).toEqual(bodies['attachments/ATTACHMENT_pic.png.bin']);
    expect(await readJson(store, `${folder}/backup-manifest.json`)).toEqual({
      type: 'daily-backup',
      name: 'daily-auto',
      created: NOV22,
      totalItems: 4,
      copiedItems: 4,
      format: 'export-upload',
      version: '3.1',
      backupFolder: folder,
      tcsCopy: 'server-side',
    });
    expect((await index(store)).map((m) => m.backupFolder)).toEqual([folder]);

    // Later the same UTC day (23:59:59): nothing is copied again.
    now = Date.UTC(2026, 10, 22, 23, 59, 59);
    expect(await svc.runDailyBackup()).toEqual({ backup: null, skipped: 'exists', retention: null });
    expect(c.counter.copies).toBe(4);

    // One second later it is the 23rd in UTC: a new daily backup.
    now += 1000;
    const next = await svc.runDailyBackup();
    expect(next.backup?.folder).toBe('backups/typingmind-backup-20261123');
    expect(c.counter.copies).toBe(8);
  });

  it('deletes daily backups older than 30 days (folder and index entry) and never snapshots', async () => {
    const { store } = await seedBucket();
    let now = NOV22;
    const svc = createBackupService({ store, keys: await testKeys(), now: () => now });
    const snap = await svc.createSnapshot('keep me');
    const made: string[] = [];
    for (let d = 0; d <= 31; d++) {
      now = NOV22 + d * DAY;
      const r = await svc.runDailyBackup();
      made.push(r.backup!.folder);
      if (d === 30) {
        // Exactly 30 days old is not yet older than 30 days.
        expect(r.retention).toEqual({ deleted: [], failed: [] });
      }
      if (d === 31) expect(r.retention).toEqual({ deleted: [made[0]], failed: [] });
    }
    // Run once more 2 days later: day 1 and day 2 go too.
    now = NOV22 + 33 * DAY;
    const last = await svc.runDailyBackup();
    expect(last.retention?.deleted.sort()).toEqual([made[1], made[2]].sort());

    const folders = (await index(store)).map((m) => m.backupFolder);
    expect(folders).toContain(snap.folder);
    for (const gone of made.slice(0, 3)) {
      expect(folders).not.toContain(gone);
      expect(store.keys().some((k) => k.startsWith(gone + '/'))).toBe(false);
    }
    expect(folders).toContain(made[3]);
    // The snapshot, 33 days old, is intact.
    expect(store.keys().filter((k) => k.startsWith(snap.folder + '/'))).toHaveLength(6);
  });

  it('two devices racing on the same day make one backup between them', async () => {
    const { store } = await seedBucket();
    const a = countingCopies(store);
    const b = countingCopies(store);
    const keys = await testKeys();
    const devA = createBackupService({ store: a.store, keys, now: () => NOV22 });
    const devB = createBackupService({ store: b.store, keys, now: () => NOV22 + 5 });
    const [ra, rb] = await Promise.all([devA.runDailyBackup(), devB.runDailyBackup()]);
    const made = [ra, rb].filter((r) => r.backup);
    expect(made).toHaveLength(1);
    expect([ra, rb].find((r) => !r.backup)?.skipped).toBe('in-progress');
    expect(a.counter.copies + b.counter.copies).toBe(4);
    expect(await index(store)).toHaveLength(1);
    // Afterwards both agree that today's backup exists.
    expect((await devB.runDailyBackup()).skipped).toBe('exists');
  });

  it('takes over a claim left by a device that stopped more than 30 minutes ago, but not a fresh one', async () => {
    const { store } = await seedBucket();
    const folder = 'backups/typingmind-backup-20261122';
    const claim = (created: number) =>
      enc.encode(JSON.stringify({ type: 'daily-backup', name: 'daily-auto', created, totalItems: 0, copiedItems: 0, format: 'export-upload', version: '3.1', backupFolder: folder, tcsInProgress: true }));
    await store.put(`${folder}/backup-manifest.json`, claim(NOV22 - 10 * 60 * 1000));
    const svc = createBackupService({ store, keys: await testKeys(), now: () => NOV22 });
    expect(await svc.runDailyBackup()).toMatchObject({ backup: null, skipped: 'in-progress' });

    await store.put(`${folder}/backup-manifest.json`, claim(NOV22 - 31 * 60 * 1000));
    const r = await svc.runDailyBackup();
    expect(r.backup).toMatchObject({ folder, copiedItems: 4 });
    expect(await readJson(store, `${folder}/backup-manifest.json`)).not.toHaveProperty('tcsInProgress');
  });

  it('repairs the index when the backup exists but its index entry was lost, without copying again', async () => {
    const { store } = await seedBucket();
    const keys = await testKeys();
    await createBackupService({ store, keys, now: () => NOV22 }).runDailyBackup();
    await store.put('backups/manifest-index.json', enc.encode('[]'));
    const c = countingCopies(store);
    const r = await createBackupService({ store: c.store, keys, now: () => NOV22 + 60_000 }).runDailyBackup();
    expect(r).toMatchObject({ backup: null, skipped: 'exists' });
    expect(c.counter.copies).toBe(0);
    expect((await index(store)).map((m) => m.backupFolder)).toEqual(['backups/typingmind-backup-20261122']);
  });

  it('gives the day back when the copying fails for the whole account, so the next attempt can run', async () => {
    const { store } = await seedBucket();
    const broken = Object.create(store) as MemoryStore;
    broken.copy = async () => {
      throw new CloudSyncError('cors-or-network', 'The storage could not be reached. Check your connection.');
    };
    const keys = await testKeys();
    await expect(createBackupService({ store: broken, keys, now: () => NOV22 }).runDailyBackup()).rejects.toMatchObject({ code: 'cors-or-network' });
    expect(await readText(store, 'backups/typingmind-backup-20261122/backup-manifest.json')).toBeUndefined();
    expect((await createBackupService({ store, keys, now: () => NOV22 + 1000 }).runDailyBackup()).backup?.copiedItems).toBe(4);
  });

  it('a backup that stops half-way leaves neither its claim nor the copies made so far, and the next attempt runs at once', async () => {
    const { store } = await seedBucket();
    let copies = 0;
    const broken = Object.create(store) as MemoryStore;
    broken.copy = async (from, to, o) => {
      if (++copies > 2) throw new CloudSyncError('cors-or-network', 'The storage could not be reached. Check your connection.');
      return store.copy(from, to, o);
    };
    const keys = await testKeys();
    await expect(createBackupService({ store: broken, keys, now: () => NOV22, concurrency: 1 }).runDailyBackup()).rejects.toMatchObject({ code: 'cors-or-network' });
    expect(store.keys().filter((k) => k.startsWith('backups/typingmind-backup-20261122/'))).toEqual([]);
    expect((await createBackupService({ store, keys, now: () => NOV22 + 1000 }).runDailyBackup()).backup?.copiedItems).toBe(4);
  });

  it('a backup whose final manifest cannot be written gives the day back too (no 30-minute "in progress" claim)', async () => {
    const { store } = await seedBucket();
    let manifestPuts = 0;
    const broken = Object.create(store) as MemoryStore;
    broken.put = async (key, body, o) => {
      if (key.endsWith('/backup-manifest.json') && ++manifestPuts === 2) throw new CloudSyncError('cors-or-network', 'The connection was lost.');
      return store.put(key, body, o);
    };
    const keys = await testKeys();
    // (Stopped by a rate limit instead, the copies stay for the next attempt to resume: daily-backup-throttled.test.ts.)
    await expect(createBackupService({ store: broken, keys, now: () => NOV22 }).runDailyBackup()).rejects.toMatchObject({ code: 'cors-or-network' });
    expect(store.keys().filter((k) => k.startsWith('backups/typingmind-backup-20261122/'))).toEqual([]);
    expect((await createBackupService({ store, keys, now: () => NOV22 + 1000 }).runDailyBackup()).backup?.copiedItems).toBe(4);
  });

  it('on a provider without conditional writes, a lost index is rebuilt from the manifests and the day is still seen as done', async () => {
    const store = createMemoryStore({ capabilities: { conditionalPut: false } });
    await seedBucket(store);
    const keys = await testKeys();
    const svc = createBackupService({ store, keys, now: () => NOV22 });
    expect((await svc.runDailyBackup()).backup?.copiedItems).toBe(4);
    // The index entry is lost; the manifest still says the day is done.
    await store.deleteMany(['backups/manifest-index.json']);
    const again = await createBackupService({ store, keys, now: () => NOV22 + 1000 }).runDailyBackup();
    expect(again.skipped).toBe('exists');
  });

  it("respects the original's own daily backup of the day (V4.2 bucket) and keeps its entries when adding the next day's", async () => {
    const fx = loadFixtureBucket('v4.2');
    const store = createMemoryStore();
    await seedStoreFromFixture(store, fx);
    const keys = await testKeys(fx.password);
    const created = (await index(store)).find((m) => m.type === 'daily-backup')!.created;
    expect((await createBackupService({ store, keys, now: () => created + 60_000 }).runDailyBackup()).skipped).toBe('exists');

    const next = await createBackupService({ store, keys, now: () => created + DAY }).runDailyBackup();
    expect(next.backup).toMatchObject({ folder: 'backups/typingmind-backup-20261123', totalItems: 23, copiedItems: 23 });
    // Attachments are copied from attachments/ (the bytes codec), not the junk items/ATTACHMENT_*.json objects.
    for (const name of ['ATTACHMENT_doc.pdf', 'ATTACHMENT_img-gradient.png', 'ATTACHMENT_photo.jpg']) {
      const copy = await store.get(`backups/typingmind-backup-20261123/attachments/${name}.bin`);
      expect(copy.kind === 'found' && copy.body).toEqual(fx.objects.get(`attachments/${name}.bin`));
      expect((await store.get(`backups/typingmind-backup-20261123/items/${name}.json`)).kind).toBe('not-found');
    }
    expect((await store.get('backups/typingmind-backup-20261123/items/CHAT_deleteme01.json')).kind).toBe('not-found');
    expect((await index(store)).map((m) => m.backupFolder)).toEqual([
      'backups/s-Lab-snapshot-A-20261122T022002',
      'backups/typingmind-backup-20261122',
      'backups/typingmind-backup-20261123',
    ]);
  });
});
