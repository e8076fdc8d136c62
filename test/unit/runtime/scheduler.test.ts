import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { isCloudSyncError } from '../../../src/errors';
import { createScheduler, type RunContext, type Scheduler } from '../../../src/runtime/scheduler';
import type { Trigger } from '../../../src/runtime/schedule-policy';

/** A page stand-in: window and document are plain EventTargets, as the scheduler only listens to them. */
function fakePage(online = true) {
  const window = new EventTarget();
  const document = Object.assign(new EventTarget(), { visibilityState: 'visible' as string });
  const navigator = { onLine: online };
  return {
    env: { window, document, navigator },
    fire(name: string, extra: Record<string, unknown> = {}) {
      const target = name === 'visibilitychange' ? document : window;
      target.dispatchEvent(Object.assign(new Event(name), extra));
    },
    setOnline(on: boolean) {
      navigator.onLine = on;
      window.dispatchEvent(new Event(on ? 'online' : 'offline'));
    },
  };
}

/** A run function whose cycles the test finishes by hand, recording the trigger of each. */
function controllableRun() {
  const calls: { trigger: Trigger; signal: AbortSignal; resolve: (v: string) => void; reject: (e: unknown) => void }[] = [];
  const run = (ctx: RunContext) =>
    new Promise<string>((resolve, reject) => {
      calls.push({ ...ctx, resolve, reject });
    });
  return { run, calls, triggers: () => calls.map((c) => c.trigger) };
}

/** A run function that finishes by itself after `ms` of (fake) time. */
function timedRun(ms = 100, fail: () => boolean = () => false) {
  const triggers: Trigger[] = [];
  let active = 0;
  let maxActive = 0;
  const run = async (ctx: RunContext) => {
    triggers.push(ctx.trigger);
    active++;
    maxActive = Math.max(maxActive, active);
    if (ms > 0) await new Promise((r) => setTimeout(r, ms)); // (a 0 ms fake timer would still take 1 ms)
    active--;
    if (fail()) throw new Error('network down');
    return `report-${triggers.length}`;
  };
  return { run, triggers, maxActive: () => maxActive };
}

let scheduler: Scheduler<string> | undefined;
beforeEach(() => {
  vi.useFakeTimers({ now: new Date('2026-01-01T00:00:00Z') });
});
afterEach(() => {
  scheduler?.stop();
  scheduler = undefined;
  vi.useRealTimers();
});

describe('scheduler: interval', () => {
  it('runs the initial cycle on becoming leader, then every intervalMs after the previous cycle ended', async () => {
    const page = fakePage();
    const r = timedRun(1000);
    scheduler = createScheduler({ run: r.run, autoSync: true, noSync: false, leader: true, env: page.env, config: { intervalMs: 20_000 }, random: () => 0.5 });
    scheduler.start();
    expect(r.triggers).toEqual(['leader']);
    await vi.advanceTimersByTimeAsync(1000); // first cycle ends at t=1 s
    await vi.advanceTimersByTimeAsync(19_999);
    expect(r.triggers).toEqual(['leader']);
    await vi.advanceTimersByTimeAsync(1);
    expect(r.triggers).toEqual(['leader', 'interval']);
    await vi.advanceTimersByTimeAsync(21_000);
    expect(r.triggers).toEqual(['leader', 'interval', 'interval']);
  });

  it('never runs faster than every 15 s, whatever the setting says', async () => {
    const r = timedRun(0);
    scheduler = createScheduler({ run: r.run, autoSync: true, noSync: false, leader: true, config: { intervalMs: 1000 } });
    scheduler.start();
    await vi.advanceTimersByTimeAsync(14_999);
    expect(r.triggers).toEqual(['leader']);
    await vi.advanceTimersByTimeAsync(1);
    expect(r.triggers).toEqual(['leader', 'interval']);
  });

  it('a follower tab runs nothing on its own, and starts when it becomes leader', async () => {
    const r = timedRun(0);
    scheduler = createScheduler({ run: r.run, autoSync: true, noSync: false, leader: false });
    scheduler.start();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(r.triggers).toEqual([]);
    scheduler.setLeader(true);
    expect(r.triggers).toEqual(['leader']);
    await vi.advanceTimersByTimeAsync(15_000);
    expect(r.triggers).toEqual(['leader', 'interval']);
    scheduler.setLeader(false);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(r.triggers).toEqual(['leader', 'interval']);
  });

  it('picks up a new interval from the settings without a reload', async () => {
    const r = timedRun(0);
    scheduler = createScheduler({ run: r.run, autoSync: true, noSync: false, leader: true, config: { intervalMs: 60_000 } });
    scheduler.start();
    scheduler.configure({ intervalMs: 30_000 });
    await vi.advanceTimersByTimeAsync(30_000);
    expect(r.triggers).toEqual(['leader', 'interval']);
  });
});

describe('scheduler: local changes', () => {
  it('runs quietMs after the last change, postponed while changes keep coming', async () => {
    const r = timedRun(0);
    scheduler = createScheduler({ run: r.run, autoSync: true, noSync: false, leader: true, config: { intervalMs: 600_000, quietMs: 3000 } });
    scheduler.start();
    await vi.advanceTimersByTimeAsync(10);
    scheduler.noteChange();
    await vi.advanceTimersByTimeAsync(2000);
    scheduler.noteChange(); // still typing / streaming
    await vi.advanceTimersByTimeAsync(2999);
    expect(r.triggers).toEqual(['leader']);
    await vi.advanceTimersByTimeAsync(1);
    expect(r.triggers).toEqual(['leader', 'change']);
    expect(scheduler.snapshot().pendingChanges).toBe(false);
  });

  it('a stream of changes cannot postpone the sync past maxQuietWaitMs', async () => {
    const r = timedRun(0);
    scheduler = createScheduler({
      run: r.run, autoSync: true, noSync: false, leader: true,
      config: { intervalMs: 600_000, quietMs: 3000, maxQuietWaitMs: 10_000 },
    });
    scheduler.start();
    await vi.advanceTimersByTimeAsync(10);
    for (let i = 0; i < 12; i++) {
      scheduler.noteChange();
      await vi.advanceTimersByTimeAsync(1000);
    }
    expect(r.triggers).toEqual(['leader', 'change']);
  });

  it('a change made during a cycle is synced by another cycle after it', async () => {
    const c = controllableRun();
    scheduler = createScheduler({ run: c.run, autoSync: true, noSync: false, leader: true, config: { intervalMs: 600_000, quietMs: 3000 } });
    scheduler.start();
    scheduler.noteChange();
    c.calls[0]!.resolve('done');
    await vi.advanceTimersByTimeAsync(0);
    expect(scheduler.snapshot().pendingChanges).toBe(true);
    await vi.advanceTimersByTimeAsync(3000);
    expect(c.triggers()).toEqual(['leader', 'change']);
  });
});

describe('scheduler: focus, visibility, pagehide', () => {
  it('runs on focus and on becoming visible, but not twice when both fire together', async () => {
    const page = fakePage();
    const r = timedRun(100);
    scheduler = createScheduler({ run: r.run, autoSync: true, noSync: false, leader: true, env: page.env, config: { intervalMs: 600_000, focusGapMs: 5000 } });
    scheduler.start();
    await vi.advanceTimersByTimeAsync(60_000);
    page.fire('focus');
    await vi.advanceTimersByTimeAsync(200);
    page.env.document.visibilityState = 'visible';
    page.fire('visibilitychange');
    await vi.advanceTimersByTimeAsync(200);
    expect(r.triggers).toEqual(['leader', 'focus']);
    page.env.document.visibilityState = 'hidden';
    page.fire('visibilitychange');
    await vi.advanceTimersByTimeAsync(10_000);
    page.env.document.visibilityState = 'visible';
    page.fire('visibilitychange');
    expect(r.triggers).toEqual(['leader', 'focus', 'visible']);
  });

  it('returning from the back/forward cache counts as becoming visible', async () => {
    const page = fakePage();
    const r = timedRun(0);
    scheduler = createScheduler({ run: r.run, autoSync: true, noSync: false, leader: true, env: page.env, config: { intervalMs: 600_000 } });
    scheduler.start();
    await vi.advanceTimersByTimeAsync(30_000);
    page.fire('pageshow', { persisted: false });
    expect(r.triggers).toEqual(['leader']);
    page.fire('pageshow', { persisted: true });
    expect(r.triggers).toEqual(['leader', 'visible']);
  });

  it('on pagehide makes a last attempt only with pending changes the caller finds small enough', async () => {
    const page = fakePage();
    const r = timedRun(0);
    let small = false;
    const asked: number[] = [];
    scheduler = createScheduler({
      run: r.run, autoSync: true, noSync: false, leader: true, env: page.env, config: { intervalMs: 600_000 },
      shouldFlushOnPageHide: () => (asked.push(1), small),
    });
    scheduler.start();
    await vi.advanceTimersByTimeAsync(10);
    page.fire('pagehide');
    expect(r.triggers).toEqual(['leader']); // nothing pending: nothing to send
    scheduler.noteChange();
    page.fire('pagehide');
    expect(r.triggers).toEqual(['leader']); // the caller said too big
    small = true;
    page.fire('pagehide');
    expect(r.triggers).toEqual(['leader', 'pagehide']);
    expect(asked.length).toBe(2); // not asked when there was nothing to send
  });
});

describe('scheduler: one cycle at a time', () => {
  it('triggers during a cycle coalesce into exactly one follow-up', async () => {
    const page = fakePage();
    const r = timedRun(10_000);
    scheduler = createScheduler({ run: r.run, autoSync: true, noSync: false, leader: true, env: page.env, config: { intervalMs: 15_000, focusGapMs: 0 } });
    scheduler.start();
    await vi.advanceTimersByTimeAsync(1000);
    page.fire('focus');
    page.fire('visibilitychange');
    scheduler.trigger('online');
    scheduler.noteChange();
    await vi.advanceTimersByTimeAsync(9000); // first cycle ends, follow-up starts
    expect(r.triggers).toEqual(['leader', 'follow-up']);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(r.maxActive()).toBe(1);
  });

  it('interval ticks do not overlap a cycle longer than the interval', async () => {
    const r = timedRun(40_000);
    scheduler = createScheduler({ run: r.run, autoSync: true, noSync: false, leader: true, config: { intervalMs: 15_000 } });
    scheduler.start();
    await vi.advanceTimersByTimeAsync(200_000);
    expect(r.maxActive()).toBe(1);
    // 40 s cycles separated by 15 s: leader at 0, then every 55 s
    expect(r.triggers).toEqual(['leader', 'interval', 'interval', 'interval']);
  });

  it('Sync now during a cycle resolves with the report of a cycle that started after the click', async () => {
    const c = controllableRun();
    scheduler = createScheduler({ run: c.run, autoSync: true, noSync: false, leader: true, config: { intervalMs: 600_000 } });
    scheduler.start();
    const first = scheduler.runNow();
    const second = scheduler.runNow();
    expect(c.calls.length).toBe(1);
    c.calls[0]!.resolve('automatic');
    await vi.advanceTimersByTimeAsync(0);
    expect(c.triggers()).toEqual(['leader', 'manual']);
    c.calls[1]!.resolve('manual report');
    await expect(first).resolves.toBe('manual report');
    await expect(second).resolves.toBe('manual report');
  });

  it('Sync now rejects with the error of its cycle', async () => {
    const c = controllableRun();
    scheduler = createScheduler({ run: c.run, autoSync: false, noSync: false, leader: true });
    scheduler.start();
    const p = scheduler.runNow();
    c.calls[0]!.reject(new Error('bucket gone'));
    await expect(p).rejects.toThrow('bucket gone');
  });
});

describe('scheduler: failures and offline', () => {
  it('backs off exponentially after failures, keeps the timer alive after a failed first cycle, resets on success', async () => {
    let failing = true;
    const r = timedRun(0, () => failing);
    const errors: unknown[] = [];
    scheduler = createScheduler({
      run: r.run, autoSync: true, noSync: false, leader: true, random: () => 1,
      config: { intervalMs: 15_000, quietMs: 0, backoff: { baseMs: 20_000, maxMs: 80_000 } },
      onRunError: (e) => errors.push(e),
    });
    scheduler.start(); // fails at t=0 → retry at 20 s (not 15 s)
    await vi.advanceTimersByTimeAsync(19_999);
    expect(r.triggers.length).toBe(1);
    await vi.advanceTimersByTimeAsync(1); // t=20 s, fails → 40 s later
    expect(r.triggers.length).toBe(2);
    await vi.advanceTimersByTimeAsync(39_999);
    expect(r.triggers.length).toBe(2);
    await vi.advanceTimersByTimeAsync(1); // t=60 s, fails → 80 s (cap)
    expect(r.triggers.length).toBe(3);
    expect(scheduler.snapshot().failures).toBe(3);
    await vi.advanceTimersByTimeAsync(80_000); // t=140 s, fails → capped at 80 s
    expect(r.triggers.length).toBe(4);
    failing = false;
    await vi.advanceTimersByTimeAsync(80_000); // succeeds at 220 s
    expect(r.triggers.length).toBe(5);
    expect(scheduler.snapshot().failures).toBe(0);
    await vi.advanceTimersByTimeAsync(15_000); // back to the plain interval
    expect(r.triggers.length).toBe(6);
    expect(errors.length).toBe(4);
  });

  it('focus does not bypass the back-off, but Sync now does', async () => {
    const page = fakePage();
    const r = timedRun(0, () => true);
    scheduler = createScheduler({
      run: r.run, autoSync: true, noSync: false, leader: true, env: page.env, random: () => 1,
      config: { focusGapMs: 0, backoff: { baseMs: 60_000, maxMs: 60_000 } },
      onRunError: () => {},
    });
    scheduler.start();
    await vi.advanceTimersByTimeAsync(1000);
    page.fire('focus');
    expect(r.triggers).toEqual(['leader']);
    const manual = scheduler.runNow().catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(0);
    expect(await manual).toHaveProperty('message', 'network down');
    expect(r.triggers).toEqual(['leader', 'manual']);
  });

  it('waits while offline and syncs as soon as the network is back', async () => {
    const page = fakePage(false);
    const r = timedRun(0);
    scheduler = createScheduler({ run: r.run, autoSync: true, noSync: false, leader: true, env: page.env });
    scheduler.start();
    scheduler.noteChange();
    await vi.advanceTimersByTimeAsync(120_000);
    expect(r.triggers).toEqual([]);
    expect(scheduler.snapshot().nextRunAt).toBeNull();
    page.setOnline(true);
    expect(r.triggers).toEqual(['online']);
    page.setOnline(false);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(r.triggers).toEqual(['online']);
  });

  it('back online clears the back-off left by failures that the outage caused', async () => {
    const page = fakePage();
    let failing = true;
    const r = timedRun(0, () => failing);
    scheduler = createScheduler({
      run: r.run, autoSync: true, noSync: false, leader: true, env: page.env, random: () => 1,
      config: { backoff: { baseMs: 300_000, maxMs: 300_000 } }, onRunError: () => {},
    });
    scheduler.start();
    await vi.advanceTimersByTimeAsync(10);
    page.setOnline(false);
    failing = false;
    page.setOnline(true);
    expect(r.triggers).toEqual(['leader', 'online']);
  });
});

describe('scheduler: Auto-Sync and NoSync', () => {
  it('with Auto-Sync off there is no timer and no automatic trigger, but Sync now works', async () => {
    const page = fakePage();
    const r = timedRun(0);
    scheduler = createScheduler({ run: r.run, autoSync: false, noSync: false, leader: true, env: page.env });
    scheduler.start();
    scheduler.noteChange();
    page.fire('focus');
    await vi.advanceTimersByTimeAsync(600_000);
    expect(r.triggers).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
    const manual = scheduler.runNow();
    await vi.advanceTimersByTimeAsync(0);
    await expect(manual).resolves.toBe('report-1');
    expect(r.triggers).toEqual(['manual']);
  });

  it('turning Auto-Sync on starts the interval (no immediate cycle, as the original); off stops it', async () => {
    const r = timedRun(0);
    scheduler = createScheduler({ run: r.run, autoSync: false, noSync: false, leader: true });
    scheduler.start();
    await vi.advanceTimersByTimeAsync(5000);
    scheduler.setAutoSync(true);
    expect(r.triggers).toEqual([]);
    await vi.advanceTimersByTimeAsync(15_000);
    expect(r.triggers).toEqual(['interval']);
    scheduler.setAutoSync(false);
    await vi.advanceTimersByTimeAsync(600_000);
    expect(r.triggers).toEqual(['interval']);
  });

  it('NoSync mode runs nothing at all and Sync now says why', async () => {
    const page = fakePage();
    const r = timedRun(0);
    scheduler = createScheduler({ run: r.run, autoSync: true, noSync: true, leader: true, env: page.env });
    scheduler.start();
    scheduler.noteChange();
    page.fire('focus');
    page.setOnline(true);
    await vi.advanceTimersByTimeAsync(600_000);
    expect(r.triggers).toEqual([]);
    const err = await scheduler.runNow().catch((e: unknown) => e);
    expect(isCloudSyncError(err, 'sync-disabled')).toBe(true);
    expect((err as Error).message).toMatch(/nosync/);
  });

  it('a follower refuses Sync now (it must go through the leader)', async () => {
    const r = timedRun(0);
    scheduler = createScheduler({ run: r.run, autoSync: true, noSync: false, leader: false });
    scheduler.start();
    const err = await scheduler.runNow().catch((e: unknown) => e);
    expect(isCloudSyncError(err, 'no-leader')).toBe(true);
    expect(r.triggers).toEqual([]);
  });
});

describe('scheduler: stop', () => {
  it('aborts the running cycle, rejects waiting Sync now calls and removes its listeners', async () => {
    const page = fakePage();
    const c = controllableRun();
    const s = createScheduler({ run: c.run, autoSync: true, noSync: false, leader: true, env: page.env, config: { focusGapMs: 0 } });
    s.start();
    const waiting = s.runNow();
    s.stop();
    expect(c.calls[0]!.signal.aborted).toBe(true);
    await expect(waiting).rejects.toSatisfy((e: unknown) => isCloudSyncError(e, 'aborted'));
    c.calls[0]!.resolve('late');
    page.fire('focus');
    await vi.advanceTimersByTimeAsync(600_000);
    expect(c.calls.length).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('scheduler: leadership lost during a cycle', () => {
  it('does not run the waiting Sync now in a tab that no longer leads, and says so', async () => {
    const c = controllableRun();
    scheduler = createScheduler({ run: c.run, autoSync: true, noSync: false, leader: true });
    scheduler.start();
    const waiting = scheduler.runNow().catch((e: unknown) => e);
    scheduler.setLeader(false);
    c.calls[0]!.resolve('done');
    const err = await waiting;
    expect(isCloudSyncError(err, 'no-leader')).toBe(true);
    expect(c.calls).toHaveLength(1);
  });
});

describe('scheduler: robustness', () => {
  it('keeps its timer when the status listener or the error listener throws', async () => {
    const r = timedRun(0, () => true);
    scheduler = createScheduler({
      run: r.run, autoSync: true, noSync: false, leader: true, random: () => 1,
      config: { intervalMs: 15_000, backoff: { baseMs: 1000, maxMs: 1000 } },
      onChange: () => {
        throw new Error('status panel broken');
      },
      onRunError: () => {
        throw new Error('logger broken');
      },
    });
    scheduler.start();
    await vi.advanceTimersByTimeAsync(15_000);
    await vi.advanceTimersByTimeAsync(15_000);
    expect(r.triggers).toEqual(['leader', 'interval', 'interval']);
  });

  it('a run function that throws synchronously counts as a failed cycle', async () => {
    const errors: unknown[] = [];
    scheduler = createScheduler({
      run: () => {
        throw new Error('not a promise');
      },
      autoSync: true, noSync: false, leader: true, onRunError: (e) => errors.push(e),
    });
    scheduler.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(errors).toHaveLength(1);
    expect(scheduler.snapshot()).toMatchObject({ running: false, failures: 1 });
  });
});
