/**
 * What the planner is given, and what the cycle takes from its plan (pure): each candidate's base, local and
 * remote state; the mass-deletion guard's counts; the entries the user chose to drop; which transfers from
 * the bucket run in this cycle.
 */
import { fingerprintsEquivalent, isChatItem } from '../cloud';
import { isTombstone, type LiveEntry, type MetadataEntry } from '../cloud/types';
import type { ItemType, LocalKey } from '../host/types';
import type { BaseRecord, SyncState } from './base-store';
import { entrySig, type PendingCommit } from './commit-journal';
import type { LocalInfo } from './engine-types';
import type { Action, BaseState, GuardOptions, KeyInput, LocalState, RemoteState } from './planner';
import { retryDue } from './retry';

function baseState(r: BaseRecord | undefined): BaseState {
  if (!r) return { kind: 'absent' };
  if (r.kind === 'tombstone') return { kind: 'tombstone', sig: r.sig };
  return { kind: 'live', hash: r.hash ?? '', sig: r.sig };
}

/**
 * The base the planner sees. For a key another writer wrote over our entry without having seen it, the base
 * is what both writes replaced: the key changed on both sides and is reconciled (merged, or kept both).
 */
export function plannedBase(r: BaseRecord | undefined, concurrent: PendingCommit | undefined): BaseState {
  if (!concurrent) return baseState(r);
  return concurrent.replaced === null ? { kind: 'absent' } : { kind: 'live', hash: '', sig: `replaced:${concurrent.replaced}` };
}

function remoteState(e: MetadataEntry | undefined): RemoteState {
  if (!e) return { kind: 'absent' };
  return isTombstone(e) ? { kind: 'tombstone', sig: entrySig(e) } : { kind: 'live', sig: entrySig(e) };
}

/** Cheap proof that local content equals the remote entry, without a download. */
export function sameContent(info: LocalInfo | undefined, e: MetadataEntry | undefined): boolean {
  if (!info || !e || isTombstone(e)) return false;
  const live = e as LiveEntry;
  if (live.type !== info.type) return false;
  if (typeof live.tcsHash === 'string') return live.tcsHash === info.hash;
  if (info.fingerprint !== undefined && typeof live.chatFingerprint === 'string' && live.chatFingerprint !== '') {
    return fingerprintsEquivalent(info.fingerprint, live.chatFingerprint);
  }
  return false;
}

/** The planner's input for each candidate, in the candidates' order. */
export function planInputs(
  candidates: ReadonlyMap<string, ItemType | undefined>,
  local: ReadonlyMap<string, LocalInfo>,
  baseMap: ReadonlyMap<string, BaseRecord>,
  items: Record<string, MetadataEntry>,
  concurrent: ReadonlyMap<string, PendingCommit>,
): KeyInput[] {
  const inputs: KeyInput[] = [];
  for (const [key] of candidates) {
    const info = local.get(key);
    const remoteEntry = items[key];
    const l: LocalState = info ? { kind: 'present', hash: info.hash } : { kind: 'absent' };
    const type = info?.type ?? baseMap.get(key)?.type ?? remoteEntry?.type ?? 'idb';
    const [ls, chat] = [type === 'ls', isChatItem(key, type)];
    inputs.push({ key, base: plannedBase(baseMap.get(key), concurrent.get(key)), local: l, remote: remoteState(remoteEntry), sameContent: sameContent(info, remoteEntry), ls, chat });
  }
  return inputs;
}

/**
 * Whether the plan may delete anything not already held for the user's answer: only then are the guard's
 * measures read. A held key stays held whatever the counts say (planner.ts), so while a question waits a
 * cycle with nothing new to delete does not read the whole base and list the whole store again.
 */
export function mayDeleteAnew(inputs: readonly KeyInput[], heldBefore: ReadonlySet<string>): boolean {
  return inputs.some((i) => !heldBefore.has(i.key) && (i.local.kind === 'absent' || i.remote.kind === 'tombstone'));
}

/** Live items the base knows and what TypingMind holds, by kind, for the mass-deletion guard. */
export function guardCounts(baseMap: ReadonlyMap<string, BaseRecord>, listing: readonly LocalKey[], isExcluded: (key: string) => boolean): Pick<GuardOptions, 'known' | 'local'> {
  const known = { all: 0, idb: 0, chats: 0 };
  for (const [k, r] of baseMap) {
    if (r.kind !== 'live' || isExcluded(k)) continue;
    known.all++;
    if (r.type !== 'ls') known.idb++;
    if (r.type === 'idb' && isChatItem(k, 'idb')) known.chats++;
  }
  const local = { idb: 0, chats: 0 };
  for (const l of listing) {
    if (l.type === 'ls') continue;
    local.idb++;
    if (l.type === 'idb' && isChatItem(l.key, 'idb')) local.chats++;
  }
  return { known, local };
}

/** Entries the user chose to drop because their objects are missing: still the entries that failed so. */
export function entriesToDrop(state: SyncState, items: Record<string, MetadataEntry>): Set<string> {
  return new Set(
    (state.drop ?? []).filter((k) => {
      const r = state.retry?.[k];
      const e = items[k];
      return r?.code === 'not-found' && e !== undefined && entrySig(e) === r.sig;
    }),
  );
}

/**
 * The downloads and reconciles that run in this cycle: not for entries being dropped, and not for keys whose
 * object still waits out its back-off (`waiting`: a full cycle looks at every key, but does not read a damaged
 * object again before its time).
 */
export function selectPulls(
  actions: readonly Action[],
  drop: ReadonlySet<string>,
  retry: SyncState['retry'],
  items: Record<string, MetadataEntry>,
  now: number,
): { pulls: Action[]; waiting: string[] } {
  const waiting: string[] = [];
  const pulls = actions.filter((a) => {
    if (a.kind !== 'download' && a.kind !== 'reconcile') return false;
    if (drop.has(a.key)) return false;
    const r = retry?.[a.key];
    if (!r || retryDue(r, items[a.key], now)) return true;
    waiting.push(a.key);
    return false;
  });
  return { pulls, waiting };
}

/** Whether the plan writes anything, here or in the bucket (then the password must be proven first). */
export function writesAnything(actions: readonly Action[]): boolean {
  return actions.some((a) => a.kind !== 'noop' && a.kind !== 'forget' && a.kind !== 'adopt');
}

export function ofKind(actions: readonly Action[], kind: Action['kind']): Action[] {
  return actions.filter((a) => a.kind === kind);
}
