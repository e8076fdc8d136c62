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

const running = new WeakMap<Session, Promise<void>>();

/** Counts now and puts the result in the snapshot. A count already running is shared. Never throws. */
export function refreshCounts(ctx: AppContext, session: Session): Promise<void> {
  const existing = running.get(session);
  if (existing) return existing;
  const work = (async () => {
    try {
      const { engine, host, base } = session;
      const [index, failing, conflicts, excluded] = await Promise.all([engine.lastIndex(), engine.failing(), engine.conflicts(), host.listExcludedKeys()]);
      const baseMap = await base.all();
      const local = await host.listKeys({ typeHint: (k) => baseMap.get(k)?.type });
      ctx.store.counts(tallyCounts({ local, excluded, index, skipped: failing.map((f) => ({ key: f.key, message: f.message })), conflicts: conflicts.length, isExcluded: (k) => host.isExcluded(k), at: Date.now() }));
    } catch (e) {
      ctx.log.warn(`Counting for the diagnostics failed: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      running.delete(session);
    }
  })();
  running.set(session, work);
  return work;
}

