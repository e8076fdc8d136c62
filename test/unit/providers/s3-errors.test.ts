import { describe, expect, it } from 'vitest';
import { mapS3Error, type S3ErrorContext } from '../../../src/providers/s3/s3-errors';
import { CloudSyncError } from '../../../src/errors';

const ctx: S3ErrorContext = { operation: 'put', bucket: 'bk', key: 'items/a.json', region: 'eu-west-1', crossOrigin: false };

/** Shaped like the SDK's S3ServiceException: name = S3 code, status in $metadata. */
function sdkError(name: string, status?: number, extra: Record<string, unknown> = {}) {
  return Object.assign(new Error(`${name} from the server`), { name, $metadata: { httpStatusCode: status }, ...extra });
}

describe('mapS3Error', () => {
  const cases: Array<[string, number | undefined, string, RegExp]> = [
    ['InvalidAccessKeyId', 403, 'bad-credentials', /access key ID/],
    ['SignatureDoesNotMatch', 403, 'bad-credentials', /secret/i],
    ['ExpiredToken', 400, 'expired-credentials', /expired/],
    ['RequestTimeTooSkewed', 403, 'bad-credentials', /clock/],
    ['AuthorizationHeaderMalformed', 400, 'invalid-settings', /region/],
    ['PermanentRedirect', 301, 'invalid-settings', /region/],
    ['NoSuchBucket', 404, 'bucket-not-found', /"bk"/],
    ['AccessDenied', 403, 'access-denied', /s3:PutObject/],
    ['PreconditionFailed', 412, 'precondition-failed', /items\/a\.json/],
    ['ConditionalRequestConflict', 409, 'precondition-failed', /another device/],
    ['SlowDown', 503, 'throttled', /slow down/],
    ['TooManyRequests', 429, 'throttled', /slow down/],
    ['EntityTooLarge', 400, 'too-large', /larger/],
    ['QuotaExceeded', 403, 'quota-exceeded', /full/],
    ['InternalError', 500, 'provider-error', /HTTP 500, InternalError/],
  ];
  for (const [name, status, code, words] of cases) {
    it(`${name} → ${code}`, () => {
      const e = mapS3Error(sdkError(name, status), ctx);
      expect(e).toBeInstanceOf(CloudSyncError);
      expect(e.code).toBe(code);
      expect(e.message).toMatch(words);
      expect(e.details.s3Code).toBe(name);
    });
  }

  it('falls back on the status when the SDK could not parse a code (e.g. an HTML error page)', () => {
    expect(mapS3Error(sdkError('403', 403), ctx).code).toBe('access-denied');
    expect(mapS3Error(sdkError('Unknown', 429), ctx).code).toBe('throttled');
    expect(mapS3Error(sdkError('UnknownError', 503), ctx).code).toBe('throttled');
    expect(mapS3Error(sdkError('Unknown', 412), ctx).code).toBe('precondition-failed');
    expect(mapS3Error(sdkError('Unknown', 413), ctx).code).toBe('too-large');
    expect(mapS3Error(sdkError('Unknown', 401), ctx).code).toBe('bad-credentials');
    expect(mapS3Error(sdkError('Unknown', 502), ctx).code).toBe('provider-error');
  });

  it('a fetch TypeError from a page on another origin is CORS-or-network and offers the CORS text', () => {
    const e = mapS3Error(new TypeError('Failed to fetch'), { ...ctx, crossOrigin: true, endpoint: 'https://x.r2.cloudflarestorage.com' });
    expect(e.code).toBe('cors-or-network');
    expect(e.message).toMatch(/CORS/);
    expect(e.message).toContain('x.r2.cloudflarestorage.com');
    expect(e.details.showCors).toBe(true);
    // A bucket that does not exist is blocked by the browser the same way: its name is the first thing to check.
    expect(e.message).toContain(`no bucket named "${ctx.bucket}"`);
  });

  it('a refused connection outside a browser is a plain network error', () => {
    const e = mapS3Error(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), ctx);
    expect(e.code).toBe('cors-or-network');
    expect(e.details.showCors).toBeUndefined();
    expect(e.message).toMatch(/endpoint/);
  });

  it('an AbortError is aborted', () => {
    expect(mapS3Error(Object.assign(new Error('The operation was aborted'), { name: 'AbortError' }), ctx).code).toBe('aborted');
    expect(mapS3Error(new DOMException('aborted', 'AbortError'), ctx).code).toBe('aborted');
  });

  it('keeps the Retry-After the provider sent, for the scheduler', () => {
    const e = mapS3Error(sdkError('SlowDown', 503, { $response: { statusCode: 503, headers: { 'retry-after': '7' } } }), ctx);
    expect(e.details.retryAfter).toBe(7);
  });

  it('passes an existing CloudSyncError through unchanged', () => {
    const original = new CloudSyncError('aborted', 'Cancelled by the user, nothing lost.');
    expect(mapS3Error(original, ctx)).toBe(original);
  });

  it('never puts credentials in the details', () => {
    const e = mapS3Error(sdkError('SignatureDoesNotMatch', 403), ctx);
    expect(JSON.stringify(e.details)).not.toMatch(/secret/i);
  });
});
