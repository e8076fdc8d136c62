/**
 * Hard cases of the sync, as the app runs them in Chromium, each on a store that honours conditional writes
 * (s3rver behind the test proxy) and on one that silently ignores them (plain s3rver, as the demo, Backblaze
 * B2 and GCS's XML API behave):
 * - a receiving device holding a large deletion keeps asking after the tombstones expire, across a reload,
 *   and never uploads the deleted chats again by itself;
 * - two devices creating the same key at once: nothing is lost (a chat's messages are merged, another value
 *   wins and the other is kept as a conflict record);
 * - an object that is damaged in the bucket is shown as failing until it heals, and then arrives.
 */
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { extensionParams } from '../support/demo-server';
import type { Device } from '../support/browser';
import { useBrowserAndS3 } from '../support/browser-and-s3';
import { uniqueBucketName } from '../support/s3-server';

const env = useBrowserAndS3();

type Report = { uploaded: string[]; downloaded: string[]; deleted: string[]; conflicts: string[]; errors: { key: string; message: string }[] };
type Status = { state: string; error?: string; needs?: { kind: string; count: number; reason: string } };
type Win = {
  typingMindCloudSync: { ready: Promise<void>; status: Status; syncNow(): Promise<Report>; answerHeldDeletions(a: 'delete' | 'restore'): Promise<Report> };
  demo: {
    extension: Promise<unknown>;
    listChats(): Promise<{ key: string; messages: number }[]>;
    deleteChat(id: string): Promise<void>;
    dump(): Promise<{ keyval: Record<string, unknown> }>;
  };
};

const STORES = [
  { name: 'a store that honours preconditions', direct: false },
  { name: 'a store that ignores preconditions', direct: true },
] as const;

interface Bucket {
  name: string;
  direct: boolean;
  get(key: string): Promise<Uint8Array>;
  put(key: string, body: Uint8Array): Promise<void>;
}

async function bucket(direct: boolean): Promise<Bucket> {
  const name = uniqueBucketName(direct ? 'edge-plain' : 'edge-cas');
  await env.s3.createBucket(name);
  // Straight to s3rver: what the test does to the bucket must not be counted, delayed or refused by the proxy.
  const admin = new S3Client({
    region: env.s3.region,
    endpoint: env.s3.directEndpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: env.s3.accessKeyId, secretAccessKey: env.s3.secretAccessKey },
  });
  return {
    name,
    direct,
    async get(key) {
      const r = await admin.send(new GetObjectCommand({ Bucket: name, Key: key }));
      return r.Body!.transformToByteArray();
    },
    async put(key, body) {
      await admin.send(new PutObjectCommand({ Bucket: name, Key: key, Body: body }));
    },
  };
}

async function open(b: Bucket, seed: number, password: string): Promise<Device> {
  const endpoint = b.direct ? env.s3.directEndpoint : env.s3.endpoint;
  const d = await env.h.openDevice({ params: { seed, ...extensionParams({ ...env.s3, bucket: b.name, endpoint }, password) } });
  await loaded(d.page);
  return d;
}

async function loaded(page: Page) {
  await page.waitForFunction(() => (window as unknown as { demo?: unknown }).demo !== undefined);
  await page.evaluate(async () => {
    await (window as unknown as Win).demo.extension;
    await (window as unknown as Win).typingMindCloudSync.ready;
  });
}

const syncNow = (d: Device) => d.page.evaluate(() => (window as unknown as Win).typingMindCloudSync.syncNow());
const status = (d: Device) => d.page.evaluate(() => (window as unknown as Win).typingMindCloudSync.status);
const chats = (d: Device) => d.page.evaluate(async () => Object.fromEntries((await (window as unknown as Win).demo.listChats()).map((c) => [c.key, c.messages])));
const keyval = async (d: Device) => (await d.page.evaluate(() => (window as unknown as Win).demo.dump())).keyval;

/** Writes one keyval-store entry the way TypingMind does (the extension sees it through its change feed). */
function putKeyval(d: Device, key: string, value: unknown) {
  return d.page.evaluate(
    ([k, v]) =>
      new Promise<void>((resolve, reject) => {
        const r = indexedDB.open('keyval-store');
        r.onerror = () => reject(r.error);
        r.onsuccess = () => {
          const db = r.result;
          const t = db.transaction('keyval', 'readwrite');
          t.objectStore('keyval').put(v, k as string);
          t.oncomplete = () => (db.close(), resolve());
          t.onerror = () => reject(t.error);
        };
      }),
    [key, value] as const,
  );
}

describe.each(STORES)('on $name', ({ direct }) => {
  it('a receiving device holding a large deletion keeps asking after the tombstones expire, and never uploads them again', async () => {
    const b = await bucket(direct);
    const a = await open(b, 10, 'receiving side');
    const dev = await open(b, 0, 'receiving side');
    const keys = Object.keys(await chats(a)).sort();
    expect(Object.keys(await chats(dev)).sort()).toEqual(keys);

    for (const k of keys.slice(0, 6)) await a.page.evaluate((id) => (window as unknown as Win).demo.deleteChat(id), k.slice(5));
    await syncNow(a);
    expect((await status(a)).state).toBe('needs-you');
    expect((await a.page.evaluate(() => (window as unknown as Win).typingMindCloudSync.answerHeldDeletions('delete'))).deleted.sort()).toEqual(keys.slice(0, 6));

    // The other device's own guard holds them: 6 of its 10 chats.
    await syncNow(dev);
    expect((await status(dev)).state).toBe('needs-you');
    expect(Object.keys(await chats(dev))).toHaveLength(10);

    // 30 days later the tombstones are pruned from the index; the receiving device has not answered yet.
    const meta = JSON.parse(new TextDecoder().decode(await b.get('metadata.json')));
    for (const k of keys.slice(0, 6)) {
      expect(meta.items[k].deleted).toBeGreaterThan(0);
      delete meta.items[k];
    }
    await b.put('metadata.json', new TextEncoder().encode(JSON.stringify(meta)));

    // A reload (a full look at everything) still asks the same question, and uploads nothing.
    await dev.page.reload();
    await loaded(dev.page);
    const later = await syncNow(dev);
    expect(later.uploaded).toEqual([]);
    const s = await status(dev);
    expect(s.state).toBe('needs-you');
    expect(s.needs?.count).toBe(6);
    const after = JSON.parse(new TextDecoder().decode(await b.get('metadata.json')));
    expect(Object.keys(after.items).filter((k) => k.startsWith('CHAT_')).sort()).toEqual(keys.slice(6));

    // Answered: the chats go here too; the deleting device never sees them again.
    await dev.page.evaluate(() => (window as unknown as Win).typingMindCloudSync.answerHeldDeletions('delete'));
    expect(Object.keys(await chats(dev)).sort()).toEqual(keys.slice(6));
    expect((await status(dev)).state).toBe('success');
    await syncNow(a);
    expect(Object.keys(await chats(a)).sort()).toEqual(keys.slice(6));
    await a.context.close();
    await dev.context.close();
  }, 180_000);

  it('two devices creating the same keys at once lose nothing: a chat is merged, a setting is kept as a conflict', async () => {
    const b = await bucket(direct);
    const a = await open(b, 3, 'twins');
    const dev = await open(b, 0, 'twins');
    const template = Object.values(await keyval(a)).find((v) => (v as { messages?: unknown }).messages) as { messages: { id: string; content: string }[] };
    expect(template).toBeDefined();
    const chat = (who: string) => ({
      ...template,
      id: 'twin',
      chatID: 'twin',
      chatTitle: `twin from ${who}`,
      messages: [{ ...template.messages[0], id: `msg-${who}`, content: `written on ${who}` }],
      createdAt: new Date(),
      updatedAt: new Date(),
    });
    await Promise.all([putKeyval(a, 'CHAT_twin', chat('A')), putKeyval(dev, 'CHAT_twin', chat('B'))]);
    await Promise.all([putKeyval(a, 'TM_useTwinSetting', 'value of A'), putKeyval(dev, 'TM_useTwinSetting', 'value of B')]);

    const racing = await Promise.all([syncNow(a), syncNow(dev)]);
    const quiet: Report[] = [];
    for (let i = 0; i < 2; i++) quiet.push(await syncNow(a), await syncNow(dev));
    const story = JSON.stringify({ racing, quiet }, null, 1);
    expect([...racing, ...quiet].flatMap((r) => r.errors), story).toEqual([]);

    const [ka, kb] = await Promise.all([keyval(a), keyval(dev)]);
    expect(ka, story).toEqual(kb);
    // TypingMind's dump is tagged JSON: the chat's messages are in it as text.
    const twin = JSON.stringify(ka.CHAT_twin);
    expect(twin, story).toContain('written on A');
    expect(twin, story).toContain('written on B');
    // One value of the setting won everywhere; the other was recorded as a conflict, not dropped.
    expect(JSON.stringify(ka.TM_useTwinSetting)).toMatch(/value of (A|B)/);
    expect([...racing, ...quiet].flatMap((r) => r.conflicts), story).toContain('TM_useTwinSetting');
    await a.context.close();
    await dev.context.close();
  }, 180_000);

  it('a damaged object is shown as failing, the rest still syncs, and it arrives once it heals', async () => {
    const b = await bucket(direct);
    const a = await open(b, 5, 'damaged object');
    const keys = Object.keys(await chats(a)).sort();
    const victim = `items/${keys[0]}.json`;
    const good = await b.get(victim);
    const bad = good.slice();
    bad[bad.length - 5] ^= 0xff; // one byte of the ciphertext: AES-GCM's tag no longer matches
    await b.put(victim, bad);

    const dev = await open(b, 0, 'damaged object');
    expect(Object.keys(await chats(dev)).sort()).toEqual(keys.slice(1));
    const s = await status(dev);
    expect(s.state).toBe('error');
    expect(s.error).toMatch(/could not be synced/);
    // Still failing on the next sync, which says so again rather than turning green.
    const again = await syncNow(dev);
    expect(again.errors.map((e) => e.key)).toEqual([keys[0]]);
    expect((await status(dev)).state).toBe('error');

    // Healed (rewritten whole): the user's next "Sync now" brings it, whatever the back-off.
    await b.put(victim, good);
    const healed = await syncNow(dev);
    expect(healed.downloaded).toEqual([keys[0]]);
    expect(healed.errors).toEqual([]);
    expect((await status(dev)).state).toBe('success');
    expect(await chats(dev)).toEqual(await chats(a));
    await a.context.close();
    await dev.context.close();
  }, 180_000);
});
