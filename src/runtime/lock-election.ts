/**
 * Leadership through the Web Locks API: the leader is the tab holding an exclusive lock, kept for as long as the
 * tab leads. The browser queues the other tabs and hands the lock to the next one the moment the holder closes
 * or crashes, so there is exactly one leader per browser profile and no heartbeat to tune.
 */
import type { LockManagerLike } from './channel-types';

export interface ElectionMode {
  readonly isLeader: boolean;
  /** Gives up leadership (or stops waiting for it) without ending for good: the page may come back. */
  suspend(): void;
  /** Competes again after `suspend`. */
  resume(): void;
  stop(): void;
}

export interface LockElectionOptions {
  name: string;
  locks: LockManagerLike;
  setLeader(isLeader: boolean): void;
  /** The lock API failed in a way that is not our own cancel (e.g. a SecurityError): the caller falls back. */
  onUnavailable(error: unknown): void;
}

export function createLockElection(options: LockElectionOptions): ElectionMode {
  let leader = false;
  let active = false;
  let controller: AbortController | null = null;
  let release: (() => void) | null = null;

  const acquire = () => {
    if (active) return;
    active = true;
    const ctl = new AbortController();
    controller = ctl;
    let request: Promise<unknown>;
    try {
      request = options.locks.request(options.name, { mode: 'exclusive', signal: ctl.signal }, async () => {
        // Granted after we gave up on it (suspend raced the grant): hand it straight back.
        if (ctl.signal.aborted) return;
        await new Promise<void>((resolve) => {
          release = resolve;
          leader = true;
          options.setLeader(true);
        });
      });
    } catch (error) {
      request = Promise.reject(error);
    }
    request.then(
      () => {
        if (controller === ctl) controller = null;
      },
      (error: unknown) => {
        if (controller === ctl) controller = null;
        if (ctl.signal.aborted) return; // our own cancel of a queued request
        active = false;
        options.onUnavailable(error);
      },
    );
  };

  const giveUp = () => {
    active = false;
    controller?.abort();
    controller = null;
    if (release) {
      const r = release;
      release = null;
      leader = false;
      options.setLeader(false);
      r();
    }
  };

  acquire();
  return {
    get isLeader() {
      return leader;
    },
    suspend: giveUp,
    resume: acquire,
    stop: giveUp,
  };
}
