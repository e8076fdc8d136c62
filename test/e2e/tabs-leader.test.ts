/**
 * Leader election and tab messaging in real Chromium: two tabs of one browser context (one profile) inside the
 * stand-in TypingMind page. The runtime is bundled from src/runtime on its own and added to each tab, so this
 * test does not depend on how the app wires it.
 */
import { build } from 'esbuild';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBrowserHarness, type BrowserHarness } from '../support/browser';
import { repoRoot } from '../support/demo-server';

let h: BrowserHarness;
let runtimeScript = '';

interface TabProbe {
  tabId: string;
  isLeader: boolean;
  kind: string;
  cycles: string[];
}

beforeAll(async () => {
  const out = await build({
    stdin: {
      resolveDir: repoRoot,
      loader: 'ts',
      contents: `
        import { createSyncRuntime } from './src/runtime/sync-runtime';
        (window as any).__startTabs = (useLocks: boolean) => {
          const cycles: string[] = [];
          const rt = createSyncRuntime<string>({
            name: 'e2e-tabs',
            autoSync: true,
            noSync: false,
            schedule: { intervalMs: 600000 },
            run: async ({ trigger }) => { cycles.push(trigger); return 'report from ' + rt.tabId; },
            onDirtyKeys: () => {},
            env: { window, document, navigator, locks: useLocks ? undefined : null },
          });
          (window as any).__tabs = {
            probe: () => ({ tabId: rt.tabId, isLeader: rt.isLeader, kind: rt.electionKind, cycles: [...cycles] }),
            syncNow: () => rt.syncNow(),
          };
        };`,
    },
    bundle: true,
    write: false,
    format: 'iife',
    target: 'es2020',
    logLevel: 'error',
  });
  runtimeScript = out.outputFiles[0]!.text;
  h = await startBrowserHarness();
}, 120_000);

afterAll(async () => {
  await h?.close();
});

async function startTabs(page: Page, useLocks: boolean): Promise<void> {
  await page.addScriptTag({ content: runtimeScript });
  await page.evaluate((locks) => (window as unknown as { __startTabs(l: boolean): void }).__startTabs(locks), useLocks);
}

const probe = (page: Page) => page.evaluate(() => (window as unknown as { __tabs: { probe(): TabProbe } }).__tabs.probe());

async function waitForLeader(page: Page, timeoutMs = 10_000): Promise<number> {
  const t0 = Date.now();
  await page.waitForFunction(() => (window as unknown as { __tabs: { probe(): TabProbe } }).__tabs.probe().isLeader, undefined, {
    timeout: timeoutMs,
    polling: 20,
  });
  return Date.now() - t0;
}

describe.each([
  ['Web Locks', true, 'locks'],
  ['BroadcastChannel heartbeat', false, 'broadcast'],
])('two tabs of one browser, %s', (_label, useLocks, kind) => {
  it('have exactly one leader, which moves to the other tab when the leader tab closes', async () => {
    const device = await h.openDevice();
    const first = device.page;
    await startTabs(first, useLocks);
    await waitForLeader(first);
    const second = await h.openTab(device);
    await startTabs(second, useLocks);
    await second.waitForTimeout(1500); // several heartbeats: a second leader would show up by now

    const [p1, p2] = [await probe(first), await probe(second)];
    expect(p1.kind).toBe(kind);
    expect([p1.isLeader, p2.isLeader]).toEqual([true, false]);
    expect(p1.cycles).toEqual(['leader']);
    expect(p2.cycles).toEqual([]);

    // Sync now in the follower runs in the leader tab and comes back with its report.
    const report = await second.evaluate(() => (window as unknown as { __tabs: { syncNow(): Promise<string> } }).__tabs.syncNow());
    expect(report).toBe(`report from ${p1.tabId}`);
    expect((await probe(first)).cycles).toEqual(['leader', 'manual']);

    // The user closes the leader tab (unload handlers run, as when a tab is closed).
    await first.close({ runBeforeUnload: true });
    const handoverMs = await waitForLeader(second);
    console.info(`[tabs-leader] ${kind}: new leader ${handoverMs} ms after the leader tab closed`);
    expect(handoverMs).toBeLessThan(3000);
    await second.waitForFunction(() => (window as unknown as { __tabs: { probe(): TabProbe } }).__tabs.probe().cycles.includes('leader'));
    await device.context.close();
  });
});

describe('separate browser profiles', () => {
  it('each device (browser context) has its own leader: tabs never coordinate across devices', async () => {
    const a = await h.openDevice();
    const b = await h.openDevice();
    await startTabs(a.page, true);
    await startTabs(b.page, true);
    await waitForLeader(a.page);
    await waitForLeader(b.page);
    expect((await probe(a.page)).isLeader && (await probe(b.page)).isLeader).toBe(true);
    await a.context.close();
    await b.context.close();
  });
});
