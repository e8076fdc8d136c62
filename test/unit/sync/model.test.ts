/** The sync model (test/support/sync-model.ts) against the in-memory store: fast, so many runs. */
import 'fake-indexeddb/auto';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import type { CloudStore } from '../../../src/providers/cloud-store';
import { createMemoryStore } from '../../../src/providers/memory';
import { arbOp, runModel } from '../../support/sync-model';

const memory = async (now: () => number) => ({ store: createMemoryStore({ pageSize: 7, now }) as CloudStore, dispose: async () => {} });

describe('sync model: 3 devices, random operations, injected faults (memory store)', () => {
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

