/**
 * One chat back from any backup on Google Drive (the emulator): the bucket the original V4.2 wrote, laid out
 * in Drive as the original does; versions from the live data and both backups, and a deleted chat restored
 * from the snapshot, published by the next sync.
 */
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { isTombstone } from '../../../src/cloud';
import { createDriveStore } from '../../../src/providers/gdrive';
import { createChatHistory } from '../../../src/recovery/chat-history';
import { decodeTagged, loadFixtureBucket, seedStoreFromFixture } from '../../support/fixture-bucket';
import { startDriveEmulator } from '../../support/gdrive-emulator';
import { bucketMetadata, keysFor, useSimDevices } from '../../support/sim-device';

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (stops.length) await stops.pop()!();
});
const devices = useSimDevices();

describe('chat history on Google Drive (emulator)', () => {
  it('lists the versions of a chat the original V4.2 wrote, and brings a deleted one back from the snapshot', async () => {
    const fx = loadFixtureBucket('v4.2');
    const emulator = await startDriveEmulator();
    stops.push(() => emulator.stop());
    const store = createDriveStore({ getAccessToken: async () => 'test-token', apiBase: emulator.url, retry: { baseDelayMs: 1 } });
    await seedStoreFromFixture(store, fx);
    const dev = await devices.device('d', store, fx.password);
    await dev.sync({ full: true });
    const history = createChatHistory({ store, keys: await keysFor(fx.password), host: dev.host });

    const { versions, problems } = await history.versions('CHAT_emoji1');
    expect(problems).toEqual([]);
    expect(versions.map((v) => v.source.folder)).toEqual([null, 'backups/typingmind-backup-20261122', 'backups/s-Lab-snapshot-A-20261122T022002']);
    const title = (decodeTagged(fx.seed.idb.CHAT_emoji1, fx.dir) as { chatTitle: string }).chatTitle;
    expect(versions.every((v) => v.title === title)).toBe(true);

    const before = await bucketMetadata(store);
    const deleted = await history.versions('CHAT_deleteme01');
    const snap = deleted.versions.find((v) => v.source.kind === 'snapshot')!;
    expect(snap.deleted).toBe(true);
    const restored = await history.restore('CHAT_deleteme01', snap.source.folder, 'replace');
    for (const c of restored.changes) dev.dirty.set(c.key, { area: c.area, at: c.at });
    const r = await dev.sync();
    expect(r.uploaded).toEqual(['CHAT_deleteme01']);
    const after = await bucketMetadata(store);
    expect(isTombstone(after.items.CHAT_deleteme01)).toBe(false);
    for (const [k, e] of Object.entries(before.items)) if (k !== 'CHAT_deleteme01') expect(after.items[k], k).toEqual(e);
  }, 120_000);
});
