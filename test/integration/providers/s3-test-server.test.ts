/**
 * The test servers other suites rely on (the lead's model-based sync test, the benchmark, the demo):
 * the s3rver launcher and the proxy's API do what they promise.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startS3Server, type S3TestServer } from '../../support/s3-server';

let server: S3TestServer;
beforeAll(async () => {
  server = await startS3Server();
});
afterAll(async () => {
  await server?.stop();
});
beforeEach(() => server.proxy.reset());

const url = (key: string) => `${server.endpoint}/${server.bucket}/${key}`;

describe('s3rver launcher', () => {
  it('prints its port as one JSON line and exits when its stdin closes (it never outlives its parent)', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 's3rver-launch-'));
    const child = spawn(process.execPath, ['--openssl-legacy-provider', 'scripts/lib/s3rver-child.mjs', '--dir', dir, '--port', '0', '--bucket', 'b', '--origin', 'http://page.test'], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const line = await new Promise<string>((resolve) => child.stdout.once('data', (d: Buffer) => resolve(d.toString())));
    const info = JSON.parse(line) as { port: number; endpoint: string; bucket: string };
    expect(info.port).toBeGreaterThan(0);
    expect(info.bucket).toBe('b');
    const pre = await fetch(`${info.endpoint}/b/k`, {
      method: 'OPTIONS',
      headers: { Origin: 'http://page.test', 'Access-Control-Request-Method': 'PUT' },
    });
    expect(pre.status).toBe(200);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.stdin.end();
    expect(await exited).toBe(0);
    await rm(dir, { recursive: true, force: true });
  });

  it('pages listings with continuation tokens (they need the legacy OpenSSL provider it runs with)', async () => {
    const base = `${server.directEndpoint}/${server.bucket}`;
    for (const k of ['page/1', 'page/2', 'page/3']) await fetch(`${base}/${k}`, { method: 'PUT', body: k });
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const q = `list-type=2&prefix=page%2F&max-keys=1${token ? `&continuation-token=${encodeURIComponent(token)}` : ''}`;
      const res = await fetch(`${base}?${q}`);
      expect(res.status).toBe(200);
      const xml = await res.text();
      keys.push(...[...xml.matchAll(/<Key>([^<]+)<\/Key>/g)].map((m) => m[1]));
      token = /<NextContinuationToken>([^<]+)<\/NextContinuationToken>/.exec(xml)?.[1];
    } while (token);
    expect(keys).toEqual(['page/1', 'page/2', 'page/3']);
  });
});

describe('S3 test proxy', () => {
  it('counts requests and bytes per method', async () => {
    await fetch(url('stats/a'), { method: 'PUT', body: 'hello' });
    await fetch(url('stats/a'));
    const s = server.proxy.stats();
    expect(s.byMethod.PUT).toEqual({ count: 1, bytesIn: 5, bytesOut: expect.any(Number) });
    expect(s.byMethod.GET?.bytesOut).toBe(5);
    expect(s.total).toBe(2);
    expect(s.requests.map((r) => [r.method, r.key, r.status])).toEqual([
      ['PUT', 'stats/a', 200],
      ['GET', 'stats/a', 200],
    ]);
  });

  it('injects a fault only on matching requests, as many times as asked', async () => {
    await fetch(url('f/other'), { method: 'PUT', body: 'x' });
    server.proxy.inject({ status: 503, key: /^f\/target/, count: 2, retryAfter: 3 });
    const other = await fetch(url('f/other'));
    expect(other.status).toBe(200);
    const first = await fetch(url('f/target'));
    expect(first.status).toBe(503);
    expect(first.headers.get('retry-after')).toBe('3');
    expect(await first.text()).toContain('<Code>SlowDown</Code>');
    expect((await fetch(url('f/target'))).status).toBe(503);
    expect((await fetch(url('f/target'))).status).toBe(404);
  });

  it('drops a connection on demand', async () => {
    server.proxy.inject({ drop: true, method: 'GET' });
    await expect(fetch(url('x'))).rejects.toThrow();
    expect((await fetch(url('x'))).status).toBe(404);
  });

  it('enforces If-Match and If-None-Match on PUT', async () => {
    const put = await fetch(url('c/k'), { method: 'PUT', body: 'v1', headers: { 'If-None-Match': '*' } });
    expect(put.status).toBe(200);
    const etag = put.headers.get('etag') ?? '';
    expect((await fetch(url('c/k'), { method: 'PUT', body: 'v2', headers: { 'If-None-Match': '*' } })).status).toBe(412);
    expect((await fetch(url('c/k'), { method: 'PUT', body: 'v2', headers: { 'If-Match': '"nope"' } })).status).toBe(412);
    expect((await fetch(url('c/k'), { method: 'PUT', body: 'v2', headers: { 'If-Match': etag } })).status).toBe(200);
    expect(await (await fetch(url('c/k'))).text()).toBe('v2');
    expect((await fetch(url('c/k'), { headers: { 'If-None-Match': etag } })).status).toBe(200);
  });

  it('refuses CORS for one origin: preflight 403 and no Access-Control headers on answers', async () => {
    server.proxy.refuseCors('http://evil.test');
    const pre = await fetch(url('k'), { method: 'OPTIONS', headers: { Origin: 'http://evil.test', 'Access-Control-Request-Method': 'PUT' } });
    expect(pre.status).toBe(403);
    const get = await fetch(url('k'), { headers: { Origin: 'http://evil.test' } });
    expect(get.headers.get('access-control-allow-origin')).toBeNull();
    const fine = await fetch(url('k'), { method: 'OPTIONS', headers: { Origin: 'http://good.test', 'Access-Control-Request-Method': 'PUT' } });
    expect(fine.status).toBe(200);
    expect(fine.headers.get('access-control-max-age')).toBe('3000');
  });

  it('rejects a request signed with the wrong secret, as S3 would', async () => {
    const res = await fetch(url('k'), {
      headers: {
        Authorization: 'AWS4-HMAC-SHA256 Credential=S3RVER/20250101/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-date, Signature=00',
        'x-amz-date': '20250101T000000Z',
      },
    });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('SignatureDoesNotMatch');
  });

  it('delays a response on demand', async () => {
    server.proxy.inject({ delayMs: 300, method: 'GET' });
    const started = Date.now();
    await fetch(url('k'));
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
  });
});
