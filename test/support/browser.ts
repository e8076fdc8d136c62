/**
 * Headless Chromium for browser tests and benchmarks: Debian's /usr/bin/chromium (or CHROMIUM_PATH) driven by
 * playwright-core, the demo page and a fresh bundle served from a local server on a free port (a different
 * origin than S3, so S3 requests are real cross-origin requests with CORS preflights), and one browser
 * context per device (separate IndexedDB, localStorage and cookies, like two computers).
 *
 *   const h = await startBrowserHarness();
 *   const a = await h.openDevice({ seed: 3 });
 *   ...
 *   await h.close();
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { StaticServer } from '../../scripts/lib/static-server.mjs';
import { buildBundle, demoUrl, repoRoot, startDemoServer, type BuiltBundle } from './demo-server';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export const resultsDir = join(repoRoot, 'test-results');

/** Where Chromium is, or a CloudSync-worded error saying how to install it. */
export function findChromium(env: NodeJS.ProcessEnv = process.env, exists: (p: string) => boolean = existsSync): string {
  const candidates = env.CHROMIUM_PATH ? [env.CHROMIUM_PATH] : ['/usr/bin/chromium', '/usr/bin/chromium-browser'];
  const found = candidates.find((p) => exists(p));
  if (found) return found;
  const where = env.CHROMIUM_PATH ? `CHROMIUM_PATH points to ${env.CHROMIUM_PATH}, which does not exist` : 'Chromium was not found at /usr/bin/chromium';
  throw new Error(
    `${where}. The browser tests need it: install it with "apt-get install chromium" (Debian/Ubuntu), ` +
      'or set CHROMIUM_PATH to a Chromium or Chrome binary.',
  );
}

export interface Device {
  context: BrowserContext;
  page: Page;
  /** Console lines and page errors, for assertions and for failure messages. */
  logs: string[];
}

export interface OpenOptions {
  /** Demo and extension URL parameters (seed, storagetype, bucket, …). */
  params?: Record<string, string | number | boolean>;
  /** Wait for the demo's seeding and the extension script to finish loading (default true). */
  waitForExtension?: boolean;
  viewport?: { width: number; height: number };
}

export interface BrowserHarness {
  browser: Browser;
  server: StaticServer;
  bundle: BuiltBundle;
  /** A new device (browser context) with the demo page open. */
  openDevice(options?: OpenOptions): Promise<Device>;
  /** Opens the demo in another tab of an existing device. */
  openTab(device: Device, options?: OpenOptions): Promise<Page>;
  url(params?: Record<string, string | number | boolean>): string;
  close(): Promise<void>;
}

export async function launchChromium(): Promise<{ browser: Browser; cleanup(): void }> {
  const executablePath = findChromium();
  // Downloads and crash dumps go to a throwaway folder; each context gets its own fresh profile storage.
  const tmp = mkdtempSync(join(tmpdir(), 'cloudsync-chromium-'));
  const browser = await chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS, downloadsPath: tmp });
  return { browser, cleanup: () => rmSync(tmp, { recursive: true, force: true }) };
}

async function openDemoPage(page: Page, url: string, options: OpenOptions, logs: string[]): Promise<Page> {
  page.on('console', (m) => logs.push(`[${m.type()}] ${m.text()}`));
  page.on('pageerror', (e) => logs.push(`[pageerror] ${e.message}`));
  // Native dialogs block a headless page; the original used alert/confirm. Accept, and keep the text.
  page.on('dialog', (d) => {
    logs.push(`[dialog:${d.type()}] ${d.message()}`);
    void d.accept().catch(() => {});
  });
  await page.goto(url);
  if (options.waitForExtension !== false) {
    await page.waitForFunction(() => (window as unknown as { demo?: unknown }).demo !== undefined);
    await page.evaluate(async () => {
      const demo = (window as unknown as { demo: { seeded: Promise<unknown>; extension: Promise<unknown> } }).demo;
      await demo.seeded;
      await demo.extension;
    });
  }
  return page;
}

export async function startBrowserHarness(): Promise<BrowserHarness> {
  mkdirSync(resultsDir, { recursive: true });
  const bundle = await buildBundle();
  const server = await startDemoServer(bundle.dir);
  let chromiumHandle: { browser: Browser; cleanup(): void };
  try {
    chromiumHandle = await launchChromium();
  } catch (e) {
    await server.close();
    bundle.cleanup();
    throw e;
  }
  const { browser } = chromiumHandle;
  const contexts: BrowserContext[] = [];
  const url = (params: Record<string, string | number | boolean> = {}) => demoUrl(server.url, params);

  return {
    browser,
    server,
    bundle,
    url,
    async openDevice(options = {}) {
      const context = await browser.newContext({ viewport: options.viewport ?? { width: 1280, height: 900 } });
      contexts.push(context);
      const logs: string[] = [];
      const page = await openDemoPage(await context.newPage(), url(options.params), options, logs);
      return { context, page, logs };
    },
    async openTab(device, options = {}) {
      return openDemoPage(await device.context.newPage(), url(options.params), options, device.logs);
    },
    async close() {
      for (const c of contexts) await c.close().catch(() => {});
      await browser.close().catch(() => {});
      chromiumHandle.cleanup();
      await server.close();
      bundle.cleanup();
    },
  };
}

/** Saves a PNG under test-results/ and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  const path = join(resultsDir, `${name}.png`);
  await page.screenshot({ path });
  return path;
}
