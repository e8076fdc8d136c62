/**
 * The S3 provider in real Chromium, from a page on another origin than the bucket: the fetch transport
 * the bundle uses, CORS preflights, exposed ETags, and what a user sees when the bucket's CORS refuses.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { build } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, findChromium } from '../../support/browser';
import { startS3Server, type S3TestServer } from '../../support/s3-server';
import { allowsHeader, corsAllowance } from '../../support/cors-rules';
import { allCorsInstructions } from '../../../src/providers/cors';

let server: S3TestServer;
let browser: Browser;
let page: Page;
let pageServer: http.Server;
let origin: string;

beforeAll(async () => {
  server = await startS3Server();
  const bundle = await build({
    entryPoints: ['test/support/s3-browser-entry.ts'],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    write: false,
    logLevel: 'warning',
  });
  const js = bundle.outputFiles[0].text;
  pageServer = http.createServer((req, res) => {
    if (req.url === '/s3test.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' });
      res.end(js);
    } else {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!doctype html><title>s3 test</title><script src="/s3test.js"></script>');
    }
  });
  await new Promise<void>((r) => pageServer.listen(0, '127.0.0.1', r));
  origin = `http://localhost:${(pageServer.address() as AddressInfo).port}`;
  browser = await chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS });
});

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((r) => (pageServer ? pageServer.close(() => r()) : r()));
  await server?.stop();
});

beforeEach(async () => {
  // A fresh context per test: an empty preflight cache, like a fresh browser.
  const context = await browser.newContext();
  page = await context.newPage();
  await page.goto(`${origin}/`);
  server.proxy.reset();
});

const settings = () => ({
  bucket: server.bucket,
  region: 'us-east-1',
  endpoint: server.endpoint,
  accessKeyId: server.accessKeyId,
  secretAccessKey: server.secretAccessKey,
  maxAttempts: 2,
});

type Run = (s: ReturnType<typeof settings>, ops: unknown[]) => Promise<unknown[]>;
const run = (ops: unknown[]) =>
  page.evaluate(([s, o]) => (window as unknown as { s3test: { run: Run } }).s3test.run(s, o), [settings(), ops] as const);

describe('S3 provider in Chromium, cross-origin', () => {
  it('does every operation through fetch and sees ETags (exposed by CORS)', async () => {
    const prefix = `b-${Date.now()}/`;
    const out = await run([
      { op: 'put', key: `${prefix}metadata.json`, text: '{"v":1}' },
      { op: 'put', key: `${prefix}items/a b+c.json`, text: 'A' },
      { op: 'list', prefix },
      { op: 'copy', from: `${prefix}items/a b+c.json`, to: `${prefix}backups/a b+c.json` },
      { op: 'get', key: `${prefix}backups/a b+c.json` },
      { op: 'delete', keys: [`${prefix}items/a b+c.json`] },
      { op: 'get', key: `${prefix}items/a b+c.json` },
    ]);
    expect((out[0] as { etag: string }).etag).toMatch(/^".+"$/);
    expect(out[2]).toEqual([`${prefix}items/a b+c.json`, `${prefix}metadata.json`]);
    expect(out[3]).toBe('copied');
    expect(out[4]).toMatchObject({ kind: 'found', text: 'A' });
    expect(out[6]).toEqual({ kind: 'not-found' });
    // Cross-origin with signed headers: the browser did preflight.
    expect(server.proxy.stats().preflights).toBeGreaterThan(0);
  });

  it('reads objects through presigned URLs: one GET each, no preflight, nothing from the HTTP cache', async () => {
    const prefix = `ps-${Date.now()}/`;
    const keys = [`${prefix}items/a.json`, `${prefix}items/b c+d.json`, `${prefix}items/é.json`];
    await run(keys.map((key) => ({ op: 'put', key, text: `v1 ${key}` })));
    server.proxy.reset();
    const first = await run(keys.map((key) => ({ op: 'get', key })));
    expect(first).toEqual(keys.map((key) => expect.objectContaining({ kind: 'found', text: `v1 ${key}` })));
    let s = server.proxy.stats();
    expect(s.preflights).toBe(0);
    expect(s.requests.map((r) => `${r.method} ${r.presigned}`)).toEqual(keys.map(() => 'GET true'));
    // Overwritten in place (by another device, or by the original, whose objects carry no Cache-Control):
    // the next read sees the new bytes, never a cached copy.
    await run([{ op: 'put', key: keys[0], text: 'v2' }]);
    server.proxy.reset();
    const [again] = await run([{ op: 'get', key: keys[0] }]);
    expect(again).toMatchObject({ kind: 'found', text: 'v2' });
    s = server.proxy.stats();
    expect(s.byMethod.GET?.count).toBe(1);
  });

  it('enforces compare-and-swap from the browser: a stale If-Match is precondition-failed', async () => {
    const key = `cas-${Date.now()}/metadata.json`;
    const [first] = (await run([{ op: 'put', key, text: 'v1' }])) as Array<{ etag: string }>;
    const out = await run([
      { op: 'put', key, text: 'v2', ifMatch: first.etag },
      { op: 'put', key, text: 'v3', ifMatch: first.etag },
      { op: 'get', key },
    ]);
    expect((out[0] as { etag: string }).etag).toMatch(/^"/);
    expect(out[1]).toMatchObject({ error: 'precondition-failed' });
    expect(out[2]).toMatchObject({ text: 'v2' });
  });

  it('polls an unchanged metadata.json with one request per poll: a HEAD, preflighted once', async () => {
    const key = `poll-${Date.now()}/metadata.json`;
    const [put] = (await run([{ op: 'put', key, text: '{}' }])) as Array<{ etag: string }>;
    server.proxy.reset();
    const out = await run(Array.from({ length: 5 }, () => ({ op: 'get', key, ifNoneMatch: put.etag })));
    expect(out.every((r) => (r as { kind: string }).kind === 'not-modified')).toBe(true);
    const s = server.proxy.stats();
    // Chromium preflights every request that carries If-None-Match; a HEAD without it reuses the cached
    // preflight (Access-Control-Max-Age), so only the first poll pays one.
    expect(s.byMethod.GET).toBeUndefined();
    expect(s.byMethod.HEAD?.count).toBe(5);
    expect(s.preflights).toBeLessThanOrEqual(1);
  });

  it('a bucket whose CORS refuses this page gives cors-or-network with the CORS text offered', async () => {
    server.proxy.refuseCors(origin);
    const [r] = await run([{ op: 'get', key: 'metadata.json' }]);
    expect(r).toMatchObject({ error: 'cors-or-network', details: { showCors: true } });
    expect((r as { message: string }).message).toMatch(/CORS/);
  });

  it('a CORS rule that does not expose ETag is caught at the first write, with the fix', async () => {
    server.proxy.hideExposedHeaders(origin);
    const [r] = await run([{ op: 'put', key: `noetag-${Date.now()}`, text: 'x' }]);
    expect(r).toMatchObject({ error: 'cors-or-network', details: { showCors: true } });
    expect((r as { message: string }).message).toMatch(/ETag/);
  });

  it('the capability probe passes from the browser and finds compare-and-swap', async () => {
    const result = (await page.evaluate(
      (s) => (window as unknown as { s3test: { probe: (s: unknown) => Promise<unknown> } }).s3test.probe(s),
      settings(),
    )) as { ok: boolean; capabilities: { conditionalPut: boolean }; steps: Array<{ step: string; ok: boolean; message: string }> };
    expect(result.steps.filter((s) => !s.ok)).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.capabilities.conditionalPut).toBe(true);
  });

  it('costs one preflight per object URL, shared by all methods on it (no ?x-id tag in the URL)', async () => {
    const p = `m-${Date.now()}/`;
    const items = Array.from({ length: 10 }, (_, i) => `${p}items/k${i}.json`);
    const counts = () => {
      const st = server.proxy.stats();
      server.proxy.reset();
      return { preflights: st.preflights, requests: st.total - st.preflights };
    };
    server.proxy.reset();
    await run(items.map((key) => ({ op: 'put', key, text: 'x' })));
    expect(counts()).toEqual({ preflights: 10, requests: 10 });
    // Downloading what this page uploaded: the PUT's preflight covers the GET of the same URL.
    await run(items.map((key) => ({ op: 'get', key })));
    expect(counts()).toEqual({ preflights: 0, requests: 10 });
    await run(items.map((key) => ({ op: 'put', key, text: 'y' })));
    expect(counts()).toEqual({ preflights: 0, requests: 10 });
    // One request, one preflight, for all ten deletions.
    await run([{ op: 'delete', keys: items }]);
    expect(counts()).toEqual({ preflights: 1, requests: 1 });
  });

  it("every provider's CORS text allows the request headers and methods the provider sends, and exposes what it reads", async () => {
    const p = `cors-${Date.now()}/`;
    const withToken = { ...settings(), sessionToken: 'session-token-for-cors' };
    // Every kind of request a sync, a backup or the probe makes (a session token adds its header).
    const ops = [
      { op: 'put', key: `${p}metadata.json`, text: '{}', ifNoneMatch: '*' },
      { op: 'put', key: `${p}items/a.json`, text: 'a' },
      { op: 'get', key: `${p}items/a.json` },
      { op: 'list', prefix: p },
      { op: 'copy', from: `${p}items/a.json`, to: `${p}backups/a.json` },
      { op: 'delete', keys: [`${p}items/a.json`, `${p}backups/a.json`] },
    ];
    await page.evaluate(([s, o]) => (window as unknown as { s3test: { run: Run } }).s3test.run(s as never, o), [withToken, ops] as const);
    const [meta] = (await run([{ op: 'get', key: `${p}metadata.json` }])) as Array<{ etag: string }>;
    await run([
      { op: 'put', key: `${p}metadata.json`, text: '{"v":2}', ifMatch: meta.etag },
      { op: 'get', key: `${p}metadata.json`, ifNoneMatch: meta.etag },
    ]);
    await page.evaluate((s) => (window as unknown as { s3test: { probe: (s: unknown) => Promise<unknown> } }).s3test.probe(s), settings());
    const requests = server.proxy.stats().requests;
    const preflights = requests.filter((r) => r.method === 'OPTIONS');
    // Headers: what the preflights asked leave for (the browser's own headers need none). Methods: every
    // method sent, preflighted or covered by a cached preflight.
    const headers = new Set(preflights.flatMap((r) => r.headerNames));
    const methods = new Set([...preflights.map((r) => r.preflightFor ?? 'GET'), ...requests.filter((r) => r.method !== 'OPTIONS').map((r) => r.method)]);
    // The collection saw what it should (so an empty list cannot pass the checks below).
    for (const h of ['authorization', 'x-amz-date', 'if-match', 'if-none-match', 'x-amz-copy-source', 'content-md5', 'x-amz-security-token']) expect(headers).toContain(h);
    for (const m of ['PUT', 'POST', 'HEAD']) expect(methods).toContain(m);
    for (const c of allCorsInstructions(origin, server.bucket)) {
      const a = corsAllowance(c);
      expect([...headers].filter((h) => !allowsHeader(a, h)), `${c.provider} does not allow`).toEqual([]);
      expect([...methods].filter((m) => !a.methods.includes(m.toLowerCase())), `${c.provider} methods`).toEqual([]);
      expect(a.exposed, `${c.provider} exposes`).toEqual(expect.arrayContaining(['etag', 'date']));
    }
  });
});
