/**
 * Waiting that can be cancelled. Kept apart so retry, scheduler and tests can all inject their own.
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
