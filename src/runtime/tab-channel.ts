/**
 * Messages between the tabs of one browser: the glue that lets only the leader sync while every tab works.
 * - Follower tabs forward the keys they saw change to the leader (re-sent until the leader acknowledges, so a
 *   change is not lost while leadership moves).
 * - "Sync now" (or any other leader-only operation) called in any tab runs in the leader and resolves with the
 *   leader's result or rejects with its error; a clear error if no leader answers or the leader goes away.
 * - The leader broadcasts its status, so every tab's button and modal show the same thing.
 * In the leader tab every call is local and nothing goes over the channel.
 */
import { CloudSyncError, isCloudSyncError, type ErrorCode } from '../errors';
import type { SyncStatus } from '../api';
import { globalBroadcastChannel, makeTabId, type BroadcastChannelConstructor, type BroadcastChannelLike } from './channel-types';
import { globalTimers, type Timers } from './timers';

/** The method name "Sync now" uses. */
export const SYNC_NOW = 'sync-now';

export interface TabChannelOptions<C = string> {
  /** Channel name, e.g. "tcs-tabs". */
  name: string;
  tabId: string;
  isLeader(): boolean;
  BroadcastChannel?: BroadcastChannelConstructor | null;
  timers?: Timers;
  /** How long a caller waits for some leader to accept a request. */
  acceptTimeoutMs?: number;
  /** How long a caller waits between the leader's keep-alives while it works (hidden tabs tick about once a minute). */
  idleTimeoutMs?: number;
  keepAliveMs?: number;
  /** How often unacknowledged dirty keys are sent again. */
  dirtyRetryMs?: number;
  makeId?: () => string;
  /**
   * Checks a forwarded change that arrives from another tab (structured data, so anything could arrive from
   * another version of the script). Default: strings only, i.e. plain keys.
   */
  isChange?: (value: unknown) => value is C;
}

export type Handler = (params: unknown, fromTab: string) => Promise<unknown>;

/** `C` is what a change is: a key, or e.g. the change feed's `{ key, area, at }` (plain data). */
export interface TabChannel<C = string> {
  /** Runs `method` in the leader tab (here if this tab leads) and returns its result. */
  call<T>(method: string, params?: unknown): Promise<T>;
  /** Convenience for `call(SYNC_NOW)`. */
  syncNow<T>(): Promise<T>;
  /** Registers the leader-side handler for `method`; returns an unregister function. */
  handle(method: string, handler: Handler): () => void;
  /** Changes this tab saw; they reach the leader's dirty-key listeners (here if this tab leads). */
  forwardDirtyKeys(changes: Iterable<C>): void;
  onDirtyKeys(listener: (changes: C[], fromTab: string) => void): () => void;
  /** Leader: tells every other tab the current status. */
  publishStatus(status: SyncStatus): void;
  /** Status published by the leader tab (not called for this tab's own publications). */
  onStatus(listener: (status: SyncStatus, fromTab: string) => void): () => void;
  /** Asks the leader to publish its status again (a tab that just opened). */
  requestStatus(): void;
  /** Tell the channel this tab gained or lost leadership (from the election's onChange). */
  leadershipChanged(isLeader: boolean): void;
  close(): void;
}

type WireError = { code: ErrorCode; message: string; details?: Record<string, unknown> };

type Msg =
  | { t: 'req'; id: string; from: string; method: string; params: unknown }
  | { t: 'accept'; id: string; to: string; from: string }
  | { t: 'alive'; id: string; to: string; from: string }
  | { t: 'res'; id: string; to: string; from: string; ok: true; value: unknown }
  | { t: 'res'; id: string; to: string; from: string; ok: false; error: WireError }
  | { t: 'dirty'; batch: string; from: string; keys: unknown[] }
  | { t: 'dirty-ack'; batch: string; to: string }
  | { t: 'status'; from: string; status: SyncStatus }
  | { t: 'status?'; from: string }
  | { t: 'resigned'; from: string };

const MAX_PENDING_DIRTY_BATCHES = 200;

function toWire(error: unknown): WireError {
  if (isCloudSyncError(error)) return { code: error.code, message: error.message, details: error.details };
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'provider-error', message: `The sync in the other tab failed: ${message}` };
}

function fromWire(error: WireError): CloudSyncError {
  return new CloudSyncError(error.code, error.message, { details: error.details ?? {} });
}

/** Structured clone drops class identity; turn values into plain data the channel accepts. */
function plain(value: unknown): unknown {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}

const noLeaderError = () =>
  new CloudSyncError(
    'no-leader',
    'No TypingMind tab answered the sync request. If you just closed the tab that was syncing, try again in a few seconds; otherwise reload this page.',
  );
const leaderGoneError = () =>
  new CloudSyncError('no-leader', 'The TypingMind tab that was syncing was closed or stopped answering before it finished. Try again.');
const notReadyError = (method: string) =>
  new CloudSyncError('no-leader', `This tab leads the sync but "${method}" is not available yet. Wait a moment and try again.`, { details: { method } });

interface PendingCall {
  resolve(v: unknown): void;
  reject(e: unknown): void;
  acceptedBy: string | null;
  timer: unknown;
}

const isString = (v: unknown): v is string => typeof v === 'string';

/** Drops repeats (same key, or same plain-data change) while keeping order. */
function unique<C>(items: Iterable<C>): C[] {
  const seen = new Set<string>();
  const out: C[] = [];
  for (const item of items) {
    const id = typeof item === 'string' ? `s:${item}` : `j:${JSON.stringify(item)}`;
    if (!seen.has(id)) {
      seen.add(id);
      out.push(item);
    }
  }
  return out;
}

export function createTabChannel<C = string>(options: TabChannelOptions<C>): TabChannel<C> {
  const { tabId } = options;
  const timers = options.timers ?? globalTimers;
  const acceptTimeoutMs = options.acceptTimeoutMs ?? 4000;
  const idleTimeoutMs = options.idleTimeoutMs ?? 70_000;
  const keepAliveMs = options.keepAliveMs ?? 1000;
  const dirtyRetryMs = options.dirtyRetryMs ?? 2000;
  const makeId = options.makeId ?? (() => makeTabId());
  const Channel = options.BroadcastChannel === undefined ? globalBroadcastChannel() : options.BroadcastChannel;

  const handlers = new Map<string, Handler>();
  const isChange = options.isChange ?? (isString as unknown as (v: unknown) => v is C);
  const dirtyListeners = new Set<(changes: C[], from: string) => void>();
  const statusListeners = new Set<(status: SyncStatus, from: string) => void>();
  const calls = new Map<string, PendingCall>();
  const unacked = new Map<string, C[]>();
  let dirtyTimer: unknown = null;
  let lastStatus: SyncStatus | null = null;
  let closed = false;

  let channel: BroadcastChannelLike | null = null;
  try {
    channel = Channel ? new Channel(options.name) : null;
  } catch {
    channel = null; // without a channel this tab works alone
  }

  const post = (m: Msg) => {
    try {
      channel?.postMessage(m);
    } catch {
      // Closed while the page unloads: the other side times out with a clear message.
    }
  };

  const emitDirty = (keys: C[], from: string) => {
    for (const l of [...dirtyListeners]) {
      try {
        l(keys, from);
      } catch {
        // One listener's failure must not lose the keys for the others.
      }
    }
  };

  const runLocal = async (method: string, params: unknown, from: string): Promise<unknown> => {
    const handler = handlers.get(method);
    if (!handler) throw notReadyError(method);
    return handler(params, from);
  };

  const settle = (id: string, outcome: { ok: true; value: unknown } | { ok: false; error: unknown }) => {
    const call = calls.get(id);
    if (!call) return;
    calls.delete(id);
    timers.clearTimeout(call.timer);
    if (outcome.ok) call.resolve(outcome.value);
    else call.reject(outcome.error);
  };

  const armCallTimer = (id: string, ms: number, error: () => CloudSyncError) => {
    const call = calls.get(id);
    if (!call) return;
    timers.clearTimeout(call.timer);
    call.timer = timers.setTimeout(() => settle(id, { ok: false, error: error() }), ms);
  };

  /** Leader side of a request from another tab. */
  const serve = (m: Extract<Msg, { t: 'req' }>) => {
    if (!options.isLeader()) return;
    post({ t: 'accept', id: m.id, to: m.from, from: tabId });
    const alive = timers.setInterval(() => post({ t: 'alive', id: m.id, to: m.from, from: tabId }), keepAliveMs);
    runLocal(m.method, m.params, m.from).then(
      (value) => {
        timers.clearInterval(alive);
        let data: unknown;
        try {
          data = plain(value);
        } catch (error) {
          post({ t: 'res', id: m.id, to: m.from, from: tabId, ok: false, error: toWire(error) });
          return;
        }
        post({ t: 'res', id: m.id, to: m.from, from: tabId, ok: true, value: data });
      },
      (error: unknown) => {
        timers.clearInterval(alive);
        post({ t: 'res', id: m.id, to: m.from, from: tabId, ok: false, error: toWire(error) });
      },
    );
  };

  const sendDirty = () => {
    dirtyTimer = null;
    if (closed || unacked.size === 0) return;
    if (options.isLeader()) {
      // We lead now: what we were trying to hand over is ours to sync.
      const keys = unique([...unacked.values()].flat());
      unacked.clear();
      emitDirty(keys, tabId);
      return;
    }
    for (const [batch, keys] of unacked) post({ t: 'dirty', batch, from: tabId, keys: plain(keys) as unknown[] });
    dirtyTimer = timers.setTimeout(sendDirty, dirtyRetryMs);
  };

  const onMessage = (event: MessageEvent) => {
    const m = event.data as Msg;
    if (closed || typeof m !== 'object' || m === null || typeof m.t !== 'string') return;
    switch (m.t) {
      case 'req':
        if (m.from !== tabId) serve(m);
        break;
      case 'accept': {
        const call = m.to === tabId ? calls.get(m.id) : undefined;
        // During a brief double leadership two tabs may accept; the first one serves.
        if (call && call.acceptedBy === null) {
          call.acceptedBy = m.from;
          armCallTimer(m.id, idleTimeoutMs, leaderGoneError);
        }
        break;
      }
      case 'alive': {
        const call = m.to === tabId ? calls.get(m.id) : undefined;
        if (call && call.acceptedBy === m.from) armCallTimer(m.id, idleTimeoutMs, leaderGoneError);
        break;
      }
      case 'res': {
        const call = m.to === tabId ? calls.get(m.id) : undefined;
        if (!call || (call.acceptedBy !== null && call.acceptedBy !== m.from)) break;
        settle(m.id, m.ok ? { ok: true, value: m.value } : { ok: false, error: fromWire(m.error) });
        break;
      }
      case 'dirty':
        if (m.from !== tabId && options.isLeader() && Array.isArray(m.keys)) {
          const changes = m.keys.filter((k) => isChange(k)) as C[];
          if (changes.length > 0) emitDirty(changes, m.from);
          post({ t: 'dirty-ack', batch: m.batch, to: m.from });
        }
        break;
      case 'dirty-ack':
        if (m.to === tabId) unacked.delete(m.batch);
        break;
      case 'status':
        if (m.from !== tabId) {
          for (const l of [...statusListeners]) {
            try {
              l(m.status, m.from);
            } catch {
              // One broken display must not keep the status from the others.
            }
          }
        }
        break;
      case 'status?':
        if (m.from !== tabId && options.isLeader() && lastStatus) post({ t: 'status', from: tabId, status: lastStatus });
        break;
      case 'resigned':
        for (const [id, call] of [...calls]) if (call.acceptedBy === m.from) settle(id, { ok: false, error: leaderGoneError() });
        break;
    }
  };
  channel?.addEventListener('message', onMessage);

  const api: TabChannel<C> = {
    call<T>(method: string, params?: unknown): Promise<T> {
      if (closed) return Promise.reject(leaderGoneError());
      if (options.isLeader() || !channel) return runLocal(method, params, tabId) as Promise<T>;
      return new Promise<T>((resolve, reject) => {
        const id = makeId();
        calls.set(id, { resolve: resolve as (v: unknown) => void, reject, acceptedBy: null, timer: null });
        armCallTimer(id, acceptTimeoutMs, noLeaderError);
        post({ t: 'req', id, from: tabId, method, params: plain(params) });
      });
    },
    syncNow<T>() {
      return api.call<T>(SYNC_NOW);
    },
    handle(method, handler) {
      handlers.set(method, handler);
      return () => {
        if (handlers.get(method) === handler) handlers.delete(method);
      };
    },
    forwardDirtyKeys(keys) {
      const list = unique(keys);
      if (list.length === 0 || closed) return;
      if (options.isLeader() || !channel) return emitDirty(list, tabId);
      // Bounded: past this the leader's backstop scan finds the changes anyway.
      if (unacked.size >= MAX_PENDING_DIRTY_BATCHES) unacked.delete(unacked.keys().next().value as string);
      const batch = makeId();
      unacked.set(batch, list);
      post({ t: 'dirty', batch, from: tabId, keys: plain(list) as unknown[] });
      if (dirtyTimer === null) dirtyTimer = timers.setTimeout(sendDirty, dirtyRetryMs);
    },
    onDirtyKeys(listener) {
      dirtyListeners.add(listener);
      return () => void dirtyListeners.delete(listener);
    },
    publishStatus(status) {
      lastStatus = status;
      post({ t: 'status', from: tabId, status: plain(status) as SyncStatus });
    },
    onStatus(listener) {
      statusListeners.add(listener);
      return () => void statusListeners.delete(listener);
    },
    requestStatus() {
      post({ t: 'status?', from: tabId });
    },
    leadershipChanged(isLeader) {
      if (isLeader) {
        if (dirtyTimer !== null) timers.clearTimeout(dirtyTimer);
        sendDirty();
      } else {
        lastStatus = null;
        post({ t: 'resigned', from: tabId });
      }
    },
    close() {
      if (closed) return;
      if (options.isLeader()) post({ t: 'resigned', from: tabId });
      closed = true;
      if (dirtyTimer !== null) timers.clearTimeout(dirtyTimer);
      for (const id of [...calls.keys()]) {
        settle(id, { ok: false, error: new CloudSyncError('aborted', 'Cloud Sync stopped in this tab before the other tab answered. Reload the page to sync.') });
      }
      channel?.removeEventListener('message', onMessage);
      channel?.close();
    },
  };
  return api;
}
