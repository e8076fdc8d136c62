/**
 * CloudStore over S3 and S3-compatibles (R2, B2, GCS XML, Wasabi, iDrive E2, MinIO) with the bundled
 * AWS SDK v3. Browser-safe: no Node APIs; in the bundle the SDK talks through fetch.
 *
 * Choices (why):
 * - requestChecksumCalculation / responseChecksumValidation WHEN_REQUIRED: the SDK's default CRC32
 *   checksums are rejected by R2 and several S3-compatibles.
 * - Path-style whenever an endpoint is given (the original did the same; MinIO / s3rver need it).
 * - Standard retry mode with bounded attempts: it backs off on 5xx / 429 / SlowDown and honours Retry-After.
 * - Conditional writes are sent as S3's If-Match / If-None-Match headers; whether a provider honours them is
 *   found by the capability probe and recorded in `capabilities.conditionalPut`.
 * - Requests are header-signed, so each distinct object URL costs one CORS preflight the first time; the
 *   bucket's CORS MaxAgeSeconds lets the browser reuse it for later requests to the same URL. Plain reads
 *   from another origin are the exception: they fetch a presigned URL, a simple request with no preflight
 *   (presigned-get.ts), which halves the round trips of a fresh device's download.
 *   Measured in Chromium: a request carrying If-None-Match is preflighted EVERY time (the conditional
 *   header bypasses the preflight cache), so polling metadata.json with a conditional GET costs two
 *   requests per idle cycle. From a web page we therefore ask with a HEAD (one request, preflight cached)
 *   and compare the ETag ourselves; only a changed object is then fetched. See `conditionalGetMode`.
 */
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
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
import { CloudSyncError } from '../../errors';
import { mapPool } from '../../runtime/pool';
import { headersForPut } from '../object-headers';
import { encodeCopySource } from './copy-source';
import { normalizeEtag } from './etag';
import { contentMd5Middleware } from './content-md5';
import { codeOf, mapS3Error, statusOf, type S3ErrorContext, type S3Operation } from './s3-errors';
import { planParts } from './multipart-plan';
import { PresignedGets } from './presigned-get';
import { encodeKeyPath, pathWouldChange, unaddressableKey, wireKeyPath } from './rfc3986';

export interface S3Settings {
  bucket: string;
  /** e.g. "us-east-1"; "auto" for Cloudflare R2. */
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  /** S3-compatible endpoint URL ("https://<account>.r2.cloudflarestorage.com"); empty/absent = AWS. */
  endpoint?: string;
  /** Defaults to true when an endpoint is set, false for AWS (virtual-hosted). */
  forcePathStyle?: boolean;
  /** What the capability probe found; conditionalPut defaults to true on AWS, false elsewhere until probed. */
  capabilities?: Partial<Capabilities>;
  /** Total attempts per request, including the first (standard retry mode). Default 4. */
  maxAttempts?: number;
  /** Per-request timeout in ms (0 = none). Default 120 000. */
  requestTimeoutMs?: number;
  /** Bodies larger than this go as multipart uploads. Default 8 MiB. */
  multipartThreshold?: number;
  /** Multipart part size (≥ 5 MiB, S3's minimum). Default 8 MiB. */
  partSize?: number;
  /** Parts uploaded at once. Default 4 (as the original). */
  partConcurrency?: number;
  /** The page's origin, to tell CORS failures from network ones; defaults to globalThis.location. */
  pageOrigin?: string;
  /**
   * How get({ifNoneMatch}) asks: 'head' = HEAD then GET only when the ETag changed (fewest requests from a
   * browser, where If-None-Match defeats the preflight cache); 'header' = a GET with If-None-Match (fewest
   * requests without CORS). Default: 'head' when the endpoint is on another origin than the page.
   */
  conditionalGetMode?: 'head' | 'header';
  /**
   * How plain (unconditional) reads are sent: 'presigned' = a bare GET of a query-signed URL (no CORS preflight:
   * one round trip per object instead of two), 'signed' = a header-signed GET. Default: 'presigned' when the
   * endpoint is on another origin than the page. See presigned-get.ts.
   */
  getMode?: 'presigned' | 'signed';
}

const MiB = 1024 * 1024;
/** S3's DeleteObjects limit per request. */
const DELETE_BATCH = 1000;

export class S3Store implements CloudStore {
  readonly kind = 's3' as const;
  readonly capabilities: Capabilities;
  readonly client: S3Client;
  private readonly settings: S3Settings;
  private readonly crossOrigin: boolean;
  /** Set once a provider refuses DeleteObjects (GCS XML, older MinIO): delete one by one after that. */
  private singleDeletes = false;
  /** HEAD answers showed no ETag: conditional reads go as a GET with If-None-Match instead. */
  private headHidesEtag = false;
  /** Plain reads through presigned URLs; dropped for good if they fail where a signed read then works. */
  private presigned?: PresignedGets;

  constructor(settings: S3Settings) {
    this.settings = settings;
    const endpoint = settings.endpoint?.trim() || undefined;
    this.client = new S3Client({
      region: settings.region,
      endpoint,
      forcePathStyle: settings.forcePathStyle ?? endpoint !== undefined,
      credentials: {
        accessKeyId: settings.accessKeyId,
        secretAccessKey: settings.secretAccessKey,
        ...(settings.sessionToken ? { sessionToken: settings.sessionToken } : {}),
      },
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      retryMode: 'standard',
      maxAttempts: settings.maxAttempts ?? 4,
      // throwOnRequestTimeout: Node's handler only warns otherwise (the browser's fetch handler always rejects).
      // No fetch cache mode here: 'no-store' or 'no-cache' would also bypass the CORS preflight cache (a preflight
      // per request). Stale reads are prevented by the Cache-Control our objects carry (object-headers.ts).
      requestHandler: { requestTimeout: settings.requestTimeoutMs ?? 120_000, throwOnRequestTimeout: true },
    });
    this.client.middlewareStack.add(dropOperationIdQuery, { step: 'build', name: 'cloudsyncDropXId' });
    this.client.middlewareStack.add(exactKeyPath, { step: 'build', name: 'cloudsyncExactKeyPath' });
    this.capabilities = {
      conditionalPut: endpoint === undefined,
      conditionalGet: true,
      serverSideCopy: true,
      ...settings.capabilities,
    };
    this.crossOrigin = isCrossOrigin(endpoint ?? awsOrigin(settings), settings.pageOrigin);
    if ((settings.getMode ?? (this.crossOrigin ? 'presigned' : 'signed')) === 'presigned') this.presigned = new PresignedGets(this.client, settings.bucket, {
        accessKeyId: settings.accessKeyId,
        secretAccessKey: settings.secretAccessKey,
        ...(settings.sessionToken ? { sessionToken: settings.sessionToken } : {}),
      });
  }

  prepare(): void {
    this.presigned?.prepare();
  }

  async get(key: string, options: GetOptions = {}): Promise<GetResult> {
    const signal = options.signal;
    checkSignal(signal, this.ctx('get', key));
    checkKey(key);
    const mode = this.headHidesEtag ? 'header' : this.settings.conditionalGetMode ?? (this.crossOrigin ? 'head' : 'header');
    if (options.ifNoneMatch !== undefined && mode === 'head') {
      const current = await this.headEtag(key, signal);
      // The answer to HEAD showed no ETag (moto does this, and so does a proxy or CORS rule that drops it from
      // HEAD only): ask with a conditional GET from now on, which costs a preflight but tells.
      if (current === HIDDEN) {
        this.headHidesEtag = true;
        return this.get(key, options);
      }
      // Gone (or, since a HEAD 404 has no body, maybe the bucket is): a plain GET tells which.
      if (current === undefined) return this.get(key, { signal });
      // Refused with no body to say why (a clock too far off, a permission, a signature): a GET's error body
      // tells, and names the server's time, so the SDK corrects its clock and the read goes through.
      if (current === REFUSED) {
        const got = await this.get(key, { signal });
        return got.kind === 'found' && got.etag === normalizeEtag(options.ifNoneMatch) ? { kind: 'not-modified', etag: got.etag } : got;
      }
      if (current === normalizeEtag(options.ifNoneMatch)) return { kind: 'not-modified', etag: current };
      // Changed: fetch it unconditionally (no If-None-Match, so the cached preflight still applies).
      return this.get(key, { signal });
    }
    let presigned: 'answered' | 'unreachable' | undefined;
    if (options.ifNoneMatch === undefined && this.presigned) {
      const read = await this.presigned.read(key, signal, this.settings.requestTimeoutMs ?? 120_000).catch((e: unknown) => {
        throw mapS3Error(e, this.ctx('get', key));
      });
      // The ETag header came with these bytes: it is theirs.
      if (typeof read === 'object') return { kind: 'found', ...read, etagOfBody: true };
      if (read === 'missing') return { kind: 'not-found' };
      presigned = read;
    }
    try {
      const res = await this.client.send(
        new GetObjectCommand({ Bucket: this.settings.bucket, Key: key, IfNoneMatch: options.ifNoneMatch }),
        { abortSignal: signal },
      );
      const body = res.Body ? await res.Body.transformToByteArray() : new Uint8Array(0);
      const etag = normalizeEtag(res.ETag);
      if (etag === undefined) throw missingEtag(this.ctx('get', key));
      // The signed read worked where the presigned one could not connect: something between (a proxy, a
      // CORS rule) treats the two differently. Stay with what works.
      if (presigned === 'unreachable') this.presigned = undefined;
      return {
        kind: 'found',
        body,
        etag,
        etagOfBody: true,
        ...(res.ContentType ? { contentType: res.ContentType } : {}),
        ...(res.LastModified ? { lastModified: res.LastModified.getTime() } : {}),
      };
    } catch (e) {
      const status = statusOf(e);
      if (status === 304) return { kind: 'not-modified', etag: options.ifNoneMatch as string };
      if (status === 404 || codeOf(e) === 'NoSuchKey') {
        // A missing bucket is also a 404: that one is an error, not an absent object.
        if (codeOf(e) === 'NoSuchBucket') throw mapS3Error(e, this.ctx('get', key));
        return { kind: 'not-found' };
      }
      throw mapS3Error(e, this.ctx('get', key));
    }
  }

  /**
   * The object's current ETag, undefined when there is no such object, HIDDEN when the answer shows none,
   * REFUSED for a 403 whose reason a HEAD cannot carry.
   */
  private async headEtag(key: string, signal: AbortSignal | undefined): Promise<string | typeof HIDDEN | typeof REFUSED | undefined> {
    try {
      const res = await this.client.send(new HeadObjectCommand({ Bucket: this.settings.bucket, Key: key }), { abortSignal: signal });
      return normalizeEtag(res.ETag) ?? HIDDEN;
    } catch (e) {
      // A HEAD error has no body, so a missing bucket looks like a missing key: only a 404 with an S3 code
      // other than NoSuchBucket is trusted as "no object"; "NotFound" is what the SDK names a bodiless 404.
      if (statusOf(e) === 404 && codeOf(e) !== 'NoSuchBucket') return undefined;
      if (statusOf(e) === 403 && !namedRefusal(e)) return REFUSED;
      throw mapS3Error(e, this.ctx('get', key));
    }
  }

  async put(key: string, body: Uint8Array, options: PutOptions = {}): Promise<PutResult> {
    const signal = options.signal;
    checkSignal(signal, this.ctx('put', key));
    checkKey(key);
    const headers = headersForPut(key, options);
    const threshold = this.settings.multipartThreshold ?? 8 * MiB;
    try {
      if (body.byteLength > threshold) return await this.putMultipart(key, body, headers, options);
      const res = await this.client.send(
        new PutObjectCommand({
          Bucket: this.settings.bucket,
          Key: key,
          Body: body,
          ContentLength: body.byteLength,
          ContentType: headers.contentType,
          CacheControl: headers.cacheControl,
          IfMatch: options.ifMatch,
          IfNoneMatch: options.ifNoneMatch,
        }),
        { abortSignal: signal },
      );
      const etag = normalizeEtag(res.ETag);
      if (etag === undefined) throw missingEtag(this.ctx('put', key));
      return { etag };
    } catch (e) {
      throw this.putError(e, key, options);
    }
  }

  async *list(prefix: string, options: RequestOptions = {}): AsyncIterable<ListEntry[]> {
    const signal = options.signal;
    let token: string | undefined;
    do {
      checkSignal(signal, this.ctx('list'));
      let res;
      try {
        res = await this.client.send(
          new ListObjectsV2Command({ Bucket: this.settings.bucket, Prefix: prefix, ContinuationToken: token }),
          { abortSignal: signal },
        );
      } catch (e) {
        throw mapS3Error(e, this.ctx('list'));
      }
      const page: ListEntry[] = [];
      for (const o of res.Contents ?? []) {
        if (o.Key === undefined) continue;
        const etag = normalizeEtag(o.ETag);
        page.push({
          key: o.Key,
          size: o.Size ?? 0,
          ...(etag ? { etag } : {}),
          ...(o.LastModified ? { lastModified: o.LastModified.getTime() } : {}),
        });
      }
      if (page.length > 0) yield page;
      // Some S3-compatibles omit IsTruncated; a continuation token alone means there is more.
      token = res.IsTruncated === false ? undefined : res.NextContinuationToken;
    } while (token);
  }

  async copy(from: string, to: string, options: RequestOptions = {}): Promise<void> {
    const signal = options.signal;
    checkSignal(signal, this.ctx('copy', from));
    checkKey(from);
    checkKey(to);
    try {
      await this.client.send(
        new CopyObjectCommand({ Bucket: this.settings.bucket, Key: to, CopySource: encodeCopySource(this.settings.bucket, from) }),
        { abortSignal: signal },
      );
    } catch (e) {
      if (codeOf(e) === 'NoSuchKey' || (statusOf(e) === 404 && codeOf(e) !== 'NoSuchBucket')) {
        throw new CloudSyncError('not-found', `Could not copy "${from}": it is not in the cloud storage (it may have been deleted by another device).`, {
          cause: e,
          details: { key: from, to },
        });
      }
      throw mapS3Error(e, this.ctx('copy', from));
    }
  }

  async deleteMany(keys: string[], options: RequestOptions = {}): Promise<void> {
    const signal = options.signal;
    // A key no object name can hold names no object: nothing to delete.
    keys = keys.filter((k) => unaddressableKey(k) === undefined);
    for (let i = 0; i < keys.length; i += DELETE_BATCH) {
      checkSignal(signal, this.ctx('delete'));
      const batch = keys.slice(i, i + DELETE_BATCH);
      if (this.singleDeletes) {
        await this.deleteOneByOne(batch, signal);
        continue;
      }
      try {
        const command = new DeleteObjectsCommand({
          Bucket: this.settings.bucket,
          Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true },
        });
        command.middlewareStack.add(contentMd5Middleware(this.client.config.md5, this.client.config.base64Encoder), {
          step: 'build',
          priority: 'low',
          name: 'cloudsyncContentMd5',
        });
        const res = await this.client.send(command, { abortSignal: signal });
        const failed = (res.Errors ?? []).filter((x) => x.Code !== 'NoSuchKey');
        if (failed.length > 0) {
          const first = failed[0];
          throw mapS3Error(
            { name: first.Code, message: first.Message, $metadata: {} },
            this.ctx('delete', first.Key),
          );
        }
      } catch (e) {
        if (e instanceof CloudSyncError) throw e;
        if (multiDeleteRefused(e)) {
          this.singleDeletes = true;
          await this.deleteOneByOne(batch, signal);
          continue;
        }
        throw mapS3Error(e, this.ctx('delete', batch[0]));
      }
    }
  }

  private async deleteOneByOne(keys: string[], signal: AbortSignal | undefined): Promise<void> {
    await mapPool(keys, 8, async (Key) => {
      try {
        await this.client.send(new DeleteObjectCommand({ Bucket: this.settings.bucket, Key }), { abortSignal: signal });
      } catch (e) {
        if (statusOf(e) === 404 && codeOf(e) !== 'NoSuchBucket') return;
        throw mapS3Error(e, this.ctx('delete', Key));
      }
    });
  }

  private async putMultipart(
    key: string,
    body: Uint8Array,
    headers: { contentType: string; cacheControl?: string },
    options: PutOptions,
  ): Promise<PutResult> {
    const signal = options.signal;
    const Bucket = this.settings.bucket;
    const created = await this.client.send(
      new CreateMultipartUploadCommand({ Bucket, Key: key, ContentType: headers.contentType, CacheControl: headers.cacheControl }),
      { abortSignal: signal },
    );
    const UploadId = created.UploadId;
    if (!UploadId) throw new CloudSyncError('provider-error', 'The storage provider did not start the large upload (no upload id). Try again later.', { details: { key } });
    try {
      const parts = planParts(body.byteLength, this.settings.partSize ?? 8 * MiB);
      const etags: string[] = new Array(parts.length);
      await mapPool(parts, this.settings.partConcurrency ?? 4, async (p) => {
        checkSignal(signal, this.ctx('put', key));
        const res = await this.client.send(
          new UploadPartCommand({
            Bucket,
            Key: key,
            UploadId,
            PartNumber: p.partNumber,
            Body: body.subarray(p.start, p.end),
            ContentLength: p.end - p.start,
          }),
          { abortSignal: signal },
        );
        const etag = normalizeEtag(res.ETag);
        if (etag === undefined) throw missingEtag(this.ctx('multipart', key));
        etags[p.partNumber - 1] = etag;
      });
      const done = await this.client.send(
        new CompleteMultipartUploadCommand({
          Bucket,
          Key: key,
          UploadId,
          MultipartUpload: { Parts: parts.map((p) => ({ PartNumber: p.partNumber, ETag: etags[p.partNumber - 1] })) },
          IfMatch: options.ifMatch,
          IfNoneMatch: options.ifNoneMatch,
        }),
        { abortSignal: signal },
      );
      const etag = normalizeEtag(done.ETag);
      if (etag === undefined) throw missingEtag(this.ctx('put', key));
      return { etag };
    } catch (e) {
      // Unfinished parts are billed storage: drop them. Best effort; the error that matters is `e`.
      await this.client.send(new AbortMultipartUploadCommand({ Bucket, Key: key, UploadId })).catch(() => undefined);
      throw e;
    }
  }

  private putError(e: unknown, key: string, options: PutOptions): CloudSyncError {
    // AWS answers If-Match against a missing object with 404 NoSuchKey: for the caller the condition failed.
    if (options.ifMatch !== undefined && (codeOf(e) === 'NoSuchKey' || (statusOf(e) === 404 && codeOf(e) !== 'NoSuchBucket'))) {
      return mapS3Error({ name: 'PreconditionFailed', $metadata: { httpStatusCode: 412 }, cause: e }, this.ctx('put', key));
    }
    return mapS3Error(e, this.ctx('put', key));
  }

  private ctx(operation: S3Operation, key?: string): S3ErrorContext {
    return {
      operation,
      bucket: this.settings.bucket,
      key,
      region: this.settings.region,
      endpoint: this.settings.endpoint?.trim() || undefined,
      crossOrigin: this.crossOrigin,
    };
  }
}

export function createS3Store(settings: S3Settings): S3Store {
  return new S3Store(settings);
}

/**
 * The SDK tags object URLs with "?x-id=GetObject" / "?x-id=PutObject"…, a hint S3 ignores. Browsers cache
 * CORS preflights per URL, so the tag makes a GET and a PUT of one key two URLs and two preflights. Without
 * it every request on a key shares one URL (runs at 'build', before signing).
 */
const dropOperationIdQuery =
  <Args extends { request: unknown }, Result>(next: (args: Args) => Promise<Result>) =>
  async (args: Args): Promise<Result> => {
    const req = args.request as { query?: Record<string, unknown> } | undefined;
    if (req?.query && 'x-id' in req.query) delete req.query['x-id'];
    return next(args);
  };

/**
 * Sends the object key exactly (rfc3986.ts, wireKeyPath): a key with a `.`, `..` or empty segment goes as one
 * segment with its `/` as `%2F`, so no URL parser on the way resolves it into another object's address — and
 * the path the server checks the signature against is the one that was signed (runs at 'build', before).
 */
const exactKeyPath =
  <Args extends { request: unknown; input: unknown }, Result>(next: (args: Args) => Promise<Result>) =>
  async (args: Args): Promise<Result> => {
    const key = (args.input as { Key?: unknown } | undefined)?.Key;
    const req = args.request as { path?: string } | undefined;
    if (typeof key === 'string' && typeof req?.path === 'string' && pathWouldChange(key)) {
      const asSegments = encodeKeyPath(key);
      if (req.path.endsWith(asSegments)) req.path = req.path.slice(0, req.path.length - asSegments.length) + wireKeyPath(key);
    }
    return next(args);
  };

/**
 * A provider's answer that it will not take a multi-object delete at all: not implemented (GCS XML API, 501),
 * not allowed (405), or a request it finds malformed (400: older MinIO without Content-MD5, a gateway that
 * drops the body's checksum header). Deleting one by one then still works and reports its own errors.
 */
function multiDeleteRefused(e: unknown): boolean {
  const status = statusOf(e);
  return codeOf(e) === 'NotImplemented' || status === 501 || status === 405 || status === 400;
}

/** Throws the per-item error for a key no S3 object name can hold. */
function checkKey(key: string): void {
  const problem = unaddressableKey(key);
  if (problem) throw new CloudSyncError('bad-key', problem, { details: { key } });
}

/** headEtag's answer when the response to HEAD carried no ETag. */
const HIDDEN = Symbol('etag hidden');
/** headEtag's answer to a 403 that says nothing more (a HEAD answer has no body). */
const REFUSED = Symbol('refused');

/** A 403 whose S3 error code came with it (the SDK names a bodiless one after its status). */
function namedRefusal(e: unknown): boolean {
  const code = codeOf(e);
  return code !== undefined && code !== 'Forbidden' && code !== 'NotFound';
}

function checkSignal(signal: AbortSignal | undefined, ctx: S3ErrorContext): void {
  if (signal?.aborted) throw mapS3Error(Object.assign(new Error('aborted'), { name: 'AbortError' }), ctx);
}

function missingEtag(ctx: S3ErrorContext): CloudSyncError {
  return new CloudSyncError(
    'cors-or-network',
    `The storage provider's answer had no ETag header. The bucket's CORS configuration must expose "ETag" (ExposeHeaders); add the CORS configuration shown for your provider, then try again.`,
    { details: { operation: ctx.operation, bucket: ctx.bucket, key: ctx.key, showCors: true } },
  );
}

function awsOrigin(settings: S3Settings): string {
  return `https://${settings.bucket}.s3.${settings.region}.amazonaws.com`;
}

function isCrossOrigin(endpoint: string, pageOrigin: string | undefined): boolean {
  const page = pageOrigin ?? (globalThis as { location?: { origin?: string } }).location?.origin;
  if (!page || page === 'null') return false;
  try {
    return new URL(endpoint).origin !== page;
  } catch {
    return true;
  }
}
