/**
 * Local items for the upload workers, read a batch at a time and one batch ahead.
 *
 * Why: each upload read its own item in its own IndexedDB transaction (520 transactions for the benchmark's
 * first upload), and the read sat between two network requests of the same worker. Here the items are read
 * `batchSize` per transaction (getMany), and the next batch is read while the current one is being uploaded,
 * so a worker finds its item in memory. At most two batches of values are held.
 *
 * `take(i)` hands out item i once (the workers take indexes in order, as mapPool gives them); an item read
 * fails for every item of its batch, and each worker reports its own key.
 */
export class ReadAhead<K, T> {
  private readonly batches = new Map<number, { items: Promise<(T | undefined)[]>; left: number }>();
  private ahead = 0;

  constructor(
    private readonly keys: readonly K[],
    private readonly batchSize: number,
    private readonly read: (keys: K[]) => Promise<(T | undefined)[]>,
  ) {}

  async take(i: number): Promise<T | undefined> {
    const b = Math.floor(i / this.batchSize);
    const batch = this.load(b);
    if (b + 1 > this.ahead) {
      this.ahead = b + 1;
      this.load(b + 1); // read ahead while this batch is being used
    }
    try {
      const items = await batch.items;
      const item = items[i - b * this.batchSize];
      items[i - b * this.batchSize] = undefined; // handed over: not held here any longer
      return item;
    } finally {
      if (--batch.left === 0) this.batches.delete(b);
    }
  }

  private load(b: number): { items: Promise<(T | undefined)[]>; left: number } {
    let batch = this.batches.get(b);
    if (!batch) {
      const keys = this.keys.slice(b * this.batchSize, (b + 1) * this.batchSize);
      const items = keys.length ? this.read(keys) : Promise.resolve([]);
      // A read ahead that fails is reported by the workers that take from it, not as an unhandled rejection.
      items.catch(() => undefined);
      batch = { items, left: keys.length };
      if (keys.length) this.batches.set(b, batch);
    }
    return batch;
  }
}
