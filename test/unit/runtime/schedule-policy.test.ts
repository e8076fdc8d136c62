import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as p from '../../../src/runtime/schedule-policy';

const cfg = p.normalizeConfig({ intervalMs: 30_000, quietMs: 3000, maxQuietWaitMs: 20_000, focusGapMs: 5000, backoff: { baseMs: 5000, maxMs: 60_000 } });

type Step =
  | { k: 'trigger'; trigger: p.Trigger; dt: number }
  | { k: 'finish'; ok: boolean; random: number; dt: number }
  | { k: 'change'; dt: number }
  | { k: 'leader' | 'autoSync' | 'online'; value: boolean; dt: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ k: fc.constant('trigger' as const), trigger: fc.constantFrom<p.Trigger>('interval', 'change', 'focus', 'visible', 'online', 'manual', 'pagehide', 'leader'), dt: fc.nat(40_000) }),
  fc.record({ k: fc.constant('finish' as const), ok: fc.boolean(), random: fc.double({ min: 0, max: 1, noNaN: true }), dt: fc.nat(40_000) }),
  fc.record({ k: fc.constant('change' as const), dt: fc.nat(10_000) }),
  fc.record({ k: fc.constantFrom('leader' as const, 'autoSync' as const, 'online' as const), value: fc.boolean(), dt: fc.nat(10_000) }),
);

describe('schedule policy (properties over random event sequences)', () => {
  it('never starts a cycle while one runs, never plans one when it may not run, never before the back-off ends', () => {
    fc.assert(
      fc.property(fc.boolean(), fc.array(step, { maxLength: 60 }), (noSync, steps) => {
        let now = 1_000_000;
        let s = p.initialScheduleState({ autoSync: true, noSync, leader: true, now });
        let cycles = 0;
        for (const st of steps) {
          now += st.dt;
          if (st.k === 'trigger') {
            const { state, decision } = p.decideTrigger(s, st.trigger, now, cfg);
            if (decision === 'run') {
              expect(s.running).toBe(false);
              expect(noSync).toBe(false);
              if (st.trigger !== 'manual' && st.trigger !== 'pagehide') expect(now).toBeGreaterThanOrEqual(s.retryAt);
              s = p.runStarted(state, now);
              cycles++;
            } else s = state;
          } else if (st.k === 'finish' && s.running) {
            const r = p.runFinished(s, { ok: st.ok, now, random: st.random }, cfg);
            s = r.state;
            if (!st.ok) {
              const wait = s.retryAt - now;
              expect(wait).toBeGreaterThanOrEqual(cfg.backoff.baseMs / 2);
              expect(wait).toBeLessThanOrEqual(cfg.backoff.maxMs);
            }
            if (r.followUp !== 'none') s = p.runStarted(s, now);
          } else if (st.k === 'change') s = p.noteChange(s, now);
          else if (st.k === 'leader') s = p.setLeader(s, st.value, now);
          else if (st.k === 'autoSync') s = p.setAutoSync(s, st.value, now);
          else if (st.k === 'online') s = p.setOnline(s, st.value);

          const next = p.nextAutomaticRun(s, cfg);
          if (!s.leader || !s.autoSync || s.noSync || !s.online || s.running) expect(next).toBeNull();
          else {
            expect(next).not.toBeNull();
            expect(next!.at).toBeGreaterThanOrEqual(s.retryAt);
            expect(next!.at).toBeLessThanOrEqual(Math.max(s.intervalFrom + cfg.intervalMs, s.retryAt));
          }
        }
        if (noSync) expect(cycles).toBe(0);
      }),
      { numRuns: 300 },
    );
  });

  it('a change is forgotten only by a successful cycle that started after it', () => {
    let s = p.initialScheduleState({ autoSync: true, noSync: false, leader: true, now: 0 });
    s = p.runStarted(s, 10);
    s = p.noteChange(s, 10); // same millisecond as the start, but after it
    s = p.runFinished(s, { ok: true, now: 20, random: 0 }, cfg).state;
    expect(p.hasPendingChanges(s)).toBe(true);
    s = p.runStarted(s, 30);
    s = p.runFinished(s, { ok: false, now: 40, random: 0 }, cfg).state;
    expect(p.hasPendingChanges(s)).toBe(true);
    s = p.runStarted(s, 50);
    s = p.runFinished(s, { ok: true, now: 60, random: 0 }, cfg).state;
    expect(p.hasPendingChanges(s)).toBe(false);
  });

  it('normalizes settings: interval floor of 15 s, bad numbers fall back to defaults', () => {
    expect(p.normalizeConfig({ intervalMs: 1000 }).intervalMs).toBe(p.MIN_INTERVAL_MS);
    expect(p.normalizeConfig({ intervalMs: 60_000 }).intervalMs).toBe(60_000);
    expect(p.normalizeConfig({ quietMs: Number.NaN }).quietMs).toBe(p.DEFAULT_SCHEDULE_CONFIG.quietMs);
    expect(p.normalizeConfig({ quietMs: -5 }).quietMs).toBe(p.DEFAULT_SCHEDULE_CONFIG.quietMs);
  });
});
