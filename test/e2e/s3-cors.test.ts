/**
 * The S3 provider as the bundle runs it: in Chromium, on the demo page's origin, against s3rver on another
 * origin — every request a real cross-origin request with a real CORS preflight. When the bucket's CORS does
 * not allow the page's origin, the user gets the clear CORS error, and nothing local is touched.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extensionParams } from '../support/demo-server';
import { startBrowserHarness, type BrowserHarness } from '../support/browser';
import { startS3Server, type S3TestServer } from '../support/s3-server';

let h: BrowserHarness;
let allowed: S3TestServer;
let blocked: S3TestServer;

beforeAll(async () => {
  [h, allowed, blocked] = await Promise.all([
    startBrowserHarness(),
    startS3Server(),
    startS3Server({ origin: 'https://some-other-site.example' }),
  ]);
}, 120_000);
afterAll(async () => {
  await h?.close();
  await allowed?.stop();
  await blocked?.stop();
});

type Api = { ready: Promise<void>; status: { state: string; error?: string }; syncNow(): Promise<{ uploaded: string[] }> };

describe('S3 from the bundle, across origins', () => {
  it('syncs through real CORS preflights when the bucket allows the page', async () => {
    allowed.proxy.reset();
    const d = await h.openDevice({ params: { seed: 3, ...extensionParams(allowed, 'cors test') } });
    const status = await d.page.evaluate(async () => {
      const api = (window as unknown as { typingMindCloudSync: Api }).typingMindCloudSync;
      await api.ready;
      return api.status;
    });
    expect(status.state, status.error).toBe('success');
    const stats = allowed.proxy.stats();
    expect(stats.preflights).toBeGreaterThan(0); // the browser really asked first
    expect(stats.byMethod.PUT?.count ?? 0).toBeGreaterThan(3);
  }, 60_000);

  it('says the bucket blocks this site (CORS), with what to do, when it does not', async () => {
    const d = await h.openDevice({ params: { seed: 3, ...extensionParams(blocked, 'cors test') } });
    const before = await d.page.evaluate(() => (window as unknown as { demo: { listChats(): Promise<unknown[]> } }).demo.listChats());
    const status = await d.page.evaluate(async () => {
      const api = (window as unknown as { typingMindCloudSync: Api }).typingMindCloudSync;
      await api.ready;
      return api.status;
    });
    expect(status.state).toBe('error');
    expect(status.error).toMatch(/CORS/);
    const err = await d.page.evaluate(() =>
      (window as unknown as { typingMindCloudSync: Api }).typingMindCloudSync.syncNow().then(
        () => null,
        (e: { code?: string; message: string }) => ({ code: e.code, message: e.message }),
      ),
    );
    expect(err?.code).toBe('cors-or-network');
    const after = await d.page.evaluate(() => (window as unknown as { demo: { listChats(): Promise<unknown[]> } }).demo.listChats());
    expect(after).toEqual(before);
  }, 60_000);
});
