/**
 * A restore seen from the devices: two simulated devices (real engine, fake IndexedDB) sync through one
 * bucket; after a restore, the normal sync makes both equal to the backup — later items deleted, edited
 * items back to the backup's version — and nobody re-uploads what the restore removed (W7).
 */
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { createBackupService } from '../../../src/backup';
import { createMemoryStore } from '../../../src/providers/memory';
import { FaultyStore } from '../../support/faulty-store';
import { IgnoringStore } from '../../support/ignoring-store';
import { createSimDevice, keysFor, makeChat, type SimDevice } from '../../support/sim-device';

const PASSWORD = 'correct horse battery staple';
const devices: SimDevice[] = [];
afterEach(() => {
  while (devices.length) devices.pop()!.close();
});

async function device(name: string, store: ReturnType<typeof createMemoryStore>) {
  const d = await createSimDevice({ name, store, password: PASSWORD });
  devices.push(d);
  return d;
}

async function blobBytes(v: unknown): Promise<number[]> {
  return [...new Uint8Array(await (v as Blob).arrayBuffer())];
}

describe('restore converges on every device', () => {
  it('both devices end equal to the backup, and the deleted later items stay deleted', async () => {
    const store = createMemoryStore();
    const a = await device('A', store);
    const b = await device('B', store);
    await a.put('CHAT_one', makeChat('one', ['hi', 'hello']));
    await a.put('TM_useFolderList', [{ id: 'f1' }]);
    await a.put('ATTACHMENT_x.png', new Blob([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2])], { type: 'image/png' }));
    a.setLs('TM_useTheme', '"dark"');
    expect((await a.sync({ full: true })).errors).toEqual([]);
    expect((await b.sync({ full: true })).errors).toEqual([]);
    const atBackup = await b.dump();

    const svc = createBackupService({ store, keys: await keysFor(PASSWORD) });
    const snap = await svc.createSnapshot('before experiments');

    // After the backup: A edits a chat and a setting and adds a chat; B adds an attachment.
    await a.put('CHAT_one', makeChat('one', ['hi', 'hello', 'more'], new Date('2026-11-02T10:00:00Z')));
    await a.put('CHAT_two', makeChat('two', ['new']));
    a.setLs('TM_useTheme', '"light"');
    await a.sync();
    await b.sync({ full: true });
    await b.put('ATTACHMENT_y.png', new Blob([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 7])], { type: 'image/png' }));
    await b.sync();
    await a.sync({ full: true });
    expect(Object.keys((await a.dump()).idb).sort()).toEqual(['ATTACHMENT_x.png', 'ATTACHMENT_y.png', 'CHAT_one', 'CHAT_two', 'TM_useFolderList']);

    const out = await svc.restoreBackup(snap.folder);
    expect(out.tombstoned.sort()).toEqual(['ATTACHMENT_y.png', 'CHAT_two']);

    for (let round = 0; round < 2; round++) {
      for (const d of [a, b]) {
        const r = await d.sync({ full: true });
        expect(r.errors, d.name).toEqual([]);
        expect(r.holdReason, d.name).toBeUndefined();
      }
    }
    for (const d of [a, b]) {
      const now = await d.dump();
      expect(Object.keys(now.idb).sort(), d.name).toEqual(Object.keys(atBackup.idb).sort());
      expect(now.idb.CHAT_one, d.name).toEqual(atBackup.idb.CHAT_one);
      expect(now.idb.TM_useFolderList, d.name).toEqual(atBackup.idb.TM_useFolderList);
      expect(await blobBytes(now.idb['ATTACHMENT_x.png']), d.name).toEqual(await blobBytes(atBackup.idb['ATTACHMENT_x.png']));
      expect(now.ls.TM_useTheme, d.name).toBe('"dark"');
    }
    // Nobody brought the removed keys back.
    const meta = JSON.parse(new TextDecoder().decode(((await store.get('metadata.json')) as { body: Uint8Array }).body));
    expect(meta.items.CHAT_two.deleted).toBeGreaterThan(0);
    expect(meta.items['ATTACHMENT_y.png'].deleted).toBeGreaterThan(0);
  });

  it("a device's edit made after the backup and not yet synced is kept, not silently dropped", async () => {
    const store = createMemoryStore();
    const a = await device('A', store);
    const b = await device('B', store);
    await a.put('CHAT_one', makeChat('one', ['hi']));
    await a.put('TM_notes', 'v1');
    await a.sync({ full: true });
    await b.sync({ full: true });
    const svc = createBackupService({ store, keys: await keysFor(PASSWORD) });
    const snap = await svc.createSnapshot('s');
    await a.put('CHAT_later', makeChat('later', ['made after the backup']));
    await a.sync();
    await b.sync({ full: true });
    // B edits the later chat but is offline while the restore happens.
    await b.put('CHAT_later', makeChat('later', ['made after the backup', 'edited on B offline'], new Date('2026-11-03T10:00:00Z')));

    await svc.restoreBackup(snap.folder);
    await a.sync({ full: true });
    await b.sync({ full: true });
    await a.sync({ full: true });
    // Edit beats delete: B's unsynced edit survives the restore's tombstone and reaches A.
    expect(((await b.read('CHAT_later')) as { messages: unknown[] }).messages).toHaveLength(2);
    expect(((await a.read('CHAT_later')) as { messages: unknown[] }).messages).toHaveLength(2);
    expect(await a.read('TM_notes')).toBe('v1');
  });
});

describe('a restore that removes most chats', () => {
  for (const kind of ['honours preconditions', 'ignores preconditions'] as const) {
    it(`is applied without a question on the device that ran it, and asked on the others (store ${kind})`, async () => {
      const store = kind === 'honours preconditions' ? createMemoryStore() : new IgnoringStore({ claims: false });
      const a = await createSimDevice({ name: 'A', store, password: PASSWORD });
      const b = await createSimDevice({ name: 'B', store, password: PASSWORD });
      devices.push(a, b);
      await a.put('CHAT_kept', makeChat('kept', ['hi']));
      await a.sync({ full: true });
      const svc = createBackupService({ store, keys: await keysFor(PASSWORD) });
      const snap = await svc.createSnapshot('one chat');
      for (let i = 0; i < 5; i++) await a.put(`CHAT_${i}`, makeChat(`${i}`, [`later ${i}`]));
      await a.sync();
      await b.sync({ full: true });

      const out = await svc.restoreBackup(snap.folder);
      expect(out.tombstoned).toHaveLength(5);
      await a.engine.adoptCommits(out.committed); // as the app does after a restore

      // 5 of 6 chats: over the guard's threshold. The user asked for it on A, so A does not ask again.
      const ra = await a.sync();
      expect(ra.held).toEqual([]);
      expect(ra.holdReason).toBeUndefined();
      expect(Object.keys((await a.dump()).idb)).toEqual(['CHAT_kept']);
      // B did not ask for it: its own guard holds the deletions for its user's answer.
      const rb = await b.sync();
      expect(rb.held).toHaveLength(5);
      expect(Object.keys((await b.dump()).idb)).toHaveLength(6);
      await b.engine.answerHeld('delete');
      await b.sync();
      expect(Object.keys((await b.dump()).idb)).toEqual(['CHAT_kept']);
    });
  }
});

describe('a restore on a store that ignores preconditions', () => {
  it('is not undone by a device that writes back the index it read before the restore', async () => {
    const inner = new IgnoringStore({ claims: false });
    const wires = [new FaultyStore(inner), new FaultyStore(inner)];
    const a = await createSimDevice({ name: 'A', store: wires[0], password: PASSWORD });
    const b = await createSimDevice({ name: 'B', store: wires[1], password: PASSWORD });
    devices.push(a, b);
    await a.put('CHAT_one', makeChat('one', ['hi']));
    await a.put('TM_notes', 'v1');
    await a.sync({ full: true });
    await b.sync({ full: true });
    const svc = createBackupService({ store: inner, keys: await keysFor(PASSWORD) });
    const snap = await svc.createSnapshot('s');
    await a.put('CHAT_later', makeChat('later', ['after the backup']));
    await a.sync();
    await b.sync({ full: true });

    // B starts a sync (it has an edit of its own) and reads the index; the restore runs on A meanwhile.
    await b.put('TM_other', 'made on B');
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    const held = wires[1].holdAfterIndexRead(released);
    const slow = b.sync();
    await held;
    const out = await svc.restoreBackup(snap.folder);
    await a.engine.adoptCommits(out.committed); // as the app does after a restore
    release();
    await slow; // B writes back the index it read: CHAT_later live again

    for (let round = 0; round < 2; round++) for (const d of [a, b]) await d.sync({ full: true });
    for (const d of [a, b]) {
      expect(await d.read('CHAT_later'), d.name).toBeUndefined();
      expect(await d.read('CHAT_one'), d.name).toBeDefined();
      expect(await d.read('TM_other'), d.name).toBe('made on B');
    }
  });
});
