import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../../src/runtime/backoff';

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

  it('clamps the random number into [0, 1]', () => {
    const cfg = { baseMs: 1000, maxMs: 8000 };
    expect(backoffDelay(2, cfg, -3)).toBe(1000);
    expect(backoffDelay(2, cfg, 7)).toBe(2000);
  });
});
