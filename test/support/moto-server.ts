/**
 * moto's S3 server (`moto_server`, Python; Debian's python3-moto), a second S3 implementation beside s3rver for
 * the compatibility suite: in memory, keys kept exactly as sent, SigV4 accepted with any secret. Started on a
 * free loopback port for a test file and stopped after it. Where moto deviates from S3 the test that meets it
 * says so (it shows no ETag on HEAD answers, and answers some CORS preflights 403).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll } from 'vitest';
import { createS3Store, type S3Settings, type S3Store } from '../../src/providers/s3/s3-store';
import { uniqueBucketName } from './s3-server';

export interface MotoServer {
  endpoint: string;
  /** A store on a bucket of its own, created now. */
  freshStore(prefix: string, overrides?: Partial<S3Settings>): Promise<S3Store>;
  stop(): Promise<void>;
}

const credentials = { accessKeyId: 'moto', secretAccessKey: 'moto-secret' };

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

export function motoAvailable(): boolean {
  return spawnSync('moto_server', ['--help'], { stdio: 'ignore' }).status === 0;
}

export async function startMotoServer(): Promise<MotoServer> {
  if (!motoAvailable()) throw new Error('moto_server is not installed: apt-get install python3-moto (or pip install "moto[server]").');
  const port = await freePort();
  const child: ChildProcess = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d) => (stderr = (stderr + String(d)).slice(-2000)));
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`moto_server exited: ${stderr}`);
    const up = await fetch(`${endpoint}/moto-api/`).then(
      () => true,
      () => false,
    );
    if (up) break;
    if (Date.now() > deadline) {
      child.kill();
      throw new Error(`moto_server did not answer within 30 s: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const admin = new S3Client({ region: 'us-east-1', endpoint, forcePathStyle: true, credentials });
  return {
    endpoint,
    async freshStore(prefix, overrides = {}) {
      const bucket = uniqueBucketName(prefix);
      await admin.send(new CreateBucketCommand({ Bucket: bucket }));
      return createS3Store({ bucket, region: 'us-east-1', endpoint, ...credentials, ...overrides });
    },
    async stop() {
      admin.destroy();
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r(undefined) : child.once('exit', r)));
    },
  };
}

/** One moto server for a test file. */
export function useMotoServer(): { readonly server: MotoServer } {
  let server: MotoServer | undefined;
  beforeAll(async () => {
    server = await startMotoServer();
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
  });
  return {
    get server() {
      if (!server) throw new Error('moto is not started yet (use it inside a test).');
      return server;
    },
  };
}
