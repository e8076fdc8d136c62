import 'fake-indexeddb/auto';
import { describe, expect, it, vi } from 'vitest';
import { isTombstone, parseMetadata, type LiveEntry } from '../../../src/cloud';
import { CloudSyncError, isCloudSyncError } from '../../../src/errors';
import { createMemoryStore, type MemoryStore } from '../../../src/providers/memory';
import { SyncEngine } from '../../../src/sync/engine';
import { createSimDevice, makeChat } from '../../support/sim-device';
import { bucketMetadata, useSimDevices } from '../../support/sim-device';

const sims = useSimDevices();
const device = sims.device;
const metadata = bucketMetadata;

/** What an engine was built with (its databases, host and store), to build another on the same ones. */
const depsOf = (engine: SyncEngine) => (engine as unknown as { deps: ConstructorParameters<typeof SyncEngine>[0] }).deps;

/** A store that counts what the engine sends. */
function counting(store: MemoryStore) {
  const counts = { get: 0, put: 0 };
  const wrapped = Object.create(store) as MemoryStore;
  wrapped.get = (k, o) => (counts.get++, store.get(k, o));
  wrapped.put = (k, b, o) => (counts.put++, store.put(k, b, o));
  return { store: wrapped, counts };
}

describe('SyncEngine between devices', () => {
  it('first sync uploads everything to an empty bucket, in the original format', async () => {
    const store = createMemoryStore();
    const a = await device('A', store);
    await a.put('CHAT_one', makeChat('one', ['hi', 'hello']));
    await a.put('TM_useTheme', 'dark');
    await a.put('ATTACHMENT_x.png', new Blob([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3])], { type: 'image/png' }));
    a.setLs('TM_useSidebarWidth', '300');
    a.setLs('tcs_encryptionkey', 'must never be synced');

    const r = await a.sync({ full: true });
    expect(r.errors).toEqual([]);
    expect(r.uploaded.sort()).toEqual(['ATTACHMENT_x.png', 'CHAT_one', 'TM_useSidebarWidth', 'TM_useTheme']);

    const m = await metadata(store);
    const chat = m.items.CHAT_one as LiveEntry;
    expect(chat.type).toBe('idb');
    expect(chat.chatFingerprint).toMatch(/\|2\|one-m1\|/);
    expect(chat.size).toBeUndefined();
    expect((m.items.TM_useTheme as LiveEntry).size).toBe(JSON.stringify('dark').length);
    expect((m.items.TM_useSidebarWidth as LiveEntry).size).toBe(JSON.stringify({ key: 'TM_useSidebarWidth', value: '300' }).length);
    expect(m.items['ATTACHMENT_x.png']).toMatchObject({ type: 'blob', blobType: 'image/png', size: 7 });
    expect(m.items.tcs_encryptionkey).toBeUndefined();
    expect((await store.get('attachments/ATTACHMENT_x.png.bin')).kind).toBe('found');
    expect((await store.get('items/CHAT_one.json')).kind).toBe('found');
  });

  it('reads and downloads without waiting for beforeWrites, and writes nothing to the bucket until it settles', async () => {
    const store = createMemoryStore();
    const a = await device('A', store);
    await a.put('CHAT_one', makeChat('one', ['hi']));
    await a.sync({ full: true });

    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const { store: watched, counts } = counting(store);
    const b = await createSimDevice({ name: 'B', store: watched, beforeWrites: () => gate });
    sims.keep(b);
    await b.put('CHAT_two', makeChat('two', ['local only']));
    const cycle = b.sync({ full: true });
    // B downloads CHAT_one while the gate is shut, and then waits there with its upload.
    for (let i = 0; i < 50 && (await b.read('CHAT_one')) === undefined; i++) await new Promise((r) => setTimeout(r, 10));
    expect(await b.read('CHAT_one')).toBeDefined();
    expect(counts.put).toBe(0);
    release();
    const r = await cycle;
    expect(r.uploaded).toEqual(['CHAT_two']);
    expect(counts.put).toBeGreaterThan(0);
    expect((await metadata(store)).items.CHAT_two).toBeDefined();
  });

  it('a fresh device writes new items in batches, and never replaces a chat created here meanwhile', async () => {
    const store = createMemoryStore();
    const a = await device('A', store);
    for (let i = 0; i < 40; i++) await a.put(`CHAT_${i}`, makeChat(`c${i}`, [`from A ${i}`]));
    await a.sync({ full: true });

    const b = await device('B', store);
    const batches: number[] = [];
    const putNewMany = b.host.putNewMany.bind(b.host);
    let typed = false;
    b.host.putNewMany = async (items) => {
      batches.push(items.length);
      // TypingMind saves a chat under a key this batch is about to write, just before the batch runs.
      if (!typed && items.some((it) => it.key === 'CHAT_7')) {
        typed = true;
        const chat = makeChat('c7', ['from A 7', 'typed on B while it synced']);
        chat.messages[1].id = 'typed-on-b';
        await b.put('CHAT_7', chat);
      }
      return putNewMany(items);
    };
    const r = await b.sync({ full: true });
    expect(batches.reduce((x, y) => x + y, 0)).toBe(40);
    expect(batches.length).toBeLessThan(40 / 4); // batched, not one transaction per item
    expect(r.failedKeys).toEqual(['CHAT_7']);
    expect(r.downloaded).toHaveLength(39);
    const kept = (await b.read('CHAT_7')) as { messages: { content: string }[] };
    expect(kept.messages.map((m) => m.content)).toEqual(['from A 7', 'typed on B while it synced']);

    // The next cycle reconciles it like any edit made on both sides: merged, and B's message goes up.
    const again = await b.sync({});
    expect(again.errors).toEqual([]);
    expect(again.uploaded).toEqual(['CHAT_7']);
    await a.sync({});
    const onA = (await a.read('CHAT_7')) as { messages: { content: string }[] };
    expect(onA.messages.map((m) => m.content)).toEqual(['from A 7', 'typed on B while it synced']);
  });

  it('a fresh device downloads everything, Dates, falsy values and Blobs included', async () => {
    const store = createMemoryStore();
    const a = await device('A', store);
    const chat = makeChat('one', ['hi', 'hello']);
    await a.put('CHAT_one', chat);
    await a.put('TM_zero', 0);
    await a.put('TM_empty', '');
    await a.put('TM_false', false);
    await a.put('ATTACHMENT_empty', new Blob([], { type: 'text/plain' }));
    a.setLs('TM_useTheme', '"dark"');
    await a.sync({ full: true });

    const b = await device('B', store);
    const r = await b.sync({ full: true });
    expect(r.errors).toEqual([]);
    expect(r.uploaded).toEqual([]);
    const got = (await b.read('CHAT_one')) as typeof chat;
    expect(got.updatedAt).toBeInstanceOf(Date);
    expect(got.messages[1].createdAt).toBeInstanceOf(Date);
    expect(got).toEqual(chat);
    expect(await b.read('TM_zero')).toBe(0);
    expect(await b.read('TM_empty')).toBe('');
    expect(await b.read('TM_false')).toBe(false);
    const blob = (await b.read('ATTACHMENT_empty')) as Blob;
    expect(blob).toBeInstanceOf(Blob);
    expect(blob.size).toBe(0);
    expect(blob.type).toBe('text/plain');
    expect(b.storage.getItem('TM_useTheme')).toBe('"dark"');
  });

  it('an idle cycle is one conditional request and touches nothing', async () => {
    const { store, counts } = counting(createMemoryStore());
    const a = await device('A', store);
    await a.put('CHAT_one', makeChat('one', ['hi']));
    await a.sync({ full: true });
    counts.get = counts.put = 0;
    const r = await a.sync();
    expect(r.idle).toBe(true);
    expect(r.requests).toBe(1);
    expect(counts).toEqual({ get: 1, put: 0 });
  });

  it('one edited chat costs at most 3 requests, and the other device gets it', async () => {
    const store = createMemoryStore();
    const a = await device('A', store);
    const b = await device('B', store);
    await a.put('CHAT_one', makeChat('one', ['hi']));
    for (let i = 0; i < 20; i++) await a.put(`CHAT_n${i}`, makeChat(`n${i}`, ['x']));
    await a.sync({ full: true });
    await b.sync({ full: true });

    await a.put('CHAT_one', makeChat('one', ['hi', 'edited on A'], new Date('2026-11-02T00:00:00Z')));
    const r = await a.sync();
    expect(r.uploaded).toEqual(['CHAT_one']);
    expect(r.requests).toBeLessThanOrEqual(3);

    const rb = await b.sync();
    expect(rb.downloaded).toEqual(['CHAT_one']);
    expect(rb.requests).toBeLessThanOrEqual(2);
    expect(((await b.read('CHAT_one')) as { messages: unknown[] }).messages).toHaveLength(2);
  });

  it('a delete on B disappears on A, as a tombstone the original reads', async () => {
    const store = createMemoryStore();
    const a = await device('A', store);
    const b = await device('B', store);
    for (let i = 0; i < 5; i++) await a.put(`CHAT_c${i}`, makeChat(`c${i}`, ['x']));
    await a.sync({ full: true });
    await b.sync({ full: true });

    await b.del('CHAT_c2');
    const rb = await b.sync();
    expect(rb.deleted).toEqual(['CHAT_c2']);
    const t = (await metadata(store)).items.CHAT_c2;
    expect(isTombstone(t)).toBe(true);
    expect(t).toMatchObject({ type: 'idb', tombstoneVersion: 1 });

    const ra = await a.sync();
    expect(ra.deleted).toEqual(['CHAT_c2']);
    expect(await a.read('CHAT_c2')).toBeUndefined();
    // the object stays for the original's undo
    expect((await store.get('items/CHAT_c2.json')).kind).toBe('found');
  });

  it('a deleted attachment is removed on the other devices too', async () => {
    const store = createMemoryStore();
    const a = await device('A', store);
    const b = await device('B', store);
    for (let i = 0; i < 3; i++) await a.put(`CHAT_c${i}`, makeChat(`c${i}`, ['x']));
    await a.put('ATTACHMENT_pic', new Blob([new Uint8Array([1, 2, 3])], { type: 'image/png' }));
    await a.sync({ full: true });
    await b.sync({ full: true });
    expect(await b.read('ATTACHMENT_pic')).toBeInstanceOf(Blob);
    await a.del('ATTACHMENT_pic');
    await a.sync();
    await b.sync();
    expect(await b.read('ATTACHMENT_pic')).toBeUndefined();
  });

  it('both devices editing different chats at once lose nothing (412 and re-plan)', async () => {
    const store = createMemoryStore();
    const a = await device('A', store);
    const b = await device('B', store);
    await a.put('CHAT_a', makeChat('a', ['1']));
    await a.put('CHAT_b', makeChat('b', ['1']));
    await a.sync({ full: true });
    await b.sync({ full: true });

    await a.put('CHAT_a', makeChat('a', ['1', 'A edit'], new Date('2026-11-03T00:00:00Z')));
    await b.put('CHAT_b', makeChat('b', ['1', 'B edit'], new Date('2026-11-03T00:00:00Z')));
    await Promise.all([a.sync(), b.sync()]);
    await a.sync();
    await b.sync();
    const da = await a.dump();
    const db = await b.dump();
    expect(da.idb).toEqual(db.idb);
    expect((da.idb.CHAT_a as { messages: unknown[] }).messages).toHaveLength(2);
    expect((da.idb.CHAT_b as { messages: unknown[] }).messages).toHaveLength(2);
  });

  it('the same chat edited on both devices is merged: no message is lost', async () => {
    const store = createMemoryStore();
    const a = await device('A', store);
    const b = await device('B', store);
    await a.put('CHAT_x', makeChat('x', ['q1', 'a1']));
    await a.sync({ full: true });
    await b.sync({ full: true });

    const fromA = makeChat('x', ['q1', 'a1'], new Date('2026-11-03T00:00:00Z'));
    fromA.messages.push({ id: 'A-new', role: 'user', content: 'from A', createdAt: new Date('2026-11-03T00:00:00Z') });
    const fromB = makeChat('x', ['q1', 'a1'], new Date('2026-11-04T00:00:00Z'));
    fromB.messages.push({ id: 'B-new', role: 'user', content: 'from B', createdAt: new Date('2026-11-04T00:00:00Z') });
    await a.put('CHAT_x', fromA);
    await b.put('CHAT_x', fromB);
    await a.sync();
    const rb = await b.sync();
    expect(rb.errors).toEqual([]);
    await a.sync();
    const ids = (c: unknown) => (c as { messages: { id: string }[] }).messages.map((m) => m.id);
    expect(ids(await a.read('CHAT_x'))).toEqual(['x-m0', 'x-m1', 'A-new', 'B-new']);
    expect(ids(await b.read('CHAT_x'))).toEqual(['x-m0', 'x-m1', 'A-new', 'B-new']);
  });

  it('edit beats delete: an item edited on one device and deleted on the other comes back', async () => {
    const store = createMemoryStore();
    const a = await device('A', store);
    const b = await device('B', store);
    for (let i = 0; i < 4; i++) await a.put(`CHAT_c${i}`, makeChat(`c${i}`, ['x']));
    await a.sync({ full: true });
    await b.sync({ full: true });
    await a.del('CHAT_c1');
    await b.put('CHAT_c1', makeChat('c1', ['x', 'edited'], new Date('2026-11-05T00:00:00Z')));
    await a.sync();
    await b.sync();
    await a.sync();
    expect(((await a.read('CHAT_c1')) as { messages: unknown[] }).messages).toHaveLength(2);
    expect(isTombstone((await metadata(store)).items.CHAT_c1)).toBe(false);
  });

  it('a non-chat item changed on both sides keeps the newer and records the other as a conflict', async () => {
    let clock = Date.parse('2026-11-10T00:00:00Z');
    const store = createMemoryStore();
    const a = await createSimDevice({ name: 'A', store, now: () => clock });
    const b = await createSimDevice({ name: 'B', store, now: () => clock });
    sims.keep(a);
    sims.keep(b);
    await a.put('TM_useModel', 'gpt-4o');
    await a.sync({ full: true });
    await b.sync({ full: true });
    clock += 1000;
    await a.put('TM_useModel', 'model-A');
    await a.sync();
    clock += 1000;
    await b.put('TM_useModel', 'model-B'); // edited later than A's upload
    const r = await b.sync();
    expect(r.conflicts).toEqual(['TM_useModel']);
    await a.sync();
    expect(await a.read('TM_useModel')).toBe('model-B');
    const conflicts = await b.base.conflicts();
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0]).toMatchObject({ key: 'TM_useModel', kept: 'local', discarded: 'model-A' });

    // the user prefers the other version: it comes back here and syncs out like any edit
    const restored = await b.engine.restoreConflict(conflicts[0].id!);
    expect(restored).toEqual({ key: 'TM_useModel', type: 'idb' });
    expect(await b.read('TM_useModel')).toBe('model-A');
    expect(await b.engine.conflicts()).toEqual([]);
    b.dirty.set('TM_useModel', { area: 'idb', at: clock });
    await b.sync();
    await a.sync();
    expect(await a.read('TM_useModel')).toBe('model-A');
  });

  it('a message that lost a merge can be put back', async () => {
    const store = createMemoryStore();
    const a = await device('A', store);
    const b = await device('B', store);
    await a.put('CHAT_x', makeChat('x', ['q1']));
    await a.sync({ full: true });
    await b.sync({ full: true });
    const edit = (content: string, at: string) => {
      const c = makeChat('x', ['q1'], new Date(at));
      c.messages[0] = { ...c.messages[0], content, updatedAt: new Date(at) } as (typeof c.messages)[0];
      return c;
    };
    await a.put('CHAT_x', edit('A wording', '2026-11-03T00:00:00Z'));
    await b.put('CHAT_x', edit('B wording', '2026-11-04T00:00:00Z'));
    await a.sync();
    await b.sync();
    const [c] = await b.engine.conflicts();
    expect(c).toMatchObject({ key: 'CHAT_x', kept: 'merged', messageId: 'x-m0' });
    expect((c.discarded as { content: string }).content).toBe('A wording');
    await b.engine.restoreConflict(c.id!);
    expect(((await b.read('CHAT_x')) as { messages: { content: string }[] }).messages[0].content).toBe('A wording');
  });

  it('a wrong password against a non-empty bucket stops before any write', async () => {
    const store = createMemoryStore();
    const a = await device('A', store);
    await a.put('CHAT_one', makeChat('one', ['hi']));
    await a.sync({ full: true });
    const before = (await store.get('metadata.json')) as { etag: string };

    const { store: counted, counts } = counting(store);
    const b = await createSimDevice({ name: 'B', store: counted, password: 'not the password' });
    sims.keep(b);
    await b.put('CHAT_local', makeChat('local', ['mine']));
    const err = await b.sync({ full: true }).catch((e) => e);
    expect(isCloudSyncError(err, 'wrong-password')).toBe(true);
    expect(err.message).toMatch(/password does not match/);
    expect(counts.put).toBe(0);
    expect(((await store.get('metadata.json')) as { etag: string }).etag).toBe(before.etag);
    expect(await b.read('CHAT_local')).toBeDefined();
  });

  /** A bucket A filled with `n` chats, and a fresh device B on it whose requests are counted. */
  async function freshDeviceOnBucketOf(n: number, password?: string) {
    const store = createMemoryStore();
    const a = await device('A', store);
    for (let i = 0; i < n; i++) await a.put(`CHAT_c${i}`, makeChat(`c${i}`, ['hi']));
    await a.sync({ full: true });
    const { store: counted, counts } = counting(store);
    const b = await createSimDevice({ name: 'B', store: counted, password });
    sims.keep(b);
    return { b, counts };
  }

  it('a fresh device proves the password with its first downloads: no extra request before them', async () => {
    const { b, counts } = await freshDeviceOnBucketOf(12);
    const baseOfB = depsOf(b.engine).base;
    const commits = vi.spyOn(baseOfB, 'commit');
    const r = await b.sync({ full: true });
    expect(r.downloaded).toHaveLength(12);
    expect(counts.get).toBe(1 + 12); // the index and each object once
    // Nothing went up: the base records, the state and the index were committed together, once.
    expect(commits).toHaveBeenCalledTimes(1);
    expect(commits.mock.calls[0][0]).toMatchObject({ index: { text: expect.any(String) }, state: { passwordCheck: expect.any(String) } });
    expect(commits.mock.calls[0][0].put).toHaveLength(12);
    counts.get = 0;
    await b.put('CHAT_new', makeChat('new', ['from B'])); // a write: the proof is remembered, not redone
    await b.sync();
    expect(counts.get).toBe(1);
  });

  it('a wrong password on a fresh device costs at most one wave of downloads and writes nothing', async () => {
    const { b, counts } = await freshDeviceOnBucketOf(30, 'not the password');
    const err = await b.sync({ full: true }).catch((e) => e);
    expect(isCloudSyncError(err, 'wrong-password')).toBe(true);
    expect(err.message).toMatch(/password does not match/);
    expect(counts.get).toBeLessThanOrEqual(1 + 8);
    expect(counts.put).toBe(0);
    expect(Object.keys((await b.dump()).idb).filter((k) => k.startsWith('CHAT_'))).toEqual([]);
  });

  it('a wrong password is still caught when the first wave of downloads finds only missing objects', async () => {
    const store = createMemoryStore();
    const a = await device('A', store);
    await a.put('CHAT_gone', makeChat('gone', ['hi']));
    await a.put('CHAT_here', makeChat('here', ['hi']));
    await a.sync({ full: true });
    await store.deleteMany(['items/CHAT_gone.json']);

    const { store: counted, counts } = counting(store);
    // One download at a time: whichever comes first is the whole first wave.
    const b = await createSimDevice({ name: 'B', store: counted, password: 'not the password', engine: { concurrency: 1 } });
    sims.keep(b);
    await b.put('CHAT_local', makeChat('local', ['mine'])); // an upload is planned: nothing may go up
    const err = await b.sync({ full: true }).catch((e) => e);
    expect(isCloudSyncError(err, 'wrong-password')).toBe(true);
    expect(counts.put).toBe(0);
  });

  it('an emptied local store does not delete the cloud: the next cycles, as the app runs them, keep asking until answered', async () => {
    const store = createMemoryStore();
    const a = await device('A', store);
    for (let i = 0; i < 6; i++) await a.put(`CHAT_c${i}`, makeChat(`c${i}`, ['x']));
    await a.sync({ full: true });
    for (let i = 0; i < 6; i++) await a.del(`CHAT_c${i}`);
    // As the app runs it: the change feed's dirty keys, no full look, no confirmation passed in.
    const r = await a.sync();
    expect(r.held).toHaveLength(6);
    expect(r.holdReason).toMatch(/looks empty/);
    const m = await metadata(store);
    expect(Object.values(m.items).some(isTombstone)).toBe(false);
    // The next automatic cycle (nothing dirty any more, the index unchanged) still holds them.
    expect((await a.sync()).held).toHaveLength(6);
    // Answered "delete them everywhere": the deletions go through in the next cycle.
    await a.engine.answerHeld('delete');
    const r2 = await a.sync();
    expect(r2.deleted).toHaveLength(6);
    expect(Object.values((await metadata(store)).items).filter(isTombstone)).toHaveLength(6);
  });

  it('a corrupt object is skipped and shown, never turned into a local deletion', async () => {
    const store = createMemoryStore();
    const a = await device('A', store);
    const b = await device('B', store);
    await a.put('CHAT_one', makeChat('one', ['hi']));
    await a.put('CHAT_two', makeChat('two', ['hi']));
    await a.sync({ full: true });
    await b.sync({ full: true });
    // A whole encrypted object with one ciphertext byte flipped: it reaches decryption and fails its tag.
    await a.put('CHAT_two', makeChat('two', ['hi', 'edited on A']));
    await a.sync();
    const obj = await store.get('items/CHAT_two.json');
    if (obj.kind !== 'found') throw new Error('no object');
    const damaged = obj.body.slice();
    damaged[damaged.length - 3] ^= 0x01;
    await store.put('items/CHAT_two.json', damaged);
    const r = await b.sync();
    expect(r.errors.map((e) => e.key)).toEqual(['CHAT_two']);
    expect(r.errors[0].message).toMatch(/CHAT_two/);
    expect(r.failedKeys).toEqual(['CHAT_two']);
    // B keeps its own copy: never deleted, never replaced by garbage.
    expect(((await b.read('CHAT_two')) as { messages: unknown[] }).messages).toHaveLength(1);
    expect(await b.read('CHAT_one')).toBeDefined();
  });

  it('works where the provider has no compare-and-swap', async () => {
    const store = createMemoryStore({ capabilities: { conditionalPut: false } });
    const a = await device('A', store);
    const b = await device('B', store);
    await a.put('CHAT_a', makeChat('a', ['1']));
    await a.sync({ full: true });
    await b.put('CHAT_b', makeChat('b', ['1']));
    await b.sync({ full: true });
    await a.sync();
    expect(Object.keys((await metadata(store)).items).sort()).toEqual(['CHAT_a', 'CHAT_b']);
    expect(await a.read('CHAT_b')).toBeDefined();
  });
});

describe('recently deleted items', () => {
  it('lists tombstones newest first and brings an item back on every device', async () => {
    const store = createMemoryStore();
    const a = await device('A', store);
    const b = await device('B', store);
    for (let i = 0; i < 4; i++) await a.put(`CHAT_c${i}`, makeChat(`c${i}`, ['x', `content ${i}`]));
    a.setLs('TM_useTheme', '"dark"');
    await a.sync({ full: true });
    await b.sync({ full: true });
    await a.del('CHAT_c1');
    await a.sync();
    a.removeLs('TM_useTheme');
    await a.sync();
    await b.sync();
    expect(await b.read('CHAT_c1')).toBeUndefined();

    const list = await b.engine.recentlyDeleted();
    expect(list.map((d) => d.key)).toEqual(['TM_useTheme', 'CHAT_c1']);

    const r = await b.engine.restoreDeleted(['CHAT_c1', 'TM_useTheme', 'CHAT_never']);
    expect(r.restored).toEqual(['CHAT_c1', 'TM_useTheme']);
    expect(r.errors.map((e) => e.key)).toEqual(['CHAT_never']);
    expect(((await b.read('CHAT_c1')) as { messages: { content: string }[] }).messages[1].content).toBe('content 1');
    expect(b.storage.getItem('TM_useTheme')).toBe('"dark"');
    // the app marks restored keys changed; the next cycles bring them back everywhere
    b.dirty.set('CHAT_c1', { area: 'idb', at: Date.now() });
    b.dirty.set('TM_useTheme', { area: 'ls', at: Date.now() });
    const rb = await b.sync();
    expect(rb.uploaded.sort()).toEqual(['CHAT_c1', 'TM_useTheme']);
    await a.sync();
    expect(await a.read('CHAT_c1')).toBeDefined();
    expect(a.storage.getItem('TM_useTheme')).toBe('"dark"');
    expect(await b.engine.recentlyDeleted()).toEqual([]);
  });
});

describe('tombstone lifetime', () => {
  it('drops a tombstone from metadata.json after 30 days, and the devices forget it too', async () => {
    let clock = Date.parse('2026-10-01T00:00:00Z');
    const store = createMemoryStore({ now: () => clock });
    const a = await createSimDevice({ name: 'A', store, now: () => clock });
    const b = await createSimDevice({ name: 'B', store, now: () => clock });
    sims.keep(a);
    sims.keep(b);
    for (let i = 0; i < 4; i++) await a.put(`CHAT_c${i}`, makeChat(`c${i}`, ['x']));
    await a.sync({ full: true });
    await b.sync({ full: true });
    await a.del('CHAT_c0');
    await a.sync();
    await b.sync();
    expect(isTombstone((await metadata(store)).items.CHAT_c0)).toBe(true);

    clock += 29 * 24 * 3600_000;
    await a.put('CHAT_c1', makeChat('c1', ['x', 'y'], new Date(clock)));
    await a.sync();
    expect(isTombstone((await metadata(store)).items.CHAT_c0)).toBe(true); // 29 days: kept

    clock += 2 * 24 * 3600_000;
    await a.put('CHAT_c2', makeChat('c2', ['x', 'y'], new Date(clock)));
    await a.sync();
    expect((await metadata(store)).items.CHAT_c0).toBeUndefined(); // 31 days: gone
    const r = await b.sync();
    expect(r.errors).toEqual([]);
    expect(await b.read('CHAT_c0')).toBeUndefined(); // nothing comes back
    expect((await b.base.all()).has('CHAT_c0')).toBe(false);
  });
});

describe('full scans in slices', () => {
  it('yields between batches of a full scan, and not during an idle cycle', async () => {
    const store = createMemoryStore();
    let yields = 0;
    const a = await createSimDevice({ name: 'A', store, engine: { scanBatch: 10, betweenBatches: async () => void yields++ } });
    sims.keep(a);
    for (let i = 0; i < 35; i++) await a.put(`CHAT_c${i}`, makeChat(`c${i}`, ['x']));
    await a.sync({ full: true });
    expect(yields).toBe(3); // 35 keys in batches of 10: three waits between four batches
    yields = 0;
    expect((await a.sync()).idle).toBe(true);
    expect(yields).toBe(0);
  });
});

describe('providers without compare-and-swap', () => {
  it('an entry another device merged in right after our write is downloaded next cycle', async () => {
    const inner = createMemoryStore({ capabilities: { conditionalPut: false } });
    const b = await device('B', inner);
    await b.put('CHAT_b', makeChat('b', ['from B']));
    await b.sync({ full: true });
    const bMeta = await inner.get('metadata.json');
    const bObject = await inner.get('items/CHAT_b.json');

    // A's store: right after A writes metadata.json, "B" merges its entry in (as a concurrent writer would).
    const store = Object.create(inner) as MemoryStore;
    let inject = true;
    store.put = async (k, body, o) => {
      const r = await inner.put(k, body, o);
      if (k === 'metadata.json' && inject && bMeta.kind === 'found' && bObject.kind === 'found') {
        inject = false;
        const m = parseMetadata(body);
        m.items.CHAT_b = parseMetadata(bMeta.body).items.CHAT_b;
        await inner.put(k, new TextEncoder().encode(JSON.stringify(m)), o);
        return r; // the answer to A's own write: its ETag is A's index, not the one that replaced it
      }
      return r;
    };
    const a = await device('A', store);
    await a.put('CHAT_a', makeChat('a', ['from A']));
    // A starts on an empty bucket view: B's write is hidden from it until after A's own write.
    await inner.deleteMany(['metadata.json']);
    await a.sync({ full: true });
    const r = await a.sync();
    expect(r.idle).toBe(false);
    expect(r.downloaded).toEqual(['CHAT_b']);
    expect(await a.read('CHAT_b')).toBeDefined();
  });
});

describe('the first cycle after a page load', () => {
  it('reads the base and lists the local store while the index request travels, and an idle cycle does neither', async () => {
    const store = createMemoryStore();
    const a = await device('A', store);
    await a.put('CHAT_one', makeChat('one', ['hi']));
    await a.sync({ full: true });

    // The index read is held until the local store has been listed: a cycle that listed only after the index
    // came back would never finish.
    const deps = depsOf(a.engine);
    const listKeys = deps.host.listKeys.bind(deps.host);
    let listed!: () => void;
    const listing = new Promise<void>((r) => (listed = r));
    let listings = 0;
    deps.host.listKeys = (o) => (listings++, listed(), listKeys(o));
    const held = Object.create(store) as MemoryStore;
    held.get = async (k, o) => {
      if (k === 'metadata.json') await listing;
      return store.get(k, o);
    };
    const reloaded = new SyncEngine({ ...deps, store: held });
    const r = await reloaded.runCycle({ full: true, dirty: new Map() });
    expect(r.errors).toEqual([]);
    expect(listings).toBe(1);

    // Not a full look: nothing is listed, and the index is read first.
    const idle = await new SyncEngine({ ...deps, store }).runCycle({ full: false, dirty: new Map() });
    expect(idle.idle).toBe(true);
    expect(listings).toBe(1);
  });
});

describe('an object that moved on since its entry', () => {
  it('is hashed and held back, not trusted to be the one the entry describes: its ETag is not the entry\'s', async () => {
    const store = createMemoryStore();
    const a = await device('A', store);
    await a.put('CHAT_m', makeChat('m', ['v1']));
    await a.sync({ full: true });
    const indexV1 = await store.get('metadata.json');
    const entryV1 = (await metadata(store)).items.CHAT_m as LiveEntry;
    const objectV1 = await store.get('items/CHAT_m.json');
    expect(objectV1.kind === 'found' && objectV1.etag).toBe(entryV1.tcsEtag);

    // A writes v2's object, and its index update is lost (a closed tab): the index still describes v1.
    await a.put('CHAT_m', makeChat('m', ['v1', 'v2']));
    await a.sync();
    if (indexV1.kind !== 'found') throw new Error('no index');
    await store.put('metadata.json', indexV1.body);

    const b = await device('B', store);
    const r = await b.sync({ full: true });
    // Not an error: another device's write in flux, looked at again next cycle.
    expect(r.errors).toEqual([]);
    expect(r.deferred).toEqual([{ key: 'CHAT_m', message: '"CHAT_m" is being written by another device; it will sync on the next cycle.' }]);
    expect(r.failedKeys).toEqual(['CHAT_m']);
    expect(await b.read('CHAT_m')).toBeUndefined();
  });
});

describe('after a reload', () => {
  it('an idle cycle is still one conditional request: the index is cached on disk, not only in memory', async () => {
    const { store, counts } = counting(createMemoryStore());
    const a = await device('A', store);
    await a.put('CHAT_one', makeChat('one', ['hi']));
    await a.sync({ full: true });
    const deps = depsOf(a.engine);
    const reloaded = new SyncEngine({ ...deps }); // a new page: nothing in memory, the same databases
    counts.get = counts.put = 0;
    const r = await reloaded.runCycle({ full: false, dirty: new Map() });
    expect(r.idle).toBe(true);
    expect(r.requests).toBe(1);
    expect(counts).toEqual({ get: 1, put: 0 });
    expect(await reloaded.recentlyDeleted()).toEqual([]);
  });
});

describe('the mass-deletion guard, as cycles run it', () => {
  /** A device with 10 synced chats and 3 other IndexedDB items, plus localStorage settings; and a second device. */
  async function synced() {
    const store = createMemoryStore();
    const a = await device('A', store);
    for (let i = 0; i < 10; i++) await a.put(`CHAT_${i}`, makeChat(`${i}`, [`m${i}`]));
    for (const k of ['TM_useTheme', 'TM_usePrompts', 'TM_useModels']) await a.put(k, k);
    for (let i = 0; i < 33; i++) a.setLs(`TM_setting${i}`, `v${i}`);
    await a.sync({ full: true });
    const b = await device('B', store);
    await b.sync({ full: true });
    return { store, a, b };
  }

  it('holds every deletion when IndexedDB was evicted while localStorage survived, until answered; "bring back" restores it', async () => {
    const { store, a } = await synced();
    for (const k of Object.keys((await a.dump()).idb)) await a.del(k);
    const r = await a.sync({ full: true });
    expect(r.held).toHaveLength(13);
    expect(r.holdReason).toMatch(/looks empty/);
    expect(Object.values((await metadata(store)).items).filter(isTombstone)).toHaveLength(0);

    // The question stays asked across cycles (and reloads: it is in the sync state), and is never dropped;
    // asking it again does not read the whole base nor list the whole store every cycle.
    const deps = depsOf(a.engine);
    const listKeys = vi.spyOn(deps.host, 'listKeys');
    const baseAll = vi.spyOn(deps.base, 'all');
    const again = await a.sync();
    expect(again.held).toHaveLength(13);
    expect(again.holdReason).toMatch(/looks empty/);
    expect(listKeys).not.toHaveBeenCalled();
    expect(baseAll).not.toHaveBeenCalled();
    expect((await a.engine.held()).keys).toHaveLength(13);

    await a.engine.answerHeld('restore');
    const back = await a.sync();
    expect(back.held).toEqual([]);
    expect(back.downloaded.sort()).toHaveLength(13);
    expect(Object.keys((await a.dump()).idb)).toHaveLength(13);
    expect((await a.engine.held()).keys).toEqual([]);
  });

  it('"delete them everywhere" deletes what was held, on every device', async () => {
    const { store, a, b } = await synced();
    for (let i = 0; i < 8; i++) await a.del(`CHAT_${i}`);
    const r = await a.sync();
    expect(r.held).toHaveLength(8);
    expect(r.holdReason).toMatch(/delete 8 items/);

    await a.engine.answerHeld('delete');
    const gone = await a.sync();
    expect(gone.held).toEqual([]);
    expect(gone.deleted.sort()).toHaveLength(8);
    expect(Object.values((await metadata(store)).items).filter(isTombstone)).toHaveLength(8);

    // The receiving device's own guard asks too (8 of 13 is over half), and its answer applies them.
    const rb = await b.sync();
    expect(rb.held).toHaveLength(8);
    await b.engine.answerHeld('delete');
    await b.sync();
    expect(Object.keys((await b.dump()).idb).filter((k) => k.startsWith('CHAT_'))).toEqual(['CHAT_8', 'CHAT_9']);
  });

  it('a receiving device holding deletions does not upload them again when their tombstones expire', async () => {
    const { store, a, b } = await synced();
    for (let i = 0; i < 8; i++) await a.del(`CHAT_${i}`);
    await a.sync();
    await a.engine.answerHeld('delete');
    await a.sync();
    expect((await b.sync()).held).toHaveLength(8);

    // 31 days later the tombstones are pruned from the index; B has still not answered.
    const m = await metadata(store);
    for (let i = 0; i < 8; i++) delete m.items[`CHAT_${i}`];
    await store.put('metadata.json', new TextEncoder().encode(JSON.stringify(m)));
    const later = await b.sync({ full: true });
    expect(later.uploaded).toEqual([]);
    expect(later.held).toHaveLength(8);
    expect(Object.keys((await metadata(store)).items).filter((k) => k.startsWith('CHAT_'))).toEqual(['CHAT_8', 'CHAT_9']);

    // Answered, but TypingMind's store refuses the first deletion: that one stays a question, and is not
    // published again as an item whose entry vanished.
    await b.engine.answerHeld('delete');
    const host = depsOf(b.engine).host;
    const del = host.delete.bind(host);
    host.delete = vi.fn(async () => {
      host.delete = del;
      throw new Error('QuotaExceededError');
    });
    const refused = await b.sync();
    expect(refused.deleted).toHaveLength(7);
    expect(refused.held).toHaveLength(1);
    const kept = refused.held[0].key;
    expect((await b.sync({ full: true })).uploaded).toEqual([]);
    expect((await b.engine.held()).keys.map((k) => k.key)).toEqual([kept]);

    // Answered again: the last one goes too, and all stay gone.
    await b.engine.answerHeld('delete');
    const answered = await b.sync();
    expect(answered.deleted).toEqual([kept]);
    expect(answered.held).toEqual([]);
    expect(Object.keys((await b.dump()).idb).filter((k) => k.startsWith('CHAT_'))).toEqual(['CHAT_8', 'CHAT_9']);
    expect((await b.sync({ full: true })).uploaded).toEqual([]);
  });
});

describe('a key that fails stays failed until it syncs', () => {
  it('a damaged object is shown in every cycle, retried with back-off, and downloaded once it heals', async () => {
    let clock = Date.parse('2026-11-01T00:00:00Z');
    const now = () => clock;
    const store = createMemoryStore({ now });
    const a = await createSimDevice({ name: 'A', store, now });
    sims.keep(a);
    await a.put('CHAT_one', makeChat('one', ['hi']));
    await a.put('CHAT_two', makeChat('two', ['there']));
    await a.sync({ full: true });
    const good = await store.get('items/CHAT_two.json');
    if (good.kind !== 'found') throw new Error('no object');
    // A realistic damage: a whole encrypted object, one byte of its ciphertext flipped (it fails AES-GCM's tag).
    const bad = good.body.slice();
    bad[bad.length - 5] ^= 0xff;
    await store.put('items/CHAT_two.json', bad);

    const b = await createSimDevice({ name: 'B', store, now });
    sims.keep(b);
    const first = await b.sync({ full: true });
    expect(first.downloaded).toEqual(['CHAT_one']);
    expect(first.errors.map((e) => e.key)).toEqual(['CHAT_two']);
    const { store: watched, counts } = counting(store);
    depsOf(b.engine).store = watched;

    // Later cycles, idle ones too, still say so; within the back-off nothing is asked for it.
    clock += 10_000;
    const idle = await b.sync();
    expect(idle.errors.map((e) => e.key)).toEqual(['CHAT_two']);
    expect(counts.get).toBe(1);
    const full = await b.sync({ full: true });
    expect(full.errors.map((e) => e.key)).toEqual(['CHAT_two']);
    expect(counts.get).toBe(2);
    expect((await b.engine.failing()).map((f) => f.key)).toEqual(['CHAT_two']);

    // The user's "Sync now" tries it at once, back-off or not (it is still damaged).
    const beforeAsk = counts.get;
    const asked = await b.sync({ retryFailed: true });
    expect(asked.errors.map((e) => e.key)).toEqual(['CHAT_two']);
    expect(counts.get - beforeAsk).toBeGreaterThanOrEqual(2); // the index, and the object read again

    // The object heals (rewritten whole); after the back-off it is read again and the error is gone.
    await store.put('items/CHAT_two.json', good.body);
    clock += 121_000;
    const healed = await b.sync();
    expect(healed.downloaded).toEqual(['CHAT_two']);
    expect(healed.errors).toEqual([]);
    expect(await b.engine.failing()).toEqual([]);
  });

  it('an entry whose object is missing is reported by key and can be dropped; a device holding it publishes it again', async () => {
    const store = createMemoryStore();
    const a = await device('A', store);
    await a.put('CHAT_one', makeChat('one', ['hi']));
    await a.put('CHAT_lost', makeChat('lost', ['still on A']));
    await a.sync({ full: true });
    await store.deleteMany(['items/CHAT_lost.json']);

    const b = await device('B', store);
    const r = await b.sync({ full: true });
    expect(r.errors).toEqual([{ key: 'CHAT_lost', message: expect.stringMatching(/missing/) }]);
    expect(await b.engine.failing()).toEqual([{ key: 'CHAT_lost', message: expect.any(String), missing: true }]);

    await b.engine.dropMissing(['CHAT_lost']);
    const dropped = await b.sync();
    expect(dropped.dropped).toEqual(['CHAT_lost']);
    expect(dropped.errors).toEqual([]);
    expect((await metadata(store)).items.CHAT_lost).toBeUndefined();

    // A still has it: its next full look sees the entry gone and uploads it; B then receives it.
    expect((await a.sync({ full: true })).uploaded).toEqual(['CHAT_lost']);
    expect((await b.sync()).downloaded).toEqual(['CHAT_lost']);
  });
});

describe('reads that race a writer, and keys no object name can hold', () => {
  it('an index or object read half-written (a store that writes in place) is read again, not called damaged', async () => {
    const store = createMemoryStore();
    const a = await device('A', store);
    await a.put('CHAT_one', makeChat('one', ['hi']));
    await a.sync({ full: true });
    const torn = new Set<string>();
    const halfWay = Object.create(store) as MemoryStore;
    halfWay.get = async (k, o) => {
      const r = await store.get(k, o);
      if (r.kind !== 'found' || !torn.delete(k)) return r;
      return { ...r, body: r.body.slice(0, Math.floor(r.body.length / 2)), etagOfBody: undefined };
    };
    const b = await createSimDevice({ name: 'B', store: halfWay });
    sims.keep(b);
    await b.sync({ full: true }); // B's password is proven against the bucket
    await a.put('CHAT_one', makeChat('one', ['hi', 'more']));
    await a.sync();
    torn.add('metadata.json').add('items/CHAT_one.json');
    const r = await b.sync();
    expect(r.errors).toEqual([]);
    expect(r.downloaded).toEqual(['CHAT_one']);
    expect(torn.size).toBe(0);
  });

  it('a key no object name can hold is said once, then neither retried nor repeated', async () => {
    const store = createMemoryStore();
    const refusing = Object.create(store) as MemoryStore;
    refusing.put = async (k, body, o) => {
      if (k.includes('\ud800')) throw new CloudSyncError('bad-key', 'The name holds a broken character: it cannot be synced.', { details: { key: k } });
      return store.put(k, body, o);
    };
    const a = await createSimDevice({ name: 'A', store: refusing });
    sims.keep(a);
    await a.put('CHAT_ok', makeChat('ok', ['fine']));
    a.setLs('weird\ud800key', 'x');
    const first = await a.sync({ full: true });
    expect(first.uploaded).toEqual(['CHAT_ok']);
    expect(first.errors.map((e) => e.key)).toEqual(['weird\ud800key']);
    expect(first.failedKeys).toEqual([]);
    a.setLs('weird\ud800key', 'y');
    const later = await a.sync({ full: true });
    expect(later.errors).toEqual([]);
    expect(later.uploaded).toEqual([]);
  });
});
