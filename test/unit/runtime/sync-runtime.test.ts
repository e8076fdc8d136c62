import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SyncStatus } from '../../../src/api';
import { isCloudSyncError } from '../../../src/errors';
import { createSyncRuntime, type SyncRuntime } from '../../../src/runtime/sync-runtime';
import { createLockHub } from '../../support/memory-locks';

let runtimes: SyncRuntime<string>[] = [];
afterEach(() => {
  for (const r of runtimes) r.stop();
  runtimes = [];
});

/** Two or more "tabs" of one browser: one lock hub, Node's BroadcastChannel, a shared record of who ran what. */
function browser() {
  const hub = createLockHub();
  const name = `rt-${Math.random()}`;
  const cycles: { tab: string; trigger: string }[] = [];
  const tab = (tabId: string, opts: { noSync?: boolean; window?: EventTarget; flush?: () => boolean } = {}) => {
    const dirty: string[][] = [];
    const remote: SyncStatus[] = [];
    const runtime = createSyncRuntime<string>({
      name,
      tabId,
      autoSync: true,
      noSync: opts.noSync ?? false,
      schedule: { intervalMs: 600_000, quietMs: 50 },
      run: async ({ trigger }) => {
        cycles.push({ tab: tabId, trigger });
        return `report from ${tabId}`;
      },
      onDirtyKeys: (keys) => dirty.push(keys),
      onRemoteStatus: (s) => remote.push(s),
      shouldFlushOnPageHide: opts.flush,
      env: { locks: hub.tab(), acceptTimeoutMs: 500, window: opts.window },
    });
    runtimes.push(runtime);
    return { runtime, dirty, remote };
  };
  return { tab, cycles };
}

describe('sync runtime: election, scheduler and channel together', () => {
  it('only the leader tab runs cycles; Sync now in a follower runs there and returns its report', async () => {
    const b = browser();
    const a = b.tab('A');
    await vi.waitFor(() => expect(a.runtime.isLeader).toBe(true));
    const f = b.tab('F');
    await vi.waitFor(() => expect(b.cycles).toEqual([{ tab: 'A', trigger: 'leader' }]));
    expect(f.runtime.isLeader).toBe(false);
    await expect(f.runtime.syncNow()).resolves.toBe('report from A');
    expect(b.cycles.map((c) => c.tab)).toEqual(['A', 'A']);
    expect(b.cycles[1]!.trigger).toBe('manual');
  });

  it('a change in a follower reaches the leader and starts a cycle after the quiet period', async () => {
    const b = browser();
    const a = b.tab('A');
    await vi.waitFor(() => expect(a.runtime.isLeader).toBe(true));
    const f = b.tab('F');
    await vi.waitFor(() => expect(b.cycles.length).toBe(1));
    f.runtime.noteLocalChange(['CHAT_1']);
    await vi.waitFor(() => expect(a.dirty).toEqual([['CHAT_1']]));
    expect(f.dirty).toEqual([]);
    await vi.waitFor(() => expect(b.cycles.at(-1)).toEqual({ tab: 'A', trigger: 'change' }));
  });

  it('when the leader tab goes, the follower leads and runs its first cycle', async () => {
    const b = browser();
    const a = b.tab('A');
    await vi.waitFor(() => expect(a.runtime.isLeader).toBe(true));
    const f = b.tab('F');
    a.runtime.stop();
    await vi.waitFor(() => expect(f.runtime.isLeader).toBe(true));
    await vi.waitFor(() => expect(b.cycles.at(-1)).toEqual({ tab: 'F', trigger: 'leader' }));
    await expect(f.runtime.syncNow()).resolves.toBe('report from F');
  });

  it('the leader’s status reaches followers, marked as not theirs to run', async () => {
    const b = browser();
    const a = b.tab('A');
    await vi.waitFor(() => expect(a.runtime.isLeader).toBe(true));
    const f = b.tab('F');
    await new Promise((r) => setTimeout(r, 50));
    a.runtime.publishStatus({ state: 'success', lastSync: 42, pending: 0, leader: true });
    await vi.waitFor(() => expect(f.remote).toEqual([{ state: 'success', lastSync: 42, pending: 0, leader: false }]));
    f.runtime.publishStatus({ state: 'error', lastSync: 0, pending: 0, leader: false }); // a follower cannot
    await new Promise((r) => setTimeout(r, 50));
    expect(a.remote).toEqual([]);
  });

  it('a NoSync tab never leads or syncs, refuses Sync now, and still hands its changes to the leader', async () => {
    const b = browser();
    const n = b.tab('N', { noSync: true });
    const a = b.tab('A');
    await vi.waitFor(() => expect(a.runtime.isLeader).toBe(true));
    expect(n.runtime.electionKind).toBe('none');
    const err = await n.runtime.syncNow().catch((e: unknown) => e);
    expect(isCloudSyncError(err, 'sync-disabled')).toBe(true);
    n.runtime.noteLocalChange(['TM_useSettings']);
    await vi.waitFor(() => expect(a.dirty).toEqual([['TM_useSettings']]));
    await new Promise((r) => setTimeout(r, 100));
    expect(b.cycles.every((c) => c.tab === 'A')).toBe(true);
  });

  it('on pagehide the leader first makes its last attempt, then hands leadership over; pageshow from the bfcache competes again', async () => {
    const b = browser();
    const page = new EventTarget();
    const a = b.tab('A', { window: page, flush: () => true });
    await vi.waitFor(() => expect(a.runtime.isLeader).toBe(true));
    const f = b.tab('F');
    await vi.waitFor(() => expect(b.cycles.length).toBe(1));
    a.runtime.noteLocalChange(['CHAT_7']);
    page.dispatchEvent(new Event('pagehide'));
    expect(b.cycles.at(-1)).toEqual({ tab: 'A', trigger: 'pagehide' });
    expect(a.runtime.isLeader).toBe(false);
    await vi.waitFor(() => expect(f.runtime.isLeader).toBe(true));
    page.dispatchEvent(Object.assign(new Event('pageshow'), { persisted: true }));
    f.runtime.stop();
    await vi.waitFor(() => expect(a.runtime.isLeader).toBe(true));
  });
});
