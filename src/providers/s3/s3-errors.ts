/**
 * Turns whatever the AWS SDK (or fetch underneath it) throws into a CloudSyncError a person can act on.
 * Pure: the caller says what it was doing and whether the request was cross-origin.
 */
import { CloudSyncError, type ErrorCode } from '../../errors';

export type S3Operation = 'get' | 'put' | 'list' | 'copy' | 'delete' | 'multipart';

export interface S3ErrorContext {
  operation: S3Operation;
  bucket: string;
  key?: string;
  region?: string;
  endpoint?: string;
  /** The page's origin differs from the endpoint's: a failed fetch is then most likely CORS. */
  crossOrigin: boolean;
}

interface SdkLikeError {
  name?: string;
  Code?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  $response?: { statusCode?: number; headers?: Record<string, string> };
  cause?: unknown;
}

const OPERATION_WORDS: Record<S3Operation, string> = {
  get: 'read objects (s3:GetObject)',
  put: 'write objects (s3:PutObject)',
  list: 'list the bucket (s3:ListBucket)',
  copy: 'copy objects (s3:GetObject and s3:PutObject)',
  delete: 'delete objects (s3:DeleteObject)',
  multipart: 'upload large objects in parts (s3:PutObject, s3:AbortMultipartUpload, s3:ListMultipartUploadParts)',
};

/** The HTTP status behind an SDK error, when there was a response at all. */
export function statusOf(e: unknown): number | undefined {
  const err = e as SdkLikeError | undefined;
  return err?.$metadata?.httpStatusCode ?? err?.$response?.statusCode;
}

/** The S3 error code (NoSuchKey, SlowDown…) or undefined for transport failures. */
export function codeOf(e: unknown): string | undefined {
  const err = e as SdkLikeError | undefined;
  const c = err?.Code ?? err?.name;
  // The SDK names errors it could not parse after the status ("403") or "Unknown"/"UnknownError".
  if (!c || /^\d+$/.test(c) || c === 'Unknown' || c === 'UnknownError' || c === 'Error') return undefined;
  return c;
}

export function isAbortError(e: unknown): boolean {
  const name = (e as SdkLikeError | undefined)?.name;
  return name === 'AbortError' || (e instanceof DOMException && e.name === 'AbortError');
}

/** A transport failure: no HTTP response came back (DNS, refused, reset, or a browser's CORS block). */
export function isNetworkError(e: unknown): boolean {
  if (statusOf(e) !== undefined) return false;
  if (e instanceof TypeError) return true; // fetch: "Failed to fetch", "NetworkError…", "Load failed"
  const err = e as SdkLikeError & { code?: string };
  const code = err?.code ?? '';
  return /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EPIPE|EHOSTUNREACH|ENETUNREACH|UND_ERR_\w+)$/.test(code) ||
    err?.name === 'TimeoutError' || err?.name === 'RequestTimeout';
}

function isTimeout(e: unknown): boolean {
  const err = e as SdkLikeError & { code?: string };
  return err?.name === 'TimeoutError' || err?.name === 'RequestTimeout' || err?.code === 'ETIMEDOUT';
}

function where(ctx: S3ErrorContext): string {
  return ctx.endpoint ? `${ctx.endpoint} (bucket "${ctx.bucket}")` : `AWS S3 bucket "${ctx.bucket}"`;
}

function make(code: ErrorCode, message: string, e: unknown, ctx: S3ErrorContext, extra: Record<string, unknown> = {}): CloudSyncError {
  return new CloudSyncError(code, message, {
    cause: e,
    details: {
      operation: ctx.operation,
      bucket: ctx.bucket,
      ...(ctx.key !== undefined ? { key: ctx.key } : {}),
      ...(ctx.endpoint ? { endpoint: ctx.endpoint } : {}),
      s3Code: codeOf(e),
      status: statusOf(e),
      ...extra,
    },
  });
}

export function mapS3Error(e: unknown, ctx: S3ErrorContext): CloudSyncError {
  if (e instanceof CloudSyncError) return e;
  if (isAbortError(e)) {
    return make('aborted', 'The request was cancelled before it finished. Nothing is lost; it will run again on the next sync.', e, ctx);
  }
  const code = codeOf(e);
  const status = statusOf(e);
  const sdkMessage = (e as SdkLikeError | undefined)?.message ?? String(e);

  switch (code) {
    case 'InvalidAccessKeyId':
      return make('bad-credentials', `The access key ID is not known to ${where(ctx)}. Check the Access Key in the sync settings (copy it again from your provider's console).`, e, ctx);
    case 'SignatureDoesNotMatch':
      return make('bad-credentials', `The secret access key does not match the access key ID. Check the Secret Key in the sync settings (paste it again, without spaces).`, e, ctx);
    case 'InvalidToken':
    case 'InvalidSecurity':
      return make('bad-credentials', `The storage provider rejected the credentials. Check the Access Key and Secret Key in the sync settings.`, e, ctx);
    case 'ExpiredToken':
    case 'TokenRefreshRequired':
      return make('expired-credentials', 'The credentials have expired. Create new access keys with your storage provider and enter them in the sync settings.', e, ctx);
    case 'RequestTimeTooSkewed':
      return make('bad-credentials', "This device's clock is too far from the real time, so the storage provider refuses its signed requests. Set the device's date and time to automatic, then sync again.", e, ctx);
    case 'AuthorizationHeaderMalformed':
    case 'IllegalLocationConstraintException':
      return make('invalid-settings', `The region "${ctx.region ?? ''}" does not match the bucket's region. Set the region in the sync settings to the one shown for the bucket in your provider's console (Cloudflare R2: "auto").`, e, ctx);
    case 'PermanentRedirect':
    case 'Redirect':
      return make('invalid-settings', `The bucket "${ctx.bucket}" is in another region than "${ctx.region ?? ''}". Set the region in the sync settings to the bucket's region.`, e, ctx);
    case 'NoSuchBucket':
      return make('bucket-not-found', `There is no bucket named "${ctx.bucket}" at ${ctx.endpoint ?? 'AWS S3'}. Check the bucket name (and region / endpoint), or create the bucket first.`, e, ctx);
    case 'AccessDenied':
    case 'AllAccessDisabled':
    case 'AccountProblem':
      return make('access-denied', `The credentials are valid but not allowed to ${OPERATION_WORDS[ctx.operation]} in bucket "${ctx.bucket}". Add that permission to the key's policy (see the provider guide).`, e, ctx);
    case 'PreconditionFailed':
    case 'ConditionalRequestConflict':
      return make('precondition-failed', `"${ctx.key ?? ''}" changed in the cloud while this device was writing it (another device synced at the same time). The sync will re-read it and try again.`, e, ctx);
    case 'SlowDown':
    case 'TooManyRequests':
    case 'Throttling':
    case 'ThrottlingException':
    case 'RequestLimitExceeded':
    case 'ServiceUnavailable':
      return make('throttled', 'The storage provider is asking us to slow down (too many requests). The sync will try again in a little while.', e, ctx, { retryAfter: retryAfterOf(e) });
    case 'EntityTooLarge':
    case 'MaxMessageLengthExceeded':
      return make('too-large', `"${ctx.key ?? ''}" is larger than the storage provider accepts in one object. It was not uploaded.`, e, ctx);
    case 'QuotaExceeded':
    case 'StorageQuotaExceeded':
    case 'StorageCapExceeded':
    case 'InsufficientStorage':
      return make('quota-exceeded', 'The storage account is full (its quota or spending cap is reached). Free space or raise the cap with your provider, then sync again.', e, ctx);
  }

  if (status === undefined && isTimeout(e)) {
    return make('cors-or-network', `${where(ctx)} did not answer in time. The connection may be slow or down; the sync will try again.`, e, ctx);
  }
  if (status === undefined && isNetworkError(e)) {
    if (ctx.crossOrigin) {
      return make(
        'cors-or-network',
        // A bucket that does not exist has no CORS rule either, so the browser hides its "NoSuchBucket" the
        // same way: the name is said, as the first thing to check.
        `The browser could not reach ${where(ctx)}. Either there is no bucket named "${ctx.bucket}" there (check the bucket name, region and endpoint), or the bucket's CORS settings do not allow this page's address (add the CORS configuration shown for your provider); otherwise the network is down.`,
        e,
        ctx,
        { showCors: true },
      );
    }
    return make('cors-or-network', `Could not reach ${where(ctx)} (${sdkMessage}). Check the endpoint address and the network connection.`, e, ctx);
  }

  switch (status) {
    case 401:
      return make('bad-credentials', `The storage provider rejected the credentials. Check the Access Key and Secret Key in the sync settings.`, e, ctx);
    case 403:
      return make('access-denied', `The storage provider refused to ${OPERATION_WORDS[ctx.operation]} in bucket "${ctx.bucket}". Check the key's permissions and the bucket name.`, e, ctx);
    case 301:
    case 307:
      return make('invalid-settings', `The bucket "${ctx.bucket}" is in another region than "${ctx.region ?? ''}". Set the region in the sync settings to the bucket's region.`, e, ctx);
    case 409:
    case 412:
      return make('precondition-failed', `"${ctx.key ?? ''}" changed in the cloud while this device was writing it (another device synced at the same time). The sync will re-read it and try again.`, e, ctx);
    case 413:
      return make('too-large', `"${ctx.key ?? ''}" is larger than the storage provider accepts in one object. It was not uploaded.`, e, ctx);
    case 429:
    case 503:
      return make('throttled', 'The storage provider is asking us to slow down (too many requests). The sync will try again in a little while.', e, ctx, { retryAfter: retryAfterOf(e) });
  }
  const what = status ? `HTTP ${status}${code ? `, ${code}` : ''}` : (code ?? 'no response');
  return make('provider-error', `The storage provider answered with an error (${what}: ${sdkMessage}). The sync will try again; if it keeps happening, check the provider's status page.`, e, ctx);
}

function retryAfterOf(e: unknown): number | undefined {
  const h = (e as SdkLikeError | undefined)?.$response?.headers;
  const v = h?.['retry-after'] ?? h?.['Retry-After'];
  const n = v === undefined ? NaN : Number(v);
  return Number.isFinite(n) ? n : undefined;
}
