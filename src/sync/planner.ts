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

/** A present value's hash is absent only where nothing compares it (no base record, no entry). */
export type LocalState = { kind: 'absent' } | { kind: 'present'; hash?: string };

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
  /** A localStorage key (the guard weighs TypingMind's IndexedDB items and its localStorage settings apart). */
  ls?: boolean;
  /** A chat (the guard also weighs the chats on their own: they are what a user counts). */
  chat?: boolean;
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
  /** Deletions (local deletes and tombstones) held back until the user answers. */
  held: Action[];
  /** Why deletions were held, in words for the user; undefined when nothing was held. */
  holdReason?: string;
}

/** How many items of one kind: all syncable keys, TypingMind's IndexedDB keys, chats. */
export interface Counts {
  all: number;
  idb: number;
  chats: number;
}

export interface GuardOptions {
  /** Live items the base knows (synced before and not deleted since). */
  known: Counts;
  /** What TypingMind's storage holds now (IndexedDB keys and chats among them; localStorage is not counted). */
  local: Pick<Counts, 'idb' | 'chats'>;
  /** Fraction of the known items above which deletions need the user's answer (default 0.5). */
  threshold: number;
  /** Keys held in an earlier cycle and not answered yet: they stay held, whatever this cycle's counts say. */
  held?: ReadonlySet<string>;
  /** The user's answer "delete them everywhere": these deletions go ahead. */
  confirmed?: ReadonlySet<string>;
  /** The user's answer "bring them back": these deletions are turned around (download, or upload again). */
  restore?: ReadonlySet<string>;
}

const isDeletion = (a: Action) => a.kind === 'delete-local' || a.kind === 'tombstone';

/**
 * The store looks empty: TypingMind's IndexedDB holds nothing, or no chat, where the base knows some. Judged on
 * IndexedDB alone: TypingMind keeps many settings in localStorage, which survives when IndexedDB is evicted.
 */
export function looksEmpty(guard: Pick<GuardOptions, 'known' | 'local'>): boolean {
  return (guard.known.idb > 0 && guard.local.idb === 0) || (guard.known.chats > 0 && guard.local.chats === 0);
}

/** A deletion turned around by "bring them back": the cloud's copy comes down, or this device's goes up again. */
function turnedAround(a: Action): Action {
  return { ...a, kind: a.kind === 'tombstone' ? 'download' : 'upload' };
}

/**
 * Plans every key, then applies the mass-deletion guard: a plan that would delete more than the threshold of
 * the known items, or any item while the local store looks empty (TypingMind not loaded yet, IndexedDB
 * evicted, an enumeration that failed), keeps its deletions back for the user to answer. A key held before
 * stays held until answered: even when the tombstone that asked for its deletion has since expired (it is
 * then neither deleted nor uploaded again by itself). Everything else in the plan still runs.
 */
export function plan(inputs: KeyInput[], guard: GuardOptions): Plan {
  const all = inputs.map((input) => {
    const a = planKey(input);
    // Held for deletion here, and the cloud's tombstone expired meanwhile: still the same unanswered question.
    if (guard.held?.has(a.key) && a.local === 'unchanged' && a.remote === 'vanished') return { ...a, kind: 'delete-local' as const };
    return a;
  });
  const actions: Action[] = [];
  const deletions: Action[] = [];
  for (const a of all) {
    if (!isDeletion(a) || guard.confirmed?.has(a.key)) actions.push(a);
    else if (guard.restore?.has(a.key)) actions.push(turnedAround(a));
    else deletions.push(a);
  }
  // The threshold is weighed in each area apart, and on the chats alone: 30-odd settings in localStorage, or
  // the prompts and attachments beside the chats, must not dilute the deletion of most of a user's chats.
  const ls = new Set(inputs.filter((i) => i.ls).map((i) => i.key));
  const chats = new Set(inputs.filter((i) => i.chat).map((i) => i.key));
  const lsDeletions = deletions.filter((a) => ls.has(a.key)).length;
  const chatDeletions = deletions.filter((a) => chats.has(a.key)).length;
  // One deletion alone is never "mass": an area counts when it loses more than one item.
  const share = (n: number, of: number) => (n < 2 ? 0 : of > 0 ? n / of : 1);
  const idbShare = share(deletions.length - lsDeletions, guard.known.idb);
  const lsShare = share(lsDeletions, guard.known.all - guard.known.idb);
  const chatShare = share(chatDeletions, guard.known.chats);
  let holdReason: string | undefined;
  let wait: Action[] = [];
  if (deletions.length > 0 && looksEmpty(guard)) {
    wait = deletions;
    holdReason = `This device's TypingMind data looks empty, so ${deletions.length} deletion(s) were not synced. Delete them everywhere only if you really cleared your data; otherwise bring them back from the cloud.`;
  } else if (Math.max(idbShare, lsShare, chatShare) > guard.threshold) {
    wait = deletions;
    const what = chatShare >= Math.max(idbShare, lsShare) ? `${chatDeletions} of your ${guard.known.chats} chats` : `${Math.round(100 * Math.max(idbShare, lsShare))}% of your data`;
    holdReason = `This sync would delete ${deletions.length} items (${what}). Nothing was deleted: delete them everywhere, or bring them back.`;
  } else {
    // Below the threshold a deletion goes ahead, beside the ones still waiting from an earlier cycle.
    wait = deletions.filter((a) => guard.held?.has(a.key));
    if (wait.length) holdReason = `${wait.length} deletion(s) are waiting for your answer: delete them everywhere, or bring them back.`;
  }
  const waiting = new Set(wait.map((a) => a.key));
  return { actions: [...actions, ...deletions.filter((a) => !waiting.has(a.key))], held: wait, holdReason };
}
