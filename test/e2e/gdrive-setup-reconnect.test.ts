/**
 * Google Drive in Chromium, against the Drive emulator (cross-origin, CORS enforced) and a stand-in for Google's
 * sign-in popup that, like the real one, opens only during a user's gesture (test/support/gdrive-browser.ts):
 *
 *  - setup is one flow: type the client ID, Sign in, Save (the check runs with that sign-in), and sync starts
 *    on this page: no reload, let alone two;
 *  - an expired token is renewed neither from a timer nor from "Sync now" run by script (the popup would be
 *    blocked): the status says "needs you: reconnect Google" and the next click anywhere in the page renews it,
 *    and sync resumes at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startBrowserHarness, type BrowserHarness } from '../support/browser';
import { startDriveEmulator, type DriveEmulator } from '../support/gdrive-emulator';
import { installGoogleDoubles, GESTURE_MS, type GisLog } from '../support/gdrive-browser';

let h: BrowserHarness;
let emu: DriveEmulator;
beforeAll(async () => {
  [h, emu] = await Promise.all([startBrowserHarness(), startDriveEmulator({ tokens: [] })]);
});
afterAll(async () => {
  await h?.close();
  await emu?.stop();
});

const CLIENT_ID = '1234-test.apps.googleusercontent.com';
type Status = { state: string; error?: string; needs?: { kind: string; reason: string } };

async function openDriveDevice(params: Record<string, string | number | boolean> = {}): Promise<{ page: Page; loads: () => number }> {
  const context = await h.browser.newContext({ viewport: { width: 1280, height: 900 } });
  await installGoogleDoubles(context, emu);
  const page = await context.newPage();
  let loads = 0;
  page.on('load', () => loads++);
  await page.goto(h.url(params));
  await page.waitForFunction(() => (window as unknown as { demo?: unknown }).demo !== undefined);
  await page.evaluate(async () => {
    const demo = (window as unknown as { demo: { seeded: Promise<unknown>; extension: Promise<unknown> } }).demo;
    await demo.seeded;
    await demo.extension;
  });
  return { page, loads: () => loads };
}

const status = (page: Page) => page.evaluate(() => (window as unknown as { typingMindCloudSync: { status: Status } }).typingMindCloudSync.status);
const gisLog = (page: Page) => page.evaluate(() => (window as unknown as { __gisLog: GisLog }).__gisLog);
async function waitForState(page: Page, state: string, timeout = 20_000): Promise<Status> {
  await page.waitForFunction((s) => (window as unknown as { typingMindCloudSync: { status: Status } }).typingMindCloudSync.status.state === s, state, { timeout });
  return status(page);
}

describe('Google Drive in the browser: setup and an expired sign-in', () => {
  it('sets up in one flow without a reload, then renews an expired token on the next click and resumes', async () => {
    // Long enough for the check and the first sync, paced under Drive's create limit (2 new files a second).
    emu.tokenLifetimeMs = 20_000;
    const { page, loads } = await openDriveDevice({ seed: 3 });
    const first = await page.evaluate(async () => {
      const api = (window as unknown as { typingMindCloudSync: { ready: Promise<void>; status: Status } }).typingMindCloudSync;
      await api.ready; // before the saved settings are read the state is still 'idle'
      return api.status.state;
    });
    expect(first).toBe('unconfigured');

    await page.click('[data-element-id="workspace-tab-cloudsync"]');
    await page.locator('#storage-type-select').waitFor();
    if (!(await page.locator('#storage-type-select').isVisible())) await page.click('#provider-settings-header');
    await page.selectOption('#storage-type-select', 'googleDrive');
    await page.fill('#google-client-id', CLIENT_ID);
    await page.click('#google-auth-btn');
    await page.locator('#google-auth-status', { hasText: 'Signed in' }).waitFor({ timeout: 10_000 });
    await page.click('#common-settings-header');
    await page.fill('#encryption-key', 'drive setup password');
    await page.click('#save-settings');
    const synced = await waitForState(page, 'success', 30_000);
    expect(synced.state, synced.error).toBe('success');
    expect(loads()).toBe(1); // the first load only: no reload
    expect(emu.findPath('TypingMind-Cloud-Sync/metadata.json')).toHaveLength(1);
    expect((await gisLog(page)).granted).toBe(1);
    const pageOrigin = new URL(h.url()).origin;
    expect(new URL(emu.url).origin).not.toBe(pageOrigin); // every Drive request was cross-origin
    expect(emu.requests.some((r) => r.method === 'OPTIONS')).toBe(true);
    await page.click('#close-modal');

    // The token expires. A sync started by script (no gesture) cannot renew it: Google's popup is blocked.
    await page.waitForTimeout(emu.tokenLifetimeMs + GESTURE_MS);
    await page.evaluate(() => (window as unknown as { typingMindCloudSync: { syncNow(): Promise<unknown> } }).typingMindCloudSync.syncNow().catch(() => {}));
    const stuck = await waitForState(page, 'needs-you');
    expect(stuck.needs?.kind).toBe('reconnect-google');
    expect(stuck.needs?.reason).toMatch(/^reconnect Google/);
    expect(await page.locator('#sync-status-dot').count()).toBe(1);
    const blocked = (await gisLog(page)).blocked;
    expect(blocked).toBeGreaterThan(0);

    // A chat edited meanwhile, then one click anywhere in the page: renewed inside that click, synced at once.
    const before = emu.findPath('TypingMind-Cloud-Sync/metadata.json')[0].version;
    const grantedBefore = (await gisLog(page)).granted;
    await page.evaluate(() => (window as unknown as { demo: { createChat(t: string): Promise<string> } }).demo.createChat('written while signed out'));
    await page.mouse.click(700, 450);
    const resumed = await waitForState(page, 'success');
    expect(resumed.needs).toBeUndefined();
    const log = await gisLog(page);
    // The click renewed it (the short test token may expire again under load and be renewed once more).
    expect(log.granted).toBeGreaterThan(grantedBefore);
    expect(log.prompts.at(-1)).toBe(''); // a renewal: no consent screen again
    await page.waitForFunction(() => (window as unknown as { typingMindCloudSync: { status: { pending: number } } }).typingMindCloudSync.status.pending === 0);
    expect(emu.findPath('TypingMind-Cloud-Sync/metadata.json')[0].version).toBeGreaterThan(before);
  }, 120_000);
});
