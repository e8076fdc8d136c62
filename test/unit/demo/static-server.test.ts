import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveStaticPath, startStaticServer, type StaticServer } from '../../../scripts/lib/static-server.mjs';

let root: string;
let server: StaticServer;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'static-server-'));
  mkdirSync(join(root, 'site'));
  mkdirSync(join(root, 'dist'));
  writeFileSync(join(root, 'site', 'index.html'), '<h1>hi</h1>');
  writeFileSync(join(root, 'dist', 'cloudsync.js'), 'console.log(1)');
  writeFileSync(join(root, 'secret.txt'), 'do not serve');
  server = await startStaticServer({ port: 0, mounts: { '/': join(root, 'site'), '/dist/': join(root, 'dist') } });
});
afterAll(async () => {
  await server?.close();
  rmSync(root, { recursive: true, force: true });
});

/** A raw request, so "../" reaches the server as typed (fetch would normalise it away). */
function raw(path: string, method = 'GET'): Promise<{ status: number; type?: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, method }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('static server', () => {
  it('serves index.html at / and the bundle under /dist/, with types and no caching', async () => {
    const index = await fetch(`${server.url}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(index.headers.get('cache-control')).toBe('no-store');
    expect(await index.text()).toBe('<h1>hi</h1>');
    const js = await fetch(`${server.url}/dist/cloudsync.js`);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await js.text()).toBe('console.log(1)');
  });

  it('never serves a file outside its folders', async () => {
    expect(resolveStaticPath({ '/': join(root, 'site') }, '/../secret.txt')).toBeNull();
    const traversal = await raw('/../secret.txt');
    expect(traversal.status).toBe(404);
    expect(traversal.body).not.toContain('do not serve');
    const encoded = await raw('/dist/..%2f..%2fsecret.txt');
    expect(encoded.status).toBe(404);
    expect(encoded.body).not.toContain('do not serve');
  });

  it('answers 404 with the path, 405 for writes, 400 for a malformed path', async () => {
    const missing = await raw('/nope.js');
    expect(missing).toMatchObject({ status: 404, body: 'Not found: /nope.js' });
    expect((await raw('/', 'POST')).status).toBe(405);
    expect((await raw('/%E0%A4%A')).status).toBe(400);
  });

  it('says clearly when its port is taken', async () => {
    await expect(startStaticServer({ port: server.port, mounts: { '/': root } })).rejects.toThrow(
      `Port ${server.port} on 127.0.0.1 is already in use. Stop whatever uses it, or choose another port (--port N or PORT=N).`,
    );
  });
});
