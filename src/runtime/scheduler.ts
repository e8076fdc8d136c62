/**
 * The timer plumbing around schedule-policy: listens to the page (focus, visibility, online/offline,
 * pagehide/pageshow), arms one timer for the next automatic cycle, runs cycles one at a time and hands manual
 * "Sync now" calls the result of the cycle that covers them. All decisions are made in schedule-policy.
 */
import { CloudSyncError } from '../errors';
import * as policy from './schedule-policy';
import type { ScheduleConfig, ScheduleState, Trigger } from './schedule-policy';
import { globalTimers, type Timers } from './timers';

export type { Trigger, ScheduleConfig } from './schedule-policy';

export interface RunContext {
  trigger: Trigger;
  /**
   * Aborted when the scheduler stops (Cloud Sync stops in this tab). Nothing checks it during a cycle: the
   * app's `run` does not pass it to the engine, so a cycle already running goes on to its end; the scheduler
   * then starts no other.
   */
  signal: AbortSignal;
}

export interface SchedulerEnv {
  /** Receives focus, online, offline, pagehide, pageshow. */
  window?: EventTarget;
  /** Receives visibilitychange; `visibilityState` is read when it fires. */
  document?: EventTarget & { visibilityState?: string };
  navigator?: { onLine?: boolean };
}

export interface SchedulerOptions<R> {
  run: (ctx: RunContext) => Promise<R>;
  autoSync: boolean;
  noSync: boolean;
  leader?: boolean;
  config?: Partial<ScheduleConfig>;
  /**
   * Asked on pagehide in the leader when changes are pending: return true if they are small enough to try to
   * send before the page goes away (the engine knows their sizes; the scheduler does not).
   */
  shouldFlushOnPageHide?: () => boolean;
  env?: SchedulerEnv;
  timers?: Timers;
  now?: () => number;
  random?: () => number;
  /** Every state change (the status UI and diagnostics read it). */
  onChange?: (snapshot: SchedulerSnapshot) => void;
  /** Automatic cycles never throw out of the scheduler; their errors come here (the app logs them). */
  onRunError?: (error: unknown, trigger: Trigger) => void;
}

export interface SchedulerSnapshot {
  running: boolean;
  online: boolean;
  leader: boolean;
  autoSync: boolean;
  noSync: boolean;
  failures: number;
  pendingChanges: boolean;
  /** Epoch ms of the next automatic cycle, or null when none is planned. */
  nextRunAt: number | null;
  nextTrigger: Trigger | null;
  lastRunEndedAt: number | null;
}

export interface Scheduler<R> {
  /** Starts listening to the page and arms the timer. */
  start(): void;
  /** Stops everything: no further cycle starts, waiting "Sync now" calls are rejected, `RunContext.signal` is aborted. */
  stop(): void;
  setLeader(leader: boolean): void;
  setAutoSync(on: boolean): void;
  configure(config: Partial<ScheduleConfig>): void;
  /** A local change was seen (or forwarded by a follower tab). */
  noteChange(at?: number): void;
  /** Manual "Sync now": resolves with the report of a cycle that started after this call, or rejects with its error. */
  runNow(): Promise<R>;
  /** Feeds a trigger as if its event had fired (the app uses it for its own signals; tests too). */
  trigger(trigger: Trigger): void;
  snapshot(): SchedulerSnapshot;
}

const NOSYNC_MESSAGE =
  'Sync is off in this tab because the page was opened with "nosync" in its address. Snapshots still work. ' +
  'To sync, open TypingMind without "?nosync".';

function safeAsk(hook: (() => boolean) | undefined): boolean {
  try {
    return hook?.() === true;
  } catch {
    return false;
  }
}

const notLeaderError = () =>
  new CloudSyncError('no-leader', 'Another TypingMind tab runs the sync for this browser; this tab cannot start one itself. Try again in a moment.');

export function createScheduler<R>(options: SchedulerOptions<R>): Scheduler<R> {
  const timers = options.timers ?? globalTimers;
  const now = options.now ?? (() => Date.now());
  const random = options.random ?? Math.random;
  const env = options.env ?? {};
  let cfg = policy.normalizeConfig(options.config);
  let state: ScheduleState = policy.initialScheduleState({
    autoSync: options.autoSync,
    noSync: options.noSync,
    leader: options.leader ?? false,
    online: env.navigator?.onLine ?? true,
    now: now(),
  });
  let timer: unknown = null;
  let started = false;
  let stopped = false;
  const abort = new AbortController();
  /** Manual callers waiting for the follow-up cycle. */
  let waiters: { resolve: (r: R) => void; reject: (e: unknown) => void }[] = [];

  const snapshot = (): SchedulerSnapshot => {
    const next = policy.nextAutomaticRun(state, cfg);
    return {
      running: state.running,
      online: state.online,
      leader: state.leader,
      autoSync: state.autoSync,
      noSync: state.noSync,
      failures: state.failures,
      pendingChanges: policy.hasPendingChanges(state),
      nextRunAt: started && !stopped ? (next?.at ?? null) : null,
      nextTrigger: started && !stopped ? (next?.trigger ?? null) : null,
      lastRunEndedAt: state.lastRunEndedAt,
    };
  };

  // A listener's failure must not leave the scheduler without its timer, so both callbacks are fenced.
  const notify = () => {
    try {
      options.onChange?.(snapshot());
    } catch {
      // The status display failed; the schedule goes on.
    }
  };
  const reportRunError = (error: unknown, trigger: Trigger) => {
    try {
      options.onRunError?.(error, trigger);
    } catch {
      // Nowhere left to report to.
    }
  };

  const arm = () => {
    if (timer !== null) {
      timers.clearTimeout(timer);
      timer = null;
    }
    if (!started || stopped) return;
    const next = policy.nextAutomaticRun(state, cfg);
    if (!next) return;
    timer = timers.setTimeout(() => {
      timer = null;
      fire(next.trigger);
    }, Math.max(0, next.at - now()));
  };

  const update = (next: ScheduleState) => {
    if (next === state) return;
    state = next;
    arm();
    notify();
  };

  const execute = (trigger: Trigger, manual: typeof waiters): void => {
    state = policy.runStarted(state, now());
    arm();
    notify();
    const signal = abort.signal;
    let promise: Promise<R>;
    try {
      promise = options.run({ trigger, signal });
    } catch (error) {
      promise = Promise.reject(error);
    }
    promise.then(
      (result) => finish(true, trigger, manual, { result }),
      (error) => finish(false, trigger, manual, { error }),
    );
  };

  const finish = (ok: boolean, trigger: Trigger, manual: typeof waiters, outcome: { result?: R; error?: unknown }) => {
    if (stopped) {
      for (const w of manual) (ok ? w.resolve(outcome.result as R) : w.reject(outcome.error));
      return;
    }
    const { state: next, followUp } = policy.runFinished(state, { ok, now: now(), random: random() }, cfg);
    state = next;
    for (const w of manual) (ok ? w.resolve(outcome.result as R) : w.reject(outcome.error));
    if (!ok && manual.length === 0) reportRunError(outcome.error, trigger);
    if (followUp !== 'none') {
      const waiting = waiters;
      waiters = [];
      execute(followUp === 'manual' ? 'manual' : 'follow-up', waiting);
      return;
    }
    if (waiters.length > 0) {
      // Leadership moved while they waited; the caller may try again through the new leader.
      const waiting = waiters;
      waiters = [];
      for (const w of waiting) w.reject(notLeaderError());
    }
    arm();
    notify();
  };

  function fire(trigger: Trigger): void {
    if (stopped) return;
    const { state: next, decision } = policy.decideTrigger(state, trigger, now(), cfg);
    // The page is going away: only the caller knows whether the pending changes are small enough to try.
    if (decision === 'run' && trigger === 'pagehide' && !safeAsk(options.shouldFlushOnPageHide)) return;
    if (decision === 'run') execute(trigger, []);
    else update(next);
  }

  const onFocus = () => fire('focus');
  const onVisibility = () => {
    if (env.document?.visibilityState === 'visible') fire('visible');
  };
  const onOnline = () => {
    update(policy.setOnline(state, true));
    fire('online');
  };
  const onOffline = () => update(policy.setOnline(state, false));
  const onPageHide = () => fire('pagehide');
  // Back from the back/forward cache: the page was frozen, possibly for long (W20); catch up.
  const onPageShow = (e: Event) => {
    if ((e as Event & { persisted?: boolean }).persisted) fire('visible');
  };

  return {
    start() {
      if (started || stopped) return;
      started = true;
      env.window?.addEventListener('focus', onFocus);
      env.window?.addEventListener('online', onOnline);
      env.window?.addEventListener('offline', onOffline);
      env.window?.addEventListener('pagehide', onPageHide);
      env.window?.addEventListener('pageshow', onPageShow);
      env.document?.addEventListener('visibilitychange', onVisibility);
      if (state.leader) fire('leader');
      arm();
      notify();
    },
    stop() {
      if (stopped) return;
      stopped = true;
      if (timer !== null) timers.clearTimeout(timer);
      timer = null;
      env.window?.removeEventListener('focus', onFocus);
      env.window?.removeEventListener('online', onOnline);
      env.window?.removeEventListener('offline', onOffline);
      env.window?.removeEventListener('pagehide', onPageHide);
      env.window?.removeEventListener('pageshow', onPageShow);
      env.document?.removeEventListener('visibilitychange', onVisibility);
      abort.abort(new CloudSyncError('aborted', 'Cloud Sync was stopped in this tab, so the sync did not finish. Reload the page to start it again.'));
      const waiting = waiters;
      waiters = [];
      for (const w of waiting) w.reject(abort.signal.reason);
      notify();
    },
    setLeader(leader) {
      const was = state.leader;
      update(policy.setLeader(state, leader, now()));
      // Becoming leader is the original's initial sync (§1.4), now also retried by the timer if it fails.
      if (leader && !was && started) fire('leader');
    },
    setAutoSync(on) {
      update(policy.setAutoSync(state, on, now()));
    },
    configure(config) {
      cfg = policy.normalizeConfig({ ...cfg, ...config, backoff: { ...cfg.backoff, ...config.backoff } });
      arm();
      notify();
    },
    noteChange(at) {
      update(policy.noteChange(state, at ?? now()));
    },
    runNow() {
      if (stopped) return Promise.reject(new CloudSyncError('aborted', 'Cloud Sync is stopped in this tab. Reload the page to sync.'));
      if (state.noSync) return Promise.reject(new CloudSyncError('sync-disabled', NOSYNC_MESSAGE));
      if (!state.leader) return Promise.reject(notLeaderError());
      return new Promise<R>((resolve, reject) => {
        const { state: next, decision } = policy.decideTrigger(state, 'manual', now(), cfg);
        if (decision === 'run') {
          execute('manual', [{ resolve, reject }]);
        } else {
          waiters.push({ resolve, reject });
          update(next);
        }
      });
    },
    trigger: fire,
    snapshot,
  };
}
