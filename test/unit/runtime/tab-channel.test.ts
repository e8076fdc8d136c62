import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SyncStatus } from '../../../src/api';
import { CloudSyncError, isCloudSyncError } from '../../../src/errors';
import { createTabChannel, SYNC_NOW, type TabChannel, type TabChannelOptions } from '../../../src/runtime/tab-channel';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let open: TabChannel[] = [];
let name = '';
afterEach(() => {
  for (const c of open) c.close();
  open = [];
});

/** One tab's channel over Node's real BroadcastChannel; `lead` flips whether it thinks it is the leader. */
function tab(tabId: string, lead = false, extra: Partial<TabChannelOptions> = {}) {
  const state = { lead };
  const channel = createTabChannel({ name, tabId, isLeader: () => state.lead, acceptTimeoutMs: 500, idleTimeoutMs: 800, keepAliveMs: 50, dirtyRetryMs: 80, ...extra });
  open.push(channel);
  return { channel, state };
}

const report = (uploaded: string[]) => ({ uploaded, downloaded: [], deleted: [], conflicts: [], errors: [], requests: 1, durationMs: 5 });

describe('tab channel: Sync now through the leader', () => {
  it('a follower’s Sync now runs in the leader and resolves with the leader’s report', async () => {
    name = `tabs-${Math.random()}`;
    const leader = tab('L', true);
    const follower = tab('F');
    const from: string[] = [];
    leader.channel.handle(SYNC_NOW, async (_p, tabId) => {
      from.push(tabId);
      return report(['CHAT_1']);
    });
    await expect(follower.channel.syncNow()).resolves.toEqual(report(['CHAT_1']));
    expect(from).toEqual(['F']);
  });

  it('in the leader itself the call is local', async () => {
    name = `tabs-${Math.random()}`;
    const leader = tab('L', true);
    const from: string[] = [];
    leader.channel.handle('snapshot', async (params, tabId) => (from.push(tabId), { made: params }));
    await expect(leader.channel.call('snapshot', { name: 'before-trip' })).resolves.toEqual({ made: { name: 'before-trip' } });
    expect(from).toEqual(['L']);
  });

  it('rejects with the leader’s error, code and message intact', async () => {
    name = `tabs-${Math.random()}`;
    const leader = tab('L', true);
    const follower = tab('F');
    leader.channel.handle(SYNC_NOW, async () => {
      throw new CloudSyncError('bad-credentials', 'The storage service refused the access key. Check it in Settings.', { details: { status: 403 } });
    });
    const err = await follower.channel.syncNow().catch((e: unknown) => e);
    expect(isCloudSyncError(err, 'bad-credentials')).toBe(true);
    expect((err as CloudSyncError).message).toBe('The storage service refused the access key. Check it in Settings.');
    expect((err as CloudSyncError).details).toEqual({ status: 403 });
  });

  it('a plain error in the leader still arrives as a readable CloudSyncError', async () => {
    name = `tabs-${Math.random()}`;
    const leader = tab('L', true);
    const follower = tab('F');
    leader.channel.handle(SYNC_NOW, async () => {
      throw new Error('disk full');
    });
    const err = await follower.channel.syncNow().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CloudSyncError);
    expect((err as Error).message).toContain('disk full');
  });

  it('rejects with a clear "no-leader" error when no tab answers', async () => {
    name = `tabs-${Math.random()}`;
    const lonely = tab('F');
    tab('G'); // another follower: hears the request, does not answer
    const err = await lonely.channel.syncNow().catch((e: unknown) => e);
    expect(isCloudSyncError(err, 'no-leader')).toBe(true);
    expect((err as Error).message).toMatch(/No TypingMind tab answered/);
  });

  it('a leader that has no handler yet says so instead of hanging', async () => {
    name = `tabs-${Math.random()}`;
    tab('L', true);
    const follower = tab('F');
    const err = await follower.channel.syncNow().catch((e: unknown) => e);
    expect(isCloudSyncError(err, 'no-leader')).toBe(true);
    expect((err as Error).message).toMatch(/not available yet/);
  });

  it('a long sync is kept alive by the leader’s keep-alives, past the idle timeout', async () => {
    name = `tabs-${Math.random()}`;
    const leader = tab('L', true);
    const follower = tab('F');
    leader.channel.handle(SYNC_NOW, async () => {
      await sleep(2000); // more than twice idleTimeoutMs
      return report(['BIG']);
    });
    await expect(follower.channel.syncNow()).resolves.toEqual(report(['BIG']));
  });

  it('rejects at once when the leader tab closes mid-sync', async () => {
    name = `tabs-${Math.random()}`;
    const leader = tab('L', true);
    const follower = tab('F', false, { idleTimeoutMs: 60_000 });
    leader.channel.handle(SYNC_NOW, () => new Promise(() => {}));
    const pending = follower.channel.syncNow().catch((e: unknown) => e);
    await sleep(100);
    const t0 = Date.now();
    leader.channel.close();
    const err = await pending;
    expect(isCloudSyncError(err, 'no-leader')).toBe(true);
    expect((err as Error).message).toMatch(/closed or stopped answering/);
    expect(Date.now() - t0).toBeLessThan(1000);
  });

  it('during a brief double leadership the caller gets exactly one answer', async () => {
    name = `tabs-${Math.random()}`;
    const a = tab('A', true);
    const b = tab('B', true);
    const follower = tab('F');
    let runs = 0;
    a.channel.handle(SYNC_NOW, async () => (runs++, report(['from-A'])));
    b.channel.handle(SYNC_NOW, async () => (runs++, report(['from-B'])));
    const result = (await follower.channel.syncNow()) as { uploaded: string[] };
    expect(['from-A', 'from-B']).toContain(result.uploaded[0]);
    await sleep(100);
    expect(runs).toBe(2); // both ran (the cloud CAS keeps that safe); one answer was used
  });
});

describe('tab channel: dirty keys', () => {
  it('a follower’s dirty keys reach the leader', async () => {
    name = `tabs-${Math.random()}`;
    const leader = tab('L', true);
    const follower = tab('F');
    const got: [string[], string][] = [];
    leader.channel.onDirtyKeys((keys, from) => got.push([keys, from]));
    follower.channel.forwardDirtyKeys(['CHAT_1', 'CHAT_1', 'TM_useSettings']);
    await vi.waitFor(() => expect(got).toEqual([[['CHAT_1', 'TM_useSettings'], 'F']]));
    await sleep(300); // acknowledged: not sent again
    expect(got).toHaveLength(1);
  });

  it('keys forwarded while no tab leads are re-sent until a leader takes them', async () => {
    name = `tabs-${Math.random()}`;
    const follower = tab('F');
    const other = tab('O');
    const got: string[][] = [];
    other.channel.onDirtyKeys((keys) => got.push(keys));
    follower.channel.forwardDirtyKeys(['CHAT_9']);
    await sleep(200);
    expect(got).toEqual([]);
    other.state.lead = true; // leadership moved to O
    await vi.waitFor(() => expect(got).toEqual([['CHAT_9']]));
  });

  it('a follower that becomes leader keeps its own unsent keys', async () => {
    name = `tabs-${Math.random()}`;
    const follower = tab('F');
    const got: string[][] = [];
    follower.channel.onDirtyKeys((keys) => got.push(keys));
    follower.channel.forwardDirtyKeys(['A', 'B']);
    follower.state.lead = true;
    follower.channel.leadershipChanged(true);
    expect(got).toEqual([['A', 'B']]);
  });

  it('in the leader, dirty keys go straight to its listeners; a throwing listener does not lose them for others', () => {
    name = `tabs-${Math.random()}`;
    const leader = tab('L', true);
    const got: string[][] = [];
    leader.channel.onDirtyKeys(() => {
      throw new Error('broken');
    });
    leader.channel.onDirtyKeys((keys) => got.push(keys));
    leader.channel.forwardDirtyKeys(['X']);
    expect(got).toEqual([['X']]);
  });
});

describe('tab channel: structured changes', () => {
  type Change = { key: string; area: 'idb' | 'ls'; at: number };
  const isChange = (v: unknown): v is Change =>
    typeof v === 'object' && v !== null && typeof (v as Change).key === 'string' && ((v as Change).area === 'idb' || (v as Change).area === 'ls') && typeof (v as Change).at === 'number';

  it('carries the change feed’s { key, area, at } to the leader, drops repeats, and ignores malformed ones', async () => {
    name = `tabs-${Math.random()}`;
    const mk = (tabId: string, lead: boolean) => {
      const c = createTabChannel<Change>({ name, tabId, isLeader: () => lead, isChange, dirtyRetryMs: 80 });
      open.push(c as unknown as TabChannel);
      return c;
    };
    const leader = mk('L', true);
    const follower = mk('F', false);
    const got: Change[][] = [];
    leader.onDirtyKeys((changes) => got.push(changes));
    const change: Change = { key: 'CHAT_1', area: 'idb', at: 1000 };
    follower.forwardDirtyKeys([change, { ...change }, { key: 'theme', area: 'ls', at: 1001 }]);
    await vi.waitFor(() => expect(got).toEqual([[change, { key: 'theme', area: 'ls', at: 1001 }]]));

    // Another (older or broken) copy of the script sends something else: nothing reaches the listeners.
    const raw = new BroadcastChannel(name);
    raw.postMessage({ t: 'dirty', batch: 'x', from: 'OLD', keys: ['CHAT_2', { key: 5 }] });
    await sleep(100);
    raw.close();
    expect(got).toHaveLength(1);
  });
});

describe('tab channel: status', () => {
  const status: SyncStatus = { state: 'success', lastSync: 1_700_000_000_000, pending: 0, leader: true };

  it('the leader’s status reaches every other tab, and a new tab can ask for it', async () => {
    name = `tabs-${Math.random()}`;
    const leader = tab('L', true);
    const f1 = tab('F1');
    const seen1: SyncStatus[] = [];
    f1.channel.onStatus((s) => seen1.push(s));
    leader.channel.publishStatus(status);
    await vi.waitFor(() => expect(seen1).toEqual([status]));

    const f2 = tab('F2');
    const seen2: [SyncStatus, string][] = [];
    f2.channel.onStatus((s, from) => seen2.push([s, from]));
    f2.channel.requestStatus();
    await vi.waitFor(() => expect(seen2).toEqual([[status, 'L']]));
  });
});
