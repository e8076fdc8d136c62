/**
 * An in-memory CloudStore with the semantics of a strict S3: ETags that change on every write,
 * conditional put and get, paged listing in key order, server-side copy. Used by unit tests and by the
 * lead's model-based tests; it never touches the network.
 */
import type {
  Capabilities,
  CloudStore,
  GetOptions,
  GetResult,
  ListEntry,
  PutOptions,
  PutResult,
  RequestOptions,
} from '../cloud-store';
import { sleep } from '../../runtime/sleep';
import { abortedError, notFoundForCopy, preconditionFailed } from '../errors-common';

export interface MemoryStoreOptions {
  /** Objects per list page (S3 uses 1,000). Small values exercise paging in tests. */
  pageSize?: number;
  /** Override what the store says it can do (e.g. to test the engine's path for stores without CAS). */
  capabilities?: Partial<Capabilities>;
  /** Clock for lastModified; defaults to Date.now. */
  now?: () => number;
}

interface StoredObject {
  body: Uint8Array;
  etag: string;
  contentType?: string;
  cacheControl?: string;
  lastModified: number;
}

export class MemoryStore implements CloudStore {
  readonly kind = 'memory' as const;
  readonly capabilities: Capabilities;
  pageSize: number;
  private readonly objects = new Map<string, StoredObject>();
  private readonly now: () => number;
  private version = 0;

  constructor(options: MemoryStoreOptions = {}) {
    this.pageSize = options.pageSize ?? 1000;
    this.now = options.now ?? Date.now;
    this.capabilities = { conditionalPut: true, conditionalGet: true, serverSideCopy: true, ...options.capabilities };
  }

  async get(key: string, options: GetOptions = {}): Promise<GetResult> {
    await this.tick(options);
    const obj = this.objects.get(key);
    if (!obj) return { kind: 'not-found' };
    if (this.capabilities.conditionalGet && options.ifNoneMatch !== undefined && options.ifNoneMatch === obj.etag) {
      return { kind: 'not-modified', etag: obj.etag };
    }
    return { kind: 'found', body: obj.body.slice(), etag: obj.etag, contentType: obj.contentType, lastModified: obj.lastModified, etagOfBody: true };
  }

  async put(key: string, body: Uint8Array, options: PutOptions = {}): Promise<PutResult> {
    await this.tick(options);
    // Decided and written in one synchronous step after the await: concurrent writers are serialised.
    const current = this.objects.get(key);
    if (this.capabilities.conditionalPut) {
      if (options.ifNoneMatch === '*' && current) throw preconditionFailed(key);
      if (options.ifMatch !== undefined && (!current || current.etag !== options.ifMatch)) throw preconditionFailed(key);
    }
    const etag = this.nextEtag();
    this.objects.set(key, {
      body: body.slice(),
      etag,
      contentType: options.contentType,
      cacheControl: options.cacheControl,
      lastModified: this.now(),
    });
    return { etag };
  }

  async *list(prefix: string, options: RequestOptions = {}): AsyncIterable<ListEntry[]> {
    await this.tick(options);
    // Keys in UTF-8 byte order like S3 (JS string order differs for astral characters only).
    const keys = [...this.objects.keys()].filter((k) => k.startsWith(prefix)).sort(compareUtf8);
    for (let i = 0; i < keys.length; i += this.pageSize) {
      if (i > 0) await this.tick(options);
      const page: ListEntry[] = [];
      for (const key of keys.slice(i, i + this.pageSize)) {
        const obj = this.objects.get(key);
        // Deleted while we were paging: S3 would not list it either.
        if (obj) page.push({ key, size: obj.body.byteLength, etag: obj.etag, lastModified: obj.lastModified });
      }
      yield page;
    }
  }

  async copy(from: string, to: string, options: RequestOptions = {}): Promise<void> {
    await this.tick(options);
    const src = this.objects.get(from);
    if (!src) throw notFoundForCopy(from);
    this.objects.set(to, { ...src, body: src.body.slice(), etag: this.nextEtag(), lastModified: this.now() });
  }

  async deleteMany(keys: string[], options: RequestOptions = {}): Promise<void> {
    await this.tick(options);
    for (const key of keys) this.objects.delete(key);
  }

  /** Test helper: every stored key, sorted. */
  keys(): string[] {
    return [...this.objects.keys()].sort(compareUtf8);
  }

  /** Test helper: the stored object's headers, to check what callers asked for. */
  headers(key: string): { contentType?: string; cacheControl?: string } | undefined {
    const obj = this.objects.get(key);
    return obj && { contentType: obj.contentType, cacheControl: obj.cacheControl };
  }

  private nextEtag(): string {
    this.version += 1;
    return `"m${this.version.toString(16).padStart(8, '0')}"`;
  }

  /** Yields to the event loop like a network call would, so callers cannot rely on synchronous completion. */
  private async tick(options: RequestOptions): Promise<void> {
    if (options.signal?.aborted) throw abortedError();
    await sleep(0);
    if (options.signal?.aborted) throw abortedError();
  }
}

const utf8 = new TextEncoder();
function compareUtf8(a: string, b: string): number {
  const x = utf8.encode(a);
  const y = utf8.encode(b);
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}

export function createMemoryStore(options: MemoryStoreOptions = {}): MemoryStore {
  return new MemoryStore(options);
}
