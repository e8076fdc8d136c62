/**
 * Leadership over BroadcastChannel, for browsers without Web Locks. The leader sends a heartbeat; a tab that
 * hears none for a while calls an election. Unlike the original (§5, W14), the tie-break is deterministic:
 * - an election is a claim window: every candidate announces itself (and claims back to each new claimant it
 *   hears, so a tab that opened a moment later learns of it too), and when the window closes the smallest tab
 *   id among the claims heard wins; the others wait for the winner's heartbeat;
 * - an incumbent leader answers every claim with a heartbeat, and a candidate that hears one gives up, so a new
 *   tab never unseats a working leader;
 * - should two leaders ever hear each other (a message lost or a frozen tab waking up), the larger id steps
 *   down at once, so a split brain lasts at most one message.
 * Tab ids start with their creation time, so the oldest tab wins ties.
 */
import type { BroadcastChannelLike } from './channel-types';
import type { ElectionMode } from './lock-election';
import type { Timers } from './timers';

export interface HeartbeatTiming {
  /** How often the leader says it is alive. */
  heartbeatMs: number;
  /** Silence after which a visible leader is taken for gone. */
  leaderTimeoutMs: number;
  /** The same for a hidden leader, whose timers the browser throttles to about once a minute. */
  hiddenLeaderTimeoutMs: number;
  /** How long candidates collect each other's claims. */
  claimWindowMs: number;
}

export const DEFAULT_HEARTBEAT_TIMING: HeartbeatTiming = {
  heartbeatMs: 1000,
  leaderTimeoutMs: 3500,
  hiddenLeaderTimeoutMs: 70_000,
  claimWindowMs: 150,
};

type Message =
  | { t: 'claim'; from: string }
  | { t: 'hb'; from: string; visible: boolean }
  | { t: 'bye'; from: string };

export interface HeartbeatElectionOptions {
  tabId: string;
  channel: BroadcastChannelLike;
  timers: Timers;
  timing: HeartbeatTiming;
  isVisible(): boolean;
  setLeader(isLeader: boolean): void;
  onLeaderKnown?(leaderId: string | null): void;
}

export interface HeartbeatElection extends ElectionMode {
  readonly leaderId: string | null;
  /** The tab became visible or hidden: a leader tells the others at once, so they pick the right timeout. */
  visibilityChanged(): void;
}

function isMessage(data: unknown): data is Message {
  if (typeof data !== 'object' || data === null) return false;
  const m = data as { t?: unknown; from?: unknown };
  return (m.t === 'claim' || m.t === 'hb' || m.t === 'bye') && typeof m.from === 'string';
}

export function createHeartbeatElection(o: HeartbeatElectionOptions): HeartbeatElection {
  const { tabId, channel, timers, timing } = o;
  let role: 'idle' | 'candidate' | 'follower' | 'leader' = 'idle';
  let leaderId: string | null = null;
  let claims = new Set<string>();
  let claimTimer: unknown = null;
  let watchTimer: unknown = null;
  let beatTimer: unknown = null;

  const post = (m: Message) => {
    try {
      channel.postMessage(m);
    } catch {
      // A closed channel (page going away): nothing to tell anyone.
    }
  };
  const clear = (h: unknown, kind: 'timeout' | 'interval') => {
    if (h === null) return;
    if (kind === 'timeout') timers.clearTimeout(h);
    else timers.clearInterval(h);
  };
  const clearAll = () => {
    clear(claimTimer, 'timeout');
    clear(watchTimer, 'timeout');
    clear(beatTimer, 'interval');
    claimTimer = watchTimer = beatTimer = null;
  };
  const setKnownLeader = (id: string | null) => {
    if (leaderId === id) return;
    leaderId = id;
    o.onLeaderKnown?.(id);
  };
  const beat = () => post({ t: 'hb', from: tabId, visible: o.isVisible() });

  const becomeLeader = () => {
    clearAll();
    const was = role === 'leader';
    role = 'leader';
    setKnownLeader(tabId);
    beat();
    beatTimer = timers.setInterval(beat, timing.heartbeatMs);
    if (!was) o.setLeader(true);
  };

  /** Wait for `id`'s heartbeats; call an election if they stop. */
  const follow = (id: string, leaderVisible: boolean) => {
    const wasLeader = role === 'leader';
    clearAll();
    role = 'follower';
    setKnownLeader(id);
    watchTimer = timers.setTimeout(elect, leaderVisible ? timing.leaderTimeoutMs : timing.hiddenLeaderTimeoutMs);
    if (wasLeader) o.setLeader(false);
  };

  function elect(): void {
    clearAll();
    const wasLeader = role === 'leader';
    role = 'candidate';
    setKnownLeader(null);
    if (wasLeader) o.setLeader(false);
    claims = new Set([tabId]);
    post({ t: 'claim', from: tabId });
    claimTimer = timers.setTimeout(closeClaims, timing.claimWindowMs);
  }

  function closeClaims(): void {
    claimTimer = null;
    if (role !== 'candidate') return;
    const winner = [...claims].sort()[0]!;
    if (winner === tabId) becomeLeader();
    // Not us: expect the winner's heartbeat soon; if it never comes, the watch timer calls a new election.
    else follow(winner, true);
  }

  const onMessage = (event: MessageEvent) => {
    const m = event.data;
    if (!isMessage(m) || m.from === tabId || role === 'idle') return;
    switch (m.t) {
      case 'claim':
        if (role === 'leader') beat(); // the incumbent stays
        else if (role === 'candidate' && !claims.has(m.from)) {
          // Claim back: a tab that opened after our claim went out never heard it, and both sides must
          // close their windows with the same set of claims to pick the same winner.
          claims.add(m.from);
          post({ t: 'claim', from: tabId });
        }
        break;
      case 'hb':
        if (role === 'leader') {
          if (m.from < tabId) follow(m.from, m.visible);
          else beat(); // we win the tie-break; make the other step down
        } else {
          follow(m.from, m.visible);
        }
        break;
      case 'bye':
        if (m.from === leaderId) elect();
        else if (role === 'candidate') claims.delete(m.from);
        break;
    }
  };

  const resign = () => {
    const wasLeader = role === 'leader';
    if (wasLeader) post({ t: 'bye', from: tabId });
    clearAll();
    role = 'idle';
    setKnownLeader(null);
    if (wasLeader) o.setLeader(false);
  };

  channel.addEventListener('message', onMessage);
  elect();

  return {
    get isLeader() {
      return role === 'leader';
    },
    get leaderId() {
      return leaderId;
    },
    suspend: resign,
    resume() {
      if (role === 'idle') elect();
    },
    stop() {
      resign();
      channel.removeEventListener('message', onMessage);
    },
    visibilityChanged() {
      if (role === 'leader') beat();
    },
  };
}
