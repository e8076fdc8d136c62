/**
 * Which tab of this browser runs the syncs. Web Locks where the browser has them; a BroadcastChannel heartbeat
 * where it does not; a lone leader where neither exists (each tab then syncs for itself, as the original did
 * without BroadcastChannel; the cloud's compare-and-swap keeps that safe, only less efficient).
 *
 * Survives the back/forward cache (W20): on `pagehide` the tab gives up leadership (a frozen tab must not hold
 * it, and Chrome will not cache a page that holds a lock), and on `pageshow` it competes again, instead of the
 * original's tear-down for good.
 */
import {
  globalBroadcastChannel,
  globalLockManager,
  makeTabId,
  type BroadcastChannelConstructor,
  type BroadcastChannelLike,
  type LockManagerLike,
} from './channel-types';
import { createHeartbeatElection, DEFAULT_HEARTBEAT_TIMING, type HeartbeatTiming } from './heartbeat-election';
import { createLockElection, type ElectionMode } from './lock-election';
import { globalTimers, type Timers } from './timers';

export type ElectionKind = 'locks' | 'broadcast' | 'solo';

export interface LeaderElectionOptions {
  /** Lock and channel name, e.g. "tcs-leader". */
  name: string;
  /** Defaults to `navigator.locks`; pass null to do without. */
  locks?: LockManagerLike | null;
  /** Defaults to the global BroadcastChannel; pass null to do without. */
  BroadcastChannel?: BroadcastChannelConstructor | null;
  onChange(isLeader: boolean): void;
  tabId?: string;
  /** Receives pagehide/pageshow (the window). */
  lifecycle?: EventTarget;
  /** Receives visibilitychange; read for the heartbeat's hidden timeout. */
  document?: EventTarget & { visibilityState?: string };
  timers?: Timers;
  timing?: Partial<HeartbeatTiming>;
  /** Told when the lock API fails and the election falls back to the heartbeat. */
  onFallback?(error: unknown): void;
}

export interface LeaderElection {
  readonly tabId: string;
  readonly kind: ElectionKind;
  readonly isLeader: boolean;
  /** Steps back for now (the page is being hidden into the back/forward cache); `lifecycle` does this on pagehide. */
  suspend(): void;
  /** Competes again after `suspend`; `lifecycle` does this on a persisted pageshow. */
  resume(): void;
  /** Ends the election for good in this tab (leadership passes on at once). */
  stop(): void;
}

export function createLeaderElection(options: LeaderElectionOptions): LeaderElection {
  const tabId = options.tabId ?? makeTabId();
  const timers = options.timers ?? globalTimers;
  const timing = { ...DEFAULT_HEARTBEAT_TIMING, ...options.timing };
  const locks = options.locks === undefined ? globalLockManager() : options.locks;
  const Channel = options.BroadcastChannel === undefined ? globalBroadcastChannel() : options.BroadcastChannel;
  let leader = false;
  let stopped = false;
  let kind: ElectionKind;
  let mode: ElectionMode;
  let channel: BroadcastChannelLike | null = null;
  let visibilityMode: { visibilityChanged(): void } | null = null;

  // Report only real changes, and nothing after stop() except the final "no longer leader".
  const setLeader = (isLeader: boolean) => {
    if (isLeader === leader) return;
    if (stopped && isLeader) return;
    leader = isLeader;
    try {
      options.onChange(isLeader);
    } catch {
      // The app's reaction failed; leadership itself stands (a throw inside the lock callback would release it).
    }
  };

  const startHeartbeat = (): boolean => {
    if (!Channel) return false;
    try {
      channel = new Channel(`${options.name}-election`);
    } catch {
      return false;
    }
    const hb = createHeartbeatElection({
      tabId,
      channel,
      timers,
      timing,
      isVisible: () => (options.document?.visibilityState ?? 'visible') === 'visible',
      setLeader,
    });
    visibilityMode = hb;
    mode = hb;
    kind = 'broadcast';
    return true;
  };

  const startSolo = () => {
    kind = 'solo';
    let suspended = false;
    mode = {
      get isLeader() {
        return !suspended && !stopped;
      },
      suspend: () => {
        suspended = true;
        setLeader(false);
      },
      resume: () => {
        suspended = false;
        setLeader(true);
      },
      stop: () => setLeader(false),
    };
    // Asynchronous like the other modes, so the caller finishes wiring before the first onChange.
    queueMicrotask(() => {
      if (!stopped && !suspended) setLeader(true);
    });
  };

  const fallBack = (error: unknown) => {
    if (stopped) return;
    options.onFallback?.(error);
    if (!startHeartbeat()) startSolo();
  };

  if (locks) {
    kind = 'locks';
    mode = createLockElection({ name: options.name, locks, setLeader, onUnavailable: fallBack });
  } else if (!startHeartbeat()) {
    startSolo();
  }

  const onPageHide = () => mode.suspend();
  const onPageShow = (e: Event) => {
    if ((e as Event & { persisted?: boolean }).persisted) mode.resume();
  };
  const onVisibility = () => visibilityMode?.visibilityChanged();
  options.lifecycle?.addEventListener('pagehide', onPageHide);
  options.lifecycle?.addEventListener('pageshow', onPageShow);
  options.document?.addEventListener('visibilitychange', onVisibility);

  return {
    tabId,
    get kind() {
      return kind;
    },
    get isLeader() {
      return leader;
    },
    suspend() {
      if (!stopped) mode.suspend();
    },
    resume() {
      if (!stopped) mode.resume();
    },
    stop() {
      if (stopped) return;
      stopped = true;
      options.lifecycle?.removeEventListener('pagehide', onPageHide);
      options.lifecycle?.removeEventListener('pageshow', onPageShow);
      options.document?.removeEventListener('visibilitychange', onVisibility);
      mode.stop();
      channel?.close();
      setLeader(false);
    },
  };
}
