/**
 * Presigned GET URLs for many keys of one bucket, signed here from a template of the address the SDK built once.
 *
 * Why: a fresh device asks for one URL per item, and the SDK's way (a command through the whole middleware
 * stack, then SigV4 with five WebCrypto calls: two key imports, two HMACs, one digest) cost about 1.5 ms of the
 * page's main thread per object, the thread a first download is bound by. Everything but the key and the time
 * is the same for every URL of a bucket, so the SDK builds the request for one sentinel key (through its public
 * middleware stack, nothing sent): that gives the address up to the key (endpoint rules, path or virtual-host
 * style). Each URL then costs one SHA-256 and one HMAC with a signing key derived once per day (AWS Signature
 * V4, query form: the payload is UNSIGNED-PAYLOAD and only `host` is signed).
 *
 * Keys are encoded as the SDK encodes an S3 key in a path (each segment RFC 3986-encoded, `/` kept); S3 signs
 * that path as it is. The test proxy checks these signatures like S3 does (test/support/sigv4-verify.ts), for
 * awkward keys too.
 */

import { rfc3986, wireKeyPath } from './rfc3986';

/** The key the SDK builds a request for, for the template (never sent: only its address is used). */
export const TEMPLATE_SENTINEL = 'cloudsync-presign-template';

export interface PresignTemplate {
  /** The URL up to and including the `/` before the key. */
  base: string;
  /** The path of `base`, as signed. */
  basePath: string;
  host: string;
  region: string;
  service: string;
  accessKeyId: string;
  expiresIn: string;
  sessionToken?: string;
}

/** The request the SDK built for the sentinel key, as its public middleware stack hands it over. */
export interface BuiltRequest {
  protocol: string;
  hostname: string;
  port?: number;
  path: string;
  query?: Record<string, unknown>;
}

/**
 * The template from the request the SDK built (endpoint rules applied) for the sentinel key; undefined when it
 * does not look as expected (then reads are signed the usual way).
 */
export function templateFrom(
  r: BuiltRequest,
  signing: { region: string; accessKeyId: string; sessionToken?: string },
): PresignTemplate | undefined {
  if (!r.path.endsWith(`/${TEMPLATE_SENTINEL}`)) return undefined;
  // Anything in the query would have to be signed too: not a URL this template can reproduce.
  if (r.query && Object.keys(r.query).length > 0) return undefined;
  const protocol = r.protocol.endsWith(':') ? r.protocol : `${r.protocol}:`;
  let url: URL;
  try {
    url = new URL(`${protocol}//${r.hostname}${r.port ? `:${r.port}` : ''}${r.path}`);
  } catch {
    return undefined;
  }
  const basePath = r.path.slice(0, -TEMPLATE_SENTINEL.length);
  return {
    base: `${url.origin}${basePath}`,
    basePath,
    host: url.host,
    region: signing.region,
    service: 's3',
    accessKeyId: signing.accessKeyId,
    expiresIn: '900',
    ...(signing.sessionToken ? { sessionToken: signing.sessionToken } : {}),
  };
}

const enc = new TextEncoder();
const hex = (b: ArrayBuffer) => Array.from(new Uint8Array(b), (x) => x.toString(16).padStart(2, '0')).join('');

async function hmacKey(raw: BufferSource): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
}

async function hmac(key: CryptoKey, data: string): Promise<ArrayBuffer> {
  return crypto.subtle.sign('HMAC', key, enc.encode(data));
}

/** Signs URLs from one template; the signing key is derived once per UTC day. */
export class TemplateSigner {
  private signingKey?: { day: string; key: Promise<CryptoKey> };

  constructor(
    private readonly t: PresignTemplate,
    private readonly secretAccessKey: string,
  ) {}

  async url(key: string, at: Date): Promise<string> {
    const t = this.t;
    const amzDate = at.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
    const day = amzDate.slice(0, 8);
    const scope = `${day}/${t.region}/${t.service}/aws4_request`;
    const params: [string, string][] = [
      ['X-Amz-Algorithm', 'AWS4-HMAC-SHA256'],
      ['X-Amz-Credential', `${t.accessKeyId}/${scope}`],
      ['X-Amz-Date', amzDate],
      ['X-Amz-Expires', t.expiresIn],
      ['X-Amz-SignedHeaders', 'host'],
    ];
    if (t.sessionToken !== undefined) params.push(['X-Amz-Security-Token', t.sessionToken]);
    const query = params
      .map(([k, v]) => [rfc3986(k), rfc3986(v)] as const)
      .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .map(([k, v]) => `${k}=${v}`)
      .join('&');
    const path = wireKeyPath(key);
    const canonical = `GET\n${t.basePath}${path}\n${query}\nhost:${t.host}\n\nhost\nUNSIGNED-PAYLOAD`;
    const digest = hex(await crypto.subtle.digest('SHA-256', enc.encode(canonical)));
    const toSign = `AWS4-HMAC-SHA256\n${amzDate}\n${scope}\n${digest}`;
    const signature = hex(await hmac(await this.keyFor(day), toSign));
    return `${t.base}${path}?${query}&X-Amz-Signature=${signature}`;
  }

  private keyFor(day: string): Promise<CryptoKey> {
    if (this.signingKey?.day !== day) {
      const t = this.t;
      const key = (async () => {
        let k = await hmac(await hmacKey(enc.encode(`AWS4${this.secretAccessKey}`)), day);
        k = await hmac(await hmacKey(k), t.region);
        k = await hmac(await hmacKey(k), t.service);
        return hmacKey(await hmac(await hmacKey(k), 'aws4_request'));
      })();
      // A failed derivation is not remembered: the next URL tries again.
      key.catch(() => {
        if (this.signingKey?.key === key) this.signingKey = undefined;
      });
      this.signingKey = { day, key };
    }
    return this.signingKey.key;
  }
}
