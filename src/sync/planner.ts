/**
 * The sync planner: a pure function from (base, local, remote) per key to an action.
 * The decision table it implements is written out in docs/sync.md; each row there has a test.
 *
 * Words:
 * - base   = the state of the key at the last successful sync on this device (kept in our own IndexedDB).
 * - local  = what TypingMind's storage holds now (a keyed hash of its content, or absent).
 * - remote = the key's entry in metadata.json now (live, tombstone, or absent), reduced to a signature.
 * No I/O, no clock, no randomness: everything it needs is passed in.
 */

export type BaseState =
  | { kind: 'absent' }
  | { kind: 'live'; hash: string; sig: string }
  | { kind: 'tombstone'; sig: string };

export type LocalState = { kind: 'absent' } | { kind: 'present'; hash: string };

export type RemoteState =
  | { kind: 'absent' }
  | { kind: 'live'; sig: string }
  | { kind: 'tombstone'; sig: string };

export interface KeyInput {
  key: string;
  base: BaseState;
  local: LocalState;
  remote: RemoteState;
  /**
   * The engine's cheap proof that local content equals the remote entry without downloading it:
   * the entry's keyed hash (tcsHash) equals the local hash, or (for a chat written by the original)
   * the chat fingerprints agree.
   */
  sameContent?: boolean;
}

export type LocalStatus = 'unchanged' | 'changed' | 'deleted' | 'new' | 'none';
export type RemoteStatus = 'unchanged' | 'changed' | 'new' | 'none' | 'deleted' | 'deleted-unknown' | 'still-deleted' | 'vanished';

export type ActionKind =
  | 'noop' // nothing to do
  | 'upload' // local content → cloud object + entry
  | 'download' // cloud object → local store
  | 'tombstone' // local deletion → tombstone entry in the cloud
  | 'delete-local' // cloud tombstone → delete the local item
  | 'reconcile' // both sides changed: download, then merge (chats) or keep the newer and record a conflict
  | 'adopt' // both sides hold the same content: record it as the base, transfer nothing
  | 'forget'; // nothing on either side any more: drop the base record

export interface Action {
  key: string;
  kind: ActionKind;
  local: LocalStatus;
  remote: RemoteStatus;
}

export function localStatus(base: BaseState, local: LocalState): LocalStatus {
  if (base.kind === 'live') {
    if (local.kind === 'absent') return 'deleted';
    return local.hash === base.hash ? 'unchanged' : 'changed';
  }
  return local.kind === 'present' ? 'new' : 'none';
}

export function remoteStatus(base: BaseState, remote: RemoteState): RemoteStatus {
  switch (remote.kind) {
    case 'absent':
      return base.kind === 'absent' ? 'none' : 'vanished';
    case 'live':
      if (base.kind === 'live') return remote.sig === base.sig ? 'unchanged' : 'changed';
      return 'new';
    case 'tombstone':
      if (base.kind === 'live') return 'deleted';
      if (base.kind === 'tombstone') return 'still-deleted';
      return 'deleted-unknown';
  }
}

/**
 * The decision table (docs/sync.md). Rows: local status; columns: remote status.
 * Combinations that cannot occur (e.g. local 'unchanged' needs a live base, remote 'new' needs none)
 * fall through to the safe default at the end, which never deletes.
 */
const TABLE: Record<LocalStatus, Partial<Record<RemoteStatus, ActionKind>>> = {
  unchanged: { unchanged: 'noop', changed: 'download', deleted: 'delete-local', vanished: 'upload' },
  changed: { unchanged: 'upload', changed: 'reconcile', deleted: 'upload', vanished: 'upload' },
  deleted: { unchanged: 'tombstone', changed: 'download', deleted: 'forget', vanished: 'forget' },
  new: { none: 'upload', new: 'reconcile', 'deleted-unknown': 'upload', 'still-deleted': 'upload', vanished: 'upload' },
  none: { none: 'noop', new: 'download', 'deleted-unknown': 'noop', 'still-deleted': 'noop', vanished: 'forget' },
};

export function planKey(input: KeyInput): Action {
  const local = localStatus(input.base, input.local);
  const remote = remoteStatus(input.base, input.remote);
  let kind: ActionKind = TABLE[local][remote] ?? (input.local.kind === 'present' ? 'upload' : 'noop');
  // Both sides hold a value and the engine proved it is the same content: nothing to transfer.
  if (input.sameContent && input.local.kind === 'present' && input.remote.kind === 'live' && kind !== 'noop') {
    kind = 'adopt';
  }
  return { key: input.key, kind, local, remote };
}

export interface Plan {
  actions: Action[];
  /** Deletions (local deletes and tombstones) held back until the user confirms them. */
  held: Action[];
  /** Why deletions were held, in words for the user; undefined when nothing was held. */
  holdReason?: string;
}

export interface GuardOptions {
  /** Keys known at the last sync (live base records). */
  baseCount: number;
  /** Keys TypingMind's storage holds now. */
  localCount: number;
  /** Fraction of baseCount above which deletions need confirmation (default 0.5). */
  threshold: number;
  /** Deletions the user already confirmed (keys). */
  confirmed?: ReadonlySet<string>;
}

const isDeletion = (a: Action) => a.kind === 'delete-local' || a.kind === 'tombstone';

/**
 * Plans every key, then applies the mass-deletion guard: a plan that would delete more than the threshold
 * of the known items, or any item while the local store looks empty (TypingMind not loaded yet, storage
 * cleared, an enumeration that failed), keeps its deletions back for the user to confirm.
 * Everything else in the plan still runs.
 */
export function plan(inputs: KeyInput[], guard: GuardOptions): Plan {
  const all = inputs.map(planKey);
  const deletions = all.filter((a) => isDeletion(a) && !guard.confirmed?.has(a.key));
  let holdReason: string | undefined;
  const localEmpty = guard.localCount === 0 && guard.baseCount > 0;
  if (deletions.length > 0 && localEmpty) {
    holdReason = `This device's TypingMind data looks empty, so ${deletions.length} deletion(s) were not synced. Confirm them only if you really cleared your data.`;
  } else if (deletions.length > 1 && deletions.length > guard.threshold * Math.max(guard.baseCount, 1)) {
    const pct = Math.round((100 * deletions.length) / Math.max(guard.baseCount, 1));
    holdReason = `This sync would delete ${deletions.length} items (${pct}% of your data). Nothing was deleted; confirm to go ahead.`;
  }
  if (!holdReason) return { actions: all, held: [] };
  const heldKeys = new Set(deletions.map((a) => a.key));
  return { actions: all.filter((a) => !heldKeys.has(a.key)), held: deletions, holdReason };
}
