/**
 * A small in-memory Web Locks double: exclusive locks only, FIFO queue, `signal` and `ifAvailable`.
 * One hub stands for one browser profile; each `tab()` is one tab's `navigator.locks`, and `close()` on it is
 * the tab going away (the browser releases what it held and drops what it waited for).
 */
import type { LockManagerLike, LockOptionsLike } from '../../src/runtime/channel-types';

interface Waiter {
  tab: number;
  grant(): void;
  drop(): void;
}

export interface MemoryLockTab extends LockManagerLike {
  close(): void;
}

export function createLockHub() {
  const held = new Map<string, { tab: number; release(): void }>();
  const queues = new Map<string, Waiter[]>();
  let nextTab = 0;

  const pump = (name: string) => {
    if (held.has(name)) return;
    const waiter = queues.get(name)?.shift();
    waiter?.grant();
  };

  const abortError = () => Object.assign(new Error('The request was aborted.'), { name: 'AbortError' });

  return {
    /** Who holds `name`, as the tab number, or undefined. */
    holder: (name: string) => held.get(name)?.tab,
    tab(): MemoryLockTab {
      const id = nextTab++;
      let closed = false;
      return {
        request(name: string, options: LockOptionsLike, callback: (lock: unknown) => unknown) {
          return new Promise((resolve, reject) => {
            if (closed) return reject(new Error('tab closed'));
            if (options.signal?.aborted) return reject(abortError());
            const run = () => {
              let released = false;
              const release = () => {
                if (released) return;
                released = true;
                if (held.get(name)?.tab === id) held.delete(name);
                pump(name);
              };
              held.set(name, { tab: id, release });
              Promise.resolve()
                .then(() => callback({ name, mode: 'exclusive' }))
                .then(
                  (v) => (release(), resolve(v)),
                  (e) => (release(), reject(e)),
                );
            };
            if (!held.has(name) && !(queues.get(name)?.length)) return run();
            if (options.ifAvailable) {
              Promise.resolve(callback(null)).then(resolve, reject);
              return;
            }
            const waiter: Waiter = {
              tab: id,
              grant: () => {
                options.signal?.removeEventListener('abort', onAbort);
                run();
              },
              drop: () => reject(new Error('tab closed')),
            };
            const onAbort = () => {
              const q = queues.get(name) ?? [];
              const i = q.indexOf(waiter);
              if (i >= 0) {
                q.splice(i, 1);
                reject(abortError());
              }
            };
            options.signal?.addEventListener('abort', onAbort, { once: true });
            if (!queues.has(name)) queues.set(name, []);
            queues.get(name)!.push(waiter);
          });
        },
        close() {
          closed = true;
          for (const [name, q] of queues) {
            for (const w of q.filter((w) => w.tab === id)) w.drop();
            queues.set(name, q.filter((w) => w.tab !== id));
          }
          for (const [, h] of [...held]) if (h.tab === id) h.release();
        },
      };
    },
  };
}
