/**
 * Many IndexedDB writes in one transaction without one long task. `put` clones its value on the calling
 * thread, so queueing a record per item of a 5,000-item library at once held the page's main thread for half
 * a second and more (a first sync's base and journal). Here the writes are queued a slice at a time, the next
 * slice from the success event of the last request of the one before: each slice is its own task, input gets
 * its turn between them, and the transaction stays the same one (a request's success handler may queue more),
 * so all of it or none of it still holds. A failed request aborts the transaction, which its caller awaits.
 */

/** Writes per slice: a few ms of cloning each, even for the larger records. */
export const WRITE_SLICE = 200;

/** Queues `writes` (each makes one IDBRequest) in order, `slice` at a time (later ones still run after earlier ones, as if queued at once). */
export function writeInSlices(writes: readonly (() => EventTarget)[], slice = WRITE_SLICE): void {
  let i = 0;
  const next = () => {
    const end = Math.min(i + slice, writes.length);
    let last: EventTarget | undefined;
    for (; i < end; i++) last = writes[i]();
    if (last && i < writes.length) last.addEventListener('success', next);
  };
  next();
}
