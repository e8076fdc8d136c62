// s3rver launcher: a local S3-compatible server for tests and the demo, in its own Node process.
//
// Why a child process: s3rver 3.7 builds ListObjectsV2 continuation tokens with a DES cipher, which
// OpenSSL 3 (Node 17+) only offers with `--openssl-legacy-provider`. Turning that on for the whole test
// runner or demo would weaken every other crypto call there, so only this process gets the flag.
//
// Use from another module (Node):
//   import { startS3rverChild } from './lib/s3rver-child.mjs';
//   const s3 = await startS3rverChild({ directory: '/tmp/x', port: 0, bucket: 'demo', origin: '*' });
//   // s3.port, s3.endpoint ("http://127.0.0.1:<port>"); later: await s3.stop();
//
// Or run it directly (what startS3rverChild does for you):
//   node --openssl-legacy-provider scripts/lib/s3rver-child.mjs --dir /tmp/x --port 0 --bucket demo --origin '*'
//   → prints one JSON line on stdout: {"port":12345,"endpoint":"http://127.0.0.1:12345","bucket":"demo"}
//   Stops cleanly on SIGTERM, SIGINT, or when its stdin closes (so it never outlives its parent).
// Credentials are s3rver's fixed pair: accessKeyId "S3RVER", secretAccessKey "S3RVER".
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { mkdirSync } from 'node:fs';

const selfPath = fileURLToPath(import.meta.url);

/** The bucket CORS configuration: the page's origin (or '*'), every method the extension uses, ETag exposed. */
export function corsXml(origin) {
  const escaped = String(origin).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return [
    '<CORSConfiguration>',
    '  <CORSRule>',
    `    <AllowedOrigin>${escaped}</AllowedOrigin>`,
    ...['GET', 'PUT', 'POST', 'DELETE', 'HEAD'].map((m) => `    <AllowedMethod>${m}</AllowedMethod>`),
    '    <AllowedHeader>*</AllowedHeader>',
    '    <ExposeHeader>ETag</ExposeHeader>',
    '    <MaxAgeSeconds>3000</MaxAgeSeconds>',
    '  </CORSRule>',
    '</CORSConfiguration>',
  ].join('\n');
}

/**
 * Starts s3rver in a child process and resolves once it listens.
 * @param {{directory: string, port?: number, bucket: string, origin?: string, address?: string}} options
 * @returns {Promise<{port: number, endpoint: string, bucket: string, stop(): Promise<void>}>}
 */
export function startS3rverChild({ directory, port = 0, bucket, origin = '*', address = '127.0.0.1' }) {
  const args = ['--openssl-legacy-provider', selfPath, '--dir', directory, '--port', String(port), '--bucket', bucket, '--origin', origin, '--address', address];
  const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
    if (stderr.length > 20_000) stderr = stderr.slice(-10_000);
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    await exited;
  };
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (d) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl < 0) return;
      child.stdout.off('data', onData);
      try {
        const info = JSON.parse(out.slice(0, nl));
        resolve({ ...info, stop });
      } catch (e) {
        reject(new Error(`s3rver child printed something unexpected: ${out.slice(0, 200)}`));
        void stop();
      }
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) => reject(new Error(`s3rver child exited (code ${code}) before listening: ${stderr.trim()}`)));
  });
}

function parseArgs(argv) {
  const opts = {};
  for (let i = 0; i < argv.length; i += 2) opts[argv[i].replace(/^--/, '')] = argv[i + 1];
  return opts;
}

/**
 * s3rver decodes x-amz-copy-source with decodeURI, which leaves %2B, %23, %3F, %26… encoded, so copies of
 * keys with `+ # ? &` fail there while they work on AWS (which fully URL-decodes it). Re-encode the header
 * so decodeURI gives the real key. Runs in the copy handler, after the signature was checked on the
 * original header.
 */
function patchCopySourceDecoding(require) {
  const objectCtrl = require('s3rver/lib/controllers/object.js');
  const original = objectCtrl.putObjectCopy;
  objectCtrl.putObjectCopy = function putObjectCopyFullyDecoded(ctx) {
    const raw = ctx.headers['x-amz-copy-source'];
    try {
      ctx.headers['x-amz-copy-source'] = encodeURI(decodeURIComponent(raw));
    } catch {
      // Not valid percent-encoding: leave it for s3rver to reject as it would.
    }
    return original.call(this, ctx);
  };
}

/**
 * s3rver's DeleteObjects deletes keys in parallel, and each delete removes its now-empty parent folders:
 * two keys in one folder race (readdir/rmdir of a folder the other just removed) and the request fails
 * with a 500 that has nothing to do with the client. Deletes are run one at a time, and a folder that
 * vanished meanwhile is not an error.
 */
function patchDeleteRace(require) {
  const FilesystemStore = require('s3rver/lib/stores/filesystem.js');
  const original = FilesystemStore.prototype.deleteObject;
  let chain = Promise.resolve();
  FilesystemStore.prototype.deleteObject = function deleteObjectSerialised(bucket, key) {
    const run = chain.then(() =>
      original.call(this, bucket, key).catch((err) => {
        if (err && (err.code === 'ENOENT' || err.code === 'ENOTEMPTY')) return;
        throw err;
      }),
    );
    chain = run.catch(() => undefined);
    return run;
  };
}

/**
 * s3rver writes an object straight into its file, and answers before the write has finished: two devices
 * writing metadata.json at once interleave their bytes into a file that stays invalid JSON, and a read
 * during a write gets half of it. Real S3, B2 and GCS replace an object whole. Each object is written to a
 * file of its own and renamed over the old one (atomic on POSIX), writes of one key take turns (bytes and
 * ETag change together), and the answer waits for it. This keeps
 * s3rver what the tests and the demo need — a store that ignores preconditions — without a failure mode no
 * real store has.
 */
function patchAtomicPut(require) {
  const FilesystemStore = require('s3rver/lib/stores/filesystem.js');
  const fs = require('node:fs');
  const { pipeline } = require('node:stream/promises');
  const { Readable, Transform } = require('node:stream');
  const { createHash } = require('node:crypto');
  const path = require('node:path');
  let n = 0;
  // The object's bytes and its metadata (where s3rver keeps the ETag) change together: writes of one key are
  // run one after the other, or two writers could leave one's bytes under the other's ETag.
  const queues = new Map();
  FilesystemStore.prototype.putObject = function putObjectInTurn(object) {
    const objectPath = this.getResourcePath(object.bucket, object.key, 'object');
    const run = (queues.get(objectPath) ?? Promise.resolve()).then(() => putObjectAtomically.call(this, object, objectPath));
    const settled = run.catch(() => undefined);
    queues.set(objectPath, settled);
    void settled.then(() => {
      if (queues.get(objectPath) === settled) queues.delete(objectPath);
    });
    return run;
  };
  async function putObjectAtomically(object, objectPath) {
    await fs.promises.mkdir(path.dirname(objectPath), { recursive: true });
    const temp = `${objectPath}.${process.pid}-${++n}.partial`;
    const md5 = createHash('md5');
    let size = 0;
    const source = Buffer.isBuffer(object.content) ? Readable.from([object.content]) : object.content;
    const count = new Transform({
      transform(chunk, encoding, done) {
        md5.update(chunk);
        size += chunk.length;
        done(null, chunk);
      },
    });
    try {
      await pipeline(source, count, fs.createWriteStream(temp));
      await fs.promises.rename(temp, objectPath);
    } catch (err) {
      await fs.promises.rm(temp, { force: true }).catch(() => undefined);
      throw err;
    }
    const digest = md5.digest('hex');
    await this.putMetadata(object.bucket, object.key, object.metadata, digest);
    return { size, md5: digest };
  }
}

async function runChild() {
  const opts = parseArgs(process.argv.slice(2));
  if (!opts.dir || !opts.bucket) {
    process.stderr.write('usage: node --openssl-legacy-provider s3rver-child.mjs --dir DIR --bucket NAME [--port 0] [--origin *] [--address 127.0.0.1]\n');
    process.exit(2);
  }
  mkdirSync(opts.dir, { recursive: true });
  const require = createRequire(import.meta.url);
  patchCopySourceDecoding(require);
  patchDeleteRace(require);
  patchAtomicPut(require);
  const S3rver = require('s3rver');
  const server = new S3rver({
    address: opts.address ?? '127.0.0.1',
    port: Number(opts.port ?? 0),
    directory: opts.dir,
    silent: true,
    // Path-style only: the extension sets forcePathStyle whenever an endpoint is given.
    vhostBuckets: false,
    configureBuckets: [{ name: opts.bucket, configs: [corsXml(opts.origin ?? '*')] }],
  });
  const addr = await server.run();
  const host = addr.address.includes(':') ? `[${addr.address}]` : addr.address;
  process.stdout.write(JSON.stringify({ port: addr.port, endpoint: `http://${host}:${addr.port}`, bucket: opts.bucket }) + '\n');

  let closing = false;
  const shutdown = async () => {
    if (closing) return;
    closing = true;
    // Open keep-alive sockets would hold close() forever; the parent wants us gone.
    server.httpServer?.closeAllConnections?.();
    await server.close().catch(() => {});
    process.exit(0);
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  process.stdin.on('end', shutdown);
  process.stdin.on('close', shutdown);
  process.stdin.resume();
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await runChild();
}
