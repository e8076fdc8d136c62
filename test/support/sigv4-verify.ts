/**
 * Checks an AWS Signature V4 signature against a known secret: the Authorization header, or the query of a
 * presigned URL (with its expiry). s3rver accepts any V4 signature (it only checks that the access key
 * exists), so without this a wrong secret key would go unnoticed in tests.
 */
import { createHash, createHmac } from 'node:crypto';

export type SigV4Verdict = 'ok' | 'unsigned' | 'unknown-key' | 'mismatch' | 'expired';

const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();
const rfc3986 = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

export function verifySigV4(
  req: { method: string; url: string; headers: Record<string, string | string[] | undefined> },
  body: Buffer,
  credentials: { accessKeyId: string; secretAccessKey: string },
  now = Date.now(),
): SigV4Verdict {
  const auth = req.headers.authorization;
  if (typeof auth !== 'string' || !auth.startsWith('AWS4-HMAC-SHA256 ')) return verifyPresigned(req, credentials, now);
  const fields = Object.fromEntries(
    auth
      .slice('AWS4-HMAC-SHA256 '.length)
      .split(',')
      .map((p) => p.trim().split('=') as [string, string]),
  );
  const [accessKeyId, date, region, service] = (fields.Credential ?? '').split('/');
  if (accessKeyId !== credentials.accessKeyId) return 'unknown-key';
  const signedHeaders = (fields.SignedHeaders ?? '').split(';');

  const q = req.url.indexOf('?');
  const path = q < 0 ? req.url : req.url.slice(0, q);
  const query = (q < 0 ? '' : req.url.slice(q + 1))
    .split('&')
    .filter(Boolean)
    .map((pair) => {
      const i = pair.indexOf('=');
      const k = decodeURIComponent(i < 0 ? pair : pair.slice(0, i));
      const v = i < 0 ? '' : decodeURIComponent(pair.slice(i + 1).replace(/\+/g, '%20'));
      return [rfc3986(k), rfc3986(v)] as const;
    })
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const headerValue = (name: string) => {
    const v = req.headers[name];
    return (Array.isArray(v) ? v.join(',') : (v ?? '')).trim().replace(/\s+/g, ' ');
  };
  const payload = headerValue('x-amz-content-sha256') || createHash('sha256').update(body).digest('hex');
  const canonical = [
    req.method,
    path,
    query,
    signedHeaders.map((h) => `${h}:${headerValue(h)}\n`).join(''),
    signedHeaders.join(';'),
    payload,
  ].join('\n');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', headerValue('x-amz-date'), scope, createHash('sha256').update(canonical).digest('hex')].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${credentials.secretAccessKey}`, date), region), service), 'aws4_request');
  return createHmac('sha256', key).update(toSign).digest('hex') === fields.Signature ? 'ok' : 'mismatch';
}

/** A presigned (query-signed) request: X-Amz-Credential, -Date, -Expires, -SignedHeaders and -Signature in the URL. */
function verifyPresigned(
  req: { method: string; url: string; headers: Record<string, string | string[] | undefined> },
  credentials: { accessKeyId: string; secretAccessKey: string },
  now: number,
): SigV4Verdict {
  const q = req.url.indexOf('?');
  if (q < 0) return 'unsigned';
  const params = req.url
    .slice(q + 1)
    .split('&')
    .filter(Boolean)
    .map((pair) => {
      const i = pair.indexOf('=');
      return [decodeURIComponent(i < 0 ? pair : pair.slice(0, i)), i < 0 ? '' : decodeURIComponent(pair.slice(i + 1).replace(/\+/g, '%20'))] as const;
    });
  const get = (name: string) => params.find(([k]) => k === name)?.[1];
  if (get('X-Amz-Algorithm') !== 'AWS4-HMAC-SHA256') return 'unsigned';
  const [accessKeyId, date, region, service] = (get('X-Amz-Credential') ?? '').split('/');
  if (accessKeyId !== credentials.accessKeyId) return 'unknown-key';
  const amzDate = get('X-Amz-Date') ?? '';
  const signedAt = Date.parse(amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'));
  if (!Number.isFinite(signedAt) || now > signedAt + Number(get('X-Amz-Expires') ?? 0) * 1000) return 'expired';
  const signedHeaders = (get('X-Amz-SignedHeaders') ?? '').split(';');
  const query = params
    .filter(([k]) => k !== 'X-Amz-Signature')
    .map(([k, v]) => [rfc3986(k), rfc3986(v)] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const headerValue = (name: string) => {
    const v = req.headers[name];
    return (Array.isArray(v) ? v.join(',') : (v ?? '')).trim().replace(/\s+/g, ' ');
  };
  const canonical = [req.method, req.url.slice(0, q), query, signedHeaders.map((h) => `${h}:${headerValue(h)}\n`).join(''), signedHeaders.join(';'), 'UNSIGNED-PAYLOAD'].join('\n');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, createHash('sha256').update(canonical).digest('hex')].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${credentials.secretAccessKey}`, date), region), service), 'aws4_request');
  return createHmac('sha256', key).update(toSign).digest('hex') === get('X-Amz-Signature') ? 'ok' : 'mismatch';
}
