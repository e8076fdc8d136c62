/**
 * The push phase of a cycle, local → cloud: item objects first (item-upload.ts), then the entries that go
 * with them, the tombstones, our entries published again; metadata.json is written after (cycle-commit.ts).
 */
import { makeTombstone } from '../cloud';
import { mapPool } from '../runtime/pool';
import { entryIdentity, entrySig } from './commit-journal';
import type { Cycle } from './cycle-context';
import type { PlannedCycle } from './cycle-plan';
import type { EngineEnv } from './engine-types';
import type { Encoded } from './item-codec';
import { encodeTaken, uploadItem } from './item-upload';
import { getMany } from './local-read';
import { ofKind } from './plan-inputs';
import { ReadAhead } from './read-ahead';

/**
 * Whether anything goes up: uploads (planned, or found by the pulls), tombstones, our entries lost to a stale
 * writer, our entries found under another writer's, entries to drop. When nothing does, the cycle ends with
 * one transaction (the end of every cycle that only brought changes in, a fresh device's first one among them).
 */
export function goesUp(cycle: Cycle, planned: PlannedCycle): boolean {
  const { out } = cycle;
  return (
    out.toUpload.length > 0 ||
    ofKind(planned.actions, 'upload').length > 0 ||
    ofKind(planned.actions, 'tombstone').length > 0 ||
    Object.keys(cycle.repairs).length > 0 ||
    out.republish.size > 0 ||
    planned.dropKeys.size > 0
  );
}

export async function pushPhase(env: EngineEnv, cycle: Cycle, planned: PlannedCycle): Promise<void> {
  const { out } = cycle;
  // A value found by the pulls (a merge, a local winner) goes up instead of the one read here.
  const uploadKeys = new Set<string>();
  for (const a of ofKind(planned.actions, 'upload')) {
    // A key no object name can hold was said once; its name, not its value, is the problem.
    if (cycle.state.retry?.[a.key]?.code === 'bad-key') cycle.memo.waiting.add(a.key);
    else uploadKeys.add(a.key);
  }
  for (const e of out.toUpload) uploadKeys.delete(e.key);
  for (const [key, r] of out.republish) {
    out.newEntries[key] = r.entry;
    out.published.push(r.record);
  }
  const uploads: (Encoded | string)[] = [...out.toUpload, ...uploadKeys];
  const tombstones = ofKind(planned.actions, 'tombstone');
  if (uploads.length || tombstones.length || Object.keys(cycle.repairs).length || out.republish.size || planned.dropKeys.size) await env.deps.beforeWrites?.();
  // Our own objects left by an earlier cycle that did not commit may be replaced (item-upload.ts, putItem).
  if (uploads.length) cycle.journal ??= await env.deps.base.journal();
  // The values to upload are read a batch per transaction, one batch ahead of the workers (read-ahead.ts).
  const readKeys = [...uploadKeys].map((key) => ({ key, type: planned.local.get(key)!.type }));
  const reader = new ReadAhead(readKeys, 8, (keys) => getMany(env, keys));
  const offset = out.toUpload.length;
  let pushed = 0;
  await mapPool(uploads, env.opt.concurrency, async (u, i) => {
    if (!(await uploadItem(env, cycle, u, () => encodeTaken(env, reader, i - offset)))) return; // gone meanwhile: the next cycle sees a deletion
    env.deps.onProgress?.({ phase: 'upload', done: ++pushed, total: uploads.length });
  });
  for (const a of tombstones) {
    const previous = cycle.remote.meta.items[a.key];
    const t = makeTombstone({ type: previous.type, deleted: cycle.now, synced: cycle.now, previous, withDeletedAt: true });
    t.tcsPrev = entryIdentity(previous);
    out.newEntries[a.key] = t;
    out.published.push({ key: a.key, type: previous.type, kind: 'tombstone', sig: entrySig(t) });
  }
}
