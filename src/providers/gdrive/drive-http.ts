import { CloudSyncError, isCloudSyncError } from '../../errors';
import { backoffDelay } from '../../runtime/backoff';
import type { Sleep } from '../../runtime/sleep';
import { isRetryable, parseDriveError, parseRetryAfter, toCloudSyncError } from './drive-errors';
import type { Pacer } from './drive-pacer';

/**
 * One authorised request to Drive, with the retry policy the original lacked (W19): rate-limit
 * 403s, 429 and 5xx are retried with backoff that honours Retry-After, a bounded number of times.
 *
 * A 401 gets one silent second chance (the token may simply have expired: we drop it and ask for
 * a fresh one without a popup). A second 401 puts the connection into "reconnect required": every
 * later request fails at once, without touching the network, until `reconnect()` runs from a
 * user's click (only then may Google's sign-in window open).
 */
export interface DriveHttpOptions {
  /** interactive=false must never open a window; interactive=true only from a user gesture. */
  getAccessToken: (interactive: boolean) => Promise<string>;
  /** Told when Drive rejected a token, so the auth layer stops handing it out. */
  invalidateToken?: (token: string) => void;
  fetch: typeof fetch;
  sleep: Sleep;
  /** Attempts per request, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  /** Longest wait we accept; a longer Retry-After makes us give up with `throttled`. */
  maxDelayMs: number;
  random: () => number;
  now: () => number;
}

export interface DriveRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: Uint8Array | string;
  signal?: AbortSignal;
  /** Statuses the caller handles itself (e.g. 404, 412, 308) instead of an error. */
  accept?: number[];
  /** What we were doing, for the error message ("reading metadata.json"). */
  context: string;
  /**
   * false: no retry of network failures or retryable statuses here; the caller recovers itself
   * (a resumable upload must ask Drive what it holds before resending). Retryable statuses are
   * then returned, network failures thrown as cors-or-network.
   */
  retry?: boolean;
  /** Turns to take before every attempt (retries included): requests Drive limits per second. */
  pace?: Pacer[];
}

export class DriveHttp {
  private reconnectNeeded = false;

  constructor(private readonly opts: DriveHttpOptions) {}

  get needsReconnect(): boolean {
    return this.reconnectNeeded;
  }

  /** From a user gesture: ask for a token interactively and leave the reconnect state. */
  async reconnect(): Promise<void> {
    await this.opts.getAccessToken(true);
    this.reconnectNeeded = false;
  }

  async send(req: DriveRequest): Promise<Response> {
    let token = await this.token();
    let retriedAuth = false;
    for (let attempt = 0; ; attempt++) {
      if (req.signal?.aborted) throw aborted(req.context);
      for (const pacer of req.pace ?? []) await pacer.turn(req.signal);
      let res: Response;
      try {
        res = await this.opts.fetch(req.url, {
          method: req.method,
          headers: { ...req.headers, Authorization: `Bearer ${token}` },
          body: req.body as BodyInit | undefined,
          signal: req.signal,
        });
      } catch (e) {
        if (isAbort(e) || req.signal?.aborted) throw aborted(req.context, e);
        // A blocked or dropped connection: try again a few times, then say what it probably is.
        if (req.retry !== false && attempt + 1 < this.opts.maxAttempts) {
          await this.opts.sleep(this.backoff(attempt + 1), req.signal);
          continue;
        }
        throw new CloudSyncError(
          'cors-or-network',
          `Could not reach Google Drive while ${req.context}. Check your internet connection, and that no browser extension or firewall blocks www.googleapis.com.`,
          { cause: e, details: { url: stripQuery(req.url) } },
        );
      }
      if (res.ok || req.accept?.includes(res.status)) return res;
      if (req.retry === false && res.status !== 401 && (res.status === 429 || res.status >= 500)) return res;

      const text = await res.text().catch(() => '');
      const info = parseDriveError(res.status, text);
      if (res.status === 401) {
        this.opts.invalidateToken?.(token);
        if (!retriedAuth) {
          retriedAuth = true;
          token = await this.token();
          attempt--; // the silent refresh is not a retry of the request itself
          continue;
        }
        this.reconnectNeeded = true;
        throw toCloudSyncError(info, req.context);
      }
      if (isRetryable(info) && attempt + 1 < this.opts.maxAttempts) {
        const hinted = parseRetryAfter(res.headers.get('retry-after'), this.opts.now());
        if (hinted !== undefined && hinted > this.opts.maxDelayMs) {
          const err = toCloudSyncError(info, req.context);
          err.details.retryAfterMs = hinted;
          throw err;
        }
        const delay = hinted ?? this.backoff(attempt + 1);
        await this.opts.sleep(delay, req.signal);
        continue;
      }
      throw toCloudSyncError(info, req.context);
    }
  }

  /** The wait after the `failures`-th failure in a row (1 = the first), when the server gave no Retry-After. */
  backoff(failures: number): number {
    return backoffDelay(failures, { baseMs: this.opts.baseDelayMs, maxMs: this.opts.maxDelayMs }, this.opts.random());
  }

  get maxAttempts(): number {
    return this.opts.maxAttempts;
  }

  /** Waits `ms` (or what Retry-After says, when given), cut short by the signal. */
  wait(ms: number, retryAfter: string | null, signal?: AbortSignal): Promise<void> {
    const hinted = parseRetryAfter(retryAfter, this.opts.now());
    return this.opts.sleep(hinted !== undefined ? Math.min(hinted, this.opts.maxDelayMs) : ms, signal);
  }

  /** Sends and parses a JSON answer. */
  async json<T>(req: DriveRequest): Promise<T> {
    const res = await this.send(req);
    return (await res.json()) as T;
  }

  private async token(): Promise<string> {
    if (this.reconnectNeeded) {
      throw new CloudSyncError(
        'reconnect-required',
        'Google Drive needs you to sign in again. Click "Sign in with Google" in Cloud Sync settings, then sync again.',
      );
    }
    try {
      return await this.opts.getAccessToken(false);
    } catch (e) {
      // A passing failure (offline, script blocked) is reported as it is; anything else means
      // only the user can fix it by signing in again.
      if (isCloudSyncError(e) && e.code !== 'reconnect-required') throw e;
      this.reconnectNeeded = true;
      if (isCloudSyncError(e)) throw e;
      throw new CloudSyncError(
        'reconnect-required',
        'Could not renew the Google Drive sign-in without asking you. Click "Sign in with Google" in Cloud Sync settings, then sync again.',
        { cause: e },
      );
    }
  }
}

function isAbort(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { name?: string }).name === 'AbortError';
}

function aborted(context: string, cause?: unknown): CloudSyncError {
  return new CloudSyncError('aborted', `Stopped while ${context}, as asked.`, { cause });
}

function stripQuery(url: string): string {
  const i = url.indexOf('?');
  return i < 0 ? url : url.slice(0, i);
}
