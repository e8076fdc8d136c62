import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { isTombstone } from '../../../src/cloud';
import { createMemoryStore } from '../../../src/providers/memory';
import type { CloudStore } from '../../../src/providers/cloud-store';
import { IgnoringStore } from '../../support/ignoring-store';
import { bucketMetadata, makeChat, useSimDevices } from '../../support/sim-device';

const sims = useSimDevices();

const stores: [string, () => CloudStore][] = [
  ['a store that honours preconditions', () => createMemoryStore()],
  ['a store that silently ignores them', () => new IgnoringStore({ claims: false })],
];

describe.each(stores)('recently deleted items, on %s', (_name, makeStore) => {
  it('a restored chat comes back with its values exactly: Dates as Dates, on this device and on the others', async () => {
    const store = makeStore();
    const a = await sims.device('A', store);
    const b = await sims.device('B', store);
    const chat = makeChat('dated', ['hi', 'hello']);
    await a.put('CHAT_dated', chat);
    // Not the only chat: deleting a device's last chat is held by the guard (the store looks empty).
    await a.put('CHAT_kept', makeChat('kept', ['stays']));
    await a.sync({ full: true });
    await b.sync({ full: true });
    await a.del('CHAT_dated');
    await a.sync();
    await b.sync();
    expect(await b.read('CHAT_dated')).toBeUndefined();

    const r = await b.engine.restoreDeleted(['CHAT_dated']);
    expect(r.errors).toEqual([]);
    const back = (await b.read('CHAT_dated')) as typeof chat;
    expect(back.createdAt).toBeInstanceOf(Date);
    expect(back.updatedAt).toBeInstanceOf(Date);
    expect(back.messages[1].createdAt).toBeInstanceOf(Date);
    expect(back).toEqual(chat);

    b.dirty.set('CHAT_dated', { area: 'idb', at: Date.now() });
    expect((await b.sync()).uploaded).toEqual(['CHAT_dated']);
    await a.sync();
    expect(await a.read('CHAT_dated')).toEqual(chat);
  });

  it('a restored attachment comes back with its own type, "" included', async () => {
    const store = makeStore();
    const a = await sims.device('A', store);
    await a.put('CHAT_kept', makeChat('kept', ['stays']));
    await a.put('ATTACHMENT_untyped', new Blob([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2])], { type: '' }));
    await a.sync({ full: true });
    await a.del('ATTACHMENT_untyped');
    await a.sync();
    const r = await a.engine.restoreDeleted(['ATTACHMENT_untyped']);
    expect(r.errors).toEqual([]);
    const back = (await a.read('ATTACHMENT_untyped')) as Blob;
    expect(back.type).toBe('');
    expect([...new Uint8Array(await back.arrayBuffer())]).toEqual([0x89, 0x50, 0x4e, 0x47, 1, 2]);
  });

  it('permanently delete removes the object and keeps a purged tombstone: no longer listed or restorable, and a device that still holds the item deletes it too', async () => {
    const store = makeStore();
    const a = await sims.device('A', store);
    const b = await sims.device('B', store);
    const late = await sims.device('C', store);
    for (const id of ['gone', 'kept', 'other']) await a.put(`CHAT_${id}`, makeChat(id, ['hi', id]));
    await a.sync({ full: true });
    await b.sync({ full: true });
    await late.sync({ full: true });
    await a.del('CHAT_gone');
    await a.sync();
    await b.sync();
    expect((await b.engine.recentlyDeleted()).map((d) => d.key)).toEqual(['CHAT_gone']);

    const out = await b.engine.purgeDeleted(['CHAT_gone', 'CHAT_kept', 'CHAT_never']);
    expect(out.purged).toEqual(['CHAT_gone']);
    expect(out.errors.map((e) => e.key)).toEqual(['CHAT_kept', 'CHAT_never']);
    expect((await store.get('items/CHAT_gone.json')).kind).toBe('not-found');
    expect((await store.get('items/CHAT_kept.json')).kind).toBe('found');
    const t = (await bucketMetadata(store)).items.CHAT_gone;
    expect(isTombstone(t) && t.tcsPurged).toBe(true);

    await b.sync();
    await a.sync();
    expect(await b.engine.recentlyDeleted()).toEqual([]);
    expect(await a.engine.recentlyDeleted()).toEqual([]);
    expect((await b.engine.restoreDeleted(['CHAT_gone'])).errors).toHaveLength(1);
    // C still held the chat and had not synced since the deletion: it deletes it, and nothing comes back.
    const rc = await late.sync();
    expect(rc.deleted).toEqual(['CHAT_gone']);
    expect(await late.read('CHAT_gone')).toBeUndefined();
    expect(isTombstone((await bucketMetadata(store)).items.CHAT_gone)).toBe(true);
  });

  it('a purge that an older index overwrites is written again by the device that made it', async () => {
    const store = makeStore();
    const a = await sims.device('A', store);
    for (const id of ['gone', 'kept', 'other']) await a.put(`CHAT_${id}`, makeChat(id, ['hi', id]));
    await a.sync({ full: true });
    await a.del('CHAT_gone');
    await a.sync();
    const before = await store.get('metadata.json');
    if (before.kind !== 'found') throw new Error('no index');
    expect((await a.engine.purgeDeleted(['CHAT_gone'])).purged).toEqual(['CHAT_gone']);
    // A slower device writes back the index it read before the purge (only a store that ignores preconditions lets it).
    await store.put('metadata.json', before.body);
    await a.sync();
    const t = (await bucketMetadata(store)).items.CHAT_gone;
    expect(isTombstone(t) && t.tcsPurged).toBe(true);
    expect(await a.engine.recentlyDeleted()).toEqual([]);
  });
});
