/**
 * Reading objects through query-signed (presigned) URLs, from a page on another origin than the bucket.
 *
 * Why: a header-signed request is never a CORS "simple request", so the browser sends a preflight (OPTIONS)
 * before it, once per distinct URL. A fresh device downloads one object per item: with header signing that is
 * two round trips per item (about 530 preflights for the default benchmark dataset). A bare GET of a
 * presigned URL is a simple request: one round trip, no preflight, and none of the SDK's per-request work
 * after the URL is made.
 *
 * How: the SDK builds the request as usual (endpoint rules, path or virtual-host style, key encoding,
 * credentials, clock-skew correction); a middleware placed just before its signing step presigns it instead
 * and hands back the URL without sending anything. The caller then fetches the URL with `cache: 'no-store'`:
 * every URL differs anyway (it carries its signing time), and objects the original extension wrote carry no
 * Cache-Control, so nothing may come from the HTTP cache. (For header-signed requests a cache mode would
 * disable the preflight cache; a simple request has no preflight to lose.)
 *
 * Only plain reads go this way. Anything other than a 200 with an ETag answers `undefined`, and the caller
 * asks again the signed way, which carries the SDK's retries and the error mapping a user reads ("no such
 * bucket", "wrong key", "CORS"); a failure costs one extra request, a success saves one.
 */
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { normalizeEtag } from './etag';
import { TEMPLATE_SENTINEL, TemplateSigner, templateFrom } from './presign-template';
import { rfc3986 } from './rfc3986';

/** How long a presigned URL stays valid: far longer than one request, short enough to be useless later. */
const EXPIRES_IN_S = 900;

export interface PresignedRead {
  body: Uint8Array;
  etag: string;
  contentType?: string;
  lastModified?: number;
}

interface SigningProperties {
  signingRegion?: string;
  signingName?: string;
}

interface PresigningSigner {
  presign(request: unknown, options: { expiresIn: number; signingDate: Date; signingRegion?: string; signingService?: string }): Promise<BuiltRequest>;
}

interface BuiltRequest {
  protocol: string;
  hostname: string;
  port?: number;
  path: string;
  query: Record<string, string | string[] | null | undefined>;
  headers: Record<string, string>;
}

export function urlOf(r: BuiltRequest): string {
  const query = Object.entries(r.query)
    .flatMap(([k, v]) => (v === null || v === undefined ? [rfc3986(k)] : (Array.isArray(v) ? v : [v]).map((x) => `${rfc3986(k)}=${rfc3986(x)}`)))
    .join('&');
  const protocol = r.protocol.endsWith(':') ? r.protocol : `${r.protocol}:`;
  return `${protocol}//${r.hostname}${r.port ? `:${r.port}` : ''}${r.path}${query ? `?${query}` : ''}`;
}

export class PresignedGets {
  private stack?: ReturnType<S3Client['middlewareStack']['clone']>;
  private signer?: Promise<TemplateSigner | undefined>;

  /** `secretAccessKey`: for signing from the template (presign-template.ts); without it every URL is the SDK's. */
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
    private readonly secretAccessKey?: string,
  ) {}

  /** Starts building the template signer (see url); nothing is sent. */
  prepare(): void {
    this.signer ??= this.templateSigner();
  }

  /** A presigned GET URL for the object (no request is sent). */
  async url(key: string): Promise<string> {
    const signer = await (this.signer ??= this.templateSigner());
    if (!signer) return this.sdkUrl(key);
    const offset = (this.client.config as unknown as { systemClockOffset?: number }).systemClockOffset ?? 0;
    return signer.url(key, new Date(Date.now() + offset));
  }

  /** The SDK presigns the sentinel key once; its URL is the template for every other key of the bucket. */
  private async templateSigner(): Promise<TemplateSigner | undefined> {
    if (!this.secretAccessKey) return undefined;
    try {
      const template = templateFrom(await this.sdkUrl(TEMPLATE_SENTINEL));
      return template ? new TemplateSigner(template, this.secretAccessKey) : undefined;
    } catch {
      return undefined; // the SDK's way per URL, which reports its own errors
    }
  }

  /** A presigned GET URL made by the SDK itself. */
  async sdkUrl(key: string): Promise<string> {
    const command = new GetObjectCommand({ Bucket: this.bucket, Key: key });
    const handler = command.resolveMiddleware(this.presignStack(), this.client.config, {});
    const { output } = await handler({ input: command.input });
    return (output as unknown as { presignedUrl: string }).presignedUrl;
  }

  /**
   * Reads the object through a presigned URL. Otherwise: 'missing' (404 NoSuchKey), 'answered' (another status
   * than 200: refused, throttled…) or 'unreachable' (network or CORS failure, timeout, no exposed ETag); either way, ask
   * the signed way. An abort from `signal` is thrown as is.
   */
  async read(key: string, signal: AbortSignal | undefined, timeoutMs: number): Promise<PresignedRead | 'missing' | 'answered' | 'unreachable'> {
    const url = await this.url(key);
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

  /** The client's middleware with a last step that presigns the built request and returns its URL. */
  private presignStack() {
    if (this.stack) return this.stack;
    const config = this.client.config as unknown as {
      signer: (authScheme?: unknown) => Promise<PresigningSigner>;
      systemClockOffset?: number;
    };
    const stack = this.client.middlewareStack.clone();
    stack.addRelativeTo(
      ((_next: unknown, context: Record<string, unknown>) => async (args: { request: BuiltRequest }) => {
        const request = args.request;
        // The browser will send the bare URL: no header but Host may be part of the signature.
        for (const h of Object.keys(request.headers)) if (h.toLowerCase() !== 'host') delete request.headers[h];
        // A presigned URL never signs its body: S3 expects UNSIGNED-PAYLOAD as the payload hash.
        request.headers['x-amz-content-sha256'] = 'UNSIGNED-PAYLOAD';
        const smithy = context.__smithy_context as { selectedHttpAuthScheme?: { httpAuthOption?: { signingProperties?: SigningProperties } } } | undefined;
        const props = smithy?.selectedHttpAuthScheme?.httpAuthOption?.signingProperties ?? {};
        const endpoint = context.endpointV2 as { properties?: { authSchemes?: unknown[] } } | undefined;
        const signer = await config.signer(endpoint?.properties?.authSchemes?.[0]);
        const presigned = await signer.presign(request, {
          expiresIn: EXPIRES_IN_S,
          // The SDK learns the server's clock from a skewed answer; presigned URLs follow that correction too.
          signingDate: new Date(Date.now() + (config.systemClockOffset ?? 0)),
          signingRegion: props.signingRegion,
          signingService: props.signingName,
        });
        return { response: {}, output: { $metadata: {}, presignedUrl: urlOf(presigned) } };
      }) as never,
      { name: 'cloudsyncPresignGet', relation: 'before', toMiddleware: 'awsAuthMiddleware', override: true },
    );
    this.stack = stack;
    return stack;
  }
}
