import type { Sleep } from '../../runtime/sleep';

/**
 * Spaces out requests of one kind to at most one per `intervalMs`, across everything the store does at
 * once (the pool's parallel copies included): Drive lets a user make only about two new files per second and
 * limits files.copy on its own, and answers more with 403 `userRateLimitExceeded`. Pacing keeps a large
 * backup under the limit instead of hitting it on every other request; a rate-limit answer that still comes
 * is retried by drive-http.ts with the project's back-off (each retry takes its turn here again).
 */
export class Pacer {
  private nextAt = 0;

  constructor(
    private readonly intervalMs: number,
    private readonly now: () => number,
    private readonly sleep: Sleep,
  ) {}

  /** Resolves when this request may go; turns are handed out in call order. */
  async turn(signal?: AbortSignal): Promise<void> {
    if (this.intervalMs <= 0) return;
    const now = this.now();
    const at = Math.max(now, this.nextAt);
    this.nextAt = at + this.intervalMs;
    if (at > now) await this.sleep(at - now, signal);
  }
}
