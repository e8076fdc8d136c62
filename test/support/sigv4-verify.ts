/**
 * Checks an AWS Signature V4 signature against a known secret: the Authorization header, or the query of a
 * presigned URL (with its expiry). s3rver accepts any V4 signature (it only checks that the access key
 * exists), so without this a wrong secret key would go unnoticed in tests.
 */
import { createHash, createHmac } from 'node:crypto';

export type SigV4Verdict = 'ok' | 'unsigned' | 'unknown-key' | 'mismatch' | 'expired' | 'skewed';

/** How far a signature's time may be from the server's clock (S3: 15 minutes). */
export const MAX_SKEW_MS = 15 * 60 * 1000;

function parseAmzDate(amzDate: string): number {
  return Date.parse(amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'));
}

type Request = { method: string; url: string; headers: Record<string, string | string[] | undefined> };

const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();
const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const rfc3986 = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** The path as sent, and the query's parameters decoded. */
function splitUrl(url: string): { path: string; params: (readonly [string, string])[] } {
  const q = url.indexOf('?');
  const params = (q < 0 ? '' : url.slice(q + 1))
    .split('&')
    .filter(Boolean)
    .map((pair) => {
      const i = pair.indexOf('=');
      return [decodeURIComponent(i < 0 ? pair : pair.slice(0, i)), i < 0 ? '' : decodeURIComponent(pair.slice(i + 1).replace(/\+/g, '%20'))] as const;
    });
  return { path: q < 0 ? url : url.slice(0, q), params };
}

/** SigV4's canonical query: RFC 3986-encoded, sorted by name then value. */
function canonicalQuery(params: readonly (readonly [string, string])[]): string {
  return params
    .map(([k, v]) => [rfc3986(k), rfc3986(v)] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

function headerValue(req: Request, name: string): string {
  const v = req.headers[name];
  return (Array.isArray(v) ? v.join(',') : (v ?? '')).trim().replace(/\s+/g, ' ');
}

/** The signature S3 expects for this canonical request, as lower-case hex. */
function expectedSignature(
  req: Request,
  c: { path: string; query: string; signedHeaders: string[]; payload: string; amzDate: string; credential: string[] },
  secretAccessKey: string,
): string {
  const [, date, region, service] = c.credential;
  const canonical = [req.method, c.path, c.query, c.signedHeaders.map((h) => `${h}:${headerValue(req, h)}\n`).join(''), c.signedHeaders.join(';'), c.payload].join('\n');
  const toSign = ['AWS4-HMAC-SHA256', c.amzDate, `${date}/${region}/${service}/aws4_request`, sha256(canonical)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, date), region), service), 'aws4_request');
  return createHmac('sha256', key).update(toSign).digest('hex');
}

export function verifySigV4(req: Request, body: Buffer, credentials: { accessKeyId: string; secretAccessKey: string }, now = Date.now()): SigV4Verdict {
  const auth = req.headers.authorization;
  if (typeof auth !== 'string' || !auth.startsWith('AWS4-HMAC-SHA256 ')) return verifyPresigned(req, credentials, now);
  const fields = Object.fromEntries(
    auth
      .slice('AWS4-HMAC-SHA256 '.length)
      .split(',')
      .map((p) => p.trim().split('=') as [string, string]),
  );
  const credential = (fields.Credential ?? '').split('/');
  if (credential[0] !== credentials.accessKeyId) return 'unknown-key';
  const { path, params } = splitUrl(req.url);
  const signature = expectedSignature(
    req,
    {
      path,
      query: canonicalQuery(params),
      signedHeaders: (fields.SignedHeaders ?? '').split(';'),
      payload: headerValue(req, 'x-amz-content-sha256') || sha256(body),
      amzDate: headerValue(req, 'x-amz-date'),
      credential,
    },
    credentials.secretAccessKey,
  );
  if (signature !== fields.Signature) return 'mismatch';
  // A good signature made more than 15 minutes from the server's time is refused (RequestTimeTooSkewed).
  const signedAt = parseAmzDate(headerValue(req, 'x-amz-date'));
  return Number.isFinite(signedAt) && Math.abs(now - signedAt) <= MAX_SKEW_MS ? 'ok' : 'skewed';
}

/** A presigned (query-signed) request: X-Amz-Credential, -Date, -Expires, -SignedHeaders and -Signature in the URL. */
function verifyPresigned(req: Request, credentials: { accessKeyId: string; secretAccessKey: string }, now: number): SigV4Verdict {
  const { path, params } = splitUrl(req.url);
  const get = (name: string) => params.find(([k]) => k === name)?.[1];
  if (get('X-Amz-Algorithm') !== 'AWS4-HMAC-SHA256') return 'unsigned';
  const credential = (get('X-Amz-Credential') ?? '').split('/');
  if (credential[0] !== credentials.accessKeyId) return 'unknown-key';
  const amzDate = get('X-Amz-Date') ?? '';
  const signedAt = parseAmzDate(amzDate);
  if (!Number.isFinite(signedAt) || now > signedAt + Number(get('X-Amz-Expires') ?? 0) * 1000) return 'expired';
  // Signed "in the future" (a clock ahead): S3 answers "Request is not yet valid".
  if (signedAt - now > MAX_SKEW_MS) return 'skewed';
  const signature = expectedSignature(
    req,
    {
      path,
      query: canonicalQuery(params.filter(([k]) => k !== 'X-Amz-Signature')),
      signedHeaders: (get('X-Amz-SignedHeaders') ?? '').split(';'),
      payload: 'UNSIGNED-PAYLOAD',
      amzDate,
      credential,
    },
    credentials.secretAccessKey,
  );
  return signature === get('X-Amz-Signature') ? 'ok' : 'mismatch';
}
