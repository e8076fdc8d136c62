/**
 * The backup service on Google Drive (the Drive API emulator over HTTP). The original restores nothing but
 * metadata.json on Drive, because its listing there is not recursive (W7); here items and attachments of a
 * snapshot come back.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createBackupService } from '../../../src/backup';
import { createDriveStore } from '../../../src/providers/gdrive';
import { startDriveEmulator } from '../../support/gdrive-emulator';
import { dec, enc, live, putMetadata, testKeys } from './helpers';

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (stops.length) await stops.pop()!();
});

describe('backups on Google Drive (emulator)', () => {
  it('a snapshot holds items and attachments, and restoring it brings them back and tombstones later keys', async () => {
    const emulator = await startDriveEmulator();
    stops.push(() => emulator.stop());
    const store = createDriveStore({ getAccessToken: async () => 'test-token', apiBase: emulator.url, retry: { baseDelayMs: 1 } });
    await store.put('items/CHAT_a.json', enc.encode('chat v1'));
    await store.put('attachments/ATTACHMENT_p.png.bin', enc.encode('png v1'));
    await putMetadata(store, { lastSync: 1, items: { CHAT_a: live('idb'), 'ATTACHMENT_p.png': live('blob') } });
    let t = Date.UTC(2026, 10, 22, 1, 0, 0);
    const svc = createBackupService({ store, keys: await testKeys(), now: () => (t += 1000) });
    const snap = await svc.createSnapshot('drive');
    expect(snap.copiedItems).toBe(2);

    await store.put('items/CHAT_a.json', enc.encode('chat v2'));
    await store.put('attachments/ATTACHMENT_p.png.bin', enc.encode('png v2'));
    await store.put('items/CHAT_b.json', enc.encode('later'));
    await putMetadata(store, { lastSync: 2, items: { CHAT_a: live('idb', { synced: 2 }), 'ATTACHMENT_p.png': live('blob', { synced: 2 }), CHAT_b: live('idb') } });

    const out = await svc.restoreBackup(snap.folder);
    expect(out.tombstoned).toEqual(['CHAT_b']);
    const text = async (k: string) => {
      const r = await store.get(k);
      return r.kind === 'found' ? dec.decode(r.body) : undefined;
    };
    expect(await text('items/CHAT_a.json')).toBe('chat v1');
    expect(await text('attachments/ATTACHMENT_p.png.bin')).toBe('png v1');
    expect(await text(`${out.autoSnapshot.folder}/attachments/ATTACHMENT_p.png.bin`)).toBe('png v2');
    expect((await svc.listBackups()).map((b) => b.folder)).toEqual([out.autoSnapshot.folder, snap.folder]);
  }, 60_000);
});
