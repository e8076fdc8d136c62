import { describe, expect, it } from 'vitest';
import { CloudSyncError, isCloudSyncError } from '../../../src/errors';
import { backoffDelay } from '../../../src/runtime/backoff';
import { isTransientError, retry } from '../../../src/runtime/retry';
import { sleep as realSleep } from '../../../src/runtime/sleep';

/** Records the waits instead of waiting. */
function recordingSleep() {
  const waits: number[] = [];
  return { waits, sleep: async (ms: number) => void waits.push(ms) };
}

const throttled = (retryAfterMs?: number) =>
  new CloudSyncError('throttled', 'The storage service is busy.', { details: retryAfterMs === undefined ? {} : { retryAfterMs } });

describe('retry', () => {
  it('retries transient errors with exponential, capped back-off and returns the first success', async () => {
    const s = recordingSleep();
    let calls = 0;
    const result = await retry(
      async (attempt) => {
        calls++;
        if (attempt < 5) throw throttled();
        return 'ok';
      },
      { attempts: 5, baseMs: 1000, maxMs: 5000, sleep: s.sleep, random: () => 1 },
    );
    expect(result).toBe('ok');
    expect(calls).toBe(5);
    expect(s.waits).toEqual([1000, 2000, 4000, 5000]);
  });

  it('gives up at once on errors another try cannot fix', async () => {
    const s = recordingSleep();
    let calls = 0;
    const err = await retry(
      async () => {
        calls++;
        throw new CloudSyncError('bad-credentials', 'The access key was refused.');
      },
      { sleep: s.sleep },
    ).catch((e: unknown) => e);
    expect(isCloudSyncError(err, 'bad-credentials')).toBe(true);
    expect(calls).toBe(1);
    expect(s.waits).toEqual([]);
  });

  it('throws the last error after the last attempt', async () => {
    const s = recordingSleep();
    let calls = 0;
    const err = await retry(
      async () => {
        calls++;
        throw new CloudSyncError('provider-error', `failure ${calls}`);
      },
      { attempts: 3, sleep: s.sleep },
    ).catch((e: unknown) => e);
    expect((err as Error).message).toBe('failure 3');
    expect(s.waits).toHaveLength(2);
  });

  it('waits at least what the server asked for, and stops if it asks for more than maxMs', async () => {
    const s = recordingSleep();
    let calls = 0;
    await retry(
      async () => {
        if (++calls === 1) throw throttled(7000);
        return 'ok';
      },
      { baseMs: 100, maxMs: 10_000, sleep: s.sleep, random: () => 0 },
    );
    expect(s.waits).toEqual([7000]);

    calls = 0;
    const err = await retry(
      async () => {
        calls++;
        throw throttled(60_000);
      },
      { maxMs: 10_000, sleep: s.sleep },
    ).catch((e: unknown) => e);
    expect(calls).toBe(1);
    expect(isCloudSyncError(err, 'throttled')).toBe(true);
  });

  it('uses the caller’s isRetryable and tells onRetry about each wait', async () => {
    const s = recordingSleep();
    const told: number[] = [];
    let calls = 0;
    await retry(
      async () => {
        if (++calls < 3) throw new Error('custom transient');
        return calls;
      },
      { isRetryable: (e) => (e as Error).message === 'custom transient', sleep: s.sleep, onRetry: (i) => told.push(i.attempt) },
    );
    expect(told).toEqual([1, 2]);
  });

  it('stops with an "aborted" error when the signal fires, even in the middle of a wait', async () => {
    const controller = new AbortController();
    let calls = 0;
    const p = retry(
      async () => {
        calls++;
        throw throttled();
      },
      { baseMs: 60_000, maxMs: 60_000, signal: controller.signal, sleep: realSleep },
    );
    setTimeout(() => controller.abort(), 5);
    const err = await p.catch((e: unknown) => e);
    expect(isCloudSyncError(err, 'aborted')).toBe(true);
    expect((err as Error).message).toMatch(/cancelled/);
    expect(calls).toBe(1);
  });

  it('classifies errors: network failures and throttling are transient, the rest are not', () => {
    expect(isTransientError(new TypeError('Failed to fetch'))).toBe(true);
    expect(isTransientError(throttled())).toBe(true);
    expect(isTransientError(new CloudSyncError('wrong-password', 'x'))).toBe(false);
    expect(isTransientError(new CloudSyncError('not-found', 'x'))).toBe(false);
    expect(isTransientError(new Error('x'))).toBe(false);
  });
});

describe('backoffDelay', () => {
  it('stays within [exp/2, exp] with exp = base·2^(n-1) capped at max', () => {
    const cfg = { baseMs: 1000, maxMs: 8000 };
    expect(backoffDelay(0, cfg, 0.5)).toBe(0);
    expect(backoffDelay(1, cfg, 0)).toBe(500);
    expect(backoffDelay(1, cfg, 1)).toBe(1000);
    expect(backoffDelay(3, cfg, 0)).toBe(2000);
    expect(backoffDelay(10, cfg, 1)).toBe(8000);
    expect(backoffDelay(1000, cfg, 0.5)).toBe(6000);
  });
});
