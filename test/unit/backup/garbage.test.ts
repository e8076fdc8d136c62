/**
 * Garbage collection on the memory store with the test's clock: orphans made the way they really happen (an
 * interrupted cycle of a simulated device, a deletion whose tombstone expires), the refusals, chunked deletes,
 * and the daily backup that runs it.
 */
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { createBackupService, describeGarbageOutcome } from '../../../src/backup';
import { parseMetadata, TOMBSTONE_TTL_MS } from '../../../src/cloud';
import { CloudSyncError } from '../../../src/errors';
import type { CloudStore } from '../../../src/providers/cloud-store';
import { createMemoryStore, type MemoryStore } from '../../../src/providers/memory';
import { FaultyStore } from '../../support/faulty-store';
import { createSimDevice, makeChat, type SimDevice } from '../../support/sim-device';
import { enc, live, putMetadata, seedBucket, testKeys } from './helpers';

const MIN = 60 * 1000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2026, 10, 1, 9, 0, 0);

const devices: SimDevice[] = [];
afterEach(() => {
  while (devices.length) devices.pop()!.close();
});

async function keysIn(store: CloudStore): Promise<string[]> {
  const out: string[] = [];
  for await (const page of store.list('')) out.push(...page.map((e) => e.key));
  return out.sort();
}

function clocked() {
  const clock = { t: T0 };
  const now = () => clock.t;
  return { clock, now, store: createMemoryStore({ now }) };
}

describe('collectGarbage on a bucket synced by devices', () => {
  it('removes the object an interrupted cycle left, only once it is older than 24 hours', async () => {
    const { clock, now, store } = clocked();
    const faulty = new FaultyStore(store);
    const a = await createSimDevice({ name: 'A', store: faulty, now });
    devices.push(a);
    await a.put('CHAT_keep', makeChat('keep', ['hello']));
    await a.sync({ full: true });

    // A new chat: its object goes up, then the cycle dies before metadata.json is written.
    clock.t += MIN;
    await a.put('CHAT_draft', makeChat('draft', ['half-sent']));
    faulty.inject('crash-before-metadata');
    await expect(a.sync()).rejects.toThrow(/simulated crash/);
    expect(await keysIn(store)).toContain('items/CHAT_draft.json');
    expect(Object.keys(parseMetadata((await store.get('metadata.json') as { body: Uint8Array }).body).items)).toEqual(['CHAT_keep']);
    // The user removes the draft before the next sync: nothing will ever name that object again.
    await a.del('CHAT_draft');
    clock.t += MIN;
    await a.sync();

    const logs: string[] = [];
    const svc = createBackupService({ store, keys: await testKeys(), now, log: (level, m) => logs.push(`${level}: ${m}`) });
    clock.t += HOUR;
    const early = await svc.collectGarbage();
    expect(early).toMatchObject({ removed: 0, young: 1, keys: [] });
    expect(await keysIn(store)).toContain('items/CHAT_draft.json');

    // A day later, after another cycle has written the index (the storage's clock has moved on too).
    clock.t += 25 * HOUR;
    await a.put('CHAT_keep', makeChat('keep', ['hello', 'again']));
    await a.sync();
    const draft = (await store.get('items/CHAT_draft.json')) as { body: Uint8Array };
    const out = await svc.collectGarbage();
    expect(out).toMatchObject({ removed: 1, keys: ['items/CHAT_draft.json'], bytes: draft.body.byteLength, young: 0, failed: 0 });
    expect(out.refused).toBeUndefined();
    expect(await keysIn(store)).toEqual(['items/CHAT_keep.json', 'metadata.json']);
    expect(logs.some((l) => l.startsWith('info: Removed 1 unused object(s)'))).toBe(true);

    // Nothing a device needs was touched: a second device gets everything, without errors.
    const b = await createSimDevice({ name: 'B', store, now });
    devices.push(b);
    const r = await b.sync({ full: true });
    expect(r.errors).toEqual([]);
    expect(((await b.read('CHAT_keep')) as { messages: unknown[] }).messages).toHaveLength(2);
  });

  it('keeps a deleted item restorable while its tombstone lasts, and removes its object once it was pruned', async () => {
    const { clock, now, store } = clocked();
    const a = await createSimDevice({ name: 'A', store, now });
    devices.push(a);
    await a.put('CHAT_live', makeChat('live', ['stays']));
    await a.put('CHAT_gone', makeChat('gone', ['deleted later']));
    await a.sync({ full: true });
    clock.t += HOUR;
    await a.del('CHAT_gone');
    await a.sync();
    const svc = createBackupService({ store, keys: await testKeys(), now });

    clock.t += 20 * DAY;
    await a.put('CHAT_live', makeChat('live', ['stays', 'edited']));
    await a.sync();
    expect(await svc.collectGarbage()).toMatchObject({ removed: 0, young: 0 });
    expect((await a.engine.recentlyDeleted()).map((d) => d.key)).toEqual(['CHAT_gone']);
    expect(await keysIn(store)).toContain('items/CHAT_gone.json');

    // Past the tombstone's 30 days, the next index write prunes it; the object is now nobody's.
    clock.t += TOMBSTONE_TTL_MS;
    await a.put('CHAT_new', makeChat('new', ['fresh']));
    await a.sync();
    expect(parseMetadata((await store.get('metadata.json') as { body: Uint8Array }).body).items.CHAT_gone).toBeUndefined();
    const out = await svc.collectGarbage();
    expect(out.keys).toEqual(['items/CHAT_gone.json']);
    expect(await keysIn(store)).toEqual(['items/CHAT_live.json', 'items/CHAT_new.json', 'metadata.json']);
  });
});

describe('collectGarbage refuses when the index cannot be trusted', () => {
  async function oldBucket(metadata: string | null) {
    const { clock, now, store } = clocked();
    await store.put('items/CHAT_a.json', enc.encode('a'));
    await store.put('attachments/ATTACHMENT_p.png.bin', enc.encode('p'));
    await store.put('backups/typingmind-backup-20261101/items/CHAT_a.json', enc.encode('a'));
    clock.t += 10 * DAY;
    if (metadata !== null) await store.put('metadata.json', enc.encode(metadata));
    // Something recent in the bucket, so it is not the storage's clock that keeps the objects.
    await store.put('items/CHAT_recent.json', enc.encode('r'));
    const before = await keysIn(store);
    return { store, now, before };
  }

  it.each([
    ['no-index', null],
    ['damaged-index', '{"lastSync":1,"items":{"CHAT_a":'],
    ['not-an-index', '{"lastSync":1}'],
    ['not-an-index', '[1,2]'],
    ['empty-index', '{"lastSync":1,"items":{}}'],
  ] as const)('%s: nothing is deleted (%s)', async (reason, metadata) => {
    const { store, now, before } = await oldBucket(metadata);
    const logs: string[] = [];
    const svc = createBackupService({ store, keys: await testKeys(), now, log: (_l, m) => logs.push(m) });
    const out = await svc.collectGarbage();
    expect(out).toMatchObject({ removed: 0, bytes: 0, keys: [], refused: reason });
    expect(out.message).toMatch(/No object was deleted/);
    expect(describeGarbageOutcome(out)).toBe(out.message);
    expect(logs).toEqual([out.message]);
    expect(await keysIn(store)).toEqual(before);
  });

  it('the same bucket with a readable index does lose its unnamed old objects (the refusals are what kept them)', async () => {
    const { store, now } = await oldBucket(JSON.stringify({ lastSync: 1, items: { CHAT_recent: live('idb') } }));
    const out = await createBackupService({ store, keys: await testKeys(), now }).collectGarbage();
    expect(out.keys.sort()).toEqual(['attachments/ATTACHMENT_p.png.bin', 'items/CHAT_a.json']);
    expect(await keysIn(store)).toEqual(['backups/typingmind-backup-20261101/items/CHAT_a.json', 'items/CHAT_recent.json', 'metadata.json']);
  });
});

describe('collectGarbage deletes in chunks and reports what it removed', () => {
  function recording(store: MemoryStore, fail?: (call: number) => CloudSyncError | undefined) {
    const calls: number[] = [];
    const wrapped = Object.create(store) as MemoryStore;
    wrapped.deleteMany = async (keys, o) => {
      calls.push(keys.length);
      const e = fail?.(calls.length);
      if (e) throw e;
      return store.deleteMany(keys, o);
    };
    return { store: wrapped, calls };
  }

  async function manyOrphans(n: number) {
    const { clock, now, store } = clocked();
    store.pageSize = 100; // listing in many pages
    for (let i = 0; i < n; i++) await store.put(`items/CHAT_o${String(i).padStart(4, '0')}.json`, new Uint8Array(i % 7));
    await store.put('items/CHAT_named.json', enc.encode('named'));
    clock.t += 2 * DAY;
    await putMetadata(store, { lastSync: clock.t, items: { CHAT_named: live('idb') } });
    return { store, now };
  }

  it('2 001 orphans: three deleteMany calls of at most 1 000 keys, count and bytes summed', async () => {
    const { store, now } = await manyOrphans(2001);
    const r = recording(store);
    const out = await createBackupService({ store: r.store, keys: await testKeys(), now }).collectGarbage();
    expect(r.calls).toEqual([1000, 1000, 1]);
    let bytes = 0;
    for (let i = 0; i < 2001; i++) bytes += i % 7;
    expect(out).toMatchObject({ removed: 2001, bytes, failed: 0 });
    expect(await keysIn(store)).toEqual(['items/CHAT_named.json', 'metadata.json']);
  });

  it('a chunk that fails is counted and left for next time; an account-wide failure stops it', async () => {
    const { store, now } = await manyOrphans(1200);
    const r = recording(store, (call) => (call === 1 ? new CloudSyncError('provider-error', 'The storage answered 503.') : undefined));
    const logs: string[] = [];
    const out = await createBackupService({ store: r.store, keys: await testKeys(), now, log: (l, m) => logs.push(`${l}: ${m}`) }).collectGarbage();
    expect(out).toMatchObject({ removed: 200, failed: 1000 });
    expect(out.message).toMatch(/1000 unused object\(s\) could not be deleted \(The storage answered 503\.\)/);
    expect(logs.some((l) => l.startsWith('warn: '))).toBe(true);
    expect((await keysIn(store)).length).toBe(1000 + 2);

    const denied = recording(store, () => new CloudSyncError('access-denied', 'Access denied.'));
    await expect(createBackupService({ store: denied.store, keys: await testKeys(), now }).collectGarbage()).rejects.toMatchObject({ code: 'access-denied' });
    expect((await keysIn(store)).length).toBe(1000 + 2);
  });
});

describe('collectGarbage and the clocks', () => {
  it('a device clock days ahead does not make a fresh object look old', async () => {
    const { clock, now, store } = clocked();
    await putMetadata(store, { lastSync: T0, items: { CHAT_a: live('idb') } });
    await store.put('items/CHAT_a.json', enc.encode('a'));
    clock.t += 10 * MIN;
    await store.put('items/CHAT_uploading.json', enc.encode('its entry is on its way'));
    const ahead = createBackupService({ store, keys: await testKeys(), now: () => clock.t + 3 * DAY });
    expect(await ahead.collectGarbage()).toMatchObject({ removed: 0, young: 1 });
    expect(await keysIn(store)).toContain('items/CHAT_uploading.json');
  });
});

describe('collectGarbage and a device committing meanwhile', () => {
  it('reads the index after listing: an entry committed while the listing runs keeps its (old) object', async () => {
    const { clock, now, store } = clocked();
    await store.put('items/CHAT_a.json', enc.encode('a'));
    await store.put('items/CHAT_adopted.json', enc.encode('left by a cycle that died, same bytes as the new value'));
    clock.t += 3 * DAY;
    await putMetadata(store, { lastSync: clock.t, items: { CHAT_a: live('idb') } });
    // While the collector lists, a device takes the old object as its upload (same content) and commits its entry.
    const racing = Object.create(store) as MemoryStore;
    racing.list = async function* (prefix, o) {
      for await (const page of store.list(prefix, o)) yield page;
      if (prefix === 'items/') await putMetadata(store, { lastSync: clock.t, items: { CHAT_a: live('idb'), CHAT_adopted: live('idb') } });
    };
    const out = await createBackupService({ store: racing, keys: await testKeys(), now }).collectGarbage();
    expect(out).toMatchObject({ removed: 0, young: 0 });
    expect(await keysIn(store)).toContain('items/CHAT_adopted.json');
  });
});

describe('the daily backup collects garbage after it', () => {
  it('removes old unnamed objects after a backup made now, keeps tombstoned ones, and does nothing on a skipped day', async () => {
    const { clock, now } = clocked();
    const { store } = await seedBucket(createMemoryStore({ now }));
    clock.t += 2 * DAY;
    const m = parseMetadata((await store.get('metadata.json') as { body: Uint8Array }).body);
    await putMetadata(store, { ...m, lastSync: clock.t }); // another device's cycle, today
    const logs: string[] = [];
    const svc = createBackupService({ store, keys: await testKeys(), now, log: (l, msg) => logs.push(`${l}: ${msg}`) });

    const day = await svc.runDailyBackup();
    expect(day.backup?.folder).toBe('backups/typingmind-backup-20261103');
    expect(day.garbage).toMatchObject({ removed: 1, keys: ['items/CHAT_stray.json'], failed: 0 });
    const keys = await keysIn(store);
    expect(keys).not.toContain('items/CHAT_stray.json');
    // The tombstoned key's object, every live object, the index and the backup just made are all there.
    for (const k of ['items/CHAT_gone.json', 'items/CHAT_a.json', 'items/TM_useTheme.json', 'items/TM_useSidebarWidth.json', 'attachments/ATTACHMENT_pic.png.bin', 'metadata.json']) {
      expect(keys).toContain(k);
    }
    expect(keys.filter((k) => k.startsWith('backups/typingmind-backup-20261103/')).length).toBe(6);
    expect(logs).toContain('info: Removed 1 unused object(s) from the bucket (20 B).');

    await store.put('items/CHAT_stray2.json', enc.encode('x'));
    clock.t += 3 * DAY;
    await putMetadata(store, { ...m, lastSync: clock.t });
    const made = await svc.runDailyBackup();
    expect(made.garbage?.keys).toEqual(['items/CHAT_stray2.json']);
    const skipped = await svc.runDailyBackup();
    expect(skipped).toEqual({ backup: null, skipped: 'exists', retention: null });
    expect(skipped.garbage).toBeUndefined();
  });

  it('a garbage collection that fails does not fail the backup: it is reported and logged', async () => {
    const { clock, now } = clocked();
    const { store } = await seedBucket(createMemoryStore({ now }));
    clock.t += 2 * DAY;
    const broken = Object.create(store) as MemoryStore;
    broken.list = (prefix, o) => {
      if (prefix === 'items/' || prefix === 'attachments/') throw new CloudSyncError('provider-error', 'The storage answered 500 while listing.');
      return store.list(prefix, o);
    };
    const logs: string[] = [];
    const svc = createBackupService({ store: broken, keys: await testKeys(), now, log: (l, msg) => logs.push(`${l}: ${msg}`) });
    const day = await svc.runDailyBackup();
    expect(day.backup).toMatchObject({ copiedItems: 4, failed: [] });
    expect(day.garbage).toMatchObject({ removed: 0, keys: [] });
    expect(day.garbage?.message).toMatch(/^Garbage collection failed: The storage answered 500 while listing\./);
    expect(logs.some((l) => l.startsWith('warn: Garbage collection failed'))).toBe(true);
    expect(await keysIn(store)).toContain('items/CHAT_stray.json');
  });
});
