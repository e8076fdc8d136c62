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

// A fresh bucket per test on one s3rver, reached through the conditional-write proxy; once as Node's defaults
// read (header-signed GETs, If-None-Match), once as the browser's do cross-origin (presigned GETs, HEAD first).
const s3Store = (getMode: 'signed' | 'presigned') => async () => {
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
    getMode,
    conditionalGetMode: getMode === 'presigned' ? 'head' : 'header',
  });
  return {
    store,
    teardown: async () => {
      store.client.destroy();
      // The server itself must not have failed: a retried 5xx would hide a bug in it or in us.
      const serverErrors = server.proxy.stats().requests.filter((r) => r.status >= 500);
      expect(serverErrors).toEqual([]);
      // Every object read that succeeded went the way this mode says.
      const reads = server.proxy.stats().requests.filter((r) => r.method === 'GET' && r.status === 200 && r.key !== '');
      expect(reads.filter((r) => r.presigned !== (getMode === 'presigned'))).toEqual([]);
    },
  };
};

describeCloudStore('s3 (s3rver behind the conditional-write proxy)', s3Store('signed'), { manyKeys: 1050, etagOfBody: true });
describeCloudStore('s3 with presigned reads', s3Store('presigned'), { etagOfBody: true });
