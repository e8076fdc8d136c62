/**
 * Reading objects through query-signed (presigned) URLs, from a page on another origin than the bucket.
 *
 * Why: a header-signed request is never a CORS "simple request", so the browser sends a preflight (OPTIONS)
 * before it, once per distinct URL. A fresh device downloads one object per item: with header signing that is
 * two round trips per item (about 530 preflights for the default benchmark dataset). A bare GET of a
 * presigned URL is a simple request: one round trip, no preflight, and none of the SDK's per-request work
 * after the URL is made.
 *
 * How: the SDK builds the request for one sentinel key as usual (endpoint rules, path or virtual-host style,
 * key encoding) through its public middleware stack: a command-level build step, after ours, hands the built
 * request back without sending anything. Every URL is then signed from that address (presign-template.ts)
 * with the client's skew-corrected clock (its public `systemClockOffset`, which the SDK keeps up to date from
 * the server's answers). The caller fetches the URL with `cache: 'no-store'`:
 * every URL differs anyway (it carries its signing time), and objects the original extension wrote carry no
 * Cache-Control, so nothing may come from the HTTP cache. (For header-signed requests a cache mode would
 * disable the preflight cache; a simple request has no preflight to lose.)
 *
 * Only plain reads go this way. Anything other than a 200 with an ETag answers `undefined`, and the caller
 * asks again the signed way, which carries the SDK's retries and the error mapping a user reads ("no such
 * bucket", "wrong key", "CORS"); a failure costs one extra request, a success saves one.
 */
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { BuildMiddleware } from '@smithy/types';
import { normalizeEtag } from './etag';
import { TEMPLATE_SENTINEL, TemplateSigner, templateFrom, type BuiltRequest } from './presign-template';

export interface PresignedRead {
  body: Uint8Array;
  etag: string;
  contentType?: string;
  lastModified?: number;
}

export interface PresignCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export class PresignedGets {
  private signer?: Promise<TemplateSigner | undefined>;

  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
    private readonly credentials: PresignCredentials,
  ) {}

  /** Starts building the template signer (see url); nothing is sent. */
  prepare(): void {
    this.signer ??= this.templateSigner();
  }

  /** A presigned GET URL for the object (no request is sent); undefined when none can be made here. */
  async url(key: string): Promise<string | undefined> {
    const signer = await (this.signer ??= this.templateSigner());
    return signer?.url(key, new Date(Date.now() + (this.client.config.systemClockOffset ?? 0)));
  }

  /** The SDK builds the request for the sentinel key; its address is the template for every key of the bucket. */
  private async templateSigner(): Promise<TemplateSigner | undefined> {
    try {
      const command = new GetObjectCommand({ Bucket: this.bucket, Key: TEMPLATE_SENTINEL });
      let built: BuiltRequest | undefined;
      const capture: BuildMiddleware<object, object> = () => async (args) => {
        built = args.request as BuiltRequest;
        return { output: { $metadata: {} }, response: {} };
      };
      command.middlewareStack.add(capture as never, { step: 'build', priority: 'low', name: 'cloudsyncPresignTemplate' });
      await this.client.send(command);
      if (!built) return undefined;
      const region = await this.client.config.region();
      const template = templateFrom(built, { region, accessKeyId: this.credentials.accessKeyId, sessionToken: this.credentials.sessionToken });
      return template ? new TemplateSigner(template, this.credentials.secretAccessKey) : undefined;
    } catch {
      return undefined; // reads go the signed way, which reports its own errors
    }
  }

  /**
   * Reads the object through a presigned URL. Otherwise: 'missing' (404 NoSuchKey), 'answered' (another status
   * than 200: refused, throttled…) or 'unreachable' (network or CORS failure, timeout, no exposed ETag); either way, ask
   * the signed way. An abort from `signal` is thrown as is.
   */
  async read(key: string, signal: AbortSignal | undefined, timeoutMs: number): Promise<PresignedRead | 'missing' | 'answered' | 'unreachable'> {
    const url = await this.url(key);
    if (url === undefined) return 'unreachable';
    const controller = new AbortController();
    const onAbort = () => controller.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    const timer = timeoutMs > 0 ? setTimeout(() => controller.abort(), timeoutMs) : undefined;
    try {
      const res = await fetch(url, { cache: 'no-store', credentials: 'omit', signal: controller.signal });
      if (res.status === 404) {
        // S3 names a missing key NoSuchKey (a missing bucket, NoSuchBucket): no need to ask again to be told.
        const text = await res.text().catch(() => '');
        return /<Code>NoSuchKey<\/Code>/.test(text) ? 'missing' : 'answered';
      }
      if (res.status !== 200) {
        await res.body?.cancel().catch(() => undefined);
        return 'answered';
      }
      const etag = normalizeEtag(res.headers.get('etag') ?? undefined);
      if (etag === undefined) {
        await res.body?.cancel().catch(() => undefined);
        return 'unreachable';
      }
      const body = new Uint8Array(await res.arrayBuffer());
      const contentType = res.headers.get('content-type');
      const lastModified = Date.parse(res.headers.get('last-modified') ?? '');
      return { body, etag, ...(contentType ? { contentType } : {}), ...(Number.isFinite(lastModified) ? { lastModified } : {}) };
    } catch (e) {
      if (signal?.aborted) throw e;
      return 'unreachable';
    } finally {
      if (timer !== undefined) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }
}
