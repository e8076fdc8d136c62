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
});
