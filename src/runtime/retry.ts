/**
 * Retries one operation a few times when its error says trying again can help (throttling, a server hiccup,
 * a dropped connection), and gives up at once when it cannot (bad credentials, wrong password, not found),
 * unlike the original's S3 retry, which retried even a bad password or a CORS block (§6.2).
 */
import { isCloudSyncError, type ErrorCode } from '../errors';
import { backoffDelay } from './backoff';
import { abortedError, sleep as realSleep, type Sleep } from './sleep';

export interface RetryOptions {
  /** Total tries, the first included. Default 4. */
  attempts?: number;
  /** Delay before the second try, before jitter. Default 1000 ms. */
  baseMs?: number;
  /** Longest wait between tries. Default 30 000 ms. */
  maxMs?: number;
  isRetryable?: (error: unknown) => boolean;
  /** A wait the server asked for (Retry-After), in ms, or undefined. */
  retryAfterMs?: (error: unknown) => number | undefined;
  signal?: AbortSignal;
  sleep?: Sleep;
  random?: () => number;
  /** Told before each wait; the app logs it. */
  onRetry?: (info: { error: unknown; attempt: number; delayMs: number }) => void;
}

/** Errors where another try may succeed: the service is busy or failing, or the network dropped. */
const TRANSIENT_CODES = new Set<ErrorCode>(['throttled', 'provider-error', 'cors-or-network']);

export function isTransientError(error: unknown): boolean {
  if (isCloudSyncError(error)) return TRANSIENT_CODES.has(error.code);
  // fetch() rejects with a TypeError when the connection fails; that is worth another try.
  if (error instanceof TypeError) return true;
  return typeof error === 'object' && error !== null && (error as { retryable?: unknown }).retryable === true;
}

/** Reads `details.retryAfterMs`, which providers set from a Retry-After header. */
export function retryAfterFromDetails(error: unknown): number | undefined {
  if (!isCloudSyncError(error)) return undefined;
  const v = error.details.retryAfterMs;
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined;
}

export async function retry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const attempts = Math.max(1, Math.floor(options.attempts ?? 4));
  const config = { baseMs: options.baseMs ?? 1000, maxMs: options.maxMs ?? 30_000 };
  const isRetryable = options.isRetryable ?? isTransientError;
  const retryAfterMs = options.retryAfterMs ?? retryAfterFromDetails;
  const sleep = options.sleep ?? realSleep;
  const random = options.random ?? Math.random;
  const { signal } = options;

  for (let attempt = 1; ; attempt++) {
    if (signal?.aborted) throw abortedError(signal);
    try {
      return await fn(attempt);
    } catch (error) {
      if (signal?.aborted) throw abortedError(signal);
      if (attempt >= attempts || !isRetryable(error)) throw error;
      const asked = retryAfterMs(error);
      const delayMs = Math.max(backoffDelay(attempt, config, random()), asked ?? 0);
      // A server that asks for a longer pause than we are willing to block for: stop here and let the
      // scheduler's slower back-off try again, instead of hammering it early.
      if (delayMs > config.maxMs) throw error;
      options.onRetry?.({ error, attempt, delayMs });
      await sleep(delayMs, signal);
    }
  }
}
