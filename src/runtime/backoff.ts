/**
 * Exponential back-off with jitter, the one formula for every wait before trying again: the scheduler's (per
 * failed cycle) and the Google Drive client's (per failed request).
 * Pure: the random number is passed in.
 */
export interface BackoffConfig {
  /** Delay before the first retry, before jitter. */
  baseMs: number;
  /** No delay is longer than this. */
  maxMs: number;
}

/**
 * Delay after the `failures`-th consecutive failure (1 = first failure): base·2^(failures-1), capped, then
 * "equal jitter": a random point in the upper half, so tabs and devices that failed together do not retry
 * in lock-step, yet the delay never collapses to zero.
 */
export function backoffDelay(failures: number, config: BackoffConfig, random: number): number {
  if (failures <= 0) return 0;
  const exp = Math.min(config.maxMs, config.baseMs * 2 ** Math.min(failures - 1, 30));
  const r = Math.min(Math.max(random, 0), 1);
  return Math.round(exp / 2 + (exp / 2) * r);
}
