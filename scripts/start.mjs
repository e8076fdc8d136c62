#!/usr/bin/env node
// `npm start`: the demo. Builds dist/cloudsync.js, starts a local S3-compatible server (s3rver, data kept in
// .demo-data/) with a bucket whose CORS lets the page read ETags, and serves the stand-in TypingMind page
// (demo/) with the bundle (dist/). Prints the URLs to open. Ctrl-C stops both.
//
// Options (or environment):
//   --port N        demo page port        (PORT, default 8787; 0 = any free port)
//   --s3-port N     S3 server port        (S3_PORT, default 4568; 0 = any free port)
//   --data-dir DIR  where s3rver keeps the bucket and the demo keeps its encryption key (default .demo-data)
//   --bucket NAME   bucket name (default typingmind-demo)
//   --no-build      serve the dist/ that is already there
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startS3rverChild } from './lib/s3rver-child.mjs';
import { startStaticServer } from './lib/static-server.mjs';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const HOST = '127.0.0.1';
const REGION = 'us-east-1';

function fail(message) {
  process.stderr.write(`\n${message}\n`);
  process.exit(1);
}

function parseArgs(argv, env) {
  const opts = {
    port: env.PORT ?? '8787',
    s3Port: env.S3_PORT ?? '4568',
    dataDir: '.demo-data',
    bucket: 'typingmind-demo',
    build: true,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => inline ?? argv[++i] ?? fail(`${flag} needs a value, e.g. ${flag} 8080.`);
    if (flag === '--port') opts.port = value();
    else if (flag === '--s3-port') opts.s3Port = value();
    else if (flag === '--data-dir') opts.dataDir = value();
    else if (flag === '--bucket') opts.bucket = value();
    else if (flag === '--no-build') opts.build = false;
    else if (flag === '--help' || flag === '-h') {
      process.stdout.write('Usage: npm start -- [--port 8787] [--s3-port 4568] [--data-dir .demo-data] [--bucket typingmind-demo] [--no-build]\n');
      process.exit(0);
    } else fail(`Unknown option ${arg}. Try: npm start -- --help`);
  }
  for (const [name, v] of [['--port', opts.port], ['--s3-port', opts.s3Port]]) {
    if (!/^\d+$/.test(String(v)) || Number(v) > 65535) fail(`${name} must be a port number from 0 to 65535, not "${v}".`);
  }
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(opts.bucket)) {
    fail(`--bucket "${opts.bucket}" is not a valid bucket name: use 3-63 lower-case letters, digits, dots and hyphens.`);
  }
  return { ...opts, port: Number(opts.port), s3Port: Number(opts.s3Port), dataDir: resolve(root, opts.dataDir) };
}

/** Resolves when the port can be bound, rejects with a clear message when something already listens there. */
function checkPortFree(port, what, flag) {
  if (port === 0) return Promise.resolve();
  return new Promise((resolveCheck, reject) => {
    const probe = createServer();
    probe.once('error', (err) => {
      reject(new Error(err.code === 'EADDRINUSE'
        ? `Port ${port} (${what}) is already in use on ${HOST}. Stop the program using it, or pick another port: npm start -- ${flag} <port> (0 picks a free one).`
        : `Cannot listen on port ${port} (${what}): ${err.message}`));
    });
    probe.listen(port, HOST, () => probe.close(() => resolveCheck()));
  });
}

/** The demo's encryption password, created once so every device opened later shares it. */
function demoEncryptionKey(dataDir) {
  const file = join(dataDir, 'encryption-key.txt');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const key = `demo-${randomBytes(12).toString('base64url')}`;
  writeFileSync(file, key + '\n', { mode: 0o600 });
  return key;
}

export function extensionParams({ bucket, endpoint, encryptionKey }) {
  return {
    storagetype: 's3',
    bucket,
    region: REGION,
    endpoint,
    accesskey: 'S3RVER',
    secretkey: 'S3RVER',
    encryptionkey: encryptionKey,
  };
}

async function main() {
  const opts = parseArgs(process.argv.slice(2), process.env);
  mkdirSync(opts.dataDir, { recursive: true });

  if (opts.build) {
    process.stdout.write('Building dist/cloudsync.js …\n');
    const built = spawnSync(process.execPath, ['esbuild.config.mjs'], { cwd: root, stdio: 'inherit' });
    if (built.status !== 0) fail('The build failed (see above). Fix the error, then run npm start again.');
  } else if (!existsSync(join(root, 'dist', 'cloudsync.js'))) {
    fail('dist/cloudsync.js does not exist: run npm start without --no-build (or npm run build) first.');
  }

  try {
    await checkPortFree(opts.port, 'demo page', '--port');
    await checkPortFree(opts.s3Port, 'S3 server', '--s3-port');
  } catch (e) {
    fail(e.message);
  }

  let s3;
  try {
    // Any origin may call the local bucket: the demo page, and TypingMind itself if you paste the script URL there.
    s3 = await startS3rverChild({ directory: join(opts.dataDir, 's3'), port: opts.s3Port, bucket: opts.bucket, origin: '*', address: HOST });
  } catch (e) {
    fail(`The local S3 server did not start: ${e.message}`);
  }

  let web;
  try {
    web = await startStaticServer({ port: opts.port, host: HOST, mounts: { '/': join(root, 'demo'), '/dist/': join(root, 'dist') } });
  } catch (e) {
    await s3.stop();
    fail(e.message);
  }

  const encryptionKey = demoEncryptionKey(opts.dataDir);
  const params = new URLSearchParams(extensionParams({ bucket: opts.bucket, endpoint: s3.endpoint, encryptionKey }));
  const demoUrl = `${web.url}/?${params}`;
  const secondDevice = `${web.url}/?seed=0&${params}`;
  const scriptUrl = `${web.url}/dist/cloudsync.js`;

  // Installed before the banner: whoever reads the banner may press Ctrl-C at once.
  let stopping = false;
  const stop = async (signal) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\nStopping (${signal}) …\n`);
    await Promise.allSettled([web.close(), s3.stop()]);
    process.stdout.write('Stopped.\n');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  process.stdout.write([
    '',
    'TypingMind Cloud Sync demo is running.',
    '',
    `  Demo (device 1):   ${demoUrl}`,
    `  Empty device 2:    ${secondDevice}`,
    '                     (open it in another browser or a private window: each browser profile is a device)',
    `  Script URL:        ${scriptUrl}`,
    '                     (paste into TypingMind > Menu > Preferences > Extensions to use the local bucket there)',
    '',
    `  S3 endpoint:       ${s3.endpoint}`,
    `  Bucket / region:   ${opts.bucket} / ${REGION}`,
    '  Access key:        S3RVER',
    '  Secret key:        S3RVER',
    `  Encryption key:    ${encryptionKey}`,
    `  Data folder:       ${opts.dataDir}  (delete it to start from an empty bucket)`,
    '',
    'Press Ctrl-C to stop.',
    '',
  ].join('\n'));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main();
}
