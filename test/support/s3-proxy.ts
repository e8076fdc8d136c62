/**
 * A small HTTP proxy in front of s3rver that adds what s3rver lacks and what tests need:
 *  - conditional writes: PUT (and CompleteMultipartUpload) with `If-Match` / `If-None-Match: *` answer 412
 *    when they do not hold; writes to one key are serialised so concurrent conditional writers are decided
 *    one at a time, exactly as S3 does;
 *  - conditional GET: `If-None-Match` → 304 (s3rver does this itself; the proxy makes sure of it);
 *  - request and byte counts per method (`stats()`), and a log of requests;
 *  - faults on demand (`inject()`): 5xx, 429 with Retry-After, dropped connections, slow responses,
 *    by count and/or by method and key pattern;
 *  - CORS refusal for an origin (`refuseCors(origin)`), to test what a browser does with a blocked bucket.
 *  - a simulated network on demand (`setNetwork()`, network-link.ts): round-trip time and bandwidth, for the
 *    benchmark's "home" profile;
 *  - Content-MD5 required on multi-object deletes, as older MinIO does (`requireContentMd5()`);
 *  - SigV4 checking for header-signed requests (s3rver accepts any V4 signature), so a wrong secret fails,
 *    and S3's 15-minute limit on the signature's time (RequestTimeTooSkewed, with ServerTime), against the
 *    proxy's own clock (`now`); answers carry that clock as Date unless `hideDate()`.
 * Path-style only (`/<bucket>/<key>`). The Host header is passed through unchanged so SigV4 signatures,
 * computed by the client against the proxy's address, still verify at s3rver.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Socket } from 'node:net';
import { SimulatedNetwork, type NetworkProfile } from './network-link';
import { verifySigV4 } from './sigv4-verify';

export interface Fault {
  /** Which requests: method (default: any but OPTIONS) and a key test (substring or RegExp on the decoded key). */
  method?: string;
  key?: string | RegExp;
  /** Only presigned (query-signed) requests, or only the others. */
  presigned?: boolean;
  /** How many matching requests get the fault (default 1; Infinity allowed). */
  count?: number;
  /** Answer with this status and an S3 error body instead of forwarding. */
  status?: number;
  /** The S3 error code in the body (default by status: 503 SlowDown, 429 TooManyRequests, 500 InternalError…). */
  code?: string;
  /** Seconds, sent as Retry-After (with status 429 / 503). */
  retryAfter?: number;
  /** Close the connection without answering. */
  drop?: boolean;
  /** Wait this long before handling (the request is then forwarded, or faulted as above). */
  delayMs?: number;
}

export interface MethodStats {
  count: number;
  /** Request body bytes received from the client. */
  bytesIn: number;
  /** Response body bytes sent to the client. */
  bytesOut: number;
}

export interface RequestRecord {
  method: string;
  /** The decoded object key ('' for bucket-level requests). */
  key: string;
  /** The request's path as it arrived, undecoded. */
  path: string;
  query: string;
  status: number;
  origin?: string;
  /** When the request reached the proxy (Date.now()). */
  at: number;
  /** When its answer was handed to the socket (Date.now()); absent for a dropped connection. */
  done?: number;
  /** Signed in the URL's query (a presigned URL) rather than in an Authorization header. */
  presigned: boolean;
  /** What the proxy did instead of forwarding, if anything. */
  fault?: 'status' | 'drop' | 'precondition' | 'cors-refused';
  /**
   * The request's header names, lower case; for a CORS preflight, the method and headers the browser asks
   * leave to send (Access-Control-Request-Method / -Headers) instead.
   */
  headerNames: string[];
  /** A preflight's Access-Control-Request-Method. */
  preflightFor?: string;
}

export interface ProxyStats {
  total: number;
  byMethod: Record<string, MethodStats>;
  /** CORS preflights (OPTIONS), also counted in byMethod.OPTIONS. */
  preflights: number;
  requests: RequestRecord[];
}

export interface S3Proxy {
  /** http://127.0.0.1:<port> */
  endpoint: string;
  port: number;
  inject(fault: Fault): void;
  /** Refuse CORS for this origin: preflights get 403 and responses lose their Access-Control-* headers. */
  refuseCors(origin: string): void;
  /** Allow CORS for this origin but expose no headers (a bucket rule without ExposeHeaders: ETag). */
  hideExposedHeaders(origin: string): void;
  /**
   * Puts a simulated network between the clients and the proxy from now on (round trip, up- and downlink
   * bandwidth), or takes it away (undefined). Kept across reset().
   */
  setNetwork(profile: NetworkProfile | undefined): void;
  /**
   * Answers without a Date header: what a page sees from a bucket whose CORS rule does not expose Date, so
   * the SDK cannot learn the server's time from it (only from an error body's ServerTime).
   */
  hideDate(): void;
  /**
   * Answer a multi-object delete (POST ?delete) without a matching Content-MD5 with 400, as older MinIO and
   * S3 implementations that predate the SDK's CRC32 checksums do (MissingContentMD5 / BadDigest).
   */
  requireContentMd5(): void;
  stats(): ProxyStats;
  /** Clears faults, CORS refusals and stats. */
  reset(): void;
  close(): Promise<void>;
}

const ERROR_CODES: Record<number, [string, string]> = {
  400: ['BadRequest', 'Injected bad request.'],
  403: ['AccessDenied', 'Access Denied'],
  412: ['PreconditionFailed', 'At least one of the pre-conditions you specified did not hold'],
  429: ['TooManyRequests', 'Please reduce your request rate.'],
  500: ['InternalError', 'We encountered an internal error. Please try again.'],
  502: ['BadGateway', 'Injected bad gateway.'],
  503: ['SlowDown', 'Please reduce your request rate.'],
};

function errorXml(status: number, codeOverride?: string): string {
  const [defaultCode, defaultMessage] = ERROR_CODES[status] ?? ['InternalError', `Injected status ${status}.`];
  const code = codeOverride ?? defaultCode;
  const message = codeOverride ? `Injected ${codeOverride}.` : defaultMessage;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>proxy</RequestId></Error>`;
}

function parseTarget(url: string): { bucket: string; key: string; query: URLSearchParams; rawQuery: string } {
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  const rawQuery = q < 0 ? '' : url.slice(q + 1);
  const parts = path.split('/').slice(1);
  const bucket = decodeURIComponent(parts[0] ?? '');
  const key = parts.slice(1).map(decodeURIComponent).join('/');
  return { bucket, key, query: new URLSearchParams(rawQuery), rawQuery };
}

export interface S3ProxyOptions {
  /** Verify header-signed requests made with this key id against this secret (s3rver does not check V4). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /**
   * The server's clock (default: the real one, read without Date.now so a test can move the device's clock
   * alone). Signatures more than 15 minutes from it are refused, as S3 does; answers carry it as Date.
   */
  now?: () => number;
  /**
   * Access-Control-Max-Age added to successful preflights. s3rver leaves it out of preflight answers
   * (real S3 sends the bucket rule's MaxAgeSeconds there), which would make browsers preflight every
   * request after 5 s. Default 3000, as in the test bucket's CORS rule; 0 = add nothing.
   */
  preflightMaxAgeSeconds?: number;
}

export async function startS3Proxy(upstream: string, options: S3ProxyOptions = {}): Promise<S3Proxy> {
  const up = new URL(upstream);
  let faults: Array<Fault & { left: number }> = [];
  const refused = new Set<string>();
  const unexposed = new Set<string>();
  let md5Required = false;
  let dateHidden = false;
  const now = options.now ?? (() => performance.timeOrigin + performance.now());
  let stats: ProxyStats = { total: 0, byMethod: {}, preflights: 0, requests: [] };
  // Per-key write queue: a promise chain whose tail is the last write in flight.
  const writeQueues = new Map<string, Promise<unknown>>();
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  let network: SimulatedNetwork | undefined;
  /** Client connections that already carried a request: only a connection's first pays the handshake. */
  const usedSockets = new WeakSet<Socket>();
  const waitUntil = (t: number) => (t > Date.now() ? new Promise((r) => setTimeout(r, t - Date.now())) : undefined);

  function statFor(method: string): MethodStats {
    return (stats.byMethod[method] ??= { count: 0, bytesIn: 0, bytesOut: 0 });
  }

  function takeFault(method: string, key: string, presigned: boolean): Fault | undefined {
    const f = faults.find(
      (f) =>
        f.left > 0 &&
        (f.presigned === undefined || f.presigned === presigned) &&
        (f.method ? f.method.toUpperCase() === method : method !== 'OPTIONS') &&
        (f.key === undefined || (typeof f.key === 'string' ? key.includes(f.key) : f.key.test(key))),
    );
    if (f) f.left -= 1;
    return f;
  }

  function corsHeaders(origin: string | undefined): Record<string, string> {
    if (!origin || refused.has(origin)) return {};
    if (unexposed.has(origin)) return { 'access-control-allow-origin': origin, vary: 'Origin' };
    return { 'access-control-allow-origin': origin, 'access-control-expose-headers': 'ETag', vary: 'Origin' };
  }

  function forward(req: http.IncomingMessage, body: Buffer): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
    return new Promise((resolve, reject) => {
      const headers = { ...req.headers };
      const upReq = http.request(
        { host: up.hostname, port: up.port, method: req.method, path: req.url, headers, agent },
        (upRes) => {
          const chunks: Buffer[] = [];
          upRes.on('data', (c: Buffer) => chunks.push(c));
          upRes.on('end', () => resolve({ status: upRes.statusCode ?? 502, headers: upRes.headers, body: Buffer.concat(chunks) }));
          upRes.on('error', reject);
        },
      );
      upReq.on('error', reject);
      upReq.end(body);
    });
  }

  async function headEtag(bucket: string, key: string): Promise<string | undefined> {
    const path = `/${encodeURIComponent(bucket)}/${key.split('/').map(encodeURIComponent).join('/')}`;
    return new Promise((resolve, reject) => {
      // Anonymous HEAD: s3rver allows it, and the proxy must not need the client's credentials.
      const r = http.request({ host: up.hostname, port: up.port, method: 'HEAD', path, agent }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode === 200 ? String(res.headers.etag ?? '') : undefined));
      });
      r.on('error', reject);
      r.end();
    });
  }

  function serialised<T>(queueKey: string, fn: () => Promise<T>): Promise<T> {
    const prev = writeQueues.get(queueKey) ?? Promise.resolve();
    const run = prev.then(fn, fn);
    const tail = run.catch(() => undefined);
    writeQueues.set(queueKey, tail);
    void tail.then(() => {
      if (writeQueues.get(queueKey) === tail) writeQueues.delete(queueKey);
    });
    return run;
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void handle(req, res, Buffer.concat(chunks)).catch((e: unknown) => {
        if (!res.headersSent) {
          res.writeHead(502, { 'content-type': 'text/plain' });
          res.end(`proxy error: ${String(e)}`);
        } else res.destroy();
      });
    });
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const { bucket, key, query, rawQuery } = parseTarget(req.url ?? '/');
    const origin = typeof req.headers.origin === 'string' ? req.headers.origin : undefined;
    const st = statFor(method);
    st.count += 1;
    st.bytesIn += body.length;
    stats.total += 1;
    if (method === 'OPTIONS') stats.preflights += 1;
    const asked = req.headers['access-control-request-headers'];
    const headerNames =
      method === 'OPTIONS'
        ? (typeof asked === 'string' ? asked.split(',') : []).map((h) => h.trim().toLowerCase()).filter(Boolean)
        : Object.keys(req.headers).map((h) => h.toLowerCase());
    const askedMethod = req.headers['access-control-request-method'];
    const record: RequestRecord = {
      method,
      key,
      path: (req.url ?? '/').split('?')[0],
      query: rawQuery,
      status: 0,
      origin,
      at: Date.now(),
      presigned: /(^|&)X-Amz-Signature=/.test(rawQuery),
      headerNames,
      ...(typeof askedMethod === 'string' ? { preflightFor: askedMethod.toUpperCase() } : {}),
    };
    stats.requests.push(record);
    const net = network;
    if (net) {
      const fresh = !usedSockets.has(req.socket);
      usedSockets.add(req.socket);
      await waitUntil(net.requestArrives(body.length, record.at, fresh));
    }

    const send = async (status: number, headers: Record<string, string | string[] | undefined>, out: Buffer | string) => {
      const buf = typeof out === 'string' ? Buffer.from(out) : out;
      record.status = status;
      st.bytesOut += buf.length;
      if (net) await waitUntil(net.responseArrives(buf.length, Date.now()));
      res.sendDate = false;
      for (const h of Object.keys(headers)) if (h.toLowerCase() === 'date') delete headers[h];
      if (!dateHidden) headers.date = new Date(now()).toUTCString();
      res.writeHead(status, headers);
      res.end(buf);
      record.done = Date.now();
    };

    if (origin && refused.has(origin) && method === 'OPTIONS') {
      record.fault = 'cors-refused';
      return send(403, { 'content-type': 'text/plain' }, 'CORS not allowed for this origin');
    }

    if (options.credentials && method !== 'OPTIONS') {
      const verdict = verifySigV4({ method, url: req.url ?? '/', headers: req.headers }, body, options.credentials, now());
      if (verdict === 'skewed' && !record.presigned) {
        // S3's answer names the server's time, which is how a client corrects its clock without a Date header.
        const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>RequestTimeTooSkewed</Code><Message>The difference between the request time and the current time is too large.</Message><ServerTime>${new Date(now()).toISOString()}</ServerTime><MaxAllowedSkewMilliseconds>900000</MaxAllowedSkewMilliseconds><RequestId>proxy</RequestId></Error>`;
        return send(403, { 'content-type': 'application/xml', ...corsHeaders(origin) }, method === 'HEAD' ? '' : xml);
      }
      if (verdict === 'mismatch' || verdict === 'expired' || verdict === 'skewed') {
        const code = verdict === 'mismatch' ? 'SignatureDoesNotMatch' : 'AccessDenied';
        return send(403, { 'content-type': 'application/xml', ...corsHeaders(origin) }, method === 'HEAD' ? '' : errorXml(403, code));
      }
    }

    if (md5Required && method === 'POST' && query.has('delete')) {
      const sent = req.headers['content-md5'];
      const code = typeof sent !== 'string' ? 'MissingContentMD5' : sent !== createHash('md5').update(body).digest('base64') ? 'BadDigest' : undefined;
      if (code) return send(400, { 'content-type': 'application/xml', ...corsHeaders(origin) }, errorXml(400, code));
    }

    const fault = takeFault(method, key, record.presigned);
    if (fault?.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
    if (fault?.drop) {
      record.fault = 'drop';
      req.socket.destroy();
      return;
    }
    if (fault?.status) {
      record.fault = 'status';
      const headers: Record<string, string> = { 'content-type': 'application/xml', ...corsHeaders(origin) };
      if (fault.retryAfter !== undefined) headers['retry-after'] = String(fault.retryAfter);
      return send(fault.status, headers, method === 'HEAD' ? '' : errorXml(fault.status, fault.code));
    }

    const isObjectWrite =
      key !== '' &&
      ((method === 'PUT' && !query.has('partNumber')) || (method === 'POST' && query.has('uploadId')) || method === 'DELETE');
    const run = async () => {
      const ifMatch = req.headers['if-match'];
      const ifNoneMatch = req.headers['if-none-match'];
      if ((method === 'PUT' || method === 'POST') && (ifMatch || ifNoneMatch)) {
        const current = await headEtag(bucket, key);
        const holds = (ifNoneMatch === '*' ? current === undefined : true) && (ifMatch ? current !== undefined && current === ifMatch : true);
        if (!holds) {
          record.fault = 'precondition';
          return { status: 412, headers: { 'content-type': 'application/xml' }, body: Buffer.from(errorXml(412)) };
        }
      }
      return forward(req, body);
    };
    const result = isObjectWrite ? await serialised(`${bucket}/${key}`, run) : await run();
    const headers: Record<string, string | string[] | undefined> = { ...result.headers };
    if (origin && refused.has(origin)) {
      for (const h of Object.keys(headers)) if (h.startsWith('access-control-')) delete headers[h];
    } else if (origin && result.status === 412) {
      // Our own 412 carries no CORS headers from s3rver: add them, or the browser hides the answer.
      Object.assign(headers, corsHeaders(origin));
    } else if (origin && unexposed.has(origin)) {
      delete headers['access-control-expose-headers'];
    }
    const maxAge = options.preflightMaxAgeSeconds ?? 3000;
    if (method === 'OPTIONS' && result.status === 200 && maxAge > 0 && headers['access-control-max-age'] === undefined) {
      headers['access-control-max-age'] = String(maxAge);
    }
    // Re-framed with our own length: we buffered the body.
    delete headers['transfer-encoding'];
    // HEAD keeps s3rver's length: it is the object's size, not this (empty) body's.
    if (method !== 'HEAD') headers['content-length'] = String(result.body.length);
    await send(result.status, headers, method === 'HEAD' ? Buffer.alloc(0) : result.body);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    inject(fault) {
      faults.push({ ...fault, left: fault.count ?? 1 });
    },
    refuseCors(origin) {
      refused.add(origin);
    },
    hideExposedHeaders(origin) {
      unexposed.add(origin);
    },
    setNetwork(profile) {
      network = profile ? new SimulatedNetwork(profile) : undefined;
    },
    requireContentMd5() {
      md5Required = true;
    },
    hideDate() {
      dateHidden = true;
    },
    stats() {
      return { ...stats, byMethod: structuredClone(stats.byMethod), requests: [...stats.requests] };
    },
    reset() {
      faults = [];
      refused.clear();
      unexposed.clear();
      md5Required = false;
      dateHidden = false;
      stats = { total: 0, byMethod: {}, preflights: 0, requests: [] };
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      agent.destroy();
    },
  };
}
