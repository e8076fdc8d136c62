/**
 * The backup service against real S3 over HTTP (s3rver behind the test proxy that honours conditional writes),
 * seeded with the bucket the original V4.2 wrote: server-side copies of keys with spaces, the day's claim with
 * If-None-Match, and a restore of the original's daily backup, read back byte for byte.
 */
import { describe, expect, it } from 'vitest';
import { createBackupService } from '../../../src/backup';
import { isTombstone, parseMetadata } from '../../../src/cloud';
import { decryptBytes, importContentKey } from '../../../src/crypto';
import type { CloudStore } from '../../../src/providers/cloud-store';
import { loadFixtureBucket, readSeedBlob, seedStoreFromFixture, taggedBlob } from '../../support/fixture-bucket';
import { useS3TestStores } from '../../support/s3-test-store';

const s3 = useS3TestStores({ capabilities: { conditionalPut: true, conditionalGet: true } });
const freshStore = (): Promise<CloudStore> => s3.freshStore('backup');

const DAY = 24 * 60 * 60 * 1000;

describe('backups on s3rver, from the original V4.2 bucket', () => {
  it('snapshot, daily backup (one of two racing devices), and restore of the original daily backup', async () => {
    const fx = loadFixtureBucket('v4.2');
    const store = await freshStore();
    await seedStoreFromFixture(store, fx);
    const contentKey = await importContentKey(fx.password);
    const keys = { contentKey, hashKey: contentKey };
    const created = 1795314002988;
    let t = created + DAY;
    const svc = createBackupService({ store, keys, now: () => (t += 1000) });

    const snap = await svc.createSnapshot('on s3');
    expect(snap).toMatchObject({ totalItems: 23, copiedItems: 23, failed: [] });
    const spaced = await store.get(`${snap.folder}/items/CHAT_with space.json`);
    expect(spaced.kind === 'found' && Buffer.from(spaced.body).equals(Buffer.from(fx.objects.get('items/CHAT_with space.json')!))).toBe(true);
    expect((await store.get(`${snap.folder}/attachments/ATTACHMENT_photo.jpg.bin`)).kind).toBe('found');

    // The other device's clock reads the same moment as this one's (not an earlier time of day): whichever of
    // the two wins the day, its backup then sorts between the snapshot above and the restore's below.
    const other = createBackupService({ store, keys, now: () => t + 500 });
    const [r1, r2] = await Promise.all([svc.runDailyBackup(), other.runDailyBackup()]);
    expect([r1, r2].filter((r) => r.backup).map((r) => r.backup!.folder)).toEqual(['backups/typingmind-backup-20261123']);

    const out = await svc.restoreBackup('backups/typingmind-backup-20261122');
    expect(out.reencoded).toBe(3);
    for (const name of ['ATTACHMENT_doc.pdf', 'ATTACHMENT_img-gradient.png', 'ATTACHMENT_photo.jpg']) {
      const r = await store.get(`attachments/${name}.bin`);
      if (r.kind !== 'found') throw new Error(name);
      const bytes = await decryptBytes(contentKey, r.body, name);
      expect(Buffer.from(bytes).equals(Buffer.from(readSeedBlob(fx.dir, taggedBlob(fx.seed.idb[name])!.file))), name).toBe(true);
    }
    const live = await store.get('metadata.json');
    const m = parseMetadata((live as { body: Uint8Array }).body);
    expect(isTombstone(m.items.CHAT_deleteme01)).toBe(true);
    expect(Object.keys(m.items).length).toBe(24);
    expect((await svc.listBackups()).map((b) => b.folder)).toEqual([
      out.autoSnapshot.folder,
      'backups/typingmind-backup-20261123',
      snap.folder,
      'backups/typingmind-backup-20261122',
      'backups/s-Lab-snapshot-A-20261122T022002',
    ]);
  }, 60_000);
});
