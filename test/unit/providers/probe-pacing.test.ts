import { describe, expect, it } from 'vitest';
import { ProbePacing } from '../../../src/providers/probe-pacing';

describe('ProbePacing', () => {
  it('a probe that keeps failing runs twice, not 24 times, over 90 s of cycles every 3.75 s', () => {
    const pacing = new ProbePacing(undefined, () => 0.5);
    let runs = 0;
    for (let t = 0; t <= 90_000; t += 3_750) {
      if (!pacing.due(t)) continue;
      runs += 1;
      pacing.failed(t);
    }
    expect(runs).toBe(2); // at 0 s and once the first back-off (45–60 s) is over
  });

  it('waits longer after each failure, up to the cap, and not at all once the probe passes', () => {
    const pacing = new ProbePacing({ baseMs: 1_000, maxMs: 8_000 }, () => 1);
    const waits: number[] = [];
    let t = 0;
    for (let i = 0; i < 6; i++) {
      pacing.failed(t);
      let next = t;
      while (!pacing.due(next)) next += 100;
      waits.push(next - t);
      t = next;
    }
    expect(waits).toEqual([1_000, 2_000, 4_000, 8_000, 8_000, 8_000]);
    pacing.failed(t);
    pacing.succeeded();
    expect(pacing.due(t)).toBe(true);
  });
});
