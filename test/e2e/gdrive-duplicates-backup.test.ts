/**
 * Google Drive in Chromium against the Drive emulator (cross-origin, CORS enforced; sign-in only on a gesture,
 * test/support/gdrive-browser.ts), where real Drive is awkward:
 *
 *  - a throttled daily backup: Drive refuses copies (403 userRateLimitExceeded) until the limit is lifted; the
 *    backup is not listed meanwhile, and a later attempt finishes it without copying anything twice;
 *  - duplicates: two devices start at once while Drive's search lags, so each makes its own app folder; after a
 *    reload each reads across both, a write merges them into one, and both devices end with every chat.
 */
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type { Page } from 'playwright-core';
import { startBrowserHarness, type BrowserHarness } from '../support/browser';
import { startDriveEmulator, type DriveEmulator } from '../support/gdrive-emulator';
import { installGoogleDoubles } from '../support/gdrive-browser';

let h: BrowserHarness;
let emu: DriveEmulator;
beforeAll(async () => {
  [h, emu] = await Promise.all([startBrowserHarness(), startDriveEmulator({ tokens: [] })]);
});
afterAll(async () => {
  await h?.close();
  await emu?.stop();
});

const ROOT = 'TypingMind-Cloud-Sync';
const DRIVE = { storagetype: 'googleDrive', googleclientid: '1234-test.apps.googleusercontent.com', encryptionkey: 'drive e2e password' };
type Status = { state: string; error?: string; pending?: number };
type Api = {
  status: Status;
  syncNow(): Promise<unknown>;
  listBackups(): Promise<{ folder: string; kind: string; totalItems: number }[]>;
};

async function openDriveDevice(params: Record<string, string | number | boolean>): Promise<Page> {
  const context = await h.browser.newContext({ viewport: { width: 1280, height: 900 } });
  await installGoogleDoubles(context, emu);
  const page = await context.newPage();
  await page.goto(h.url({ ...DRIVE, ...params }));
  await page.waitForFunction(() => (window as unknown as { demo?: unknown }).demo !== undefined);
  await page.evaluate(async () => {
    const demo = (window as unknown as { demo: { seeded: Promise<unknown>; extension: Promise<unknown> } }).demo;
    await demo.seeded;
    await demo.extension;
  });
  return page;
}

const api = <T>(page: Page, fn: (a: Api) => T | Promise<T>) =>
  page.evaluate(`(${fn.toString()})(window.typingMindCloudSync)`) as Promise<T>;
const status = (page: Page) => api(page, (a) => a.status);
async function waitForState(page: Page, state: string, timeout = 30_000): Promise<Status> {
  await page.waitForFunction((s) => (window as unknown as { typingMindCloudSync: { status: Status } }).typingMindCloudSync.status.state === s, state, { timeout });
  return status(page);
}
/** Signs in the way a person does: the first sync asks for Google, a click in the page grants it. */
async function signIn(page: Page): Promise<void> {
  await waitForState(page, 'needs-you');
  await page.mouse.click(700, 450);
  const s = await waitForState(page, 'success');
  expect(s.state, s.error).toBe('success');
}
const chatIds = (page: Page) =>
  page.evaluate(async () => ((await (window as unknown as { demo: { listChats(): Promise<{ id: string }[]> } }).demo.listChats()) as { id: string }[]).map((c) => c.id).sort());
const live = (path: string) => emu.findPath(path).filter((f) => !emu.isTrashed(f));

describe('Google Drive in the browser: a throttled backup, and duplicate folders', () => {
  it('a daily backup Drive throttles is not listed, then finishes on a later attempt with every object copied once', async () => {
    emu.copiesPerSecond = 0; // every copy refused, as a user over Drive's copy limit sees
    const page = await openDriveDevice({ seed: 12, syncinterval: 15 });
    onTestFinished(() => page.context().close());
    await signIn(page);
    const today = new Date().toISOString().slice(0, 10).replace(/-/g, '');
    const folder = `${ROOT}/backups/typingmind-backup-${today}`;
    // The daily backup runs after an automatic cycle: wait for its copies to be refused and the attempt to end.
    await expect.poll(() => emu.rateLimited, { timeout: 60_000, interval: 500 }).toBeGreaterThan(0);
    await expect.poll(() => live(`${folder}/metadata.json`).length, { timeout: 60_000 }).toBe(1);
    // The store's back-off gives up; the run stops and gives the day back (its claim goes) without a manifest.
    await expect.poll(() => live(`${folder}/backup-manifest.json`).length, { timeout: 60_000, interval: 250 }).toBe(0);
    expect(await api(page, (a) => a.listBackups())).toEqual([]);

    emu.copiesPerSecond = 2; // the limit lifts: a later cycle's attempt resumes
    await expect.poll(async () => (await api(page, (a) => a.listBackups())).length, { timeout: 90_000, interval: 1000 }).toBe(1);
    const [backup] = await api(page, (a) => a.listBackups());
    const items = live(`${folder}/items`)[0];
    const names = emu.childrenOf(items.id).filter((f) => !emu.isTrashed(f)).map((f) => f.name);
    expect(new Set(names).size).toBe(names.length); // nothing copied twice
    expect(backup).toMatchObject({ kind: 'daily', totalItems: names.length + emu.childrenOf(live(`${folder}/attachments`)[0]?.id ?? '-').length });
    expect(names.length).toBeGreaterThanOrEqual(12);
  }, 240_000);

  it('two devices starting at once while searches lag: each makes its own folder, then both read across, merge and converge', async () => {
    for (const f of [...emu.files.values()]) emu.files.delete(f.id); // a fresh Drive
    emu.copiesPerSecond = Infinity;
    emu.searchLagMs = 60_000;
    const a = await openDriveDevice({ seed: 2 });
    const b = await openDriveDevice({ seed: 2 });
    onTestFinished(() => Promise.all([a.context().close(), b.context().close()]).then(() => undefined));
    await signIn(a);
    await signIn(b);
    expect(live(ROOT)).toHaveLength(2); // neither could see the other's folder
    const [idsA, idsB] = [await chatIds(a), await chatIds(b)];
    expect(idsA).not.toEqual(idsB);

    emu.searchLagMs = 0;
    // A reload (a new session) looks the folders up again: both are read, and the next write merges them.
    for (const p of [a, b]) {
      await p.reload();
      await p.evaluate(async () => {
        const demo = (window as unknown as { demo: { extension: Promise<unknown> } }).demo;
        await demo.extension;
      });
    }
    await a.evaluate(() => (window as unknown as { demo: { createChat(t: string): Promise<string> } }).demo.createChat('after the merge'));
    const all = async () => [...new Set([...(await chatIds(a)), ...(await chatIds(b))])].sort();
    for (let round = 0; round < 4; round++) {
      for (const p of [a, b]) await api(p, (x) => x.syncNow().catch(() => undefined));
    }
    expect(live(ROOT)).toHaveLength(1);
    const everything = await all();
    expect(everything.length).toBe(idsA.length + idsB.length + 1);
    expect(await chatIds(a)).toEqual(everything);
    expect(await chatIds(b)).toEqual(everything);
  }, 240_000);
});
