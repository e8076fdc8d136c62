/**
 * Wires the tab pieces together so the app does not have to: the election decides which tab leads, the
 * scheduler runs cycles only in that tab, the tab channel routes "Sync now" and local changes to it and
 * spreads its status. The app supplies the cycle (`run`) and the sinks.
 *
 * NoSync mode (§8): no election and no cycles in this tab; "Sync now" is refused with a clear message. The tab
 * still forwards what it changes to a leader in another tab, because the data lives in the same browser
 * storage and that tab syncs it anyway; forwarding only makes it prompt.
 */
import type { SyncStatus } from '../api';
import type { BroadcastChannelConstructor, LockManagerLike } from './channel-types';
import { makeTabId } from './channel-types';
import type { HeartbeatTiming } from './heartbeat-election';
import { createLeaderElection, type ElectionKind, type LeaderElection } from './leader-election';
import { createScheduler, type RunContext, type Scheduler, type SchedulerSnapshot, type ScheduleConfig } from './scheduler';
import { createTabChannel, SYNC_NOW, type TabChannel } from './tab-channel';
import type { Timers } from './timers';

/** `R` is the cycle's report; `C` a local change as the change feed reports it (plain data; default a key). */
export interface SyncRuntimeOptions<R, C = string> {
  /** Prefix of the lock and channel names. */
  name?: string;
  run(ctx: RunContext): Promise<R>;
  autoSync: boolean;
  noSync: boolean;
  schedule?: Partial<ScheduleConfig>;
  shouldFlushOnPageHide?(): boolean;
  /** Leader only: changes seen in this tab or forwarded by another (the engine's dirty set). */
  onDirtyKeys(changes: C[]): void;
  /** Validates changes arriving from other tabs (required unless changes are plain string keys). */
  isChange?: (value: unknown) => value is C;
  /** Status published by the leader, when this tab is a follower (the UI shows it). */
  onRemoteStatus?(status: SyncStatus): void;
  onLeaderChange?(isLeader: boolean): void;
  onScheduleChange?(snapshot: SchedulerSnapshot): void;
  onRunError?(error: unknown): void;
  env?: {
    window?: EventTarget;
    document?: EventTarget & { visibilityState?: string };
    navigator?: { onLine?: boolean };
    locks?: LockManagerLike | null;
    BroadcastChannel?: BroadcastChannelConstructor | null;
    timers?: Timers;
    now?: () => number;
    random?: () => number;
    heartbeat?: Partial<HeartbeatTiming>;
    /** Tab-channel timeouts (tests shorten them). */
    acceptTimeoutMs?: number;
  };
  tabId?: string;
}

export interface SyncRuntime<R, C = string> {
  readonly tabId: string;
  readonly isLeader: boolean;
  /** 'none' in NoSync mode. */
  readonly electionKind: ElectionKind | 'none';
  readonly scheduler: Scheduler<R>;
  readonly channel: TabChannel<C>;
  /** "Sync now" from this tab: runs in the leader, wherever it is. */
  syncNow(): Promise<R>;
  /** Changes the change feed saw in this tab. */
  noteLocalChange(changes: C[]): void;
  /** Leader: spreads the status to the other tabs. Ignored in a follower. */
  publishStatus(status: SyncStatus): void;
  setAutoSync(on: boolean): void;
  configure(schedule: Partial<ScheduleConfig>): void;
  stop(): void;
}

export function createSyncRuntime<R, C = string>(o: SyncRuntimeOptions<R, C>): SyncRuntime<R, C> {
  const env = o.env ?? {};
  const name = o.name ?? 'tcs';
  const tabId = o.tabId ?? makeTabId();
  let leader = false;

  const scheduler = createScheduler<R>({
    run: o.run,
    autoSync: o.autoSync,
    noSync: o.noSync,
    leader: false,
    config: o.schedule,
    shouldFlushOnPageHide: o.shouldFlushOnPageHide,
    env: { window: env.window, document: env.document, navigator: env.navigator },
    timers: env.timers,
    now: env.now,
    random: env.random,
    onChange: o.onScheduleChange,
    onRunError: (e) => o.onRunError?.(e),
  });

  const channel = createTabChannel<C>({
    name: `${name}-tabs`,
    tabId,
    isLeader: () => leader,
    BroadcastChannel: env.BroadcastChannel,
    timers: env.timers,
    acceptTimeoutMs: env.acceptTimeoutMs,
    isChange: o.isChange,
  });
  channel.handle(SYNC_NOW, () => scheduler.runNow());
  channel.onDirtyKeys((keys) => {
    o.onDirtyKeys(keys);
    scheduler.noteChange();
  });
  channel.onStatus((status) => {
    if (!leader) o.onRemoteStatus?.({ ...status, leader: false });
  });

  let election: LeaderElection | null = null;
  if (!o.noSync) {
    election = createLeaderElection({
      name: `${name}-leader`,
      tabId,
      locks: env.locks,
      BroadcastChannel: env.BroadcastChannel,
      // No lifecycle here: pagehide is handled below, after the scheduler's own pagehide flush.
      document: env.document,
      timers: env.timers,
      timing: env.heartbeat,
      onChange(isLeader) {
        leader = isLeader;
        channel.leadershipChanged(isLeader);
        scheduler.setLeader(isLeader);
        o.onLeaderChange?.(isLeader);
        if (!isLeader) channel.requestStatus();
      },
    });
  }
  scheduler.start();
  channel.requestStatus();

  // Registered after scheduler.start(), so on pagehide the scheduler's last-attempt flush runs while this tab
  // still leads, and only then is leadership given up (a page kept in the back/forward cache must not hold it).
  const onPageHide = () => election?.suspend();
  const onPageShow = (e: Event) => {
    if ((e as Event & { persisted?: boolean }).persisted) election?.resume();
  };
  env.window?.addEventListener('pagehide', onPageHide);
  env.window?.addEventListener('pageshow', onPageShow);

  return {
    tabId,
    get isLeader() {
      return leader;
    },
    get electionKind() {
      return election?.kind ?? 'none';
    },
    scheduler,
    channel,
    syncNow() {
      // NoSync: the scheduler gives the "Sync is off in this tab" error, as the original's disabled button.
      if (o.noSync || leader) return scheduler.runNow();
      return channel.syncNow<R>();
    },
    noteLocalChange(keys) {
      channel.forwardDirtyKeys(keys);
    },
    publishStatus(status) {
      if (leader) channel.publishStatus(status);
    },
    setAutoSync: (on) => scheduler.setAutoSync(on),
    configure: (schedule) => scheduler.configure(schedule),
    stop() {
      env.window?.removeEventListener('pagehide', onPageHide);
      env.window?.removeEventListener('pageshow', onPageShow);
      election?.stop();
      scheduler.stop();
      channel.close();
    },
  };
}
