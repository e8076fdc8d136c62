import { afterEach, describe, expect, it, vi } from 'vitest';
import type { BroadcastChannelLike, LockManagerLike } from '../../../src/runtime/channel-types';
import { createLeaderElection, type LeaderElection, type LeaderElectionOptions } from '../../../src/runtime/leader-election';
import { createLockHub } from '../../support/memory-locks';

/**
 * Node's own BroadcastChannel, with a switch to cut one tab off the network (a crash without goodbye, or a
 * partition) so the heartbeat's failure paths can be exercised.
 */
class CuttableChannel extends BroadcastChannel implements BroadcastChannelLike {
  static cut = new Set<string>();
  owner = '';
  override postMessage(message: unknown): void {
    if (!CuttableChannel.cut.has(this.owner)) super.postMessage(message);
  }
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override addEventListener(type: any, listener: any, options?: any): void {
    super.addEventListener(
      type,
      (event: Event) => {
        if (!CuttableChannel.cut.has(this.owner)) listener(event);
      },
      options,
    );
  }
}

// Short enough for a quick test, with margins wide enough for a loaded CI machine (an event-loop stall under the
// leader timeout must not look like a dead leader).
const FAST = { heartbeatMs: 50, leaderTimeoutMs: 1000, hiddenLeaderTimeoutMs: 3500, claimWindowMs: 100 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let elections: LeaderElection[] = [];
let channelName = '';
afterEach(() => {
  for (const e of elections) e.stop();
  elections = [];
  CuttableChannel.cut.clear();
});

/** A "tab": an election plus the history of its onChange calls. */
function tab(options: Partial<LeaderElectionOptions> & { tabId: string }) {
  const changes: boolean[] = [];
  const Channel = class extends CuttableChannel {
    constructor(name: string) {
      super(name);
      this.owner = options.tabId;
    }
  };
  const election = createLeaderElection({
    name: channelName,
    locks: null,
    BroadcastChannel: Channel,
    timing: FAST,
    ...options,
    onChange: (v) => changes.push(v),
  });
  elections.push(election);
  return { election, changes };
}

const leaders = (tabs: { election: LeaderElection }[]) => tabs.filter((t) => t.election.isLeader).map((t) => t.election.tabId);

describe('leader election with Web Locks', () => {
  it('exactly one tab leads; when it stops, the next one takes over at once', async () => {
    const hub = createLockHub();
    channelName = `locks-${Math.random()}`;
    const a = tab({ tabId: 'a', locks: hub.tab() });
    const b = tab({ tabId: 'b', locks: hub.tab() });
    expect(a.election.kind).toBe('locks');
    await vi.waitFor(() => expect(a.election.isLeader).toBe(true));
    await sleep(20);
    expect(leaders([a, b])).toEqual(['a']);
    a.election.stop();
    expect(a.changes).toEqual([true, false]);
    await vi.waitFor(() => expect(b.election.isLeader).toBe(true));
    expect(b.changes).toEqual([true]);
  });

  it('hands over when the leader tab closes without saying goodbye', async () => {
    const hub = createLockHub();
    channelName = `locks-${Math.random()}`;
    const aLocks = hub.tab();
    const a = tab({ tabId: 'a', locks: aLocks });
    const b = tab({ tabId: 'b', locks: hub.tab() });
    await vi.waitFor(() => expect(a.election.isLeader).toBe(true));
    aLocks.close(); // the browser releases the dead tab's lock
    await vi.waitFor(() => expect(b.election.isLeader).toBe(true));
  });

  it('gives the lock up on pagehide and competes again when the page comes back from the bfcache', async () => {
    const hub = createLockHub();
    channelName = `locks-${Math.random()}`;
    const page = new EventTarget();
    const a = tab({ tabId: 'a', locks: hub.tab(), lifecycle: page });
    const b = tab({ tabId: 'b', locks: hub.tab() });
    await vi.waitFor(() => expect(a.election.isLeader).toBe(true));
    page.dispatchEvent(new Event('pagehide'));
    expect(a.election.isLeader).toBe(false);
    await vi.waitFor(() => expect(b.election.isLeader).toBe(true));
    page.dispatchEvent(Object.assign(new Event('pageshow'), { persisted: true }));
    b.election.stop();
    await vi.waitFor(() => expect(a.election.isLeader).toBe(true));
    expect(a.changes).toEqual([true, false, true]);
  });

  it('a lone tab that hides and returns leads again', async () => {
    const hub = createLockHub();
    channelName = `locks-${Math.random()}`;
    const page = new EventTarget();
    const a = tab({ tabId: 'a', locks: hub.tab(), lifecycle: page });
    await vi.waitFor(() => expect(a.election.isLeader).toBe(true));
    page.dispatchEvent(new Event('pagehide'));
    page.dispatchEvent(Object.assign(new Event('pageshow'), { persisted: true }));
    await vi.waitFor(() => expect(a.election.isLeader).toBe(true));
    expect(hub.holder(channelName)).toBe(0);
  });

  it('keeps leadership when the app’s onChange throws', async () => {
    const hub = createLockHub();
    channelName = `locks-${Math.random()}`;
    const fallbacks: unknown[] = [];
    const e = createLeaderElection({
      name: channelName,
      locks: hub.tab(),
      BroadcastChannel: null,
      onChange: () => {
        throw new Error('app not ready');
      },
      onFallback: (err) => fallbacks.push(err),
    });
    elections.push(e);
    await vi.waitFor(() => expect(e.isLeader).toBe(true));
    await sleep(20);
    expect(e.kind).toBe('locks');
    expect(hub.holder(channelName)).toBe(0);
    expect(fallbacks).toEqual([]);
  });

  it('falls back to the heartbeat when the lock API fails', async () => {
    channelName = `fallback-${Math.random()}`;
    const broken: LockManagerLike = { request: () => Promise.reject(Object.assign(new Error('insecure'), { name: 'SecurityError' })) };
    const fallbacks: unknown[] = [];
    const a = tab({ tabId: 'a', locks: broken, onFallback: (e) => fallbacks.push(e) });
    await vi.waitFor(() => expect(a.election.isLeader).toBe(true));
    expect(a.election.kind).toBe('broadcast');
    expect(fallbacks).toHaveLength(1);
  });
});

describe('leader election with the BroadcastChannel heartbeat', () => {
  it('tabs started together agree on exactly one leader, the smallest id, and it stays', async () => {
    channelName = `hb-${Math.random()}`;
    const tabs = ['t3', 't1', 't2'].map((id) => tab({ tabId: id }));
    expect(tabs[0]!.election.kind).toBe('broadcast');
    await vi.waitFor(() => expect(leaders(tabs)).toEqual(['t1']));
    await sleep(FAST.leaderTimeoutMs * 2); // many heartbeats later: no flapping
    expect(leaders(tabs)).toEqual(['t1']);
    for (const t of tabs) expect(t.changes.filter(Boolean).length).toBeLessThanOrEqual(1);
  });

  it('a new tab never unseats a working leader, even with a smaller id', async () => {
    channelName = `hb-${Math.random()}`;
    const b = tab({ tabId: 'b' });
    await vi.waitFor(() => expect(b.election.isLeader).toBe(true));
    const a = tab({ tabId: 'a' });
    await sleep(FAST.leaderTimeoutMs * 2);
    expect(leaders([a, b])).toEqual(['b']);
    expect(a.changes).toEqual([]);
  });

  it('when the leader stops, another tab leads within a claim window', async () => {
    channelName = `hb-${Math.random()}`;
    const a = tab({ tabId: 'a' });
    await vi.waitFor(() => expect(a.election.isLeader).toBe(true));
    const b = tab({ tabId: 'b' });
    const c = tab({ tabId: 'c' });
    await sleep(FAST.claimWindowMs * 2);
    expect(leaders([a, b, c])).toEqual(['a']);
    const t0 = Date.now();
    a.election.stop();
    await vi.waitFor(() => expect(leaders([a, b, c])).toEqual(['b']));
    // The goodbye starts the election at once: no leader timeout to wait out.
    expect(Date.now() - t0).toBeLessThan(FAST.leaderTimeoutMs);
  });

  it('when the leader vanishes silently, another tab takes over after the leader timeout', async () => {
    channelName = `hb-${Math.random()}`;
    const a = tab({ tabId: 'a' });
    await vi.waitFor(() => expect(a.election.isLeader).toBe(true));
    const b = tab({ tabId: 'b' });
    await sleep(FAST.claimWindowMs * 2);
    CuttableChannel.cut.add('a'); // crashed: no goodbye, no heartbeats
    await vi.waitFor(() => expect(b.election.isLeader).toBe(true), { timeout: 3000 });
  });

  it('two leaders that meet after a partition resolve to the smaller id', async () => {
    channelName = `hb-${Math.random()}`;
    CuttableChannel.cut.add('y');
    const x = tab({ tabId: 'x' });
    const y = tab({ tabId: 'y' });
    // Neither hears the other, so each elects itself: the split brain the original could not resolve.
    await vi.waitFor(() => expect(leaders([x, y])).toEqual(['x', 'y']));
    CuttableChannel.cut.delete('y');
    await vi.waitFor(() => expect(leaders([x, y])).toEqual(['x']));
    expect(y.changes).toEqual([true, false]);
    expect(x.changes).toEqual([true]);
    await sleep(FAST.leaderTimeoutMs);
    expect(leaders([x, y])).toEqual(['x']);
  });

  it('a hidden leader, whose timers the browser throttles, is given the long timeout', async () => {
    channelName = `hb-${Math.random()}`;
    const doc = Object.assign(new EventTarget(), { visibilityState: 'hidden' });
    const a = tab({ tabId: 'a', document: doc });
    await vi.waitFor(() => expect(a.election.isLeader).toBe(true));
    const b = tab({ tabId: 'b' });
    await sleep(FAST.claimWindowMs * 2);
    CuttableChannel.cut.add('a');
    await sleep(FAST.leaderTimeoutMs * 2);
    expect(b.election.isLeader).toBe(false); // still trusting the hidden leader
    await vi.waitFor(() => expect(b.election.isLeader).toBe(true), { timeout: 5000 });
  });
});

describe('leader election without locks or BroadcastChannel', () => {
  it('the tab leads alone', async () => {
    channelName = `solo-${Math.random()}`;
    const changes: boolean[] = [];
    const e = createLeaderElection({ name: channelName, locks: null, BroadcastChannel: null, onChange: (v) => changes.push(v) });
    elections.push(e);
    expect(e.kind).toBe('solo');
    await vi.waitFor(() => expect(e.isLeader).toBe(true));
    e.stop();
    expect(changes).toEqual([true, false]);
  });
});
