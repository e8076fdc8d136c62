/**
 * What the always-on Sync button costs the host page, in real Chromium: `npx vitest bench --run test/e2e/ui-overhead`.
 *
 * The button watches the whole body (childList, subtree, class attributes) so it can come back after TypingMind
 * re-renders the sidebar; every mutation batch costs two querySelector calls and a class comparison. Measured
 * here: 500 class toggles plus 50 list re-renders in the page (one batch of work, flushed by a microtask),
 * on the stand-in page without the extension and with it (configured for nothing, so no sync traffic), and
 * opening + closing the modal.
 *
 * Measured 2026-11-22 (headless Chromium 156, 2-core machine shared with other test runs; mean per batch):
 *   churn without the extension ~61 ms (±14 %) · with the Sync button watching ~48 ms (±8 %): the observer's
 *   cost is below the noise of this machine · open + close the modal ~15 ms (p99 ~42 ms).
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, bench, describe } from 'vitest';
import { startBrowserHarness, type BrowserHarness } from '../support/browser';

let h: BrowserHarness;
let bare: Page;
let withExt: Page;

beforeAll(async () => {
  h = await startBrowserHarness();
  bare = (await h.openDevice({ params: { seed: 20, noext: true, refresh: 0 } })).page;
  withExt = (await h.openDevice({ params: { seed: 20, refresh: 0 } })).page;
  await withExt.locator('[data-element-id="workspace-tab-cloudsync"]').waitFor();
});
afterAll(async () => {
  await h?.close();
});

/** Host-like DOM churn: class toggles on the tab bar, list re-renders; resolves after observers have run. */
const churn = (page: Page) =>
  page.evaluate(async () => {
    const tabs = [...document.querySelectorAll<HTMLElement>('[data-element-id^="workspace-tab-"]')];
    const tbody = document.querySelector('#chat-list tbody')!;
    for (let i = 0; i < 500; i++) tabs[i % tabs.length].classList.toggle('active');
    for (let i = 0; i < 50; i++) tbody.replaceChildren(...[...tbody.children].map((r) => r.cloneNode(true)));
    await new Promise((r) => setTimeout(r, 0));
  });

describe('host page DOM churn', () => {
  bench('without the extension', () => churn(bare), { time: 3000 });
  bench('with the Sync button watching', () => churn(withExt), { time: 3000 });
});

describe('modal', () => {
  bench(
    'open and close the settings modal',
    () =>
      withExt.evaluate(async () => {
        (document.querySelector('[data-element-id="workspace-tab-cloudsync"]') as HTMLElement).click();
        document.querySelector('[role="dialog"]')!.getBoundingClientRect(); // force layout
        document.getElementById('close-modal')!.click();
      }),
    { time: 3000 },
  );
});
