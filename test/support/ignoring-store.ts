/**
 * A store that silently ignores preconditions, as s3rver, Backblaze B2's S3 API and GCS's XML API do: every
 * put succeeds whatever `ifMatch` / `ifNoneMatch` say. `claims` is what it tells the engine through its
 * capabilities: `false` when the probe found out, `true` for a device that believes in compare-and-swap (a
 * capability remembered from before, or a provider that changed behind it).
 */
import type { CloudStore, GetOptions, PutOptions, RequestOptions } from '../../src/providers/cloud-store';
import { MemoryStore, type MemoryStoreOptions } from '../../src/providers/memory/memory-store';

export class IgnoringStore implements CloudStore {
  readonly kind = 'memory' as const;
  readonly capabilities;
  private readonly inner: MemoryStore;

  constructor(options: MemoryStoreOptions & { claims: boolean }) {
    this.inner = new MemoryStore({ ...options, capabilities: { conditionalPut: false } });
    this.capabilities = { ...this.inner.capabilities, conditionalPut: options.claims };
  }

  get(key: string, options?: GetOptions) {
    return this.inner.get(key, options);
  }

  put(key: string, body: Uint8Array, options: PutOptions = {}) {
    const { ifMatch: _ignored, ifNoneMatch: _alsoIgnored, ...rest } = options;
    return this.inner.put(key, body, rest);
  }

  list(prefix: string, options?: RequestOptions) {
    return this.inner.list(prefix, options);
  }

  copy(from: string, to: string, options?: RequestOptions) {
    return this.inner.copy(from, to, options);
  }

  deleteMany(keys: string[], options?: RequestOptions) {
    return this.inner.deleteMany(keys, options);
  }

  keys(): string[] {
    return this.inner.keys();
  }
}
