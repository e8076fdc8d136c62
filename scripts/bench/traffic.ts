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

/**
 * Where a phase's wall time went, from the proxy's arrival times: before the first item object was asked for
 * (page load, key derivation, capability probe, index), while item objects moved, and after the last one
 * (index write, bookkeeping). `startMs` is when the phase began (Date.now()).
 */
/**
 * How many object requests (not preflights) the proxy was serving at once, on average, between the first one's
 * arrival and the last one's answer: the concurrency the client really kept up. A client that stops fetching
 * while it works on what it fetched shows it here as less than its nominal concurrency.
 */
export function meanInFlight(requests: readonly { method: string; at: number; done?: number }[]): number | undefined {
  const served = requests.filter((r) => r.method !== 'OPTIONS' && r.done !== undefined);
  if (served.length === 0) return undefined;
  const start = Math.min(...served.map((r) => r.at));
  const end = Math.max(...served.map((r) => r.done!));
  if (end <= start) return undefined;
  return served.reduce((sum, r) => sum + (r.done! - r.at), 0) / (end - start);
}

export function phaseSplit(
  requests: readonly { method: string; key: string; at: number }[],
  startMs: number,
  endMs: number,
): { firstRequestMs: number; beforeItemsMs: number; itemsMs: number; afterItemsMs: number; items: number } | undefined {
  const items = requests.filter((r) => r.method !== 'OPTIONS' && r.key.startsWith('items/'));
  if (items.length === 0) return undefined;
  const first = Math.min(...items.map((r) => r.at));
  const last = Math.max(...items.map((r) => r.at));
  const firstRequest = Math.min(...requests.map((r) => r.at));
  return { firstRequestMs: firstRequest - startMs, beforeItemsMs: first - startMs, itemsMs: last - first, afterItemsMs: endMs - last, items: items.length };
}
