/**
 * Whose main-thread time it was. Chromium's counters (TaskDuration, ScriptDuration) add up the whole page, and
 * the stand-in page redraws its list of every chat after each sync, so they grow with the library whatever the
 * extension does. These split them, pure functions over what the page and the profiler hand back:
 *  - `ownScriptMs`: the time of a CPU profile's samples whose innermost script frame is the bundle's: the
 *    extension running, or a built-in it called (JSON.parse, structured clone, IndexedDB, crypto). A host
 *    listener the extension calls (an event handler of the page) is the host's time, not ours;
 *  - `longTaskSummary`: the page's long tasks (PerformanceObserver 'longtask', every task over 50 ms) in a
 *    window, and how many passed the 100 ms that issue 16 allows.
 */

/** The parts of a DevTools `Profiler.Profile` used here. */
export interface CpuProfile {
  nodes: { id: number; callFrame: { url: string }; children?: number[] }[];
  samples: number[];
  /** µs between samples; the first is from the profile's start. */
  timeDeltas: number[];
}

/**
 * ms of the profile's samples whose innermost frame with a script URL has one containing `urlPart` (frames of
 * built-ins have no URL: they count for the script that called them).
 */
export function ownScriptMs(profile: CpuProfile, urlPart: string): number {
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const url = new Map(profile.nodes.map((n) => [n.id, n.callFrame.url]));
  const ours = new Map<number, boolean>();
  const isOurs = (id: number): boolean => {
    const known = ours.get(id);
    if (known !== undefined) return known;
    const own = url.get(id) ?? '';
    const p = parent.get(id);
    const v = own ? own.includes(urlPart) : p !== undefined && isOurs(p);
    ours.set(id, v);
    return v;
  };
  let us = 0;
  // A sample stands for the time until the next one.
  for (let i = 0; i < profile.samples.length; i++) if (isOurs(profile.samples[i])) us += profile.timeDeltas[i + 1] ?? 0;
  return us / 1000;
}

export interface LongTask {
  startTime: number;
  duration: number;
}

export interface LongTaskSummary {
  /** Tasks over 50 ms (what the observer reports) in the window. */
  count: number;
  /** Of those, over `limitMs`. */
  over: number;
  longestMs: number;
  totalMs: number;
}

/** The long tasks that began inside [from, to) on the page's clock. */
export function longTaskSummary(tasks: readonly LongTask[], from: number, to: number, limitMs = 100): LongTaskSummary {
  const inside = tasks.filter((t) => t.startTime >= from && t.startTime < to);
  return {
    count: inside.length,
    over: inside.filter((t) => t.duration > limitMs).length,
    longestMs: Math.round(Math.max(0, ...inside.map((t) => t.duration))),
    totalMs: Math.round(inside.reduce((s, t) => s + t.duration, 0)),
  };
}
