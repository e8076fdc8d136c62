import { describe, expect, it } from 'vitest';
import type { AppContext, Session } from '../../../src/app/context';
import { refreshCounts, tallyCounts } from '../../../src/app/diagnostics-counts';
import { createStatusStore } from '../../../src/app/status-store';
import type { Metadata } from '../../../src/cloud/types';
import { isExcludedKey } from '../../../src/host/exclusions';

const live = { synced: 1, type: 'idb' as const, lastModified: 1, size: 1 };
const index = (items: Record<string, unknown>): Metadata => ({ lastSync: 1, items: items as Metadata['items'] });

describe('tallyCounts (pure)', () => {
  it('counts both sides, chats apart, and names what is only on one side', () => {
    const c = tallyCounts({
      local: [{ key: 'CHAT_a' }, { key: 'CHAT_b' }, { key: 'TM_useUserPrompts' }, { key: 'new-here' }],
      excluded: ['TM_useLastVerifiedToken', 'tcs_aws_bucketname', 'gsi_x', 'mine'],
      index: index({ CHAT_a: live, CHAT_b: live, TM_useUserPrompts: live, CHAT_gone: { deleted: 5, type: 'idb' }, 'only-cloud': live, tcs_own: live }),
      skipped: [{ key: 'z', message: 'bad' }, { key: 'a', message: 'worse' }],
      conflicts: 2,
      isExcluded: (k) => isExcludedKey(k, ['mine']),
      at: 7,
    });
    expect(c).toEqual({
      localItems: 4,
      cloudItems: 4, // the tombstone and the excluded entry are not items
      chatsLocal: 2,
      chatsCloud: 2,
      excluded: ['TM_useLastVerifiedToken', 'mine'], // the extension's and tools' own keys are not worth listing
      skipped: [{ key: 'a', message: 'worse' }, { key: 'z', message: 'bad' }],
      conflicts: 2,
      onlyLocal: ['new-here'],
      onlyCloud: ['only-cloud'],
      at: 7,
    });
  });

  it('before the first sync there is no index: every local key is only local', () => {
    const c = tallyCounts({ local: [{ key: 'a' }], excluded: [], skipped: [], conflicts: 0, isExcluded: () => false, at: 1 });
    expect(c).toMatchObject({ localItems: 1, cloudItems: 0, onlyLocal: ['a'], onlyCloud: [] });
  });
});

describe('refreshCounts', () => {
  it('asked while a count runs, counts once more after it (what the running one read may be older), never more', async () => {
    let local = [{ key: 'a', type: 'idb' as const }];
    let release!: () => void;
    let gate: Promise<void> | undefined = new Promise<void>((r) => (release = r));
    let reads = 0;
    const session = {
      engine: { lastIndex: async () => undefined, failing: async () => [], conflicts: async () => [] },
      host: {
        listExcludedKeys: async () => [],
        isExcluded: () => false,
        listKeys: async () => {
          reads++;
          if (gate) await gate;
          return local;
        },
      },
      base: { all: async () => new Map() },
    } as unknown as Session;
    const store = createStatusStore({ pending: () => 0 });
    const ctx = { store, log: { warn() {} } } as unknown as AppContext;
    const first = refreshCounts(ctx, session);
    await new Promise((r) => setTimeout(r, 0));
    // A cycle ends while the first count still reads: it changed what is local.
    local = [{ key: 'a', type: 'idb' }, { key: 'b', type: 'idb' }];
    const second = refreshCounts(ctx, session);
    const third = refreshCounts(ctx, session);
    gate = undefined;
    release();
    await Promise.all([first, second, third]);
    expect(reads).toBe(2);
    expect(store.snapshot().counts?.localItems).toBe(2);
  });
});
