/**
 * One s3rver (behind the test proxy) for a test file, and S3 stores on it: started before the file's tests,
 * stopped after them, the proxy's counts and faults reset before each test.
 */
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { createS3Store, type S3Settings, type S3Store } from '../../src/providers/s3/s3-store';
import { CloudSyncError } from '../../src/errors';
import { startS3Server, uniqueBucketName, type S3TestServer } from './s3-server';

export interface S3TestStores {
  readonly server: S3TestServer;
  /** A store on the server's bucket through the proxy; `defaults`, then `overrides`, on top. */
  store(overrides?: Partial<S3Settings>): S3Store;
  /** The same on a bucket of its own, created now (named after `prefix`). */
  freshStore(prefix: string, overrides?: Partial<S3Settings>): Promise<S3Store>;
}

export function useS3TestStores(defaults: Partial<S3Settings> = {}): S3TestStores {
  let server: S3TestServer | undefined;
  beforeAll(async () => {
    server = await startS3Server();
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
  });
  beforeEach(() => server?.proxy.reset());
  const started = () => {
    if (!server) throw new Error('The S3 test server is not started yet (use it inside a test).');
    return server;
  };
  return {
    get server() {
      return started();
    },
    store(overrides = {}) {
      const s = started();
      return createS3Store({
        bucket: s.bucket,
        region: s.region,
        endpoint: s.endpoint,
        accessKeyId: s.accessKeyId,
        secretAccessKey: s.secretAccessKey,
        ...defaults,
        ...overrides,
      });
    },
    async freshStore(prefix, overrides = {}) {
      const bucket = uniqueBucketName(prefix);
      await started().createBucket(bucket);
      return this.store({ ...overrides, bucket });
    },
  };
}

/** The CloudSyncError a call fails with (anything else, or success, fails the test). */
export async function failure(p: Promise<unknown>): Promise<CloudSyncError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof CloudSyncError) return e;
    throw e;
  }
  throw new Error('expected the call to fail');
}
