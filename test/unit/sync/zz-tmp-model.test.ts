import 'fake-indexeddb/auto';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import type { CloudStore } from '../../../src/providers/cloud-store';
import { createMemoryStore } from '../../../src/providers/memory';
import { IgnoringStore } from '../../support/ignoring-store';
import { arbOp, runModel } from '../../support/sync-model';
const stores: [string, (now: () => number) => CloudStore][] = [
  ['honours', (now) => createMemoryStore({ pageSize: 7, now })],
  ['ignores-claims', (now) => new IgnoringStore({ pageSize: 7, now, claims: false })],
  ['ignores-silently', (now) => new IgnoringStore({ pageSize: 7, now, claims: true })],
];
describe.each(stores)('tmp %s', (name, make) => {
  const memory = async (now: () => number) => ({ store: make(now), dispose: async () => {} });
  it('many seeds', async () => {
    for (let seed = 7000; seed < 7060; seed++) {
      const r = await fc.check(fc.asyncProperty(fc.array(arbOp, { minLength: 5, maxLength: 40 }), (ops) => runModel(ops, memory)), { seed, numRuns: 10, endOnFailure: true });
      if (r.failed) console.error(`FAILSEED ${name} ${seed} ${String(r.errorInstance).slice(0, 600)}`);
    }
  }, 1_800_000);
});
