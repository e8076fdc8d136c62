/**
 * Waiting that an AbortSignal can cut short: the one sleep every pause uses (the Google Drive client before
 * trying a request again, the keyval connection before looking for TypingMind's database again, the memory
 * store's yield). Callers take it as an injectable `Sleep`, so tests can pass their own.
 */
import { CloudSyncError } from '../errors';

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export function abortedError(signal?: AbortSignal): CloudSyncError {
  const reason = signal?.reason;
  if (reason instanceof CloudSyncError) return reason;
  return new CloudSyncError('aborted', 'The operation was cancelled before it finished. Nothing more was changed; you can start it again.', {
    cause: reason,
  });
}

export const sleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(abortedError(signal));
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortedError(signal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, Math.max(0, ms));
    signal?.addEventListener('abort', onAbort, { once: true });
  });
