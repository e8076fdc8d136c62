/**
 * The built bundle in real Chromium, inside the stand-in TypingMind page: it loads, puts the Sync button right
 * after the Chat tab, and a second copy of the script does nothing.
 */
import { existsSync, statSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot, startBrowserHarness, type BrowserHarness } from '../support/browser';

let h: BrowserHarness;

beforeAll(async () => {
  h = await startBrowserHarness();
});

afterAll(async () => {
  await h?.close();
});

describe('the bundle in the stand-in page', () => {
  it('inserts the Sync button directly after the Chat tab, styled like Settings', async () => {
    const { page, logs } = await h.openDevice();
    const button = page.locator('[data-element-id="workspace-tab-cloudsync"]');
    await button.waitFor();
    const layout = await page.evaluate(() => {
      const chat = document.querySelector('button[data-element-id="workspace-tab-chat"]')!;
      const settings = document.querySelector('button[data-element-id="workspace-tab-settings"]')!;
      const sync = document.querySelector('[data-element-id="workspace-tab-cloudsync"]')!;
      return {
        next: chat.nextElementSibling?.getAttribute('data-element-id'),
        count: document.querySelectorAll('[data-element-id="workspace-tab-cloudsync"]').length,
        syncClasses: sync.className,
        settingsClasses: settings.className,
        label: sync.textContent?.trim(),
      };
    });
    expect(layout.next).toBe('workspace-tab-cloudsync');
    expect(layout.count).toBe(1);
    expect(layout.label).toBe('Sync');
    for (const cls of layout.settingsClasses.split(/\s+/)) expect(layout.syncClasses.split(/\s+/)).toContain(cls);
    expect(logs.filter((l) => l.startsWith('[pageerror]'))).toEqual([]);

    const nav = await page.locator('nav[data-element-id="nav-container"]').boundingBox();
    expect(nav).not.toBeNull();
    const path = await screenshot(page, 'e2e-sidebar-with-sync-button');
    expect(existsSync(path)).toBe(true);
    expect(statSync(path).size).toBeGreaterThan(1000);
  });

  it('follows the pinned sidebar and comes back after the app re-renders the tab bar', async () => {
    const { page } = await h.openDevice();
    const sync = page.locator('[data-element-id="workspace-tab-cloudsync"]');
    await sync.waitFor();
    await page.evaluate(() => (window as unknown as { demo: { setPinned(p: boolean): void } }).demo.setPinned(true));
    await page.waitForFunction(() => document.querySelector('[data-element-id="workspace-tab-cloudsync"]')?.getAttribute('data-tooltip-content') === 'Sync');
    expect((await sync.textContent())?.trim()).toBe('');
    const icon = await page.locator('[data-element-id="workspace-tab-cloudsync"] svg').boundingBox();
    expect(icon).toMatchObject({ width: 18, height: 18 });
    await screenshot(page, 'e2e-sidebar-pinned');
    // React-style re-render: the whole tab bar is replaced by a fresh copy without our button.
    await page.evaluate(() => {
      const bar = document.querySelector('[data-element-id="workspace-bar"]')!;
      const fresh = bar.cloneNode(true) as Element;
      fresh.querySelector('[data-element-id="workspace-tab-cloudsync"]')?.remove();
      bar.replaceWith(fresh);
    });
    await page.waitForFunction(
      () => document.querySelector('button[data-element-id="workspace-tab-chat"]')?.nextElementSibling?.getAttribute('data-element-id') === 'workspace-tab-cloudsync',
    );
    expect(await page.locator('[data-element-id="workspace-tab-cloudsync"]').count()).toBe(1);
  });

  it('opens the settings from the Sync button and shows the real validation under the fields', async () => {
    const { page } = await h.openDevice({ params: { seed: 1 } });
    await page.locator('[data-element-id="workspace-tab-cloudsync"]').click();
    await page.locator('[role="dialog"]').waitFor();
    // Nothing configured yet: the provider settings are what a person needs first.
    await page.locator('#provider-settings-content').waitFor({ state: 'visible' });
    await page.locator('#aws-region').fill('us east 1');
    await page.locator('#save-settings').click();
    await page.locator('#aws-bucket-error:not(:empty)').waitFor();
    expect(await page.locator('#aws-bucket-error').textContent()).toBe('Enter the name of your bucket.');
    expect(await page.locator('#aws-region-error').textContent()).toMatch(/region/i);
    expect(await page.locator('#aws-bucket').getAttribute('aria-invalid')).toBe('true');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('aws-bucket');
    expect(await page.locator('#action-msg').textContent()).toMatch(/^❌ /);
    // Nothing was stored.
    expect(await page.evaluate(() => localStorage.getItem('tcs_aws_bucketname'))).toBeNull();
    await screenshot(page, 'e2e-bundle-modal-validation');
    await page.keyboard.press('Escape');
    expect(await page.locator('[role="dialog"]').count()).toBe(0);
  });

  it('does nothing when the script is loaded a second time', async () => {
    const { page, logs } = await h.openDevice();
    await page.locator('[data-element-id="workspace-tab-cloudsync"]').waitFor();
    await page.evaluate(() => {
      (window as unknown as { firstApi: unknown }).firstApi = (window as unknown as { typingMindCloudSync: unknown }).typingMindCloudSync;
    });
    await page.addScriptTag({ url: '/dist/cloudsync.js' });
    // Give a would-be second copy time to insert its own button.
    await page.waitForTimeout(300);
    const after = await page.evaluate(() => ({
      buttons: document.querySelectorAll('[data-element-id="workspace-tab-cloudsync"]').length,
      sameApi: (window as unknown as { firstApi: unknown }).firstApi === (window as unknown as { typingMindCloudSync: unknown }).typingMindCloudSync,
      dialogs: document.querySelectorAll('[role="dialog"]').length,
    }));
    expect(after).toEqual({ buttons: 1, sameApi: true, dialogs: 0 });
    expect(logs.some((l) => /already loaded/i.test(l))).toBe(true);
  });

  it('an unconfigured page creates no sync database of its own', async () => {
    const { page } = await h.openDevice();
    const state = await page.evaluate(async () => {
      const api = (window as unknown as { typingMindCloudSync: { ready: Promise<void>; status: { state: string } } }).typingMindCloudSync;
      await api.ready;
      return { status: api.status.state, dbs: (await indexedDB.databases()).map((d) => d.name) };
    });
    expect(state.status).toBe('unconfigured');
    expect(state.dbs).not.toContain('tcs-cloudsync-sync');
  });

  it('puts exactly one thing on window: typingMindCloudSync', async () => {
    const { page } = await h.openDevice({ params: { noext: true } });
    const own = () =>
      page.evaluate(() => [...Object.getOwnPropertyNames(window), ...Object.getOwnPropertySymbols(window).map((s) => s.toString())]);
    const before = new Set(await own());
    await page.addScriptTag({ url: '/dist/cloudsync.js' });
    await page.waitForFunction(() => 'typingMindCloudSync' in window);
    await page.waitForTimeout(300);
    const added = (await own()).filter((k) => !before.has(k));
    expect(added).toEqual(['typingMindCloudSync']);
  });
});
