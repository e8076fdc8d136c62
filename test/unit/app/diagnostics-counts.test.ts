import { describe, expect, it } from 'vitest';
import { tallyCounts } from '../../../src/app/diagnostics-counts';
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
