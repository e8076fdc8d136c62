/**
 * Every provider error code the S3 store produces, from a real server (s3rver) or a fault the proxy
 * injects on the wire, through the real SDK, to the CloudSyncError a person reads.
 */
import { describe, expect, it } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { isCloudSyncError } from '../../../src/errors';
import { failure, useS3TestStores } from '../../support/s3-test-store';

const s3 = useS3TestStores({ maxAttempts: 3 });
const store = s3.store;

const enc = new TextEncoder();

function countOf(method: string): number {
  return s3.server.proxy.stats().byMethod[method]?.count ?? 0;
}

describe('S3 store errors', () => {
  it('a wrong secret key is bad-credentials, and says to check the secret', async () => {
    const e = await failure(store({ secretAccessKey: 'not-the-secret' }).get('metadata.json'));
    expect(e.code).toBe('bad-credentials');
    expect(e.message).toMatch(/secret/i);
  });

  it('an unknown access key is bad-credentials, and says to check the access key', async () => {
    const e = await failure(store({ accessKeyId: 'NOBODY' }).put('items/x', enc.encode('x')));
    expect(e.code).toBe('bad-credentials');
    expect(e.message).toMatch(/access key/i);
  });

  it('a missing bucket is bucket-not-found for get, put and list — not an empty bucket', async () => {
    const s = store({ bucket: 'no-such-bucket-here' });
    expect((await failure(s.get('metadata.json'))).code).toBe('bucket-not-found');
    expect((await failure(s.put('metadata.json', enc.encode('{}')))).code).toBe('bucket-not-found');
    const listing = (async () => {
      for await (const page of s.list('')) void page;
    })();
    const e = await failure(listing);
    expect(e.code).toBe('bucket-not-found');
    expect(e.message).toContain('no-such-bucket-here');
  });

  it('an expired session token is expired-credentials', async () => {
    s3.server.proxy.inject({ status: 400, code: 'ExpiredToken' });
    const e = await failure(store().get('metadata.json'));
    expect(e.code).toBe('expired-credentials');
    expect(e.message).toMatch(/expired/i);
  });

  it('access denied names the permission that is missing', async () => {
    s3.server.proxy.inject({ status: 403, code: 'AccessDenied', method: 'PUT' });
    const e = await failure(store().put('items/x', enc.encode('x')));
    expect(e.code).toBe('access-denied');
    expect(e.message).toContain('s3:PutObject');
  });

  it('an object the provider finds too large is too-large', async () => {
    s3.server.proxy.inject({ status: 400, code: 'EntityTooLarge', method: 'PUT' });
    expect((await failure(store().put('items/big', enc.encode('x')))).code).toBe('too-large');
  });

  it('retries a 503 SlowDown and succeeds when the provider recovers', async () => {
    s3.server.proxy.inject({ status: 503, method: 'PUT', key: 'items/retry', count: 2, retryAfter: 0 });
    const put = await store().put('items/retry', enc.encode('eventually'));
    expect(put.etag).toMatch(/^".+"$/);
    expect(countOf('PUT')).toBe(3);
    const got = await store().get('items/retry');
    expect(got.kind === 'found' && new TextDecoder().decode(got.body)).toBe('eventually');
  });

  it('gives up after the bounded attempts on persistent 429 and reports throttled', async () => {
    s3.server.proxy.inject({ status: 429, method: 'GET', count: Infinity, retryAfter: 0 });
    const e = await failure(store({ maxAttempts: 3 }).get('metadata.json'));
    expect(e.code).toBe('throttled');
    expect(countOf('GET')).toBe(3);
  });

  it('reports throttled after persistent 503 SlowDown', async () => {
    s3.server.proxy.inject({ status: 503, method: 'PUT', count: Infinity, retryAfter: 0 });
    const e = await failure(store({ maxAttempts: 2 }).put('items/t', enc.encode('t')));
    expect(e.code).toBe('throttled');
    expect(countOf('PUT')).toBe(2);
  });

  it('reports provider-error after persistent 500s, with the status in the message', async () => {
    s3.server.proxy.inject({ status: 500, method: 'GET', count: Infinity });
    const e = await failure(store({ maxAttempts: 2 }).get('metadata.json'));
    expect(e.code).toBe('provider-error');
    expect(e.message).toContain('500');
    expect(countOf('GET')).toBe(2);
  });

  it('survives a dropped connection by retrying', async () => {
    const s = store();
    await s.put('items/drop', enc.encode('here'));
    s3.server.proxy.reset();
    s3.server.proxy.inject({ drop: true, method: 'GET', key: 'items/drop' });
    const got = await s.get('items/drop');
    expect(got.kind).toBe('found');
    expect(countOf('GET')).toBe(2);
  });

  it('a 412 from the provider is precondition-failed', async () => {
    s3.server.proxy.inject({ status: 412, method: 'PUT' });
    const e = await failure(store().put('metadata.json', enc.encode('{}'), { ifMatch: '"abc"' }));
    expect(e.code).toBe('precondition-failed');
    expect(isCloudSyncError(e, 'precondition-failed')).toBe(true);
  });

  it('aborts a slow request when the signal fires, without waiting for the answer', async () => {
    s3.server.proxy.inject({ delayMs: 3000, method: 'GET', key: 'items/slow' });
    const ac = new AbortController();
    const pending = store().get('items/slow', { signal: ac.signal });
    setTimeout(() => ac.abort(), 50);
    const started = Date.now();
    const e = await failure(pending);
    expect(e.code).toBe('aborted');
    expect(Date.now() - started).toBeLessThan(2500);
  });

  it('an unreachable endpoint is cors-or-network; from a web page on another origin it offers the CORS text', async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const endpoint = `http://127.0.0.1:${port}`;

    const plain = await failure(store({ endpoint, maxAttempts: 1 }).get('metadata.json'));
    expect(plain.code).toBe('cors-or-network');
    expect(plain.details.showCors).toBeUndefined();

    const fromPage = await failure(store({ endpoint, maxAttempts: 1, pageOrigin: 'https://www.typingmind.com' }).get('metadata.json'));
    expect(fromPage.code).toBe('cors-or-network');
    expect(fromPage.message).toMatch(/CORS/);
    expect(fromPage.details.showCors).toBe(true);
  });
});

describe('S3 store wire behaviour', () => {
  it('writes metadata.json with the original headers, and other objects as octet-stream', async () => {
    const s = store();
    await s.put('metadata.json', enc.encode('{}'));
    await s.put('items/chat.json', enc.encode('x'));
    const head = async (key: string) => {
      const res = await fetch(`${s3.server.directEndpoint}/${s3.server.bucket}/${key}`, { method: 'HEAD' });
      return { type: res.headers.get('content-type'), cache: res.headers.get('cache-control') };
    };
    expect(await head('metadata.json')).toEqual({ type: 'application/json', cache: 'no-cache, no-store, max-age=0, must-revalidate' });
    expect((await head('items/chat.json')).type).toBe('application/octet-stream');
  });

  it('uploads a body above the threshold in parts and reads it back whole', async () => {
    const s = store({ multipartThreshold: 5 * 1024 * 1024, partSize: 5 * 1024 * 1024 });
    const body = new Uint8Array(11 * 1024 * 1024).map((_, i) => i % 251);
    const put = await s.put('items/att.bin', body);
    expect(put.etag.length).toBeGreaterThan(2);
    const parts = s3.server.proxy.stats().requests.filter((r) => r.method === 'PUT' && /partNumber=/.test(r.query));
    expect(parts).toHaveLength(3);
    const got = await s.get('items/att.bin');
    expect(got.kind === 'found' && Buffer.from(got.body).equals(Buffer.from(body))).toBe(true);
  });

  it('answers an unchanged metadata.json with not-modified, costing no body bytes', async () => {
    const s = store();
    const { etag } = await s.put('metadata.json', enc.encode('{"big":"' + 'x'.repeat(10_000) + '"}'));
    s3.server.proxy.reset();
    expect(await s.get('metadata.json', { ifNoneMatch: etag })).toEqual({ kind: 'not-modified', etag });
    expect(s3.server.proxy.stats().byMethod.GET?.bytesOut).toBe(0);
  });

  it("in 'head' mode (the browser default) an unchanged object costs one HEAD and no GET", async () => {
    const s = store({ conditionalGetMode: 'head' });
    const { etag } = await s.put('metadata.json', enc.encode('{"v":1}'));
    s3.server.proxy.reset();
    expect(await s.get('metadata.json', { ifNoneMatch: etag })).toEqual({ kind: 'not-modified', etag });
    expect(s3.server.proxy.stats().requests.map((r) => r.method)).toEqual(['HEAD']);

    const v2 = await s.put('metadata.json', enc.encode('{"v":2}'));
    s3.server.proxy.reset();
    const got = await s.get('metadata.json', { ifNoneMatch: etag });
    expect(got.kind === 'found' && new TextDecoder().decode(got.body)).toBe('{"v":2}');
    expect(got.kind === 'found' && got.etag).toBe(v2.etag);
    expect(s3.server.proxy.stats().requests.map((r) => r.method)).toEqual(['HEAD', 'GET']);

    await s.deleteMany(['metadata.json']);
    expect(await s.get('metadata.json', { ifNoneMatch: etag })).toEqual({ kind: 'not-found' });
    expect((await failure(store({ conditionalGetMode: 'head', bucket: 'no-such-bucket-here' }).get('metadata.json', { ifNoneMatch: etag }))).code).toBe(
      'bucket-not-found',
    );
  });

  it('a large conditional write that does not hold fails as precondition-failed and leaves no upload behind', async () => {
    const s = store({ multipartThreshold: 5 * 1024 * 1024, partSize: 5 * 1024 * 1024 });
    await s.put('items/big-cas.bin', enc.encode('small original'));
    s3.server.proxy.reset();
    const big = new Uint8Array(6 * 1024 * 1024).fill(7);
    const e = await failure(s.put('items/big-cas.bin', big, { ifNoneMatch: '*' }));
    expect(e.code).toBe('precondition-failed');
    const got = await s.get('items/big-cas.bin');
    expect(got.kind === 'found' && new TextDecoder().decode(got.body)).toBe('small original');
    // The unfinished upload was aborted (DELETE ?uploadId=…), not left to be billed.
    expect(s3.server.proxy.stats().requests.some((r) => r.method === 'DELETE' && /uploadId=/.test(r.query))).toBe(true);
  });

  it('aborting a large upload midway stops it and aborts the multipart upload', async () => {
    const s = store({ multipartThreshold: 5 * 1024 * 1024, partSize: 5 * 1024 * 1024, partConcurrency: 1 });
    await s.get('items/warm-up'); // the client's first request is slow; start measuring after it
    s3.server.proxy.reset();
    s3.server.proxy.inject({ delayMs: 1500, method: 'PUT', key: 'items/abort-big.bin', count: 1 });
    const ac = new AbortController();
    const pending = s.put('items/abort-big.bin', new Uint8Array(11 * 1024 * 1024), { signal: ac.signal });
    // Abort once the upload exists and its first part is held by the proxy.
    const created = () => s3.server.proxy.stats().requests.some((r) => r.method === 'POST' && /uploads/.test(r.query) && r.status === 200);
    while (!created()) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 150));
    ac.abort();
    expect((await failure(pending)).code).toBe('aborted');
    expect((await s.get('items/abort-big.bin')).kind).toBe('not-found');
    expect(s3.server.proxy.stats().requests.some((r) => r.method === 'DELETE' && /uploadId=/.test(r.query))).toBe(true);
  });

  it('a provider that does not answer in time is reported as such, after the bounded attempts', async () => {
    s3.server.proxy.inject({ delayMs: 1000, method: 'GET', count: Infinity });
    const e = await failure(store({ requestTimeoutMs: 150, maxAttempts: 2 }).get('metadata.json'));
    expect(e.code).toBe('cors-or-network');
    expect(e.message).toMatch(/did not answer in time/);
    expect(countOf('GET')).toBe(2);
  });

  it('falls back to one-by-one deletes where multi-object delete is not implemented (GCS XML API)', async () => {
    const s = store();
    const keys = ['gcs/a', 'gcs/b', 'gcs/c'];
    for (const k of keys) await s.put(k, enc.encode(k));
    s3.server.proxy.reset();
    s3.server.proxy.inject({ status: 501, code: 'NotImplemented', method: 'POST', count: Infinity });
    await s.deleteMany([...keys, 'gcs/never-existed']);
    for (const k of keys) expect((await s.get(k)).kind).toBe('not-found');
    expect(countOf('DELETE')).toBe(4);
    // Remembered: the next batch goes straight to single deletes.
    s3.server.proxy.reset();
    await s.put('gcs/d', enc.encode('d'));
    await s.deleteMany(['gcs/d']);
    expect(countOf('POST')).toBe(0);
    expect(countOf('DELETE')).toBe(1);
  });

  it('batch deletes go with Content-MD5, which providers that predate CRC32 checksums require (older MinIO)', async () => {
    const s = store();
    const keys = ['md5/a', 'md5/b', 'md5/c'];
    for (const k of keys) await s.put(k, enc.encode(k));
    s3.server.proxy.reset();
    s3.server.proxy.requireContentMd5();
    await s.deleteMany(keys);
    for (const k of keys) expect((await s.get(k)).kind).toBe('not-found');
    // One batch request, accepted: no fallback to single deletes was needed.
    expect(countOf('POST')).toBe(1);
    expect(countOf('DELETE')).toBe(0);
    expect(s3.server.proxy.stats().requests.find((r) => r.method === 'POST')?.status).toBe(200);
  });

  it('falls back to one-by-one deletes when a provider refuses the batch delete as a bad request (400)', async () => {
    const s = store();
    const keys = ['md5x/a', 'md5x/b'];
    for (const k of keys) await s.put(k, enc.encode(k));
    s3.server.proxy.reset();
    s3.server.proxy.inject({ status: 400, code: 'MissingContentMD5', method: 'POST', count: Infinity });
    await s.deleteMany(keys);
    for (const k of keys) expect((await s.get(k)).kind).toBe('not-found');
    expect(countOf('DELETE')).toBe(2);
  });

  it("signs with region 'auto' (Cloudflare R2's setting) against a custom endpoint", async () => {
    const s = store({ region: 'auto' });
    const put = await s.put('items/r2.json', enc.encode('r2'));
    const got = await s.get('items/r2.json');
    expect(got.kind === 'found' && got.etag).toBe(put.etag);
    expect(s3.server.proxy.stats().requests.every((r) => r.status < 400)).toBe(true);
  });
});
