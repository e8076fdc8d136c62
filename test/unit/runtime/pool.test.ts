import { describe, expect, it } from 'vitest';
import { mapPool, parallelismFor } from '../../../src/runtime/pool';
import { DEFAULTS } from '../../../src/sync/engine-types';

const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 1));

describe('mapPool', () => {
  it('keeps the input order and never runs more than `limit` calls at once', async () => {
    let running = 0;
    let most = 0;
    const started: number[] = [];
    const out = await mapPool([5, 1, 4, 2, 3], 2, async (n, i) => {
      started.push(i);
      running++;
      most = Math.max(most, running);
      for (let k = 0; k < n; k++) await tick();
      running--;
      return n * 10;
    });
    expect(out).toEqual([50, 10, 40, 20, 30]);
    expect(most).toBe(2);
    expect(started).toEqual([0, 1, 2, 3, 4]);
  });

  it('runs nothing and resolves to [] for no items', async () => {
    let calls = 0;
    expect(await mapPool([], 4, async () => ++calls)).toEqual([]);
    expect(calls).toBe(0);
  });

  it('starts no further item once a call has failed, and rejects with that error', async () => {
    const started: number[] = [];
    const err = await mapPool([0, 1, 2, 3, 4, 5, 6, 7], 2, async (i) => {
      started.push(i);
      await tick();
      if (i === 1) throw new Error('item 1 failed');
      await tick();
      return i;
    }).catch((e: unknown) => e);
    expect((err as Error).message).toBe('item 1 failed');
    // Item 0 was still in flight when item 1 failed: let it finish, then check that nothing new began.
    for (let k = 0; k < 10; k++) await tick();
    expect(started).toEqual([0, 1]);
  });
});

describe('parallelism that fits the connection', () => {
  it('is the 6 connections a browser opens per host over HTTP/1.1, and more over HTTP/2', () => {
    expect(parallelismFor('http/1.1')).toBe(6);
    expect(parallelismFor('h2')).toBeGreaterThan(6);
  });

  it('is what the sync engine keeps in flight unless told otherwise', () => {
    expect(DEFAULTS.concurrency).toBe(parallelismFor('http/1.1'));
  });
});
