/**
 * The numbers of "Sync Diagnostics": what is on this device, what the cloud index lists, and what differs.
 * Read from this device only (its listing, the index it last read, its retry and conflict records): counting
 * never sends a request, so the idle cycle stays one request. Refreshed after each cycle that did something
 * and when the section is opened.
 */
import { isChatKey } from '../cloud/entry-fields';
import { liveKeys } from '../cloud/metadata';
import type { Metadata } from '../cloud/types';
import type { SyncCounts } from '../ui/controller';
import type { AppContext, Session } from './context';

/** The extension's own keys and the tools' (tcs_, gsi_, eruda): excluded by design, not worth listing. */
function ownKey(key: string): boolean {
  return key.startsWith('tcs_') || key.startsWith('gsi_') || key.includes('eruda');
}

export interface CountInput {
  local: { key: string }[];
  excluded: string[];
  /** The index this device last read; undefined before its first sync. */
  index?: Metadata;
  skipped: { key: string; message: string }[];
  conflicts: number;
  isExcluded(key: string): boolean;
  at: number;
}

/** Pure: the counts from what was read. */
export function tallyCounts(input: CountInput): SyncCounts {
  const local = new Set(input.local.map((l) => l.key));
  const cloud = new Set(input.index ? liveKeys(input.index).filter((k) => !input.isExcluded(k)) : []);
  const count = (keys: Iterable<string>, pick: (k: string) => boolean) => {
    let n = 0;
    for (const k of keys) if (pick(k)) n++;
    return n;
  };
  return {
    localItems: local.size,
    cloudItems: cloud.size,
    chatsLocal: count(local, isChatKey),
    chatsCloud: count(cloud, isChatKey),
    excluded: input.excluded.filter((k) => !ownKey(k)).sort(),
    skipped: [...input.skipped].sort((a, b) => a.key.localeCompare(b.key)),
    conflicts: input.conflicts,
    onlyLocal: [...local].filter((k) => !cloud.has(k)).sort(),
    onlyCloud: [...cloud].filter((k) => !local.has(k)).sort(),
    at: input.at,
  };
}

/** Per session: the count running, and whether another was asked for meanwhile. */
const running = new WeakMap<Session, { done: Promise<void>; again: boolean }>();

/**
 * Counts now and puts the result in the snapshot. Never throws. Asked while a count runs, it counts once more
 * after that one (what the running one read may predate the cycle that asked), never more than once.
 */
export function refreshCounts(ctx: AppContext, session: Session): Promise<void> {
  const current = running.get(session);
  if (current) {
    current.again = true;
    return current.done;
  }
  const entry = { done: Promise.resolve(), again: false };
  entry.done = (async () => {
    try {
      do {
        entry.again = false;
        await countOnce(ctx, session);
      } while (entry.again);
    } finally {
      running.delete(session);
    }
  })();
  running.set(session, entry);
  return entry.done;
}

async function countOnce(ctx: AppContext, session: Session): Promise<void> {
  try {
    const { engine, host, base } = session;
    const [index, failing, conflicts, excluded] = await Promise.all([engine.lastIndex(), engine.failing(), engine.conflicts(), host.listExcludedKeys()]);
    const baseMap = await base.all();
    const local = await host.listKeys({ typeHint: (k) => baseMap.get(k)?.type });
    const skipped = failing.map((f) => ({ key: f.key, message: f.message }));
    ctx.store.counts(tallyCounts({ local, excluded, index, skipped, conflicts: conflicts.length, isExcluded: (k) => host.isExcluded(k), at: Date.now() }));
  } catch (e) {
    ctx.log.warn(`Counting for the diagnostics failed: ${e instanceof Error ? e.message : String(e)}`);
  }
}
