/**
 * A small localStorage double (Node has none): the Storage methods on the prototype, as in browsers, so the
 * change feed can wrap them; an optional quota in UTF-16 code units that throws the browser's QuotaExceededError.
 */
export class MemoryStorage implements Storage {
  #data = new Map<string, string>();
  #quota: number;

  constructor(quota = Infinity) {
    this.#quota = quota;
  }

  get length(): number {
    return this.#data.size;
  }

  key(index: number): string | null {
    return [...this.#data.keys()][index] ?? null;
  }

  getItem(key: string): string | null {
    return this.#data.get(String(key)) ?? null;
  }

  setItem(key: string, value: string): void {
    const k = String(key);
    const v = String(value);
    let used = k.length + v.length;
    for (const [ok, ov] of this.#data) if (ok !== k) used += ok.length + ov.length;
    if (used > this.#quota) throw new DOMException(`Setting the value of '${k}' exceeded the quota.`, 'QuotaExceededError');
    this.#data.set(k, v);
  }

  removeItem(key: string): void {
    this.#data.delete(String(key));
  }

  clear(): void {
    this.#data.clear();
  }

  [name: string]: unknown;
}
