/**
 * Two devices in Chromium on plain s3rver, as the demo runs it: a store that silently ignores If-Match and
 * If-None-Match (as Backblaze B2 and GCS's XML API do). Here a device that read an older metadata.json can
 * write it back over the other's changes; the commit journal must repair that (docs/sync.md, "The commit
 * path"). Also the mass-deletion guard as the app runs it: asked in the page, remembered across a reload,
 * answered from the modal and the API.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { extensionParams } from '../support/demo-server';
import type { Device } from '../support/browser';
import { useBrowserAndS3 } from '../support/browser-and-s3';
import { uniqueBucketName } from '../support/s3-server';

const env = useBrowserAndS3();

type Report = { uploaded: string[]; downloaded: string[]; deleted: string[]; errors: { key: string; message: string }[] };
type Status = { state: string; error?: string; needs?: { kind: string; count: number; reason: string } };
type Win = {
  typingMindCloudSync: { ready: Promise<void>; status: Status; syncNow(): Promise<Report>; answerHeldDeletions(a: 'delete' | 'restore'): Promise<Report> };
  demo: {
    listChats(): Promise<{ key: string; messages: number }[]>;
    createChat(title?: string): Promise<string>;
    editChat(id: string, t: string): Promise<void>;
    deleteChat(id: string): Promise<void>;
    dump(): Promise<{ keyval: Record<string, unknown> }>;
  };
};

/** Each test on a bucket of its own, named after its password. */
const buckets = new Map<string, string>();
async function open(seed: number, password: string): Promise<Device> {
  let bucket = buckets.get(password);
  if (!bucket) {
    bucket = uniqueBucketName('plain');
    await env.s3.createBucket(bucket);
    buckets.set(password, bucket);
  }
  // The direct endpoint: s3rver itself, not the test proxy that honours conditional writes.
  const d = await env.h.openDevice({ params: { seed, ...extensionParams({ ...env.s3, bucket, endpoint: env.s3.directEndpoint }, password) } });
  await d.page.evaluate(() => (window as unknown as Win).typingMindCloudSync.ready);
  return d;
}

const syncNow = (d: Device) => d.page.evaluate(() => (window as unknown as Win).typingMindCloudSync.syncNow());
const status = (d: Device) => d.page.evaluate(() => (window as unknown as Win).typingMindCloudSync.status);
const chats = (d: Device) => d.page.evaluate(async () => Object.fromEntries((await (window as unknown as Win).demo.listChats()).map((c) => [c.key, c.messages])));
const text = async (d: Device) => JSON.stringify((await d.page.evaluate(() => (window as unknown as Win).demo.dump())).keyval);
const quiet = async (a: Device, b: Device) => {
  const reports: Report[] = [];
  for (let i = 0; i < 2; i++) reports.push(await syncNow(a), await syncNow(b));
  return reports;
};
/** The stand-in page has loaded the extension and its first sync has settled. */
async function loaded(page: Page) {
  await page.waitForFunction(() => (window as unknown as { demo?: unknown }).demo !== undefined);
  await page.evaluate(async () => {
    await (window as unknown as { demo: { extension: Promise<unknown> } }).demo.extension;
    await (window as unknown as Win).typingMindCloudSync.ready;
  });
}
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('two devices on a store that ignores preconditions (plain s3rver)', () => {
  it('a chat deleted on A while B creates one never comes back (20 rounds, syncs overlapping)', async () => {
    const a = await open(22, 'no preconditions here');
    const b = await open(0, 'no preconditions here');
    expect(Object.keys(await chats(b))).toHaveLength(22);
    const resurrected: string[] = [];
    for (let round = 0; round < 20; round++) {
      const victim = Object.keys(await chats(a))[0];
      await a.page.evaluate((id) => (window as unknown as Win).demo.deleteChat(id), victim.slice(5));
      const created = await b.page.evaluate((n) => (window as unknown as Win).demo.createChat(`made on B in round ${n}`), round);
      // B's sync starts first; A's "Sync now" lands while B's is under way, at a different point each round.
      await Promise.all([syncNow(b), pause((round % 5) * 60).then(() => syncNow(a))]);
      const reports = await quiet(a, b);
      for (const r of reports) if (r.downloaded.includes(victim)) resurrected.push(`${victim} in round ${round}`);
      const [ca, cb] = await Promise.all([chats(a), chats(b)]);
      if (victim in ca || victim in cb) resurrected.push(`${victim} still there after round ${round}`);
      expect(ca).toEqual(cb);
      expect(Object.keys(ca)).toContain(`CHAT_${created}`);
    }
    expect(resurrected).toEqual([]);
    await a.context.close();
    await b.context.close();
  }, 300_000);

  it('both editing different chats and syncing at once: after two quiet syncs each, every edit is on both', async () => {
    const a = await open(6, 'edits at once');
    const b = await open(0, 'edits at once');
    const keys = Object.keys(await chats(a));
    for (let round = 0; round < 5; round++) {
      const [ka, kb] = [keys[round % keys.length], keys[(round + 3) % keys.length]];
      await Promise.all([
        a.page.evaluate(([id, t]) => (window as unknown as Win).demo.editChat(id, t), [ka.slice(5), `A edit ${round}`]),
        b.page.evaluate(([id, t]) => (window as unknown as Win).demo.editChat(id, t), [kb.slice(5), `B edit ${round}`]),
      ]);
      const racing = await Promise.all([syncNow(a), syncNow(b)]);
      const reports = await quiet(a, b);
      const story = JSON.stringify({ round, ka, kb, racing, reports }, null, 1);
      expect(reports.flatMap((r) => r.errors), story).toEqual([]);
      for (const d of [a, b]) {
        const t = await text(d);
        expect(t, story).toContain(`A edit ${round}`);
        expect(t, story).toContain(`B edit ${round}`);
      }
    }
    expect(await chats(a)).toEqual(await chats(b));
    await a.context.close();
    await b.context.close();
  }, 300_000);
});

describe('the mass-deletion guard, as the app runs it', () => {
  it('IndexedDB evicted with localStorage intact: nothing is deleted anywhere; the question survives a reload; "Bring them back" restores', async () => {
    const a = await open(10, 'evicted');
    const b = await open(0, 'evicted');
    const before = await chats(a);
    expect(Object.keys(await chats(b))).toHaveLength(10);

    // The browser evicts TypingMind's database while the page is closed; localStorage (settings) survives.
    const page = await a.context.newPage();
    await a.page.close();
    await page.goto(`${env.h.server.url}/no-such-page`);
    await page.evaluate(
      () =>
        new Promise<void>((resolve, reject) => {
          const r = indexedDB.deleteDatabase('keyval-store');
          r.onsuccess = () => resolve();
          r.onerror = () => reject(r.error);
        }),
    );
    await page.goto(env.h.url({ seed: 0 }));
    await loaded(page);
    const asked = await page.evaluate(() => (window as unknown as Win).typingMindCloudSync.status);
    expect(asked.state).toBe('needs-you');
    expect(asked.needs?.reason).toMatch(/looks empty/);
    // The other device lost nothing.
    await syncNow(b);
    expect(await chats(b)).toEqual(before);

    // Asked again after a reload (the question is kept, not forgotten).
    await page.reload();
    await loaded(page);
    expect((await page.evaluate(() => (window as unknown as Win).typingMindCloudSync.status)).state).toBe('needs-you');

    // Answered from the modal: the question and both answers are there; "Bring them back" restores the chats.
    await page.click('[data-element-id="workspace-tab-cloudsync"]');
    await page.waitForSelector('#sync-needs-you:not([hidden])');
    // Both answers are on screen, and nothing that does not belong to this question (the Google sign-in).
    expect(await page.locator('#needs-restore-btn').isVisible()).toBe(true);
    expect(await page.locator('#needs-delete-btn').isVisible()).toBe(true);
    expect(await page.locator('#needs-reconnect-google-btn').isVisible()).toBe(false);
    await page.click('#needs-restore-btn');
    await page.waitForFunction(() => (window as unknown as Win).typingMindCloudSync.status.state === 'success', undefined, { timeout: 30_000 });
    const back = await page.evaluate(async () => Object.fromEntries((await (window as unknown as Win).demo.listChats()).map((c) => [c.key, c.messages])));
    expect(back).toEqual(before);
    await a.context.close();
    await b.context.close();
  }, 120_000);

  it('deleting 60 % on purpose asks first; "delete them everywhere" deletes them on both devices', async () => {
    const a = await open(10, 'sixty percent');
    const b = await open(0, 'sixty percent');
    const keys = Object.keys(await chats(a));
    for (const k of keys.slice(0, 6)) await a.page.evaluate((id) => (window as unknown as Win).demo.deleteChat(id), k.slice(5));
    await syncNow(a);
    const s = await status(a);
    expect(s.state).toBe('needs-you');
    expect(s.needs?.count).toBe(6);
    await syncNow(b);
    expect(Object.keys(await chats(b))).toHaveLength(10);

    const r = await a.page.evaluate(() => (window as unknown as Win).typingMindCloudSync.answerHeldDeletions('delete'));
    expect(r.deleted.sort()).toEqual(keys.slice(0, 6).sort());
    expect((await status(a)).state).toBe('success');
    // The receiving device's own guard asks as well (6 of 10 is over half); its answer applies them.
    await syncNow(b);
    expect((await status(b)).state).toBe('needs-you');
    await b.page.evaluate(() => (window as unknown as Win).typingMindCloudSync.answerHeldDeletions('delete'));
    expect(Object.keys(await chats(b)).sort()).toEqual(keys.slice(6).sort());
    await a.context.close();
    await b.context.close();
  }, 120_000);
});
