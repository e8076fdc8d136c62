/**
 * Force Export and Force Import (original-behaviour.md §4.11), as a plan (pure). The cycle that carries a force
 * request plans every key with `forcePlan` instead of the three-way table, and runs it through the usual
 * phases: objects first, then metadata.json through the one commit path (compare-and-swap where honoured,
 * journaled against stale writers where not), then the base. So a forced cycle converges on other devices like
 * any other: they download what it wrote and delete what it tombstoned.
 *
 * - export, "make the cloud equal this device": every local item goes up (unless the cloud already holds the
 *   same content), every live entry this device does not hold becomes a tombstone (restorable from Recently
 *   Deleted, like any deletion: the object stays). The original instead deleted those objects and wrote an
 *   index without tombstones, which other devices then undid by uploading their copies as new.
 * - import, "make this device equal the cloud": every live entry comes down (unless this device already holds
 *   the same content), every local item without a live entry is deleted here. Nothing is merged.
 * Keys this device excludes are never candidates, so they are neither sent nor deleted. The mass-deletion
 * guard does not apply: the user asked for exactly this, after a warning, and a snapshot was taken first.
 * What it does refuse: exporting a TypingMind store that holds nothing (it would delete every item in the
 * cloud), and importing from a cloud that holds no item (the original refuses that too).
 */
import type { Action, ActionKind, KeyInput, Plan } from './planner';
import { planKey } from './planner';

export type ForceDirection = 'export' | 'import';

/** A force request, recorded in the sync state for the next cycle of whichever tab leads (like an answer). */
export interface ForceRequest {
  direction: ForceDirection;
  /** Tells the caller that its request, not an earlier one, was carried out (CycleResult.forced). */
  id: string;
  /** Epoch ms it was asked; an old request that no cycle carried out is ignored (FORCE_TTL_MS). */
  at: number;
  /**
   * export: the ETag of metadata.json that the automatic snapshot copied. A cycle that reads another index
   * stops before writing anything: what another device wrote meanwhile is not in the snapshot.
   */
  basis?: string | null;
}

/** A force request older than this is dropped unused: the user who asked has long stopped waiting. */
export const FORCE_TTL_MS = 10 * 60_000;

export function forcedKind(input: KeyInput, direction: ForceDirection): ActionKind {
  const here = input.local.kind === 'present';
  const there = input.remote.kind === 'live';
  const same = here && there && input.sameContent === true;
  if (same) return 'adopt';
  if (direction === 'export') {
    if (here) return 'upload';
    if (there) return 'tombstone';
  } else {
    if (there) return 'download';
    if (here) return 'delete-local';
  }
  // Neither side holds a value: what the usual table does (forget the base record, or nothing).
  const usual = planKey(input).kind;
  return usual === 'forget' ? 'forget' : 'noop';
}

/** Every key planned for the force; nothing is held for an answer. */
export function forcePlan(inputs: readonly KeyInput[], direction: ForceDirection): Plan {
  const actions: Action[] = inputs.map((input) => {
    const usual = planKey(input);
    return { ...usual, kind: forcedKind(input, direction) };
  });
  return { actions, held: [] };
}

/** Why a force must not run on these counts, in words for the user; undefined when it may. */
export function forceRefusal(direction: ForceDirection, counts: { localIdb: number; remoteLive: number }): string | undefined {
  if (direction === 'export' && counts.localIdb === 0) {
    return "This browser's TypingMind data is empty (or could not be read), so Force Export would delete every item in the cloud. Nothing was changed. Open TypingMind's chats first, or use Force Import to get the cloud's data here.";
  }
  if (direction === 'import' && counts.remoteLive === 0) {
    return 'The cloud holds no items, so Force Import would delete everything in this browser. Nothing was changed.';
  }
  return undefined;
}
