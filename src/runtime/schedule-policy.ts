/**
 * When the leader tab runs a sync cycle: the pure half of the scheduler. No clock, no timers, no randomness:
 * the time and the random number come in as arguments, so every rule below is tested as a plain function.
 *
 * Rules (the original's §4.12 plus the fixes for W14/W15):
 * - Automatic cycles run only in the leader tab, with Auto-Sync on, outside NoSync mode, and while online.
 * - Every `intervalMs` (never below 15 s) after the previous cycle ended.
 * - Soon after local changes settle: `quietMs` after the last change, but no later than `maxQuietWaitMs` after
 *   the first unsynced one, so a stream of edits cannot postpone a sync forever.
 * - On focus / becoming visible / coming back online / becoming leader: at once, unless a cycle ended moments ago.
 * - After a failure, automatic cycles wait an exponential back-off with jitter (reset on success); unlike the
 *   original (W15), a failed first cycle does not stop the timer.
 * - Never two cycles at once: a trigger during a cycle becomes one follow-up cycle right after it.
 * - Manual "Sync now" ignores Auto-Sync, back-off and the offline flag (the user asked; the error will say why
 *   it failed), but not NoSync mode, which is the original's "Sync Off" (§8).
 */
import { backoffDelay, type BackoffConfig } from './backoff';

export type Trigger =
  | 'leader' // this tab just became the leader (the original's initial sync, §1.4)
  | 'interval'
  | 'change' // local changes have been quiet for long enough
  | 'focus'
  | 'visible'
  | 'online'
  | 'pagehide' // a last attempt before the page goes away
  | 'manual'
  | 'follow-up'; // a trigger arrived while a cycle was running

/** The original's floor (§14): a shorter interval in the settings is raised to this. */
export const MIN_INTERVAL_MS = 15_000;

export interface ScheduleConfig {
  intervalMs: number;
  quietMs: number;
  maxQuietWaitMs: number;
  /** Focus and visibility do not start a cycle if one ended less than this ago (they often fire together). */
  focusGapMs: number;
  backoff: BackoffConfig;
}

export const DEFAULT_SCHEDULE_CONFIG: ScheduleConfig = {
  intervalMs: 15_000,
  quietMs: 3_000,
  maxQuietWaitMs: 30_000,
  focusGapMs: 5_000,
  backoff: { baseMs: 5_000, maxMs: 5 * 60_000 },
};

export function normalizeConfig(partial: Partial<ScheduleConfig> = {}): ScheduleConfig {
  const c = { ...DEFAULT_SCHEDULE_CONFIG, ...partial, backoff: { ...DEFAULT_SCHEDULE_CONFIG.backoff, ...partial.backoff } };
  const num = (v: number, fallback: number) => (Number.isFinite(v) && v >= 0 ? v : fallback);
  return {
    intervalMs: Math.max(MIN_INTERVAL_MS, num(c.intervalMs, DEFAULT_SCHEDULE_CONFIG.intervalMs)),
    quietMs: num(c.quietMs, DEFAULT_SCHEDULE_CONFIG.quietMs),
    maxQuietWaitMs: num(c.maxQuietWaitMs, DEFAULT_SCHEDULE_CONFIG.maxQuietWaitMs),
    focusGapMs: num(c.focusGapMs, DEFAULT_SCHEDULE_CONFIG.focusGapMs),
    backoff: { baseMs: num(c.backoff.baseMs, 5_000), maxMs: num(c.backoff.maxMs, 300_000) },
  };
}

export type FollowUp = 'none' | 'auto' | 'manual';

export interface ScheduleState {
  autoSync: boolean;
  noSync: boolean;
  leader: boolean;
  online: boolean;
  running: boolean;
  runStartedAt: number | null;
  /** What arrived while a cycle was running; at most one follow-up runs. */
  followUp: FollowUp;
  /** The interval counts from here: the end of the last cycle, or when automatic syncing became possible. */
  intervalFrom: number;
  lastRunEndedAt: number | null;
  /** Consecutive failed cycles. */
  failures: number;
  /** No automatic cycle before this time (back-off after a failure). */
  retryAt: number;
  /** First and last local change not yet covered by a successful cycle, or null. */
  firstChangeAt: number | null;
  lastChangeAt: number | null;
  /** Counts noted changes; compared with `changeSeqAtStart` so a change during a cycle is never taken as synced. */
  changeSeq: number;
  changeSeqAtStart: number;
}

export function initialScheduleState(init: { autoSync: boolean; noSync: boolean; leader?: boolean; online?: boolean; now: number }): ScheduleState {
  return {
    autoSync: init.autoSync,
    noSync: init.noSync,
    leader: init.leader ?? false,
    online: init.online ?? true,
    running: false,
    runStartedAt: null,
    followUp: 'none',
    intervalFrom: init.now,
    lastRunEndedAt: null,
    failures: 0,
    retryAt: 0,
    firstChangeAt: null,
    lastChangeAt: null,
    changeSeq: 0,
    changeSeqAtStart: 0,
  };
}

/** May this tab start cycles on its own? */
export function automaticAllowed(s: ScheduleState): boolean {
  return s.autoSync && !s.noSync && s.leader;
}

export function hasPendingChanges(s: ScheduleState): boolean {
  return s.lastChangeAt !== null;
}

/** The next automatic cycle, if any: when, and why. The plumbing arms one timer for it. */
export function nextAutomaticRun(s: ScheduleState, cfg: ScheduleConfig): { at: number; trigger: Trigger } | null {
  if (!automaticAllowed(s) || !s.online || s.running) return null;
  let at = s.intervalFrom + cfg.intervalMs;
  let trigger: Trigger = 'interval';
  if (s.lastChangeAt !== null) {
    const settled = Math.min(s.lastChangeAt + cfg.quietMs, (s.firstChangeAt ?? s.lastChangeAt) + cfg.maxQuietWaitMs);
    if (settled < at) {
      at = settled;
      trigger = 'change';
    }
  }
  return { at: Math.max(at, s.retryAt), trigger };
}

export type TriggerDecision = 'run' | 'coalesce' | 'ignore';

/** What to do with a trigger that fires now. `change` and `interval` come from the timer; the rest from events. */
export function decideTrigger(s: ScheduleState, trigger: Trigger, now: number, cfg: ScheduleConfig): { state: ScheduleState; decision: TriggerDecision } {
  if (s.noSync) return { state: s, decision: 'ignore' };
  if (trigger === 'manual') {
    if (s.running) return { state: { ...s, followUp: 'manual' }, decision: 'coalesce' };
    return { state: s, decision: 'run' };
  }
  if (!automaticAllowed(s) || !s.online) return { state: s, decision: 'ignore' };
  if (trigger === 'pagehide') {
    // Only worth it with something to upload; a coalesced follow-up would never get to run.
    return { state: s, decision: !s.running && hasPendingChanges(s) ? 'run' : 'ignore' };
  }
  if (s.running) return { state: s.followUp === 'none' ? { ...s, followUp: 'auto' } : s, decision: 'coalesce' };
  if (now < s.retryAt) return { state: s, decision: 'ignore' };
  if ((trigger === 'focus' || trigger === 'visible') && s.lastRunEndedAt !== null && now - s.lastRunEndedAt < cfg.focusGapMs) {
    return { state: s, decision: 'ignore' };
  }
  return { state: s, decision: 'run' };
}

export function noteChange(s: ScheduleState, at: number): ScheduleState {
  return { ...s, firstChangeAt: s.firstChangeAt ?? at, lastChangeAt: at, changeSeq: s.changeSeq + 1 };
}

export function runStarted(s: ScheduleState, now: number): ScheduleState {
  return { ...s, running: true, runStartedAt: now, followUp: 'none', changeSeqAtStart: s.changeSeq };
}

/**
 * A cycle ended. Returns the new state and whether a follow-up should start right away: a manual one always,
 * an automatic one only if automatic cycles are still allowed and (after a failure) not while backing off.
 */
export function runFinished(
  s: ScheduleState,
  outcome: { ok: boolean; now: number; random: number },
  cfg: ScheduleConfig,
): { state: ScheduleState; followUp: FollowUp } {
  const { ok, now } = outcome;
  let next: ScheduleState = { ...s, running: false, runStartedAt: null, followUp: 'none', lastRunEndedAt: now, intervalFrom: now };
  if (ok) {
    next.failures = 0;
    next.retryAt = 0;
    // Changes noted before the cycle started were in it; changes during it still need a cycle.
    if (s.changeSeq === s.changeSeqAtStart) next = { ...next, firstChangeAt: null, lastChangeAt: null };
    else if (s.lastChangeAt !== null) next.firstChangeAt = now;
  } else {
    next.failures = s.failures + 1;
    next.retryAt = now + backoffDelay(next.failures, cfg.backoff, outcome.random);
  }
  let followUp: FollowUp = 'none';
  // A manual follow-up only in a tab that still leads: a tab that lost leadership mid-cycle must not sync (W14).
  if (s.followUp === 'manual') followUp = next.leader && !next.noSync ? 'manual' : 'none';
  else if (s.followUp === 'auto' && automaticAllowed(next) && next.online && (ok || now >= next.retryAt)) followUp = 'auto';
  return { state: next, followUp };
}

export function setLeader(s: ScheduleState, leader: boolean, now: number): ScheduleState {
  if (s.leader === leader) return s;
  return { ...s, leader, intervalFrom: now };
}

export function setAutoSync(s: ScheduleState, autoSync: boolean, now: number): ScheduleState {
  if (s.autoSync === autoSync) return s;
  return { ...s, autoSync, intervalFrom: now };
}

export function setOnline(s: ScheduleState, online: boolean): ScheduleState {
  // Back online: the failures were most likely the missing network, so do not make the user wait them out.
  return s.online === online ? s : online ? { ...s, online, retryAt: 0 } : { ...s, online };
}
