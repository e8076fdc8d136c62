/**
 * A daily backup that the provider's rate limit stops half-way (Google Drive limits copies per second): it is
 * not listed, it gives the day back, and the next attempt copies only what is missing, from the same state the
 * first attempt recorded. On a store that honours preconditions and on one that silently ignores them.
 */
import { describe, expect, it } from 'vitest';
import { createBackupService } from '../../../src/backup';
import { parseManifestIndex, serializeMetadata } from '../../../src/cloud';
import { CloudSyncError, isCloudSyncError } from '../../../src/errors';
import type { CloudStore } from '../../../src/providers/cloud-store';
import { createMemoryStore } from '../../../src/providers/memory';
import { IgnoringStore } from '../../support/ignoring-store';
import { enc, live, readText, testKeys } from './helpers';

const NOV22 = Date.UTC(2026, 10, 22, 10, 0, 0);
const FOLDER = 'backups/typingmind-backup-20261122';

/** Copies pass until `allowed` reaches 0; then the provider keeps answering "rate limit" (after its own retries). */
function throttledCopies<T extends CloudStore>(store: T) {
  const gate = { allowed: Infinity, copies: 0, refused: 0 };
  const wrapped = Object.create(store) as T;
  wrapped.copy = async (from, to, o) => {
    if (gate.allowed <= 0) {
      gate.refused++;
      throw new CloudSyncError('throttled', 'Google Drive is limiting how fast we can send requests.');
    }
    gate.allowed--;
    gate.copies++;
    return store.copy(from, to, o);
  };
  return { store: wrapped, gate };
}

async function seed(store: CloudStore, n: number) {
  const items: Record<string, ReturnType<typeof live>> = {};
  for (let i = 0; i < n; i++) {
    items[`CHAT_${i}`] = live('idb');
    await store.put(`items/CHAT_${i}.json`, enc.encode(`chat ${i} v1`));
  }
  const body = enc.encode(serializeMetadata({ lastSync: 1, items }));
  await store.put('metadata.json', body, { contentType: 'application/json' });
  return body;
}

const stores: [string, () => CloudStore][] = [
  ['a store that honours preconditions', () => createMemoryStore()],
  ['a store that silently ignores them', () => new IgnoringStore({ claims: false })],
];

describe.each(stores)('a throttled daily backup, on %s', (_name, makeStore) => {
  it('is not listed, gives the day back, and the next attempt copies only the rest of the same state', async () => {
    const base = makeStore();
    const firstState = await seed(base, 10);
    const { store, gate } = throttledCopies(base);
    const svc = createBackupService({ store, keys: await testKeys(), now: () => NOV22, concurrency: 2 });

    gate.allowed = 4;
    const err = await svc.runDailyBackup().catch((e: unknown) => e);
    expect(isCloudSyncError(err, 'throttled')).toBe(true);
    expect((err as Error).message).toMatch(/4 of 10 are in today's backup so far.*continues where it stopped/);
    expect(gate.refused).toBeLessThanOrEqual(2); // it stopped at the limit instead of trying every other object
    expect(await svc.listBackups()).toEqual([]);
    expect(await readText(base, `${FOLDER}/backup-manifest.json`)).toBeUndefined(); // the day is free again
    const idx = await base.get('backups/manifest-index.json');
    expect(idx.kind === 'found' ? parseManifestIndex(idx.body) : []).toEqual([]);

    // Meanwhile another device changes a chat and the index: the resumed backup stays the state it started from.
    await base.put('items/CHAT_9.json', enc.encode('chat 9 v2'));
    await base.put('metadata.json', enc.encode(serializeMetadata({ lastSync: 2, items: { CHAT_9: live('idb', { synced: 2 }) } })));

    gate.allowed = Infinity;
    const copiesBefore = gate.copies;
    const second = await svc.runDailyBackup();
    expect(gate.copies - copiesBefore).toBe(6);
    expect(second.backup).toMatchObject({ folder: FOLDER, totalItems: 10, copiedItems: 10, failed: [] });
    expect((await svc.listBackups()).map((b) => b.folder)).toEqual([FOLDER]);
    const recorded = await base.get(`${FOLDER}/metadata.json`);
    expect(recorded.kind === 'found' && Buffer.from(recorded.body).equals(Buffer.from(firstState))).toBe(true);
    for (let i = 0; i < 10; i++) expect(await readText(base, `${FOLDER}/items/CHAT_${i}.json`), `CHAT_${i}`).toMatch(/^chat \d v[12]$/);
  });

  it('a backup throttled on every attempt is never listed as complete', async () => {
    const base = makeStore();
    await seed(base, 3);
    const { store, gate } = throttledCopies(base);
    gate.allowed = 0;
    const svc = createBackupService({ store, keys: await testKeys(), now: () => NOV22 });
    for (let attempt = 0; attempt < 3; attempt++) {
      const err = await svc.runDailyBackup().catch((e: unknown) => e);
      expect(isCloudSyncError(err, 'throttled')).toBe(true);
    }
    expect(await svc.listBackups()).toEqual([]);
  });
});
