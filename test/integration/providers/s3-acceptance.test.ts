import { afterAll, beforeAll, expect } from 'vitest';
import { describeCloudStore } from '../../support/cloud-store-acceptance';
import { startS3Server, uniqueBucketName, type S3TestServer } from '../../support/s3-server';
import { createS3Store } from '../../../src/providers/s3/s3-store';

let server: S3TestServer;
beforeAll(async () => {
  server = await startS3Server();
});
afterAll(async () => {
  await server?.stop();
});

// A fresh bucket per test on one s3rver, reached through the conditional-write proxy.
describeCloudStore(
  's3 (s3rver behind the conditional-write proxy)',
  async () => {
    const bucket = uniqueBucketName('acc');
    await server.createBucket(bucket);
    server.proxy.reset();
    const store = createS3Store({
      bucket,
      region: 'us-east-1',
      endpoint: server.endpoint,
      accessKeyId: server.accessKeyId,
      secretAccessKey: server.secretAccessKey,
      capabilities: { conditionalPut: true },
    });
    return {
      store,
      teardown: async () => {
        store.client.destroy();
        // The server itself must not have failed: a retried 5xx would hide a bug in it or in us.
        const serverErrors = server.proxy.stats().requests.filter((r) => r.status >= 500);
        expect(serverErrors).toEqual([]);
      },
    };
  },
  { manyKeys: 1050 },
);
