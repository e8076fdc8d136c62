/**
 * The plan phase of a cycle: the pure planner (planner.ts) over the candidates' three states, with the
 * mass-deletion guard's counts, or a Force Export or Import's plan (force-transfer.ts); the deletions held are
 * recorded for the user's answer, and what the cycle will transfer from the bucket is settled (plan-inputs.ts).
 */
import { isTombstone } from '../cloud/types';
import { CloudSyncError } from '../errors';
import { entryIdentity } from './commit-journal';
import type { Cycle } from './cycle-context';
import { describePlan } from './cycle-log';
import type { EngineEnv, LocalInfo } from './engine-types';
import { forcePlan, forceRefusal } from './force-transfer';
import { entriesToDrop, guardCounts, mayDeleteAnew, planInputs, selectPulls, writesAnything } from './plan-inputs';
import { plan as makePlan, type Action, type KeyInput, type Plan } from './planner';

/** The plan of one attempt and what follows from it, beside the cycle. */
export interface PlannedCycle {
  /** The candidates TypingMind holds, by their keyed hashes. */
  readonly local: ReadonlyMap<string, LocalInfo>;
  readonly actions: readonly Action[];
  /** Anything is written, here or in the bucket: the password must be proven first. */
  readonly hasWrites: boolean;
  /** Index entries dropped at the user's word (their objects are missing). */
  readonly dropKeys: ReadonlySet<string>;
  /** The downloads and reconciles that run now. */
  readonly pulls: readonly Action[];
}

export async function planCycle(env: EngineEnv, cycle: Cycle, local: ReadonlyMap<string, LocalInfo>): Promise<PlannedCycle> {
  const { report, remote, baseMap } = cycle;
  const items = remote.meta.items;
  const inputs = planInputs(cycle.candidates, local, baseMap, items, cycle.concurrent);
  const { plan, anew } = cycle.force ? { plan: forcedPlan(env, cycle, inputs), anew: true } : await usualPlan(env, cycle, inputs);
  report.held = plan.held.map((a) => ({ key: a.key, kind: a.kind as 'delete-local' | 'tombstone' }));
  // Still the same question (nothing new to delete): asked in the words it was first asked in.
  report.holdReason = !anew && plan.held.length ? (cycle.state.holdReason ?? plan.holdReason) : plan.holdReason;
  if (report.holdReason) env.log('warn', report.holdReason, { keys: plan.held.map((a) => a.key) });
  // Remembered until answered, across cycles and reloads; an answer is used once.
  cycle.state = { ...cycle.state, held: report.held, holdReason: report.holdReason, answer: undefined };
  env.log('info', describePlan(plan.actions, { full: cycle.full, indexChanged: remote.changed, force: cycle.force?.direction }));

  const dropKeys = entriesToDrop(cycle.state, items);
  const { pulls, waiting } = selectPulls(plan.actions, dropKeys, cycle.state.retry, items, cycle.retryClock);
  for (const k of waiting) cycle.memo.waiting.add(k);
  return { local, actions: plan.actions, hasWrites: writesAnything(plan.actions), dropKeys, pulls };
}

/** The three-way plan with the mass-deletion guard and the user's answers to what it held. */
async function usualPlan(env: EngineEnv, cycle: Cycle, inputs: KeyInput[]): Promise<{ plan: Plan; anew: boolean }> {
  const { base, host } = env.deps;
  const { remote, baseMap, baseCount, heldBefore, answer } = cycle;
  // The guard's measures, read only when the plan may delete something new: what the base knows live, what
  // TypingMind holds. Without them the planner is given counts under which nothing looks empty or massive.
  const complete = cycle.full || remote.changed;
  const anew = mayDeleteAnew(inputs, heldBefore);
  const counts = anew
    ? guardCounts(complete ? baseMap : await base.all(), cycle.listing ?? (await host.listKeys({ typeHint: (k) => baseMap.get(k)?.type })), (k) => host.isExcluded(k))
    : { known: { all: baseCount, idb: baseCount, chats: 0 }, local: { idb: baseCount, chats: 0 } };
  const own = await ownTombstones(env, cycle, inputs);
  const plan = makePlan(inputs, {
    ...counts,
    threshold: env.opt.massDeleteThreshold,
    held: heldBefore,
    confirmed: answer === 'delete' ? new Set([...heldBefore, ...own]) : own,
    restore: answer === 'restore' ? heldBefore : undefined,
  });
  return { plan, anew };
}

/**
 * A Force Export or Import (force-transfer.ts): every key planned for it, nothing held. Deletions held from an
 * earlier cycle are answered by it. Refused, before anything is written, when it would empty one side.
 */
function forcedPlan(env: EngineEnv, cycle: Cycle, inputs: KeyInput[]): Plan {
  const { direction, id } = cycle.force!;
  const refusal = forceRefusal(direction, {
    localIdb: inputs.filter((i) => i.local.kind === 'present' && !i.ls).length,
    remoteLive: inputs.filter((i) => i.remote.kind === 'live').length,
  });
  if (refusal) throw new CloudSyncError(direction === 'export' ? 'host-unavailable' : 'not-found', refusal);
  cycle.report.forced = { id, direction };
  return forcePlan(inputs, direction);
}

/**
 * Tombstones in the index that this device wrote itself and still journals (a restore run in any tab of this
 * browser adopts its commits into the journal): applying them here is carrying out the user's own decision,
 * so the mass-deletion guard does not ask about them again. Read only when the index holds tombstones for
 * the candidates.
 */
async function ownTombstones(env: EngineEnv, cycle: Cycle, inputs: readonly KeyInput[]): Promise<Set<string>> {
  const keys = inputs.filter((i) => i.remote.kind === 'tombstone').map((i) => i.key);
  if (keys.length === 0) return new Set();
  const journal = cycle.journal ?? (await env.deps.base.journal());
  const items = cycle.remote.meta.items;
  return new Set(keys.filter((k) => journal[k] && items[k] && isTombstone(journal[k].entry) && entryIdentity(journal[k].entry) === entryIdentity(items[k])));
}
