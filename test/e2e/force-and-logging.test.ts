/**
 * Force Export, Force Import and the cycle log, in the real bundle on the stand-in page. The devices use plain
 * s3rver (a store that silently ignores If-Match / If-None-Match), where only the commit journal keeps a
 * force from being undone by another device's older index.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Device } from '../support/browser';
import { useBrowserAndS3 } from '../support/browser-and-s3';
import { extensionParams } from '../support/demo-server';
import { uniqueBucketName } from '../support/s3-server';

const env = useBrowserAndS3();

type Report = { uploaded: string[]; downloaded: string[]; deleted: string[]; errors: { key: string; message: string }[]; snapshot?: { folder: string } };
type Win = {
  typingMindCloudSync: { ready: Promise<void>; syncNow(): Promise<Report>; forceImport(): Promise<Report>; listBackups(): Promise<{ folder: string }[]> };
  demo: { listChats(): Promise<{ key: string; messages: number }[]>; createChat(title?: string): Promise<string>; extension: Promise<unknown> };
};

const PASSWORD = 'pw-force-and-log-9f3a71';

async function open(bucket: string, seed: number, extra: Record<string, string> = {}): Promise<Device> {
  const d = await env.h.openDevice({ params: { seed, ...extensionParams({ ...env.s3, bucket, endpoint: env.s3.directEndpoint }, PASSWORD), ...extra } });
  await d.page.evaluate(() => (window as unknown as Win).typingMindCloudSync.ready);
  return d;
}

/** A device configured by URL opens the modal for its first sync: start from a reload, as a user's next visit. */
async function reloaded(page: Page) {
  await page.reload();
  await page.waitForFunction(() => (window as unknown as { demo?: unknown }).demo !== undefined);
  await page.evaluate(async () => {
    await (window as unknown as Win).demo.extension;
    await (window as unknown as Win).typingMindCloudSync.ready;
  });
}

const syncNow = (d: Device) => d.page.evaluate(() => (window as unknown as Win).typingMindCloudSync.syncNow());
const chats = async (d: Device) => (await d.page.evaluate(() => (window as unknown as Win).demo.listChats())).map((c) => c.key).sort();

describe('Force Export and Force Import in Chromium', () => {
  it('Export ↗ from the modal makes the cloud equal this device; forceImport makes a device equal the cloud', async () => {
    const bucket = uniqueBucketName('force');
    await env.s3.createBucket(bucket);
    const a = await open(bucket, 3);
    const b = await open(bucket, 0);
    await syncNow(a);
    await syncNow(b);
    expect(await chats(b)).toEqual(await chats(a));
    await reloaded(a.page);
    await a.page.click('[data-element-id="workspace-tab-cloudsync"]');
    await a.page.locator('[role="dialog"]').waitFor();
    // A stops syncing by itself, so B's next chat stays away from it until the export.
    await a.page.locator('label:has(#auto-sync-toggle)').click();
    // B adds a chat and syncs; A does not want it.
    const onlyB = await b.page.evaluate(() => (window as unknown as Win).demo.createChat('only on B'));
    await syncNow(b);
    const exportButton = a.page.locator('#force-export-btn');
    expect(await exportButton.isDisabled()).toBe(false);
    await exportButton.click();
    await expect.poll(() => a.page.locator('#action-msg').textContent()).toMatch(/WARNING: This will completely overwrite the data in your cloud storage/);
    await exportButton.click();
    await expect.poll(() => a.page.locator('#action-msg').textContent(), { timeout: 30_000 }).toMatch(/^✅ Force Export done: .*1 removed from the cloud.*snapshot "s-before-force-export-/);
    await syncNow(b);
    expect(await chats(b)).toEqual(await chats(a));
    expect(await chats(b)).not.toContain(onlyB);

    // Force Import on B: a chat B made and never synced is gone; B equals the cloud, and its data before is a snapshot.
    const r = await b.page.evaluate(async () => {
      const w = window as unknown as Win;
      await w.demo.createChat('made on B, never synced');
      return w.typingMindCloudSync.forceImport();
    });
    expect(r.deleted).toHaveLength(1);
    expect(r.uploaded).toEqual([]);
    expect(r.snapshot?.folder).toMatch(/^backups\/s-before-force-import-/);
    expect(await chats(b)).toEqual(await chats(a));
    const backups = await b.page.evaluate(() => (window as unknown as Win).typingMindCloudSync.listBackups());
    expect(backups.map((x) => x.folder.replace(/-\d{8}T\d{6}$/, ''))).toEqual(expect.arrayContaining(['backups/s-before-force-export', 'backups/s-before-force-import']));
    await a.context.close();
    await b.context.close();
  }, 120_000);
});

describe('cycle logging in Chromium', () => {
  it('with ?log=true a page load and a sync print each cycle, and no secret', async () => {
    const bucket = uniqueBucketName('logs');
    await env.s3.createBucket(bucket);
    const d = await open(bucket, 2, { log: 'true' });
    await syncNow(d);
    const lines = d.logs.join('\n');
    expect(lines).toMatch(/Sync started \(/);
    expect(lines).toMatch(/Plan \(\d+ keys; full comparison.*upload \d+: .*CHAT_\w+ \(new here\)/);
    expect(lines).toMatch(/Sync done \(\d+ request\(s\), \d+ ms\): uploaded \d+/);
    expect(lines).toMatch(/Sync: nothing changed anywhere/);
    for (const secret of ['S3RVER', PASSWORD]) expect(lines).not.toContain(secret);
    // The Log viewer shows the same lines.
    await reloaded(d.page);
    await d.page.click('[data-element-id="workspace-tab-cloudsync"]');
    await d.page.locator('#log-viewer-header').click();
    expect(await d.page.locator('#tcs-log-output').textContent()).toMatch(/Plan \(/);
    await d.context.close();
  }, 90_000);
});
