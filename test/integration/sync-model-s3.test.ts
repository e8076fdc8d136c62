/**
 * The sync model (test/support/sync-model.ts) against real S3 over HTTP: s3rver behind the test proxy that
 * honours If-Match / If-None-Match, so the compare-and-swap path is the one a real bucket takes. Slower than
 * the memory store, so fewer and shorter runs.
 */
import 'fake-indexeddb/auto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { CloudStore } from '../../src/providers/cloud-store';
import { createS3Store } from '../../src/providers/s3';
import { startS3Server, uniqueBucketName, type S3TestServer } from '../support/s3-server';
import { arbOp, runModel } from '../support/sync-model';

let s3: S3TestServer;
beforeAll(async () => {
  s3 = await startS3Server();
}, 60_000);
afterAll(async () => s3?.stop());

const onS3 = async () => {
  const bucket = uniqueBucketName('model');
  await s3.createBucket(bucket);
  const store: CloudStore = createS3Store({
    bucket,
    region: s3.region,
    endpoint: s3.endpoint,
    accessKeyId: s3.accessKeyId,
    secretAccessKey: s3.secretAccessKey,
    capabilities: { conditionalPut: true, conditionalGet: true },
  });
  return { store, dispose: async () => {} };
};

describe('sync model on s3rver with conditional writes', () => {
  it('holds every invariant', async () => {
    const seed = Number(process.env.MODEL_SEED) || 4242;
    await fc.assert(
      fc.asyncProperty(fc.array(arbOp, { minLength: 5, maxLength: 25 }), (ops) => runModel(ops, onS3, { realClock: true })),
      { seed, numRuns: 4 },
    );
  }, 300_000);
});
