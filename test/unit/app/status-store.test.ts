import { describe, expect, it } from 'vitest';
import type { SyncStatus } from '../../../src/api';
import { createStatusStore } from '../../../src/app/status-store';
import type { UiSnapshot } from '../../../src/ui/controller';

function store(pending = 0) {
  const published: SyncStatus[] = [];
  const s = createStatusStore({ pending: () => pending, publish: (x) => published.push(x) });
  const snaps: UiSnapshot[] = [];
  const statuses: SyncStatus[] = [];
  s.subscribe((x) => snaps.push(x));
  s.onStatus((x) => statuses.push(x));
  return { s, snaps, statuses, published };
}

describe('status store', () => {
  it('merges status patches, takes pending from the dirty set, publishes to other tabs and tells both kinds of listener', () => {
    const { s, snaps, statuses, published } = store(4);
    s.set({ state: 'syncing' });
    expect(s.status()).toEqual({ state: 'syncing', lastSync: 0, pending: 4, leader: false });
    expect(statuses).toHaveLength(1);
    expect(published).toEqual([s.status()]);
    expect(snaps.at(-1)!.status).toBe(s.status());
    // A leader's status adopted here is not published back, and is never this tab's lead.
    s.adoptRemote({ state: 'success', lastSync: 5, pending: 0, leader: true });
    expect(s.status().leader).toBe(false);
    expect(published).toHaveLength(1);
  });

  it('drops the progress of a sync when the sync ends, even when its last report never came', () => {
    const { s } = store();
    s.set({ state: 'syncing' });
    s.progress({ phase: 'download', done: 1, total: 2 });
    expect(s.snapshot().progress).toEqual({ phase: 'download', done: 1, total: 2 });
    s.set({ state: 'error', error: 'network' });
    expect(s.snapshot().progress).toBeUndefined();
  });

  it("keeps a backup's progress across status changes until its work ends, and ignores a late report of that run", () => {
    const { s } = store();
    s.progress({ phase: 'backup', done: 0, total: 10 });
    s.set({ state: 'success' });
    expect(s.snapshot().progress?.phase).toBe('backup');
    s.endProgress('backup');
    expect(s.snapshot().progress).toBeUndefined();
    s.progress({ phase: 'backup', done: 4, total: 10 }); // the pacing's trailing report, after the end
    expect(s.snapshot().progress).toBeUndefined();
    s.progress({ phase: 'backup', done: 1, total: 5 }); // a new run
    expect(s.snapshot().progress).toEqual({ phase: 'backup', done: 1, total: 5 });
    s.progress({ phase: 'backup', done: 5, total: 5 });
    expect(s.snapshot().progress).toBeUndefined();
  });

  it('makes a new snapshot object on every change, so a view can tell', () => {
    const { s, snaps } = store();
    s.setupNotice(true);
    s.setupNotice(true); // no change, no new snapshot
    s.counts({ localItems: 1, cloudItems: 1, chatsLocal: 0, chatsCloud: 0, excluded: [], skipped: [], conflicts: 0, onlyLocal: [], onlyCloud: [], at: 1 });
    expect(snaps).toHaveLength(2);
    expect(snaps[0]).not.toBe(snaps[1]);
    expect(snaps[1]).toMatchObject({ setupNotice: true, counts: { localItems: 1 } });
  });

  it('a broken listener does not stop the others', () => {
    const { s, snaps } = store();
    s.subscribe(() => {
      throw new Error('broken view');
    });
    const after: UiSnapshot[] = [];
    s.subscribe((x) => after.push(x));
    s.set({ state: 'idle' });
    expect(snaps).toHaveLength(1);
    expect(after).toHaveLength(1);
  });
});
