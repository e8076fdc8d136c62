/**
 * The heartbeat election under random schedules of tabs opening, closing and crashing, with random message
 * delays (in order per sender, as BroadcastChannel delivers them), on fake timers so thousands of seconds run
 * in milliseconds. Checked: never two live leaders at once, and one leader again soon after things settle.
 */
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { BroadcastChannelLike } from '../../../src/runtime/channel-types';
import { createHeartbeatElection, type HeartbeatElection } from '../../../src/runtime/heartbeat-election';
import { globalTimers } from '../../../src/runtime/timers';

const TIMING = { heartbeatMs: 1000, leaderTimeoutMs: 3500, hiddenLeaderTimeoutMs: 70_000, claimWindowMs: 150 };
const MAX_LATENCY = 40; // well under the claim window, as between tabs of one browser

/** An in-memory broadcast network with per-pair FIFO delivery and a random delay per message. */
function network(latency: () => number) {
  const members = new Set<Member>();
  class Member implements BroadcastChannelLike {
    listeners = new Set<(e: MessageEvent) => void>();
    lastDelivery = new Map<Member, number>();
    alive = true;
    constructor() {
      members.add(this);
    }
    postMessage(message: unknown) {
      if (!this.alive) return;
      for (const to of members) {
        if (to === this) continue;
        const at = Math.max(this.lastDelivery.get(to) ?? 0, Date.now() + latency());
        this.lastDelivery.set(to, at);
        setTimeout(() => {
          if (to.alive) for (const l of [...to.listeners]) l({ data: message } as MessageEvent);
        }, at - Date.now());
      }
    }
    close() {
      this.alive = false;
      members.delete(this);
    }
    addEventListener(_t: 'message', l: (e: MessageEvent) => void) {
      this.listeners.add(l);
    }
    removeEventListener(_t: 'message', l: (e: MessageEvent) => void) {
      this.listeners.delete(l);
    }
  }
  return { join: () => new Member() };
}

type Action = { kind: 'open' | 'close' | 'crash'; pick: number; wait: number };

const action: fc.Arbitrary<Action> = fc.record({
  kind: fc.constantFrom('open', 'open', 'close', 'crash'),
  pick: fc.nat(),
  wait: fc.integer({ min: 0, max: 6000 }),
});

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('heartbeat election under random schedules', () => {
  it('never has two live leaders, and has exactly one soon after the last change', () => {
    fc.assert(
      fc.property(fc.array(action, { minLength: 1, maxLength: 25 }), fc.integer({ min: 1, max: 2 ** 30 }), (actions, seed) => {
        vi.clearAllTimers();
        let rng = seed;
        const random = () => ((rng = (rng * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
        const net = network(() => Math.floor(random() * MAX_LATENCY));
        const tabs: { id: string; election: HeartbeatElection; channel: ReturnType<typeof net.join> }[] = [];
        let counter = 0;

        const check = () => {
          const leaders = tabs.filter((t) => t.election.isLeader);
          expect(leaders.length, `leaders: ${leaders.map((l) => l.id)}`).toBeLessThanOrEqual(1);
        };
        /** Advance timer by timer (every state change happens in one), checking the invariant after each. */
        const run = (ms: number) => {
          const end = Date.now() + ms;
          while (Date.now() < end && vi.getTimerCount() > 0) {
            vi.advanceTimersToNextTimer();
            check();
          }
          if (Date.now() < end) vi.setSystemTime(end);
        };

        for (const a of actions) {
          if (a.kind === 'open' || tabs.length === 0) {
            const channel = net.join();
            // Ids in opening order, as makeTabId makes them (creation time first).
            const id = `tab${String(counter++).padStart(3, '0')}`;
            const election = createHeartbeatElection({ tabId: id, channel, timers: globalTimers, timing: TIMING, isVisible: () => true, setLeader: () => {} });
            tabs.push({ id, election, channel });
          } else {
            const [victim] = tabs.splice(a.pick % tabs.length, 1);
            if (a.kind === 'close') victim!.election.stop(); // says goodbye
            victim!.channel.close(); // a crash: gone without a word
          }
          run(a.wait);
        }
        // Settled: a dead leader's timeout plus an election, with margin.
        run(TIMING.leaderTimeoutMs + TIMING.claimWindowMs + 3 * MAX_LATENCY + 500);
        if (tabs.length > 0) expect(tabs.filter((t) => t.election.isLeader).length).toBe(1);
        for (const t of tabs) t.election.stop();
      }),
      { numRuns: 150 },
    );
  });
});
