/**
 * The slices of browser APIs the tab runtime uses, so Node's own BroadcastChannel, test doubles and the real
 * browser objects all fit.
 */
export interface BroadcastChannelLike {
  postMessage(message: unknown): void;
  close(): void;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  removeEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
}

export type BroadcastChannelConstructor = new (name: string) => BroadcastChannelLike;

export interface LockOptionsLike {
  mode?: 'exclusive' | 'shared';
  signal?: AbortSignal;
  ifAvailable?: boolean;
}

/** `navigator.locks`: only `request` with options and a callback is used. */
export interface LockManagerLike {
  request(name: string, options: LockOptionsLike, callback: (lock: unknown) => unknown): Promise<unknown>;
}

/** The global BroadcastChannel, if this environment has one. */
export function globalBroadcastChannel(): BroadcastChannelConstructor | null {
  const ctor = (globalThis as { BroadcastChannel?: unknown }).BroadcastChannel;
  return typeof ctor === 'function' ? (ctor as BroadcastChannelConstructor) : null;
}

/** `navigator.locks`, if present (it is missing in old browsers and in insecure http:// pages). */
export function globalLockManager(): LockManagerLike | null {
  const nav = (globalThis as { navigator?: { locks?: unknown } }).navigator;
  const locks = nav?.locks as LockManagerLike | undefined;
  return locks && typeof locks.request === 'function' ? locks : null;
}

/** A short random id for tabs and requests. Ids made earlier sort first (the heartbeat tie-break relies on it). */
export function makeTabId(now = Date.now(), random = Math.random): string {
  return `${now.toString(36).padStart(9, '0')}-${Math.floor(random() * 36 ** 6).toString(36).padStart(6, '0')}`;
}
