/**
 * The sync model (test/support/sync-model.ts) on in-memory stores: fast, so many runs. Every run is made on a
 * store that honours preconditions and on two that silently ignore them (as s3rver, B2 and GCS's XML API do):
 * one the engine knows for what it is, one it believes honours them.
 */
import 'fake-indexeddb/auto';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import type { CloudStore } from '../../../src/providers/cloud-store';
import { createMemoryStore } from '../../../src/providers/memory';
import { IgnoringStore } from '../../support/ignoring-store';
import { arbOp, runModel } from '../../support/sync-model';

const stores: [string, (now: () => number) => CloudStore][] = [
  ['honours preconditions', (now) => createMemoryStore({ pageSize: 7, now })],
  ['ignores preconditions, and says so', (now) => new IgnoringStore({ pageSize: 7, now, claims: false })],
  ['ignores preconditions silently', (now) => new IgnoringStore({ pageSize: 7, now, claims: true })],
];

describe.each(stores)('sync model: 3 devices, random operations, injected faults (memory store that %s)', (_name, make) => {
  const memory = async (now: () => number) => ({ store: make(now), dispose: async () => {} });

  it('holds every invariant (fixed seed)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(arbOp, { minLength: 5, maxLength: 40 }), (ops) => runModel(ops, memory)),
      { seed: 20261122, numRuns: 25 },
    );
  }, 240_000);

  it('holds every invariant (random seed, printed on failure)', async () => {
    const seed = Number(process.env.MODEL_SEED) || Date.now() % 2 ** 31;
    try {
      await fc.assert(fc.asyncProperty(fc.array(arbOp, { minLength: 5, maxLength: 40 }), (ops) => runModel(ops, memory)), { seed, numRuns: 10 });
    } catch (e) {
      console.error(`sync model failed with random seed ${seed}`);
      throw e;
    }
  }, 240_000);
});
