/**
 * The path a new user takes: no URL parameters, click Sync, fill the S3 settings and a password in the modal,
 * Save. The setup check runs against the real bucket (cross-origin), the page reloads, and the device syncs —
 * and nothing secret is left in localStorage.
 */
import { describe, expect, it } from 'vitest';
import { parseMetadata } from '../../src/cloud';
import { createS3Store } from '../../src/providers/s3';
import { useBrowserAndS3 } from '../support/browser-and-s3';

const env = useBrowserAndS3();

describe('setting up through the modal', () => {
  it('saves, checks the connection step by step, reloads and syncs', async () => {
    const { page } = await env.h.openDevice({ params: { seed: 3 } });
    const before = await page.evaluate(async () => {
      const api = (window as unknown as { typingMindCloudSync: { ready: Promise<void>; status: { state: string } } }).typingMindCloudSync;
      await api.ready;
      return api.status.state;
    });
    expect(before).toBe('unconfigured');

    await page.click('[data-element-id="workspace-tab-cloudsync"]');
    await page.locator('#aws-bucket').waitFor();
    if (!(await page.locator('#aws-bucket').isVisible())) await page.click('#provider-settings-header');
    await page.fill('#aws-bucket', env.s3.bucket);
    await page.fill('#aws-region', env.s3.region);
    await page.fill('#aws-access-key', env.s3.accessKeyId);
    await page.fill('#aws-secret-key', env.s3.secretAccessKey);
    await page.fill('#aws-endpoint', env.s3.endpoint);
    await page.click('#common-settings-header');
    await page.fill('#encryption-key', 'typed in the modal');

    const reloaded = page.waitForEvent('load', { timeout: 30_000 });
    await page.click('#save-settings');
    await page.locator('#setup-check li').first().waitFor({ timeout: 20_000 });
    const steps = await page.locator('#setup-check li').allTextContents();
    expect(steps.length).toBeGreaterThan(3);
    await reloaded;

    await page.waitForFunction(() => 'typingMindCloudSync' in window);
    const status = await page.evaluate(async () => {
      const api = (window as unknown as { typingMindCloudSync: { ready: Promise<void>; status: { state: string; error?: string } } }).typingMindCloudSync;
      await api.ready;
      return api.status;
    });
    expect(status.state, status.error).toBe('success');
    const store = createS3Store({ bucket: env.s3.bucket, region: env.s3.region, endpoint: env.s3.endpoint, accessKeyId: env.s3.accessKeyId, secretAccessKey: env.s3.secretAccessKey });
    const metadata = await store.get('metadata.json');
    expect(metadata.kind).toBe('found');
    if (metadata.kind === 'found') expect(Object.keys(parseMetadata(metadata.body).items).some((k) => k.startsWith('CHAT_'))).toBe(true);
    const leaked = await page.evaluate(() => Object.keys(localStorage).filter((k) => /typed in the modal|S3RVER/.test(localStorage.getItem(k) ?? '')));
    expect(leaked).toEqual([]);
  }, 120_000);
});
