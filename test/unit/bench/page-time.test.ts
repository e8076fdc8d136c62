import { describe, expect, it } from 'vitest';
import { longTaskSummary, ownScriptMs, type CpuProfile } from '../../../scripts/bench/page-time';

describe("the extension's own script time in a CPU profile", () => {
  // root → app.js:render → (native) ; root → cloudsync.js:cycle → (native), and → app.js:listener → (native)
  const profile: CpuProfile = {
    nodes: [
      { id: 1, callFrame: { url: '' }, children: [2, 4] },
      { id: 2, callFrame: { url: 'http://page/app.js' }, children: [3] },
      { id: 3, callFrame: { url: '' } },
      { id: 4, callFrame: { url: 'http://page/dist/cloudsync.js' }, children: [5, 6] },
      { id: 5, callFrame: { url: '' } },
      { id: 6, callFrame: { url: 'http://page/app.js' }, children: [7] },
      { id: 7, callFrame: { url: '' } },
    ],
    samples: [2, 3, 3, 4, 5, 5, 7, 1],
    timeDeltas: [0, 1000, 1000, 1000, 2000, 2000, 2000, 4000],
  };

  it("counts the samples of the bundle and of the built-ins it called, not the host's, nor a host listener it called", () => {
    // Samples 4, 5, 5 (indexes 3–5) last 2 + 2 + 2 ms; the host listener under the bundle (7) is the host's.
    expect(ownScriptMs(profile, '/dist/cloudsync.js')).toBe(6);
    expect(ownScriptMs(profile, '/app.js')).toBe(3 + 4);
    expect(ownScriptMs(profile, '/nothing.js')).toBe(0);
  });
});

describe('long tasks', () => {
  it('are counted inside the window, and those over the limit apart', () => {
    const tasks = [
      { startTime: 10, duration: 300 }, // before the window: the host's load
      { startTime: 100, duration: 60 },
      { startTime: 200, duration: 140 },
      { startTime: 900, duration: 101 },
      { startTime: 1000, duration: 500 }, // after it
    ];
    expect(longTaskSummary(tasks, 100, 1000)).toEqual({ count: 3, over: 2, longestMs: 140, totalMs: 301 });
    expect(longTaskSummary([], 0, 1)).toEqual({ count: 0, over: 0, longestMs: 0, totalMs: 0 });
  });
});
