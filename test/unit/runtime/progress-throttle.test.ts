import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { throttleProgress, type Progress } from '../../../src/runtime/progress-throttle';
import { globalTimers } from '../../../src/runtime/timers';

describe('throttleProgress', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function setup(intervalMs = 200) {
    const seen: Progress[] = [];
    const report = throttleProgress<Progress>((p) => seen.push(p), globalTimers, intervalMs);
    return { seen, report };
  }

  it('sends the first and the last report of a burst at once, and few between', () => {
    const { seen, report } = setup();
    for (let i = 1; i <= 500; i++) report({ phase: 'download', done: i, total: 500 });
    expect(seen).toEqual([
      { phase: 'download', done: 1, total: 500 },
      { phase: 'download', done: 500, total: 500 },
    ]);
    vi.advanceTimersByTime(1000);
    expect(seen).toHaveLength(2); // the final report cancelled the trailing one
  });

  it('sends the newest report when the interval ends, so a stalled run still shows where it is', () => {
    const { seen, report } = setup();
    report({ phase: 'upload', done: 1, total: 10 });
    report({ phase: 'upload', done: 2, total: 10 });
    report({ phase: 'upload', done: 3, total: 10 });
    expect(seen.map((p) => p.done)).toEqual([1]);
    vi.advanceTimersByTime(199);
    expect(seen.map((p) => p.done)).toEqual([1]);
    vi.advanceTimersByTime(1);
    expect(seen.map((p) => p.done)).toEqual([1, 3]);
  });

  it('paces a steady stream at one report per interval', () => {
    const { seen, report } = setup(200);
    for (let i = 1; i < 100; i++) {
      report({ phase: 'upload', done: i, total: 100 });
      vi.advanceTimersByTime(10); // 100 reports a second
    }
    // ~1 s of reports: the first, then one per 200 ms.
    expect(seen.length).toBeGreaterThanOrEqual(5);
    expect(seen.length).toBeLessThanOrEqual(7);
    const dones = seen.map((p) => p.done);
    expect([...dones].sort((a, b) => a - b)).toEqual(dones); // never out of order
  });

  it('sends a change of phase or total at once, dropping the stale pending report', () => {
    const { seen, report } = setup();
    report({ phase: 'download', done: 1, total: 5 });
    report({ phase: 'download', done: 2, total: 5 });
    report({ phase: 'upload', done: 1, total: 3 });
    report({ phase: 'upload', done: 2, total: 4 });
    expect(seen).toEqual([
      { phase: 'download', done: 1, total: 5 },
      { phase: 'upload', done: 1, total: 3 },
      { phase: 'upload', done: 2, total: 4 },
    ]);
    vi.advanceTimersByTime(1000);
    expect(seen).toHaveLength(3);
  });
});
