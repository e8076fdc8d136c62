/**
 * A CloudStore wrapper that fails on command, for the model-based sync test: the next N requests (or the
 * request to a given key) answer with a server error, a throttle, a dropped response (the request took
 * effect but the answer never came), or a "crash" that stops the cycle right before metadata.json is written.
 */
import { CloudSyncError } from '../../src/errors';
import type { CloudStore, GetOptions, PutOptions, RequestOptions } from '../../src/providers/cloud-store';

export type Fault = '5xx' | '429' | 'drop' | 'crash-before-metadata';

export class FaultyStore implements CloudStore {
  readonly kind;
  readonly capabilities;
  /** Faults to apply, in order, one per request (undefined = pass). */
  private queue: (Fault | undefined)[] = [];
  private crashArmed = false;
  /** Event-loop turns each request waits before it is sent: a slower device, so races do not run in lockstep. */
  lag = 0;
  requests = 0;
  private hold?: { reached: () => void; release: Promise<void> };

  /**
   * The next read of metadata.json answers, then the device waits until `release` settles: another device can
   * write the index meanwhile, and this one goes on from what it read (a stale writer). Resolves once it waits.
   */
  holdAfterIndexRead(release: Promise<void>): Promise<void> {
    return new Promise((reached) => (this.hold = { reached, release }));
  }

  constructor(private readonly inner: CloudStore) {
    this.kind = inner.kind;
    this.capabilities = inner.capabilities;
  }

  /** Arms a fault for the request that comes `after` requests from now. */
  inject(fault: Fault, after = 0): void {
    if (fault === 'crash-before-metadata') {
      this.crashArmed = true;
      return;
    }
    this.queue = Array.from({ length: after }, () => undefined);
    this.queue.push(fault);
  }

  clear(): void {
    this.queue = [];
    this.crashArmed = false;
    this.lag = 0;
    this.hold = undefined;
  }

  private async run<T>(key: string, isMetadataWrite: boolean, op: () => Promise<T>): Promise<T> {
    this.requests++;
    for (let i = 0; i < this.lag; i++) await new Promise<void>((resolve) => setTimeout(resolve, 0));
    if (isMetadataWrite && this.crashArmed) {
      this.crashArmed = false;
      throw new CloudSyncError('aborted', 'simulated crash between the item uploads and the metadata write');
    }
    const fault = this.queue.shift();
    switch (fault) {
      case '5xx':
        throw new CloudSyncError('provider-error', `simulated 503 on ${key}`);
      case '429':
        throw new CloudSyncError('throttled', `simulated 429 on ${key}`, { details: { retryAfterMs: 1000 } });
      case 'drop': {
        await op();
        throw new CloudSyncError('cors-or-network', `simulated dropped response on ${key}`);
      }
      default:
        return op();
    }
  }

  async get(key: string, options?: GetOptions) {
    const res = await this.run(key, false, () => this.inner.get(key, options));
    const hold = key === 'metadata.json' ? this.hold : undefined;
    if (hold) {
      this.hold = undefined;
      hold.reached();
      await hold.release;
    }
    return res;
  }
  put(key: string, body: Uint8Array, options?: PutOptions) {
    return this.run(key, key === 'metadata.json', () => this.inner.put(key, body, options));
  }
  list(prefix: string, options?: RequestOptions) {
    return this.inner.list(prefix, options);
  }
  copy(from: string, to: string, options?: RequestOptions) {
    return this.run(to, false, () => this.inner.copy(from, to, options));
  }
  deleteMany(keys: string[], options?: RequestOptions) {
    return this.run(keys[0] ?? '', false, () => this.inner.deleteMany(keys, options));
  }
}
