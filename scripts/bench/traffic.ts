/** Proxy counters → the Traffic figures of a phase. Pure. */
import type { Traffic } from './types';

export interface MethodCounters {
  count: number;
  bytesIn: number;
  bytesOut: number;
}

export function trafficOf(byMethod: Record<string, MethodCounters>): Traffic {
  let requests = 0;
  let preflights = 0;
  let bytesUp = 0;
  let bytesDown = 0;
  const counts: Record<string, number> = {};
  for (const [method, s] of Object.entries(byMethod)) {
    counts[method] = s.count;
    if (method === 'OPTIONS') preflights += s.count;
    else requests += s.count;
    bytesUp += s.bytesIn;
    bytesDown += s.bytesOut;
  }
  return { requests, preflights, bytesUp, bytesDown, byMethod: counts };
}

/** "METHOD key" per request, preflights left out; undefined when there are more than `max` (too many to read). */
export function requestLogOf(requests: readonly { method: string; key: string }[], max = 40): string[] | undefined {
  const real = requests.filter((r) => r.method !== 'OPTIONS');
  if (real.length > max) return undefined;
  return real.map((r) => `${r.method} ${r.key || '(bucket)'}`);
}

/** What happened between two readings of the same counters (`after` − `before`). */
export function diffTraffic(after: Traffic, before: Traffic): Traffic {
  const byMethod: Record<string, number> = {};
  for (const [m, n] of Object.entries(after.byMethod)) {
    const d = n - (before.byMethod[m] ?? 0);
    if (d) byMethod[m] = d;
  }
  return {
    requests: after.requests - before.requests,
    preflights: after.preflights - before.preflights,
    bytesUp: after.bytesUp - before.bytesUp,
    bytesDown: after.bytesDown - before.bytesDown,
    byMethod,
  };
}
