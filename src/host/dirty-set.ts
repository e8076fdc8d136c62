/**
 * Keys changed locally and not yet uploaded, with the quiet period that keeps a chat that is still streaming
 * (or waiting for a second model's answer) from being captured half-written. Pure: the clock is passed in.
 *
 * A key is identified by area and name (`ls` and `idb` may hold the same name). `at` is the last change;
 * `firstAt` the first change since the key was last taken, so a key that never stops changing can still be
 * captured after `maxWaitMs` (a half-written capture is then replaced by the next one).
 */
import type { ChangeArea, ChangedKey } from './types';

export const DEFAULT_QUIET_MS = 3000;

export interface DirtyEntry extends ChangedKey {
  /** First change since the key was last taken. */
  firstAt: number;
}

export type DirtyRef = Pick<ChangedKey, 'key' | 'area'>;

const id = (key: string, area: ChangeArea) => `${area}\u0000${key}`;

export class DirtySet {
  readonly #entries = new Map<string, DirtyEntry>();

  get size(): number {
    return this.#entries.size;
  }

  /**
   * Records changes; a later change restarts the key's quiet period. The app also puts taken keys back this
   * way after a failed upload: a change recorded since the take still wins, as it is newer.
   */
  mark(changes: readonly ChangedKey[]): void {
    for (const { key, area, at } of changes) {
      const k = id(key, area);
      const old = this.#entries.get(k);
      if (!old) this.#entries.set(k, { key, area, at, firstAt: at });
      else this.#entries.set(k, { key, area, at: Math.max(old.at, at), firstAt: Math.min(old.firstAt, at) });
    }
  }

  /**
   * Keys quiet for at least `quietMs` at `now` (oldest change first), plus, when `maxWaitMs` is given, keys
   * first changed at least that long ago even if they are still changing. Does not remove them: `take` does.
   */
  settled(now: number, quietMs: number = DEFAULT_QUIET_MS, maxWaitMs?: number): DirtyEntry[] {
    const quiet = Math.max(0, quietMs);
    const out: DirtyEntry[] = [];
    for (const e of this.#entries.values()) {
      const isQuiet = now - e.at >= quiet;
      const waitedTooLong = maxWaitMs !== undefined && now - e.firstAt >= maxWaitMs;
      if (isQuiet || waitedTooLong) out.push({ ...e });
    }
    return out.sort((a, b) => a.at - b.at || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  /** Removes the keys (as they are about to be uploaded) and returns their entries; unknown keys are skipped. */
  take(refs: readonly DirtyRef[]): DirtyEntry[] {
    const out: DirtyEntry[] = [];
    for (const { key, area } of refs) {
      const k = id(key, area);
      const e = this.#entries.get(k);
      if (!e) continue;
      this.#entries.delete(k);
      out.push(e);
    }
    return out;
  }
}
