/**
 * Chromium's own counters through the DevTools protocol: JS heap sampled during a phase (its peak), and the
 * main thread's cumulative task / script time read before and after one.
 */
import type { CDPSession, Page } from 'playwright-core';

export interface PageMetrics {
  heapUsed: number;
  taskMs: number;
  scriptMs: number;
  /** Layout and style recalculation: what a page that redraws on every progress event pays. */
  layoutMs: number;
  styleMs: number;
}

export async function openMetrics(page: Page): Promise<CDPSession> {
  const session = await page.context().newCDPSession(page);
  await session.send('Performance.enable');
  return session;
}

export async function readMetrics(session: CDPSession): Promise<PageMetrics> {
  const { metrics } = await session.send('Performance.getMetrics');
  const get = (name: string) => metrics.find((m) => m.name === name)?.value ?? 0;
  // TaskDuration and ScriptDuration are cumulative seconds.
  return {
    heapUsed: get('JSHeapUsedSize'),
    taskMs: get('TaskDuration') * 1000,
    scriptMs: get('ScriptDuration') * 1000,
    layoutMs: get('LayoutDuration') * 1000,
    styleMs: get('RecalcStyleDuration') * 1000,
  };
}

export interface HeapSampler {
  /** Stops sampling; the peak JSHeapUsedSize seen, in bytes (undefined when no sample succeeded). */
  stop(): Promise<number | undefined>;
}

/**
 * Samples JSHeapUsedSize every `everyMs` until stopped. A sample that fails (the page is navigating) is skipped:
 * a peak taken from fewer samples is still a lower bound, and the JSON records how many were taken.
 */
export function sampleHeap(session: CDPSession, everyMs = 100): HeapSampler & { samples(): number; peakAtMs(): number | undefined } {
  let peak: number | undefined;
  let peakAt: number | undefined;
  const started = Date.now();
  let samples = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      try {
        const m = await readMetrics(session);
        if (m.heapUsed > 0) {
          if (m.heapUsed > (peak ?? 0)) peakAt = Date.now() - started;
          peak = Math.max(peak ?? 0, m.heapUsed);
          samples += 1;
        }
      } catch {
        // Navigation in progress, or the target is being swapped: the next sample will do.
      }
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    samples: () => samples,
    /** When the peak was seen, in ms after sampling started. */
    peakAtMs: () => peakAt,
    async stop() {
      running = false;
      await loop;
      return peak;
    },
  };
}

/** The JS heap still in use after a full collection: what the page holds, without garbage not yet collected. */
export async function liveHeapBytes(session: CDPSession): Promise<number> {
  await session.send('HeapProfiler.collectGarbage');
  return (await readMetrics(session)).heapUsed;
}
