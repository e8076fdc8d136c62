import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { isTombstone } from '../../../src/cloud';
import { createBackupService } from '../../../src/backup';
import { isCloudSyncError } from '../../../src/errors';
import type { CloudStore } from '../../../src/providers/cloud-store';
import { createMemoryStore } from '../../../src/providers/memory';
import { forcedKind } from '../../../src/sync/force-transfer';
import type { KeyInput } from '../../../src/sync/planner';
import { IgnoringStore } from '../../support/ignoring-store';
import { bucketMetadata, keysFor, makeChat, useSimDevices, type SimDevice } from '../../support/sim-device';

const sims = useSimDevices();

describe('the forced plan (pure)', () => {
  const input = (local: boolean, remote: 'live' | 'tombstone' | 'absent', same = false, base: KeyInput['base'] = { kind: 'absent' }): KeyInput => ({
    key: 'K',
    base,
    local: local ? { kind: 'present', hash: 'h1' } : { kind: 'absent' },
    remote: remote === 'live' ? { kind: 'live', sig: 's' } : remote === 'tombstone' ? { kind: 'tombstone', sig: 't' } : { kind: 'absent' },
    sameContent: same,
  });
  it('export: everything here goes up, everything live only there becomes a tombstone, the same content is adopted', () => {
    expect(forcedKind(input(true, 'live'), 'export')).toBe('upload');
    expect(forcedKind(input(true, 'tombstone'), 'export')).toBe('upload');
    expect(forcedKind(input(true, 'absent'), 'export')).toBe('upload');
    expect(forcedKind(input(true, 'live', true), 'export')).toBe('adopt');
    expect(forcedKind(input(false, 'live'), 'export')).toBe('tombstone');
    expect(forcedKind(input(false, 'tombstone'), 'export')).toBe('noop');
    expect(forcedKind(input(false, 'absent', false, { kind: 'live', hash: 'h', sig: 's' }), 'export')).toBe('forget');
  });
  it('import: everything live there comes down, everything else here is deleted, nothing is merged', () => {
    expect(forcedKind(input(true, 'live'), 'import')).toBe('download');
    expect(forcedKind(input(false, 'live'), 'import')).toBe('download');
    expect(forcedKind(input(true, 'live', true), 'import')).toBe('adopt');
    expect(forcedKind(input(true, 'tombstone'), 'import')).toBe('delete-local');
    expect(forcedKind(input(true, 'absent'), 'import')).toBe('delete-local');
    expect(forcedKind(input(false, 'absent'), 'import')).toBe('noop');
  });
});

const stores: [string, () => CloudStore][] = [
  ['a store that honours preconditions', () => createMemoryStore()],
  ['a store that silently ignores them', () => new IgnoringStore({ claims: false })],
];

const messages = (v: unknown) => (v as { messages: { content: string }[] }).messages.map((m) => m.content);

/** Two devices in sync on three chats and a setting, then each changed in its own way without syncing. */
async function diverged(store: CloudStore) {
  const a = await sims.device('A', store);
  const b = await sims.device('B', store);
  await a.put('CHAT_shared', makeChat('shared', ['hi']));
  await a.put('CHAT_a', makeChat('a', ['from A']));
  await a.put('CHAT_b', makeChat('b', ['from B']));
  a.setLs('TM_useTheme', 'dark');
  await a.sync({ full: true });
  await b.sync({ full: true });
  // B moves on and syncs: the cloud now holds B's edit, B's new chat, and no CHAT_a.
  await b.put('CHAT_shared', makeChat('shared', ['hi', 'edited on B']));
  await b.put('CHAT_new_on_b', makeChat('nb', ['B only']));
  await b.del('CHAT_a');
  b.setLs('TM_useTheme', 'light');
  await b.sync();
  // A has its own edits, not synced.
  await a.put('CHAT_shared', makeChat('shared', ['hi', 'edited on A']));
  await a.put('CHAT_new_on_a', makeChat('na', ['A only']));
  a.dirty.clear(); // the force does not need the change feed: it compares every key
  return { a, b };
}

async function force(d: SimDevice, direction: 'export' | 'import', basis?: string | null) {
  const id = await d.engine.requestForce(direction, basis);
  const r = await d.sync();
  expect(r.forced).toEqual({ id, direction });
  return r;
}

const etagOf = async (store: CloudStore) => {
  const r = await store.get('metadata.json');
  return r.kind === 'found' ? r.etag : null;
};

describe.each(stores)('Force Export and Force Import, on %s', (_name, makeStore) => {
  it('Force Export makes the cloud equal this device, and the other device follows', async () => {
    const store = makeStore();
    const { a, b } = await diverged(store);
    const r = await force(a, 'export', await etagOf(store));
    expect(r.uploaded.sort()).toEqual(['CHAT_a', 'CHAT_new_on_a', 'CHAT_shared', 'TM_useTheme']);
    expect(r.deleted).toEqual(['CHAT_new_on_b']);
    const m = await bucketMetadata(store);
    expect(isTombstone(m.items.CHAT_new_on_b)).toBe(true);
    // B follows like after any sync: its edit and its new chat give way, CHAT_a is back.
    await b.sync();
    expect(await b.dump()).toEqual(await a.dump());
    expect(messages(await b.read('CHAT_shared'))).toEqual(['hi', 'edited on A']);
    // What the export deleted is restorable like any deletion.
    expect((await b.engine.recentlyDeleted()).map((d) => d.key)).toEqual(['CHAT_new_on_b']);
    // And the next cycles have nothing left to do.
    expect((await a.sync({ full: true })).uploaded).toEqual([]);
  });

  it('a device that writes back the index it read before the export cannot undo it', async () => {
    const store = makeStore();
    const { a, b } = await diverged(store);
    const stale = await store.get('metadata.json');
    if (stale.kind !== 'found') throw new Error('no index');
    await force(a, 'export', stale.etag);
    // A slower device's plain write of the older index (only a store that ignores preconditions lets it through).
    await store.put('metadata.json', stale.body);
    await a.sync();
    await b.sync();
    expect(await b.dump()).toEqual(await a.dump());
    expect(isTombstone((await bucketMetadata(store)).items.CHAT_new_on_b)).toBe(true);
  });

  it('Force Import makes this device equal the cloud, and writes nothing to it', async () => {
    const store = makeStore();
    const { a, b } = await diverged(store);
    const before = await etagOf(store);
    const r = await force(a, 'import');
    expect(r.uploaded).toEqual([]);
    expect(r.downloaded.sort()).toEqual(['CHAT_new_on_b', 'CHAT_shared', 'TM_useTheme']);
    expect(r.deleted.sort()).toEqual(['CHAT_a', 'CHAT_new_on_a']);
    expect(await etagOf(store)).toBe(before);
    expect(await a.dump()).toEqual(await b.dump());
    // Not merged: A's message is gone from the chat, as asked.
    expect(messages(await a.read('CHAT_shared'))).toEqual(['hi', 'edited on B']);
    expect((await a.sync({ full: true })).uploaded).toEqual([]);
    await b.sync();
    expect(await b.dump()).toEqual(await a.dump());
  });

  it('the snapshot taken before an import holds this device as it was, and restoring it brings that back', async () => {
    const store = makeStore();
    const { a, b } = await diverged(store);
    const mine = await a.dump();
    const snap = await a.engine.snapshotLocal('before force import');
    expect(snap.failed).toEqual([]);
    expect(snap.copiedItems).toBe(Object.keys(mine.idb).length + Object.keys(mine.ls).length);
    await force(a, 'import');
    const backups = createBackupService({ store, keys: await keysFor('correct horse battery staple') });
    expect((await backups.listBackups()).map((x) => x.folder)).toEqual([snap.folder]);
    const restored = await backups.restoreBackup(snap.folder);
    await a.engine.adoptCommits(restored.committed);
    await a.sync();
    await b.sync();
    expect(await a.dump()).toEqual(mine);
    expect(await b.dump()).toEqual(mine);
  });

  it('refuses to export an empty TypingMind store or import an empty cloud, before writing anything', async () => {
    const store = makeStore();
    const a = await sims.device('A', store);
    a.setLs('TM_useTheme', 'dark');
    expect(await a.engine.forceRefusal('export')).toMatch(/empty/);
    expect(await a.engine.forceRefusal('import')).toMatch(/cloud holds no items/);
    await a.engine.requestForce('export');
    await expect(a.sync()).rejects.toSatisfy((e) => isCloudSyncError(e, 'host-unavailable'));
    await a.engine.requestForce('import');
    await expect(a.sync()).rejects.toSatisfy((e) => isCloudSyncError(e, 'not-found'));
    expect((await store.get('metadata.json')).kind).toBe('not-found');
    expect(a.storage.getItem('TM_useTheme')).toBe('dark');
  });

  it('an export whose snapshot copied another index than the one it reads stops before writing, and is used up', async () => {
    const store = makeStore();
    const { a } = await diverged(store);
    const before = await store.get('metadata.json');
    await a.engine.requestForce('export', 'the etag of an older index');
    await expect(a.sync()).rejects.toSatisfy((e) => isCloudSyncError(e, 'sync-conflict'));
    const after = await store.get('metadata.json');
    expect(after.kind === 'found' && before.kind === 'found' && after.etag === before.etag).toBe(true);
    // Used once: the next cycle is a usual one (both edited the same message: a conflict, the newer kept).
    const r = await a.sync({ full: true });
    expect(r.forced).toBeUndefined();
    expect(r.conflicts).toContain('CHAT_shared');
    expect((await a.engine.conflicts()).map((c) => c.key)).toContain('CHAT_shared');
  });
});
