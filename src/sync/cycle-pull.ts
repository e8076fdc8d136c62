/**
 * The pull phase of a cycle, cloud → local: base records for what both sides already agree on, the downloads
 * and reconciles (pull.ts; the first of them prove the password when it is not proven yet), then the local
 * deletions. Their base records describe what the bucket already holds, whatever happens to our own uploads
 * next, so they are committed before anything goes up (cycle-commit.ts, commitPulled).
 */
import { isCloudSyncError } from '../errors';
import type { LiveEntry, MetadataEntry } from '../cloud/types';
import { mapPool } from '../runtime/pool';
import { entrySig } from './commit-journal';
import { failKey, type Cycle } from './cycle-context';
import { concludeProof, type PendingProof } from './cycle-password';
import type { PlannedCycle } from './cycle-plan';
import type { EngineEnv } from './engine-types';
import { localHash } from './local-read';
import { NewItemWriter } from './new-item-writer';
import { ofKind } from './plan-inputs';
import { pullItem } from './pull';

export async function pullPhase(env: EngineEnv, cycle: Cycle, planned: PlannedCycle, proof: PendingProof | undefined): Promise<void> {
  recordAgreed(cycle, planned);
  await pullAll(env, cycle, planned, proof);
  // A wrong password stops the cycle here, before anything is deleted or uploaded.
  await concludeProof(env, cycle, planned, proof);
  await deleteLocal(env, cycle, planned);
  // A key another writer wrote over unseen is settled once its reconcile went through: its journal record goes.
  cycle.out.journalDone.push(...[...cycle.concurrent.keys()].filter((k) => !cycle.memo.failures.has(k)));
}

/** Base records that need no transfer: content both sides hold, keys gone on both, a tombstone never seen live here. */
function recordAgreed(cycle: Cycle, planned: PlannedCycle): void {
  const { out } = cycle;
  const items = cycle.remote.meta.items;
  for (const a of ofKind(planned.actions, 'adopt')) {
    const e = items[a.key] as LiveEntry;
    out.basePut.push({ key: a.key, type: e.type, kind: 'live', hash: planned.local.get(a.key)!.hash, sig: entrySig(e) });
  }
  for (const a of ofKind(planned.actions, 'forget')) out.baseRemove.push(a.key);
  for (const a of planned.actions) {
    if (a.kind === 'noop' && a.remote === 'deleted-unknown') {
      const e = items[a.key];
      out.basePut.push({ key: a.key, type: e.type, kind: 'tombstone', sig: entrySig(e) });
    }
  }
}

/** The downloads and reconciles, `concurrency` at a time, behind the password gate when there is one. */
async function pullAll(env: EngineEnv, cycle: Cycle, planned: PlannedCycle, proof: PendingProof | undefined): Promise<void> {
  const { host } = env.deps;
  const { pulls } = planned;
  const gate = proof?.gate;
  let pulled = 0;
  // Items new on this device are written in batches (new-item-writer.ts); all are written before the base
  // records that say so are committed.
  const writer = host.putNewMany && pulls.length > 1 ? new NewItemWriter((items) => host.putNewMany!(items)) : undefined;
  await mapPool(pulls, env.opt.concurrency, async (a) => {
    const proving = (await gate?.enter()) ?? false;
    let decrypted = false;
    let error: unknown;
    try {
      await pullItem(env, cycle, a, planned.local.get(a.key), writer, () => void (decrypted = true), !gate);
    } catch (e) {
      error = e;
      failKey(env, cycle, a.key, e);
    } finally {
      // Every download's word counts, not only the first wave's: a wave of missing objects lets the others go,
      // and those still tell.
      gate?.settle(decrypted ? 'decrypted' : isCloudSyncError(error, 'wrong-password') ? 'wrong-password' : 'other', proving);
    }
    env.deps.onProgress?.({ phase: 'download', done: ++pulled, total: pulls.length });
  });
  await writer?.drain();
}

/**
 * Deletions made elsewhere, applied here unless the item was edited meanwhile (edit beats delete, next cycle).
 * A deletion held for the user's answer may be answered after its tombstone expired from the index: then the
 * key is typed from the base, and with nothing left on either side its base record goes.
 * A Force Import also deletes items the index has no entry for (typed as read here).
 */
async function deleteLocal(env: EngineEnv, cycle: Cycle, planned: PlannedCycle): Promise<void> {
  const items = cycle.remote.meta.items;
  for (const a of ofKind(planned.actions, 'delete-local')) {
    const e = items[a.key] as MetadataEntry | undefined;
    try {
      const type = e?.type ?? cycle.baseMap.get(a.key)?.type ?? planned.local.get(a.key)?.type;
      if (!type) throw new Error(`${a.key} is neither in the index nor in this device's sync records.`);
      // Edited since it was planned: kept (edit beats delete). A key the plan did not hash (neither the base nor
      // the index knows it: only a Force Import deletes such a key) has nothing to compare against.
      const expected = planned.local.get(a.key)?.hash;
      if (expected !== undefined && (await localHash(env, a.key, type)) !== expected) continue;
      await env.deps.host.delete(a.key, type);
      if (e) cycle.out.basePut.push({ key: a.key, type, kind: 'tombstone', sig: entrySig(e) });
      else cycle.out.baseRemove.push(a.key);
      cycle.report.deleted.push(a.key);
    } catch (err) {
      failKey(env, cycle, a.key, err);
      // An answered deletion that could not be applied is still the user's question: asked again, never
      // taken for an item whose entry vanished (which would be published again).
      if (cycle.heldBefore.has(a.key)) {
        const held = { key: a.key, kind: 'delete-local' as const };
        cycle.report.held.push(held);
        cycle.state = { ...cycle.state, held: [...(cycle.state.held ?? []), held] };
      }
    }
  }
}
