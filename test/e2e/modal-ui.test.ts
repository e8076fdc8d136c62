/**
 * The Sync button and the settings modal in real Chromium, on the stand-in page (which has no Tailwind):
 * sizes and visibility come from the extension's own CSS; Escape and Tab work with a real keyboard.
 * Screenshots go to test-results/ for a person to compare with the original extension's modal (unconfigured,
 * S3 settings, and on a page without Tailwind).
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/demo-server';
import { screenshot, startBrowserHarness, type BrowserHarness } from '../support/browser';

let h: BrowserHarness;

beforeAll(async () => {
  h = await startBrowserHarness();
  const { build } = await import('esbuild');
  await build({
    entryPoints: [join(repoRoot, 'test/e2e/support/ui-preview-entry.ts')],
    outfile: join(h.bundle.dir, 'ui-preview.js'),
    bundle: true,
    format: 'iife',
    target: 'es2020',
    define: { __CLOUDSYNC_VERSION__: '"preview"' },
    logLevel: 'error',
  });
});
afterAll(async () => {
  await h?.close();
});

async function openPreview(viewport?: { width: number; height: number }): Promise<Page> {
  const { page } = await h.openDevice({ params: { seed: 3, noext: true, refresh: 0 }, viewport });
  await page.addScriptTag({ url: '/dist/ui-preview.js' });
  await page.locator('[data-element-id="workspace-tab-cloudsync"]').click();
  await page.locator('[role="dialog"]').waitFor();
  await page.evaluate(() => document.fonts.ready);
  return page;
}

describe('modal in Chromium', () => {
  it('looks right without the host CSS: sized icons, collapsed sections, a 32rem dialog', async () => {
    const page = await openPreview();
    const m = await page.evaluate(() => {
      const box = (sel: string) => {
        const r = document.querySelector(sel)!.getBoundingClientRect();
        return { w: Math.round(r.width), h: Math.round(r.height), top: Math.round(r.top), bottom: Math.round(r.bottom) };
      };
      return {
        dialog: box('.cloud-sync-modal'),
        chevron: box('#provider-settings-chevron'),
        buttonIcon: box('[data-element-id="workspace-tab-cloudsync"] svg'),
        dot: box('#sync-status-dot'),
        dotColor: getComputedStyle(document.getElementById('sync-status-dot')!).backgroundColor,
        providerHidden: getComputedStyle(document.getElementById('provider-settings-content')!).display,
        saveBg: getComputedStyle(document.getElementById('save-settings')!).backgroundColor,
        overlayZ: getComputedStyle(document.querySelector('.tcs-overlay')!).zIndex,
        focusInside: document.querySelector('[role="dialog"]')!.contains(document.activeElement),
      };
    });
    expect(m.dialog.w).toBe(512);
    expect(m.chevron).toMatchObject({ w: 16, h: 16 });
    expect(m.buttonIcon).toMatchObject({ w: 16, h: 16 });
    expect(m.dot).toMatchObject({ w: 8, h: 8 });
    expect(m.dotColor).toBe('rgb(34, 197, 94)');
    expect(m.providerHidden).toBe('none');
    expect(m.saveBg).toBe('rgb(37, 99, 235)');
    expect(m.overlayZ).toBe('99999');
    expect(m.focusInside).toBe(true);
    await screenshot(page, 'e2e-modal-diagnostics');
    await page.locator('#provider-settings-header').click();
    await screenshot(page, 'e2e-modal-provider-s3');
    expect(await page.locator('#aws-bucket').inputValue()).toBe('typingmind-demo');
    await page.locator('#available-backups-header').click();
    await page.locator('#backup-files option').first().waitFor({ state: 'attached' });
    expect(await page.locator('#backup-files').inputValue()).toBe('backups/s-My-Test-Snap-20261122T015402');
    await screenshot(page, 'e2e-modal-backups');
    await page.locator('#tombstones-header').click();
    await page.locator('input.tombstone-checkbox').first().waitFor();
    expect(await page.locator('input.tombstone-checkbox').count()).toBe(2);
    await screenshot(page, 'e2e-modal-deleted-items');
  });

  it('closes on Escape and keeps Tab inside with a real keyboard', async () => {
    const page = await openPreview();
    await page.locator('#close-modal').focus();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('auto-sync-toggle');
    await page.keyboard.press('Shift+Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('close-modal');
    for (let i = 0; i < 30; i++) {
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.querySelector('[role="dialog"]')!.contains(document.activeElement))).toBe(true);
    }
    await page.keyboard.press('Escape');
    expect(await page.locator('[role="dialog"]').count()).toBe(0);
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-element-id'))).toBe('workspace-tab-cloudsync');
  });

  it('blurs the page around the dialog, never under it, so a repaint inside the dialog does not re-blur the page', async () => {
    const page = await openPreview({ width: 1000, height: 700 });
    const m = await page.evaluate(() => {
      const dialog = document.querySelector('.cloud-sync-modal')!.getBoundingClientRect();
      const blurred = [...document.querySelectorAll<HTMLElement>('body *')].filter((el) => getComputedStyle(el).backdropFilter !== 'none');
      const overlaps = (r: DOMRect) => r.left < dialog.right && r.right > dialog.left && r.top < dialog.bottom && r.bottom > dialog.top;
      // Every point of the page outside the dialog is under a blur pane (a 20 px grid of probes, edges included).
      let uncovered = 0;
      for (let x = 0; x < innerWidth; x += 20)
        for (let y = 0; y < innerHeight; y += 20) {
          const inDialog = x >= dialog.left && x < dialog.right && y >= dialog.top && y < dialog.bottom;
          const covered = blurred.some((el) => {
            const r = el.getBoundingClientRect();
            return x >= r.left && x < r.right && y >= r.top && y < r.bottom;
          });
          if (!inDialog && !covered) uncovered += 1;
        }
      return {
        filters: blurred.map((el) => getComputedStyle(el).backdropFilter),
        overlapping: blurred.filter((el) => overlaps(el.getBoundingClientRect())).length,
        uncovered,
      };
    });
    expect(m.filters).toEqual(['blur(4px)', 'blur(4px)', 'blur(4px)', 'blur(4px)']);
    expect(m.overlapping).toBe(0);
    expect(m.uncovered).toBe(0);
    // A click on a blur pane is a click on the dark area around the dialog: it closes the modal.
    await page.mouse.click(10, 10);
    expect(await page.locator('[role="dialog"]').count()).toBe(0);
  });

  it('fits a phone screen: the buttons stay inside the dialog, the content scrolls', async () => {
    const page = await openPreview({ width: 375, height: 667 });
    await page.locator('#common-settings-header').click();
    const m = await page.evaluate(() => {
      const r = (sel: string) => document.querySelector(sel)!.getBoundingClientRect();
      const content = document.querySelector('.cloud-sync-modal-content')!;
      return { dialog: r('.cloud-sync-modal').toJSON(), footer: r('.cloud-sync-modal-footer').toJSON(), scrolls: content.scrollHeight > content.clientHeight };
    });
    // Half a rem of dimmed page on each side, as much room as the screen allows.
    expect(m.dialog.left).toBe(8);
    expect(m.dialog.right).toBe(375 - 8);
    expect(m.dialog.top).toBeGreaterThanOrEqual(8);
    expect(m.dialog.bottom).toBeLessThanOrEqual(667 - 8);
    expect(m.footer.bottom).toBeLessThanOrEqual(m.dialog.bottom + 1);
    expect(m.scrolls).toBe(true);
    await screenshot(page, 'e2e-modal-mobile');
  });
});
