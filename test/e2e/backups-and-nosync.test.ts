/**
 * Backups through the public API of the bundle, and NoSync mode (docs/settings.md, URL parameters): a ?nosync tab
 * syncs nothing, refuses "Sync now" with a clear error, and can still take a snapshot — without the full
 * sync the original runs first.
 */
import { describe, expect, it } from 'vitest';
import { extensionParams } from '../support/demo-server';
import { useBrowserAndS3 } from '../support/browser-and-s3';

const env = useBrowserAndS3();

type Info = { folder: string; name: string; kind: string; totalItems: number };
type Api = {
  ready: Promise<void>;
  status: { state: string; error?: string };
  syncNow(): Promise<unknown>;
  createSnapshot(name: string): Promise<Info>;
  runDailyBackup(): Promise<Info | null>;
  listBackups(): Promise<Info[]>;
};

describe('backups from the bundle', () => {
  it('snapshots (attachments included), lists them, and makes the daily backup once a day', async () => {
    const d = await env.h.openDevice({ params: { seed: 4, ...extensionParams(env.s3, 'backup test') } });
    const out = await d.page.evaluate(async () => {
      const a = (window as unknown as { typingMindCloudSync: Api }).typingMindCloudSync;
      await a.ready;
      const snap = await a.createSnapshot('Before the trip');
      // Today's daily backup: made now, or already made (or being made) by the leader after its first cycle.
      const made = await a.runDailyBackup();
      let daily: Info | undefined = made ?? undefined;
      for (let i = 0; i < 300 && !daily; i++) {
        daily = (await a.listBackups()).find((b) => b.kind === 'daily');
        if (!daily) await new Promise((r) => setTimeout(r, 200));
      }
      const again = await a.runDailyBackup();
      // A follow-up cycle may be running right now; the status to judge is the one it ends with.
      for (let i = 0; i < 100 && a.status.state === 'syncing'; i++) await new Promise((r) => setTimeout(r, 100));
      return { snap, daily, again, list: await a.listBackups(), status: a.status };
    });
    expect(out.status.state, out.status.error).toBe('success');
    expect(out.snap.folder).toMatch(/^backups\/s-Before-the-trip-\d{8}T\d{6}$/);
    expect(out.snap.kind).toBe('snapshot');
    expect(out.daily?.folder).toMatch(/^backups\/typingmind-backup-\d{8}$/);
    expect(out.again).toBeNull();
    expect(out.list.map((b) => b.folder).sort()).toEqual([out.daily!.folder, out.snap.folder].sort());
    const objects = env.s3.proxy.stats().requests.map((r) => r.key);
    expect(objects.some((k) => k.includes(`${out.snap.folder.slice(8)}/attachments/`))).toBe(true);
  }, 150_000);

  it('?nosync: no sync, a clear refusal of Sync now, and a snapshot without a sync', async () => {
    const d = await env.h.openDevice({ params: { seed: 2, nosync: true, ...extensionParams(env.s3, 'backup test') } });
    env.s3.proxy.reset();
    const out = await d.page.evaluate(async () => {
      const a = (window as unknown as { typingMindCloudSync: Api }).typingMindCloudSync;
      await a.ready;
      const refused = await a.syncNow().then(
        () => null,
        (e: { code?: string; message: string }) => ({ code: e.code, message: e.message }),
      );
      const snap = await a.createSnapshot('nosync snap');
      return { status: a.status, refused, snap };
    });
    expect(out.status.state).toBe('disabled');
    expect(out.refused?.code).toBe('sync-disabled');
    expect(out.refused?.message).toMatch(/nosync/i);
    expect(out.snap.kind).toBe('snapshot');
    // nothing of this device was uploaded: no item PUT, metadata.json only read
    const puts = env.s3.proxy.stats().requests.filter((r) => r.method === 'PUT').map((r) => r.key);
    expect(puts.filter((k) => k.startsWith('items/') || k === 'metadata.json')).toEqual([]);
    expect(await d.page.evaluate(() => new URL(location.href).searchParams.has('nosync'))).toBe(true);
  }, 90_000);
});
