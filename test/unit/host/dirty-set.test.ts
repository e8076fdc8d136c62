import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DirtySet } from '../../../src/host/dirty-set';
import type { ChangedKey } from '../../../src/host/types';

const idb = (key: string, at: number): ChangedKey => ({ key, area: 'idb', at });
const ls = (key: string, at: number): ChangedKey => ({ key, area: 'ls', at });
const keysOf = (entries: { key: string; area: string }[]) => entries.map((e) => `${e.area}:${e.key}`);

describe('DirtySet', () => {
  it('holds a key back until it has been quiet for the quiet period (default 3 s)', () => {
    const d = new DirtySet();
    d.mark([idb('CHAT_a', 1000)]);
    expect(d.size).toBe(1);
    expect(d.settled(1000)).toEqual([]);
    expect(d.settled(3999)).toEqual([]);
    expect(keysOf(d.settled(4000))).toEqual(['idb:CHAT_a']);
    // settled() only looks; the key stays until taken.
    expect(d.size).toBe(1);
  });

  it('restarts the quiet period on every change, as a streaming chat keeps writing', () => {
    const d = new DirtySet();
    for (let t = 0; t <= 10_000; t += 500) d.mark([idb('CHAT_stream', t)]);
    expect(d.settled(12_999)).toEqual([]);
    expect(d.settled(13_000).map((e) => e.at)).toEqual([10_000]);
    expect(d.size).toBe(1);
  });

  it('captures a key that never stops changing after maxWaitMs, when asked to', () => {
    const d = new DirtySet();
    for (let t = 0; t <= 60_000; t += 1000) d.mark([idb('CHAT_busy', t)]);
    expect(d.settled(60_000, 3000)).toEqual([]);
    expect(d.settled(60_000, 3000, 60_000).map((e) => [e.key, e.firstAt, e.at])).toEqual([['CHAT_busy', 0, 60_000]]);
  });

  it('keeps idb and ls keys of the same name apart, and orders by last change', () => {
    const d = new DirtySet();
    d.mark([ls('same', 200), idb('same', 100), idb('later', 300)]);
    expect(d.size).toBe(3);
    expect(keysOf(d.settled(10_000))).toEqual(['idb:same', 'ls:same', 'idb:later']);
  });

  it('take removes what is uploaded; marking it again puts it back after a failure', () => {
    const d = new DirtySet();
    d.mark([idb('a', 0), idb('b', 0), ls('c', 0)]);
    const taken = d.take([{ key: 'a', area: 'idb' }, { key: 'c', area: 'ls' }, { key: 'zzz', area: 'idb' }]);
    expect(keysOf(taken)).toEqual(['idb:a', 'ls:c']);
    expect(d.size).toBe(1);
    d.mark(taken);
    expect(d.size).toBe(3);
    // Keys put back are settled at once: they were quiet before the failed upload.
    expect(keysOf(d.settled(3000))).toEqual(['idb:a', 'idb:b', 'ls:c']);
  });

  it('a change made during the failed upload wins over the entry put back', () => {
    const d = new DirtySet();
    d.mark([idb('a', 0)]);
    const taken = d.take([{ key: 'a', area: 'idb' }]);
    d.mark([idb('a', 5000)]); // edited while uploading
    d.mark(taken);
    expect(d.size).toBe(1);
    expect(d.settled(7999)).toEqual([]);
    expect(d.settled(8000).map((e) => [e.at, e.firstAt])).toEqual([[5000, 0]]);
  });

  it('treats a negative quiet period as zero', () => {
    const d = new DirtySet();
    d.mark([idb('a', 100)]);
    expect(d.settled(100, -5)).toHaveLength(1);
    expect(d.settled(99, 0)).toHaveLength(0);
  });

  it('never loses a key: whatever is marked is either still dirty or was taken (property)', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('mark' as const), key: fc.constantFrom('a', 'b', 'c'), area: fc.constantFrom('idb' as const, 'ls' as const), at: fc.nat(100_000) }),
      fc.record({ kind: fc.constant('take' as const), now: fc.nat(200_000) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const d = new DirtySet();
        const marked = new Set<string>();
        const takenSinceLastMark = new Set<string>();
        for (const o of ops) {
          if (o.kind === 'mark') {
            d.mark([{ key: o.key, area: o.area, at: o.at }]);
            marked.add(`${o.area}:${o.key}`);
            takenSinceLastMark.delete(`${o.area}:${o.key}`);
          } else {
            const ready = d.settled(o.now);
            for (const e of d.take(ready)) {
              expect(o.now - e.at).toBeGreaterThanOrEqual(3000);
              takenSinceLastMark.add(`${e.area}:${e.key}`);
            }
          }
        }
        const stillDirty = new Set(keysOf(d.settled(Number.MAX_SAFE_INTEGER)));
        expect(stillDirty.size).toBe(d.size);
        for (const k of marked) expect(stillDirty.has(k) !== takenSinceLastMark.has(k)).toBe(true);
      }),
    );
  });
});
