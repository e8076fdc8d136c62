/**
 * Garbage collection against real S3 over HTTP (s3rver behind the test proxy that honours conditional writes):
 * a device syncs, deletes, and has a cycle die between its uploads and the index write; the objects are aged
 * on the server (s3rver's LastModified is the file's mtime) instead of waiting a day; then the collection must
 * have really deleted the unnamed objects from the bucket and left every named one readable.
 */
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { createBackupService } from '../../src/backup';
import { isTombstone, parseMetadata, TOMBSTONE_TTL_MS } from '../../src/cloud';
import { importContentKey } from '../../src/crypto';
import type { CloudStore } from '../../src/providers/cloud-store';
import { FaultyStore } from '../support/faulty-store';
import { uniqueBucketName } from '../support/s3-server';
import { useS3TestStores } from '../support/s3-test-store';
import { createSimDevice, makeChat, type SimDevice } from '../support/sim-device';

const s3 = useS3TestStores({ capabilities: { conditionalPut: true, conditionalGet: true } });
const DAY = 24 * 60 * 60 * 1000;
const PASSWORD = 'garbage on s3rver';

const devices: SimDevice[] = [];
afterEach(() => {
  while (devices.length) devices.pop()!.close();
});

async function listed(store: CloudStore): Promise<string[]> {
  const out: string[] = [];
  for await (const page of store.list('')) out.push(...page.map((e) => e.key));
  return out.sort();
}

async function index(store: CloudStore) {
  const r = await store.get('metadata.json');
  if (r.kind !== 'found') throw new Error('no metadata.json');
  return parseMetadata(r.body);
}

describe('garbage collection on s3rver', () => {
  it('deletes the interrupted cycle’s object, an orphaned attachment and a pruned deletion’s object; keeps the rest', async () => {
    const bucket = uniqueBucketName('garbage');
    await s3.server.createBucket(bucket);
    const store = s3.store({ bucket });
    const faulty = new FaultyStore(store);
    // The device's clock can be moved on (tombstones expire by it); the bucket's clock is the real one.
    let offset = 0;
    const deviceNow = () => Date.now() + offset;
    const a = await createSimDevice({ name: 'A', store: faulty, now: deviceNow, password: PASSWORD });
    devices.push(a);
    await a.put('CHAT_keep', makeChat('keep', ['hello']));
    await a.put('CHAT_deleted', makeChat('deleted', ['soon gone']));
    await a.put('CHAT_expired', makeChat('expired', ['long gone']));
    await a.sync({ full: true });
    await a.del('CHAT_expired');
    await a.sync();

    // A cycle dies between its upload and the index write; the draft is then removed before the next sync.
    await a.put('CHAT_draft', makeChat('draft', ['never committed']));
    faulty.inject('crash-before-metadata');
    await expect(a.sync()).rejects.toThrow(/simulated crash/);
    await a.del('CHAT_draft');
    await a.sync();
    // An attachment upload whose cycle died the same way.
    await store.put('attachments/ATTACHMENT_lost.png.bin', new Uint8Array(1234));

    // Everything so far was written two days ago (as the server tells it)...
    const twoDaysAgo = new Date(Date.now() - 2 * DAY);
    for (const key of await listed(store)) if (key !== 'metadata.json') await s3.server.setLastModified(bucket, key, twoDaysAgo);
    // ...and 31 days later by the device's clock, CHAT_deleted is deleted and CHAT_keep edited: that index write
    // prunes CHAT_expired's expired tombstone, and adds CHAT_deleted's.
    expect(isTombstone((await index(store)).items.CHAT_expired)).toBe(true);
    offset = TOMBSTONE_TTL_MS + DAY;
    await a.del('CHAT_deleted');
    await a.put('CHAT_keep', makeChat('keep', ['hello', 'later']));
    await a.sync();
    const now = await index(store);
    expect(now.items.CHAT_expired).toBeUndefined();
    expect(isTombstone(now.items.CHAT_deleted)).toBe(true);
    // And an object uploaded just now, whose entry may still be on its way.
    await store.put('items/CHAT_uploading.json', new Uint8Array([1, 2, 3]));
    const before = await listed(store);
    expect(before).toEqual([
      'attachments/ATTACHMENT_lost.png.bin',
      'items/CHAT_deleted.json',
      'items/CHAT_draft.json',
      'items/CHAT_expired.json',
      'items/CHAT_keep.json',
      'items/CHAT_uploading.json',
      'metadata.json',
    ]);

    const contentKey = await importContentKey(PASSWORD);
    const svc = createBackupService({ store, keys: { contentKey, hashKey: contentKey } });
    const out = await svc.collectGarbage();
    expect(out.keys.sort()).toEqual(['attachments/ATTACHMENT_lost.png.bin', 'items/CHAT_draft.json', 'items/CHAT_expired.json']);
    expect(out).toMatchObject({ removed: 3, young: 1, failed: 0 });
    expect(out.bytes).toBeGreaterThan(1234);

    // Really gone from the bucket, read back over HTTP; the named objects and the young one are still there.
    for (const k of out.keys) expect((await store.get(k)).kind, k).toBe('not-found');
    expect(await listed(store)).toEqual(['items/CHAT_deleted.json', 'items/CHAT_keep.json', 'items/CHAT_uploading.json', 'metadata.json']);

    // A new device syncs everything without an error, and the deletion still inside its 30 days can be undone.
    const b = await createSimDevice({ name: 'B', store, now: deviceNow, password: PASSWORD });
    devices.push(b);
    const r = await b.sync({ full: true });
    expect(r.errors).toEqual([]);
    expect(((await b.read('CHAT_keep')) as { messages: unknown[] }).messages).toHaveLength(2);
    expect((await b.engine.restoreDeleted(['CHAT_deleted'])).restored).toEqual(['CHAT_deleted']);
  }, 60_000);
});
