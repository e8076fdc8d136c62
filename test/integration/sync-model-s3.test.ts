/**
 * The sync model (test/support/sync-model.ts) against real S3 over HTTP: s3rver behind the test proxy that
 * honours If-Match / If-None-Match (the compare-and-swap path a real bucket takes), and plain s3rver, which
 * silently ignores them (as the demo runs it, and as Backblaze B2 and GCS's XML API do). Slower than the
 * memory store, so fewer and shorter runs.
 */
import 'fake-indexeddb/auto';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import type { CloudStore } from '../../src/providers/cloud-store';
import { useS3TestStores } from '../support/s3-test-store';
import { arbOp, runModel } from '../support/sync-model';

const s3 = useS3TestStores();

const stores: [string, () => Promise<CloudStore>][] = [
  ['s3rver with conditional writes', () => s3.freshStore('model', { capabilities: { conditionalPut: true, conditionalGet: true } })],
  // What the probe finds on plain s3rver: no conditional writes; the engine's repair path.
  ['plain s3rver, which ignores preconditions', () => s3.freshStore('plain', { endpoint: s3.server.directEndpoint, capabilities: { conditionalPut: false, conditionalGet: true } })],
];

describe.each(stores)('sync model on %s', (_name, make) => {
  it('holds every invariant', async () => {
    const seed = Number(process.env.MODEL_SEED) || 4242;
    await fc.assert(
      fc.asyncProperty(fc.array(arbOp, { minLength: 5, maxLength: 25 }), (ops) => runModel(ops, async () => ({ store: await make(), dispose: async () => {} }), { realClock: true })),
      { seed, numRuns: 4 },
    );
  }, 300_000);
});
