/**
 * src/host bundled on its own and loaded into a blank page in headless Chromium, so the store and the change
 * feed run against the browser's real IndexedDB, Blob and Storage (fake-indexeddb and Node cannot show how
 * Chromium's prototypes, structured clone and upgrade rules behave). The bundle exposes `window.CloudSyncHost`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { startStaticServer, type StaticServer } from '../../../../scripts/lib/static-server.mjs';
import { launchChromium } from '../../../support/browser';

const repoRoot = resolve(fileURLToPath(new URL('../../../..', import.meta.url)));

export interface HostPage {
  browser: Browser;
  /** A fresh page on the test origin, in a fresh context (empty IndexedDB and localStorage). */
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

export async function startHostPage(): Promise<HostPage> {
  const dir = mkdtempSync(join(tmpdir(), 'cloudsync-host-'));
  const { build } = await import('esbuild');
  await build({
    entryPoints: [join(repoRoot, 'src/host/index.ts')],
    bundle: true,
    format: 'iife',
    globalName: 'CloudSyncHost',
    platform: 'browser',
    target: 'es2020',
    outfile: join(dir, 'host.js'),
    logLevel: 'error',
  });
  writeFileSync(join(dir, 'index.html'), '<!doctype html><meta charset="utf-8"><title>host</title><script src="host.js"></script>');
  let server: StaticServer | undefined;
  let chromium: Awaited<ReturnType<typeof launchChromium>> | undefined;
  try {
    server = await startStaticServer({ port: 0, mounts: { '/': dir } });
    chromium = await launchChromium();
  } catch (e) {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  const { browser } = chromium;
  const url = `${server.url}/index.html`;
  return {
    browser,
    async newPage() {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(url);
      await page.waitForFunction(() => 'CloudSyncHost' in window);
      return page;
    },
    async close() {
      await browser.close().catch(() => {});
      chromium?.cleanup();
      await server?.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
