/**
 * A real S3-compatible server for integration tests: s3rver in a child process (see
 * scripts/lib/s3rver-child.mjs for why it needs its own process), behind the conditional-write /
 * fault-injection proxy of s3-proxy.ts. Everything listens on port 0.
 */
import { mkdtemp, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateBucketCommand, PutBucketCorsCommand, S3Client } from '@aws-sdk/client-s3';
import { startS3rverChild } from '../../scripts/lib/s3rver-child.mjs';
import { startS3Proxy, type S3Proxy } from './s3-proxy';

export interface S3TestServer {
  /** The proxy's address: what clients should use. */
  endpoint: string;
  /** s3rver itself, bypassing the proxy (no conditional writes, no faults, no counting). */
  directEndpoint: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  proxy: S3Proxy;
  /** Creates another bucket (CORS allowing any origin, exposing ETag); for a fresh bucket per test. */
  createBucket(name: string): Promise<void>;
  /**
   * Makes an object look written at `when`: s3rver answers LastModified (GET and listings) from the mtime of the
   * file that holds the object's bytes, so this ages it as if it had been uploaded then (POSIX key paths).
   */
  setLastModified(bucket: string, key: string, when: Date): Promise<void>;
  stop(): Promise<void>;
}

let bucketCounter = 0;

/** A bucket name unique within this process, valid for S3 (lowercase, digits, dashes). */
export function uniqueBucketName(prefix = 'test'): string {
  bucketCounter += 1;
  return `${prefix}-${process.pid}-${bucketCounter}-${Math.random().toString(36).slice(2, 8)}`;
}

export async function startS3Server(options: { bucket?: string; origin?: string } = {}): Promise<S3TestServer> {
  const directory = await mkdtemp(path.join(tmpdir(), 's3rver-'));
  const bucket = options.bucket ?? 'cloudsync-test';
  const origin = options.origin ?? '*';
  const child = await startS3rverChild({ directory, port: 0, bucket, origin });
  const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
  const proxy = await startS3Proxy(child.endpoint, { credentials });
  const admin = new S3Client({ region: 'us-east-1', endpoint: child.endpoint, forcePathStyle: true, credentials });
  return {
    endpoint: proxy.endpoint,
    directEndpoint: child.endpoint,
    bucket,
    region: 'us-east-1',
    ...credentials,
    proxy,
    async createBucket(name) {
      await admin.send(new CreateBucketCommand({ Bucket: name }));
      await admin.send(
        new PutBucketCorsCommand({
          Bucket: name,
          CORSConfiguration: {
            CORSRules: [
              { AllowedOrigins: [origin], AllowedMethods: ['GET', 'PUT', 'POST', 'DELETE', 'HEAD'], AllowedHeaders: ['*'], ExposeHeaders: ['ETag'] },
            ],
          },
        }),
      );
    },
    async setLastModified(name, key, when) {
      // s3rver's filesystem store: <dir>/<bucket>/<key's folders>/<key's last segment>._S3rver_object
      const parts = key.split('/');
      const file = path.join(directory, name, ...parts.slice(0, -1), `${parts[parts.length - 1]}._S3rver_object`);
      await utimes(file, when, when);
    },
    async stop() {
      admin.destroy();
      await proxy.close();
      await child.stop();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
