// A small static file server for the demo page (`demo/`) and the built bundle (`dist/`), used by `npm start`,
// the browser tests and the benchmarks. Node's http module only: no framework to install or trust.
//
//   const server = await startStaticServer({ port: 0, mounts: { '/': 'demo', '/dist/': 'dist' } });
//   server.url  // "http://127.0.0.1:<port>"  (127.0.0.1 is a secure context, so crypto.subtle works)
//   await server.close();
//
// Every response carries `Cache-Control: no-store`, so a rebuilt bundle is always what the page loads.
import { createServer } from 'node:http';
import { createReadStream, statSync } from 'node:fs';
import { resolve, sep, extname } from 'node:path';

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * Maps a URL path to a file inside one of the mounts, or null when it is outside every mount
 * (including `..` tricks, which resolve() turns into paths outside the root).
 * @param {Record<string, string>} mounts URL prefix (ending in '/') → directory
 * @param {string} urlPath decoded pathname
 */
export function resolveStaticPath(mounts, urlPath) {
  // Longest prefix first, so '/dist/' wins over '/'.
  const prefixes = Object.keys(mounts).sort((a, b) => b.length - a.length);
  for (const prefix of prefixes) {
    if (!urlPath.startsWith(prefix)) continue;
    const root = resolve(mounts[prefix]);
    let rest = urlPath.slice(prefix.length);
    if (rest === '' || rest.endsWith('/')) rest += 'index.html';
    const file = resolve(root, rest);
    if (file !== root && !file.startsWith(root + sep)) return null;
    return file;
  }
  return null;
}

/**
 * @param {{ port?: number, host?: string, mounts: Record<string, string> }} options
 * @returns {Promise<{ url: string, port: number, close(): Promise<void> }>}
 */
export function startStaticServer({ port = 0, host = '127.0.0.1', mounts }) {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    let pathname;
    try {
      pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    } catch {
      res.writeHead(400).end('Bad request');
      return;
    }
    const file = resolveStaticPath(mounts, pathname);
    let stat;
    try {
      stat = file ? statSync(file) : undefined;
    } catch {
      stat = undefined;
    }
    if (!file || !stat || !stat.isFile()) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' }).end(`Not found: ${pathname}`);
      return;
    }
    res.writeHead(200, {
      'Content-Type': MIME[extname(file)] ?? 'application/octet-stream',
      'Content-Length': stat.size,
      'Cache-Control': 'no-store',
    });
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
  });
  return new Promise((resolvePromise, reject) => {
    server.once('error', (err) => {
      if (err && err.code === 'EADDRINUSE') {
        reject(Object.assign(new Error(`Port ${port} on ${host} is already in use. Stop whatever uses it, or choose another port (--port N or PORT=N).`), { code: 'EADDRINUSE' }));
      } else reject(err);
    });
    server.listen(port, host, () => {
      const address = server.address();
      const actualPort = typeof address === 'object' && address ? address.port : port;
      resolvePromise({
        url: `http://${host}:${actualPort}`,
        port: actualPort,
        close: () =>
          new Promise((done) => {
            // Keep-alive connections from a browser would hold close() open.
            server.closeAllConnections?.();
            server.close(() => done());
          }),
      });
    });
  });
}
