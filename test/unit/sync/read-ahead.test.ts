import { describe, expect, it } from 'vitest';
import { mapPool } from '../../../src/runtime/pool';
import { ReadAhead } from '../../../src/sync/read-ahead';

describe('ReadAhead', () => {
  it('reads a batch per call, one batch ahead of the takers, and hands each item out once', async () => {
    const reads: string[][] = [];
    const keys = Array.from({ length: 10 }, (_, i) => `k${i}`);
    const r = new ReadAhead(keys, 4, async (ks) => (reads.push(ks), ks.map((k) => `value of ${k}`)));
    expect(await r.take(0)).toBe('value of k0');
    expect(reads).toEqual([['k0', 'k1', 'k2', 'k3'], ['k4', 'k5', 'k6', 'k7']]); // the next batch was read ahead
    const rest = await mapPool(keys.slice(1), 3, (_, i) => r.take(i + 1));
    expect(rest).toEqual(keys.slice(1).map((k) => `value of ${k}`));
    expect(reads).toHaveLength(3); // every key read exactly once
    expect(reads.flat()).toEqual(keys);
    expect((r as unknown as { batches: Map<number, unknown> }).batches.size).toBe(0); // nothing held afterwards
  });

  it('a failed read fails the items of its batch only, and is not an unhandled rejection', async () => {
    const keys = ['a', 'b', 'c', 'd'];
    const r = new ReadAhead(keys, 2, async (ks) => {
      if (ks.includes('c')) throw new Error('read failed');
      return ks.map((k) => k.toUpperCase());
    });
    const got = await mapPool(keys, 2, (_, i) => r.take(i).catch((e: Error) => e.message));
    expect(got).toEqual(['A', 'B', 'read failed', 'read failed']);
  });

  it('passes on a missing item (deleted since the plan) as undefined', async () => {
    const r = new ReadAhead(['a', 'gone'], 8, async (ks) => ks.map((k) => (k === 'gone' ? undefined : k)));
    expect([await r.take(0), await r.take(1)]).toEqual(['a', undefined]);
  });
});
