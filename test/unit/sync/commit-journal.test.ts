/** The commit journal's verdicts (commit-journal.ts): one test per row of its table in docs/sync.md. */
import { describe, expect, it } from 'vitest';
import { entryIdentity, NO_PREDECESSOR } from '../../../src/cloud';
import type { LiveEntry, MetadataEntry, TombstoneEntry } from '../../../src/cloud/types';
import { judge, readJournal, SETTLE_MS, type PendingCommit } from '../../../src/sync/commit-journal';

const T = Date.parse('2026-11-01T00:00:00Z');
const live = (hash: string, synced: number, prev?: MetadataEntry | 'none'): LiveEntry => ({
  type: 'idb',
  synced,
  lastModified: synced,
  tcsHash: hash,
  ...(prev === undefined ? {} : { tcsPrev: prev === 'none' ? NO_PREDECESSOR : entryIdentity(prev) }),
});
const tomb = (synced: number, prev: MetadataEntry): TombstoneEntry => ({ type: 'idb', deleted: synced, synced, tombstoneVersion: 1, tcsPrev: entryIdentity(prev) });

const e0 = live('h0', T, 'none');
const ours = live('h1', T + 1000, e0);
const pending = (entry: MetadataEntry, replaced: MetadataEntry | null = e0): PendingCommit => ({ entry, replaced: replaced ? entryIdentity(replaced) : null, at: T + 1000, committed: true });

describe('judging what this device wrote against the index read now', () => {
  it('held while young, settled once the window passed', () => {
    expect(judge(ours, pending(ours), T + 2000)).toBe('held');
    expect(judge(ours, pending(ours), T + 1000 + SETTLE_MS)).toBe('settled');
  });

  it('superseded by an entry that names ours as its predecessor', () => {
    expect(judge(live('h2', T + 3000, ours), pending(ours), T + 4000)).toBe('superseded');
  });

  it('lost when the index holds again the entry ours replaced (a stale writer), or none where there was none', () => {
    expect(judge({ ...e0 }, pending(ours), T + 4000)).toBe('lost');
    const created = live('h1', T + 1000, 'none');
    expect(judge(undefined, pending(created, null), T + 4000)).toBe('lost');
    // A tombstone of ours under the live entry it deleted: a lost update of the tombstone, not a re-creation.
    const t = tomb(T + 1000, e0);
    expect(judge({ ...e0 }, pending(t), T + 4000)).toBe('lost');
  });

  it('not fooled by a restore: the same content with a fresh `synced` is another entry', () => {
    const restored = { ...e0, synced: T + 9000, tcsPrev: entryIdentity(ours) };
    expect(judge(restored, pending(ours), T + 9500)).toBe('superseded');
  });

  it('concurrent when another writer built on what ours replaced without seeing ours', () => {
    expect(judge(live('h9', T + 1500, e0), pending(ours), T + 4000)).toBe('concurrent');
    expect(judge(tomb(T + 1500, e0), pending(ours), T + 4000)).toBe('concurrent');
  });

  it('trusts a writer that names no predecessor (the original extension), and an edit over our deletion', () => {
    expect(judge({ type: 'idb', synced: T + 1500, lastModified: T + 1500 }, pending(ours), T + 4000)).toBe('superseded');
    expect(judge(live('h9', T + 1500, e0), pending(tomb(T + 1000, e0)), T + 4000)).toBe('superseded');
  });
});

describe('reading the whole journal', () => {
  it('repairs what was lost, keeps concurrent keys until reconciled, drops the rest', () => {
    const t = tomb(T + 1000, e0);
    const journal = {
      LOST: pending(t),
      GONE: pending(live('h1', T + 1000, 'none'), null),
      CONC: pending(ours),
      HELD: pending(ours),
      NEXT: pending(ours),
      UNCOMMITTED: { ...pending(ours), committed: false },
    };
    const items: Record<string, MetadataEntry> = { LOST: { ...e0 }, CONC: live('h9', T + 1500, e0), HELD: ours, NEXT: live('h2', T + 3000, ours) };
    const r = readJournal(items, journal, T + 4000);
    expect(r.repairs).toEqual({ LOST: t });
    expect([...r.concurrent.keys()]).toEqual(['CONC']);
    // GONE: a live entry of ours that vanished is left to the planner (it uploads the value again).
    expect(r.drop.sort()).toEqual(['GONE', 'NEXT']);
    // An uncommitted record is only dropped once old.
    expect(readJournal({}, { U: journal.UNCOMMITTED }, T + 1000 + SETTLE_MS).drop).toEqual(['U']);
  });
});
