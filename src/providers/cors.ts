/**
 * The bucket CORS configuration a user pastes into their provider's console, in that provider's own
 * format. A browser page can only talk to a bucket whose CORS rules allow the page's origin; and the
 * sync needs the ETag response header, which browsers hide unless the rules expose it.
 * Pure: the caller passes the page's origin (location.origin).
 */
export type CorsProvider = 'aws' | 'r2' | 'b2' | 'gcs' | 'wasabi' | 'idrive' | 'minio' | 'other';

export interface CorsInstructions {
  provider: CorsProvider;
  /** Provider name for headings. */
  title: string;
  /** What the text is, for syntax highlighting and file naming. */
  format: 'json' | 'shell';
  /** The configuration text to copy. */
  text: string;
  /** Where to paste it, in one or two sentences. */
  where: string;
}

export const CORS_METHODS = ['GET', 'PUT', 'POST', 'DELETE', 'HEAD'] as const;
/**
 * Response headers the bundle reads beyond the ones browsers always show: ETag (every change check and
 * compare-and-swap), Date (the SDK corrects a device clock that is off from it, so signatures stay inside
 * S3's 15 minutes), Retry-After (how long a throttled request waits).
 */
export const CORS_EXPOSE_HEADERS = ['ETag', 'Date', 'Retry-After'] as const;
const MAX_AGE_SECONDS = 3600;

/**
 * Request headers the S3 client sends from a browser (a browser test collects them from the preflights and
 * holds every provider's text to them). Providers that cannot take "*" (Google Cloud Storage) need them
 * listed; everyone else gets "*".
 */
export const S3_REQUEST_HEADERS = [
  'authorization',
  'content-type',
  'cache-control',
  'if-match',
  'if-none-match',
  'x-amz-date',
  'x-amz-content-sha256',
  'x-amz-security-token',
  'x-amz-user-agent',
  'x-amz-copy-source',
  // Batch deletes (content-md5.ts).
  'content-md5',
  'amz-sdk-invocation-id',
  'amz-sdk-request',
] as const;

const TITLES: Record<CorsProvider, string> = {
  aws: 'AWS S3',
  r2: 'Cloudflare R2',
  b2: 'Backblaze B2',
  gcs: 'Google Cloud Storage',
  wasabi: 'Wasabi',
  idrive: 'iDrive E2',
  minio: 'MinIO',
  other: 'S3-compatible storage',
};

/** Best guess of the provider from the endpoint the user entered (empty = AWS). */
export function guessCorsProvider(endpoint: string | undefined): CorsProvider {
  const e = (endpoint ?? '').trim().toLowerCase();
  if (e === '') return 'aws';
  if (e.includes('amazonaws.com')) return 'aws';
  if (e.includes('r2.cloudflarestorage.com')) return 'r2';
  if (e.includes('backblazeb2.com')) return 'b2';
  if (e.includes('storage.googleapis.com')) return 'gcs';
  if (e.includes('wasabisys.com')) return 'wasabi';
  if (e.includes('idrivee2') || e.includes('idrivecloud')) return 'idrive';
  if (e.includes('minio')) return 'minio';
  return 'other';
}

/** An origin as browsers send it: scheme://host[:port], no path, no trailing slash. */
export function normaliseOrigin(origin: string): string {
  const t = origin.trim();
  if (t === '*') return t;
  try {
    return new URL(t).origin;
  } catch {
    return t.replace(/\/+$/, '');
  }
}

function awsJson(origin: string): string {
  return JSON.stringify(
    [
      {
        AllowedHeaders: ['*'],
        AllowedMethods: [...CORS_METHODS],
        AllowedOrigins: [origin],
        ExposeHeaders: [...CORS_EXPOSE_HEADERS],
        MaxAgeSeconds: MAX_AGE_SECONDS,
      },
    ],
    null,
    2,
  );
}

const ENDPOINT_HINT: Record<'wasabi' | 'idrive' | 'other', string> = {
  wasabi: 'https://s3.YOUR-REGION.wasabisys.com',
  idrive: 'https://YOUR-E2-ENDPOINT',
  other: 'YOUR-ENDPOINT',
};

/** The AWS CLI's put-bucket-cors JSON ({"CORSRules": […]}), accepted by every S3-compatible API. */
function awsCliJson(origin: string): string {
  return JSON.stringify({ CORSRules: JSON.parse(awsJson(origin)) }, null, 2);
}

/** The S3 API's XML form, for consoles and tools that take the raw document. */
export function s3CorsXml(origin: string): string {
  origin = normaliseOrigin(origin);
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<CORSConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">',
    '  <CORSRule>',
    `    <AllowedOrigin>${esc(origin)}</AllowedOrigin>`,
    ...CORS_METHODS.map((m) => `    <AllowedMethod>${m}</AllowedMethod>`),
    '    <AllowedHeader>*</AllowedHeader>',
    ...CORS_EXPOSE_HEADERS.map((h) => `    <ExposeHeader>${h}</ExposeHeader>`),
    `    <MaxAgeSeconds>${MAX_AGE_SECONDS}</MaxAgeSeconds>`,
    '  </CORSRule>',
    '</CORSConfiguration>',
  ].join('\n');
}

function b2Json(origin: string): string {
  return JSON.stringify(
    [
      {
        corsRuleName: 'typingmindCloudSync',
        allowedOrigins: [origin],
        // B2 names operations, not methods; the s3_* ones cover its S3-compatible API.
        allowedOperations: ['s3_delete', 's3_get', 's3_head', 's3_post', 's3_put'],
        allowedHeaders: ['*'],
        exposeHeaders: [...CORS_EXPOSE_HEADERS],
        maxAgeSeconds: MAX_AGE_SECONDS,
      },
    ],
    null,
    2,
  );
}

function gcsJson(origin: string): string {
  return JSON.stringify(
    [
      {
        origin: [origin],
        method: [...CORS_METHODS],
        // GCS uses this list both to allow request headers and to expose response headers; no wildcard.
        responseHeader: [...CORS_EXPOSE_HEADERS, ...S3_REQUEST_HEADERS],
        maxAgeSeconds: MAX_AGE_SECONDS,
      },
    ],
    null,
    2,
  );
}

/** The CORS configuration for `provider`, allowing `pageOrigin` (e.g. "https://www.typingmind.com"). */
export function corsInstructions(provider: CorsProvider, pageOrigin: string, bucket = 'YOUR-BUCKET'): CorsInstructions {
  const origin = normaliseOrigin(pageOrigin);
  const title = TITLES[provider];
  switch (provider) {
    case 'aws':
      return {
        provider,
        title,
        format: 'json',
        text: awsJson(origin),
        where: `S3 console → bucket "${bucket}" → Permissions → Cross-origin resource sharing (CORS) → Edit, paste, Save.`,
      };
    case 'r2':
      return {
        provider,
        title,
        format: 'json',
        text: awsJson(origin),
        where: `Cloudflare dashboard → R2 → bucket "${bucket}" → Settings → CORS Policy → Add CORS policy, paste, Save.`,
      };
    case 'b2':
      return {
        provider,
        title,
        format: 'json',
        text: b2Json(origin),
        where: `The B2 web console cannot set exposed headers, so use the b2 command-line tool: b2 bucket update --cors-rules "$(cat cors.json)" ${bucket} allPrivate`,
      };
    case 'gcs':
      return {
        provider,
        title,
        format: 'json',
        text: gcsJson(origin),
        where: `Save as cors.json, then run: gcloud storage buckets update gs://${bucket} --cors-file=cors.json`,
      };
    case 'minio':
      return {
        provider,
        title,
        format: 'shell',
        // MinIO has no per-bucket CORS API; its server-wide setting allows origins and exposes ETag.
        text: `MINIO_API_CORS_ALLOW_ORIGIN=${origin}`,
        where: 'Set this environment variable on the MinIO server (or: mc admin config set ALIAS api cors_allow_origin=' + origin + '), then restart it.',
      };
    case 'wasabi':
    case 'idrive':
    case 'other':
      // These consoles differ (some have no CORS editor), but all implement S3's PutBucketCors: the AWS CLI
      // works everywhere, so the text is its JSON form.
      return {
        provider,
        title,
        format: 'json',
        text: awsCliJson(origin),
        where: `Save as cors.json, then run: aws s3api put-bucket-cors --bucket ${bucket} --endpoint-url ${ENDPOINT_HINT[provider]} --cors-configuration file://cors.json (or paste the rule into the console's CORS editor if it has one).`,
      };
  }
}

/** Every provider's text, for a docs page or a "show all" control. */
export function allCorsInstructions(pageOrigin: string, bucket?: string): CorsInstructions[] {
  return (Object.keys(TITLES) as CorsProvider[]).map((p) => corsInstructions(p, pageOrigin, bucket));
}
