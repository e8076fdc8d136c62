/**
 * Downloaded items that are new on this device, written to TypingMind's store in batches.
 *
 * Why: one IndexedDB transaction per item cost a commit each, in the page and in the browser process that
 * keeps the database; a fresh device's first sync writes hundreds of items. The benchmark's trace of one
 * (520 items) showed ~0.7 s of the page's main thread and ~1.7 s of the browser process in IndexedDB work.
 * Batched, the downloads also no longer wait for their own commit before fetching the next object.
 *
 * Each batch is one `putNewMany`: every item is written only if its key is still absent when the batch's
 * transaction runs, so a chat TypingMind created meanwhile is never replaced (the next cycle reconciles it).
 *
 * The caller learns each item's outcome through its callbacks, and must `drain()` before it commits anything
 * that says the items are here. A callback that throws (the caller's way to stop the cycle, e.g. on a full
 * disk) is kept and thrown from the next `add` or from `drain`.
 */
import type { LocalItem } from '../host/types';

export interface NewItemOutcome {
  /** Written. */
  written(): void;
  /** Not written: the key was there by the time the batch ran. */
  present(): void;
  /** The batch failed (nothing of it was written). */
  failed(error: unknown): void;
}

export interface NewItemWriterOptions {
  /** Items per transaction. */
  maxBatch?: number;
  /** Batches being written at once; `add` waits beyond that (bounds the decoded values held in memory). */
  maxInFlight?: number;
  /** A batch that is not full is written this long after its first item arrived. */
  lingerMs?: number;
}

interface Pending {
  item: LocalItem;
  outcome: NewItemOutcome;
}

export class NewItemWriter {
  private batch: Pending[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped: { error: unknown } | undefined;
  private readonly maxBatch: number;
  private readonly maxInFlight: number;
  private readonly lingerMs: number;

  constructor(
    private readonly write: (items: LocalItem[]) => Promise<boolean[]>,
    options: NewItemWriterOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 32;
    this.maxInFlight = options.maxInFlight ?? 2;
    this.lingerMs = options.lingerMs ?? 20;
  }

  /** Queues one item; resolves once it is accepted (at once, unless too many batches are being written). */
  async add(item: LocalItem, outcome: NewItemOutcome): Promise<void> {
    this.throwIfStopped();
    this.batch.push({ item, outcome });
    if (this.batch.length >= this.maxBatch) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.lingerMs);
    while (this.inFlight.size >= this.maxInFlight) await Promise.race(this.inFlight);
    this.throwIfStopped();
  }

  /** Writes what is queued and waits for every batch; throws what a callback threw. */
  async drain(): Promise<void> {
    this.flush();
    while (this.inFlight.size > 0) await Promise.race(this.inFlight);
    this.throwIfStopped();
  }

  private flush(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.batch.length === 0) return;
    const batch = this.batch;
    this.batch = [];
    const run = this.writeBatch(batch).finally(() => this.inFlight.delete(run));
    this.inFlight.add(run);
  }

  private async writeBatch(batch: Pending[]): Promise<void> {
    let written: boolean[] | undefined;
    let error: unknown;
    try {
      written = await this.write(batch.map((p) => p.item));
    } catch (e) {
      error = e;
    }
    for (let i = 0; i < batch.length; i++) {
      try {
        if (!written) batch[i].outcome.failed(error);
        else if (written[i]) batch[i].outcome.written();
        else batch[i].outcome.present();
      } catch (stop) {
        this.stopped ??= { error: stop };
      }
    }
  }

  private throwIfStopped(): void {
    if (this.stopped) throw this.stopped.error;
  }
}
