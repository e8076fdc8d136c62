/**
 * The sync model (test/support/sync-model.ts) against real S3 over HTTP: s3rver behind the test proxy that
 * honours If-Match / If-None-Match, so the compare-and-swap path is the one a real bucket takes. Slower than
 * the memory store, so fewer and shorter runs.
 */
import 'fake-indexeddb/auto';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import type { CloudStore } from '../../src/providers/cloud-store';
import { useS3TestStores } from '../support/s3-test-store';
import { arbOp, runModel } from '../support/sync-model';

const s3 = useS3TestStores({ capabilities: { conditionalPut: true, conditionalGet: true } });

const onS3 = async () => {
  const store: CloudStore = await s3.freshStore('model');
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
