import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { createBackupService, type BackupService } from '../../../src/backup';
import { describeForce, forceTransfer, type ForceDeps } from '../../../src/commands/force-transfer';
import { CloudSyncError, isCloudSyncError } from '../../../src/errors';
import type { CloudStore } from '../../../src/providers/cloud-store';
import { createMemoryStore } from '../../../src/providers/memory';
import type { CycleResult } from '../../../src/sync/engine';
import { IgnoringStore } from '../../support/ignoring-store';
import { keysFor, makeChat, useSimDevices, type SimDevice } from '../../support/sim-device';

const sims = useSimDevices();

const stores: [string, () => CloudStore][] = [
  ['a store that honours preconditions', () => createMemoryStore()],
  ['a store that silently ignores them', () => new IgnoringStore({ claims: false })],
];

async function twoDevices(store: CloudStore) {
  const a = await sims.device('A', store);
  const b = await sims.device('B', store);
  for (const id of ['one', 'two', 'three']) await a.put(`CHAT_${id}`, makeChat(id, ['hi', id]));
  await a.sync({ full: true });
  await b.sync({ full: true });
  await b.put('CHAT_one', makeChat('one', ['hi', 'one', 'more on B']));
  await b.sync();
  await a.put('CHAT_four', makeChat('four', ['A only']));
  return { a, b };
}

async function depsFor(d: SimDevice, store: CloudStore, syncNow?: () => Promise<CycleResult>): Promise<ForceDeps & { phases: string[]; backups: BackupService }> {
  const phases: string[] = [];
  return {
    engine: d.engine,
    backups: createBackupService({ store, keys: await keysFor('correct horse battery staple') }),
    store,
    syncNow: syncNow ?? (() => d.sync()),
    onProgress: (p) => {
      if (!phases.includes(p.phase)) phases.push(p.phase);
    },
    phases,
  };
}

describe.each(stores)('the Force commands, on %s', (_name, makeStore) => {
  it('export: a snapshot of the cloud first (restoring it undoes the export), with progress, then the export', async () => {
    const store = makeStore();
    const { a, b } = await twoDevices(store);
    const cloudBefore = await b.dump();
    const deps = await depsFor(a, store);
    const r = await forceTransfer(deps, 'export');
    expect(r.snapshot.folder).toMatch(/^backups\/s-before-force-export-/);
    expect(r.uploaded.sort()).toEqual(['CHAT_four', 'CHAT_one']);
    // The snapshot's progress comes from here; the transfers report through the engine's own onProgress.
    expect(deps.phases).toEqual(['backup']);
    await b.sync();
    expect(await b.dump()).toEqual(await a.dump());

    const restored = await deps.backups.restoreBackup(r.snapshot.folder);
    await b.engine.adoptCommits(restored.committed);
    await b.sync();
    expect(await b.dump()).toEqual(cloudBefore);
  });

  it('export stops before writing when another device writes the cloud after the snapshot', async () => {
    const store = makeStore();
    const { a, b } = await twoDevices(store);
    await b.put('CHAT_two', makeChat('two', ['hi', 'two', 'B, just after the snapshot']));
    const deps = await depsFor(a, store, async () => {
      await b.sync(); // lands between the snapshot and A's forced cycle
      return a.sync();
    });
    const err = await forceTransfer(deps, 'export').catch((e: unknown) => e);
    expect(isCloudSyncError(err, 'sync-conflict')).toBe(true);
    expect((err as Error).message).toMatch(/nothing was exported/);
    await a.sync();
    const two = (await a.read('CHAT_two')) as { messages: { content: string }[] };
    expect(two.messages.at(-1)!.content).toBe('B, just after the snapshot');
    expect(await a.engine.forcePending('x')).toBe(false);
  });

  it('import: a snapshot of this device first, then the import; a cycle already running is waited out', async () => {
    const store = makeStore();
    const { a, b } = await twoDevices(store);
    let calls = 0;
    const deps = await depsFor(a, store, async () => {
      // The first answer is a cycle that was under way before the request: it did not carry it out.
      if (calls++ === 0) return { uploaded: [], downloaded: [], deleted: [], conflicts: [], errors: [], requests: 0, durationMs: 0, held: [], failedKeys: [], idle: true, dropped: [], deferred: [] };
      return a.sync();
    });
    const r = await forceTransfer(deps, 'import');
    expect(calls).toBe(2);
    expect(r.snapshot.folder).toMatch(/^backups\/s-before-force-import-/);
    expect(r.downloaded).toEqual(['CHAT_one']);
    expect(r.deleted).toEqual(['CHAT_four']);
    expect(await a.dump()).toEqual(await b.dump());
    expect(deps.phases).toEqual(['backup']);
    const o = await describeForce(async () => r, 'import');
    expect(o).toEqual({ ok: true, message: expect.stringMatching(/^Force Import done: 1 item\(s\) received, 1 removed from this browser\. .*snapshot "s-before-force-import-.*reloads in 3 s/) });
  });

  it('a snapshot that cannot save everything stops the force before anything changes', async () => {
    const store = makeStore();
    const { a, b } = await twoDevices(store);
    const failing = Object.create(store) as CloudStore;
    failing.copy = async () => {
      throw new CloudSyncError('provider-error', 'the copy failed');
    };
    const deps = { ...(await depsFor(a, failing)), store: failing, backups: createBackupService({ store: failing, keys: await keysFor('correct horse battery staple') }) };
    const before = await store.get('metadata.json');
    await expect(forceTransfer(deps, 'export')).rejects.toThrow(/did not start: the automatic snapshot could not save 3 of 3/);
    const after = await store.get('metadata.json');
    expect(before.kind === 'found' && after.kind === 'found' && before.etag === after.etag).toBe(true);
    expect((await b.sync()).downloaded).toEqual([]);
  });

  it('a refusal says why before any snapshot is taken', async () => {
    const store = makeStore();
    const a = await sims.device('A', store);
    const o = await describeForce(async () => forceTransfer(await depsFor(a, store), 'import'), 'import');
    expect(o).toEqual({ ok: false, message: expect.stringMatching(/^Force Import failed: The cloud holds no items/) });
    expect((await store.list('backups/')[Symbol.asyncIterator]().next()).value ?? []).toEqual([]);
  });
});
