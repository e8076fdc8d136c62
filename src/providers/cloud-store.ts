/**
 * CloudStore: the one small interface every storage backend implements (S3, Google Drive, memory).
 * Values are bytes; codecs stay out of providers. Keys are the bucket layout's logical paths
 * ("metadata.json", "items/CHAT_x.json", "backups/s-name-20250102T030405/items/k.json"), used raw.
 *
 * Errors are CloudSyncError with a provider code (bad-credentials, bucket-not-found, access-denied,
 * cors-or-network, throttled, precondition-failed, too-large, reconnect-required, aborted, provider-error).
 * "Not found" on get is a result, not an error.
 */
export interface Capabilities {
  /** put honours ifMatch / ifNoneMatch:'*' (answers 412 on mismatch). Found by the probe for S3-compatibles. */
  conditionalPut: boolean;
  /** get honours ifNoneMatch and answers not-modified. */
  conditionalGet: boolean;
  /** copy runs inside the provider, without downloading the bytes. */
  serverSideCopy: boolean;
}

export interface RequestOptions {
  signal?: AbortSignal;
}

export interface GetOptions extends RequestOptions {
  /** An ETag seen before: when it still matches, the answer is `not-modified` with no body. */
  ifNoneMatch?: string;
}

export type GetResult =
  | {
      kind: 'found';
      body: Uint8Array;
      etag: string;
      contentType?: string;
      lastModified?: number;
      /**
       * Set when `etag` is the ETag of exactly these bytes: both came in one response (S3, the memory store).
       * Absent where the etag is read apart from the bytes and may be older than them (Drive). A reader may
       * then trust what it recorded about the object under that ETag (item-codec.ts, provenHash).
       */
      etagOfBody?: true;
    }
  | { kind: 'not-modified'; etag: string }
  | { kind: 'not-found' };

export interface PutOptions extends RequestOptions {
  /** Write only if the current object's ETag equals this (compare-and-swap). */
  ifMatch?: string;
  /** '*' = write only if no object exists at the key. */
  ifNoneMatch?: '*';
  contentType?: string;
  cacheControl?: string;
}

export interface PutResult {
  etag: string;
}

export interface ListEntry {
  key: string;
  size: number;
  etag?: string;
  lastModified?: number;
}

export interface CloudStore {
  readonly kind: 's3' | 'googleDrive' | 'memory';
  readonly capabilities: Capabilities;
  get(key: string, options?: GetOptions): Promise<GetResult>;
  /** Throws CloudSyncError('precondition-failed') when ifMatch / ifNoneMatch does not hold. */
  put(key: string, body: Uint8Array, options?: PutOptions): Promise<PutResult>;
  /** Every object whose key starts with `prefix`, recursively, one page (array) at a time. */
  list(prefix: string, options?: RequestOptions): AsyncIterable<ListEntry[]>;
  /** Server-side copy where the provider has one; overwrites `to`. */
  copy(from: string, to: string, options?: RequestOptions): Promise<void>;
  /** Deletes every key given; keys that do not exist are not an error. */
  deleteMany(keys: string[], options?: RequestOptions): Promise<void>;
  /**
   * Builds now, in the background, what the first request would otherwise build on its way out (S3: the
   * presigned-URL template). Called while the page waits on other things; never fails, sends nothing.
   */
  prepare?(): void;
  /**
   * For the setup check, where the store's own checks would hide the answer (Drive compares versions itself
   * before sending If-Match): does the provider itself refuse a stale If-Match on the object at `key`?
   */
  checkPreconditions?(key: string, signal?: AbortSignal): Promise<boolean>;
}
