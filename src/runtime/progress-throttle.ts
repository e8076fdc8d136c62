/**
 * Progress events at a pace a person can read. The engine reports every item (hundreds per second on a first
 * sync); each report redraws the modal's bar and text (a layout, a paint and a composite of the frame), and at
 * one redraw per item that took more CPU than the sync itself (before the blur moved off the dialog's area,
 * styles.ts, each redraw also re-blurred the whole page). So: the first report of a run and the last (done === total) go out at once, a change of phase or
 * total too, and the ones between at most every `intervalMs` (half a second by default: a count that changes
 * twice a second is easy to read), the newest winning. A trailing report is never lost: it goes out when the
 * interval ends.
 */
import type { Timers } from './timers';

export interface Progress {
  phase: string;
  done: number;
  total: number;
}

export function throttleProgress<P extends Progress>(emit: (p: P) => void, timers: Timers, intervalMs = 500): (p: P) => void {
  let lastAt = -Infinity;
  let last: P | undefined;
  let pending: P | undefined;
  let timer: unknown;

  const send = (p: P) => {
    if (timer !== undefined) {
      timers.clearTimeout(timer);
      timer = undefined;
    }
    pending = undefined;
    last = p;
    lastAt = Date.now();
    emit(p);
  };

  return (p: P) => {
    const boundary = !last || p.phase !== last.phase || p.total !== last.total || p.done >= p.total || p.done <= 1;
    const since = Date.now() - lastAt;
    if (boundary || since >= intervalMs) {
      send(p);
      return;
    }
    pending = p;
    timer ??= timers.setTimeout(() => {
      timer = undefined;
      if (pending) send(pending);
    }, intervalMs - since);
  };
}
