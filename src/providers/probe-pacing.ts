/**
 * When the capability probe may run again after it failed. The sync runs it beside a cycle until it once
 * succeeds; a probe that keeps failing (a missing permission, a CORS rule without ETag) must not add its dozen
 * requests and a test object to every cycle (it ran 24 times in 90 s), so each failure pushes the next try
 * out with the project's one back-off (runtime/backoff.ts): 1 min, 2, 4… up to an hour.
 */
import { backoffDelay, type BackoffConfig } from '../runtime/backoff';

export const PROBE_BACKOFF: BackoffConfig = { baseMs: 60_000, maxMs: 60 * 60_000 };

export class ProbePacing {
  private failures = 0;
  private notBefore = 0;

  constructor(
    private readonly config: BackoffConfig = PROBE_BACKOFF,
    private readonly random: () => number = Math.random,
  ) {}

  /** May the probe run at `now`? */
  due(now: number): boolean {
    return now >= this.notBefore;
  }

  /** The probe failed (or did not finish) at `now`. */
  failed(now: number): void {
    this.failures += 1;
    this.notBefore = now + backoffDelay(this.failures, this.config, this.random());
  }

  /** The probe passed: nothing to wait for. */
  succeeded(): void {
    this.failures = 0;
    this.notBefore = 0;
  }
}
