/** When a cycle plans again, and when a key that failed is tried again (retry.ts; docs/sync.md, "Failures"). */
import { describe, expect, it } from 'vitest';
import type { LiveEntry } from '../../../src/cloud/types';
import { CloudSyncError } from '../../../src/errors';
import type { RetryRecord } from '../../../src/sync/base-store';
import { entrySig } from '../../../src/sync/commit-journal';
import { classifyFailure, MAX_ATTEMPTS, nextRetry, replanAfter, RETRY_BACKOFF, retryDue } from '../../../src/sync/retry';

const T = Date.parse('2026-11-01T00:00:00Z');
const entry = (hash: string): LiveEntry => ({ type: 'idb', synced: T, lastModified: T, tcsHash: hash });
const e1 = entry('h1');
const e2 = entry('h2');
const damaged = (next: number, sig: string | null = entrySig(e1)): RetryRecord => ({ sig, transient: false, failures: 1, next, message: 'damaged', code: 'corrupt-object' });

describe('planning a cycle again', () => {
  it('after a lost compare-and-swap, until the last attempt', () => {
    const lost = new CloudSyncError('precondition-failed', 'changed meanwhile');
    expect(replanAfter(lost, 1)).toBe(true);
    expect(replanAfter(lost, MAX_ATTEMPTS - 1)).toBe(true);
    expect(replanAfter(lost, MAX_ATTEMPTS)).toBe(false);
  });

  it('never after any other error', () => {
    expect(replanAfter(new CloudSyncError('cors-or-network', 'offline'), 1)).toBe(false);
    expect(replanAfter(new Error('precondition-failed'), 1)).toBe(false);
  });
});

describe('what a failure is remembered as', () => {
  it('a damaged, missing or undecryptable object, or a bad index, waits out a back-off', () => {
    for (const code of ['corrupt-object', 'not-found', 'wrong-password', 'bad-metadata'] as const) {
      expect(classifyFailure(new CloudSyncError(code, 'x'))).toEqual({ failure: { transient: false, message: 'x', code }, stopsCycle: false });
    }
  });

  it('anything else about one key is transient: tried again every cycle', () => {
    expect(classifyFailure(new CloudSyncError('sync-conflict', 'being written'))).toEqual({ failure: { transient: true, message: 'being written', code: 'sync-conflict' }, stopsCycle: false });
    expect(classifyFailure(new Error('boom'))).toEqual({ failure: { transient: true, message: 'boom', code: undefined }, stopsCycle: false });
    expect(classifyFailure('odd')).toEqual({ failure: { transient: true, message: 'odd', code: undefined }, stopsCycle: false });
  });

  it('a failure of the whole provider stops the cycle', () => {
    for (const code of ['bad-credentials', 'expired-credentials', 'bucket-not-found', 'access-denied', 'cors-or-network', 'reconnect-required', 'aborted', 'quota-exceeded'] as const) {
      expect(classifyFailure(new CloudSyncError(code, 'x')).stopsCycle).toBe(true);
    }
  });
});

describe('whether a key that failed is tried in this cycle', () => {
  it('always, when its failure was transient', () => {
    expect(retryDue({ sig: entrySig(e1), transient: true, next: T + 60_000 }, e1, T)).toBe(true);
  });

  it('not while its back-off runs and its entry is the one it failed on', () => {
    expect(retryDue(damaged(T + 60_000), e1, T)).toBe(false);
  });

  it('once its back-off ran out', () => {
    expect(retryDue(damaged(T + 60_000), e1, T + 60_000)).toBe(true);
  });

  it('as soon as its entry changed, or went, or came', () => {
    expect(retryDue(damaged(T + 60_000), e2, T)).toBe(true);
    expect(retryDue(damaged(T + 60_000), undefined, T)).toBe(true);
    expect(retryDue(damaged(T + 60_000, null), e1, T)).toBe(true);
    expect(retryDue(damaged(T + 60_000, null), undefined, T)).toBe(false);
  });
});

describe('the retry list after a cycle', () => {
  const failure = { transient: false, message: 'damaged', code: 'corrupt-object' };

  it('records a first failure with a back-off of at least half the base, at most the base', () => {
    const out = nextRetry(undefined, new Map(), { K: e1 }, new Map([['K', failure]]), new Set(), T)!;
    expect(out.K).toMatchObject({ sig: entrySig(e1), transient: false, failures: 1, message: 'damaged', code: 'corrupt-object' });
    expect(out.K.next! - T).toBeGreaterThanOrEqual(RETRY_BACKOFF.baseMs / 2);
    expect(out.K.next! - T).toBeLessThanOrEqual(RETRY_BACKOFF.baseMs);
  });

  it('counts on from earlier failures on the same entry, doubling up to the hour', () => {
    const before = { K: damaged(T, entrySig(e1)) };
    const second = nextRetry(before, new Map([['K', 'idb']]), { K: e1 }, new Map([['K', failure]]), new Set(), T)!;
    expect(second.K.failures).toBe(2);
    expect(second.K.next! - T).toBe(RETRY_BACKOFF.baseMs * 2);
    const many = nextRetry({ K: { ...damaged(T), failures: 20 } }, new Map([['K', 'idb']]), { K: e1 }, new Map([['K', failure]]), new Set(), T)!;
    expect(many.K.next! - T).toBe(RETRY_BACKOFF.maxMs);
  });

  it('starts the count again when the entry it fails on is another one', () => {
    const out = nextRetry({ K: { ...damaged(T), failures: 5 } }, new Map([['K', 'idb']]), { K: e2 }, new Map([['K', failure]]), new Set(), T)!;
    expect(out.K).toMatchObject({ sig: entrySig(e2), failures: 1 });
  });

  it('keeps earlier failures the cycle did not look at, or that still wait, and forgets those that synced', () => {
    const before = { A: damaged(T + 1), B: damaged(T + 1), C: damaged(T + 1) };
    const out = nextRetry(before, new Map([['B', 'idb'], ['C', 'idb']]), { A: e1, B: e1, C: e1 }, new Map(), new Set(['C']), T);
    expect(out).toEqual({ A: before.A, C: before.C });
  });

  it('records a failure of a key that has no entry with no signature', () => {
    const out = nextRetry(undefined, new Map([['K', 'idb']]), {}, new Map([['K', { transient: true, message: 'offline' }]]), new Set(), T)!;
    expect(out.K).toMatchObject({ sig: null, transient: true, failures: 1 });
  });
});
