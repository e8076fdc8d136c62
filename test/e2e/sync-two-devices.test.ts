/**
 * The bundle in Chromium, two browser contexts as two devices, one bucket on s3rver (cross-origin, real CORS
 * preflights, through the conditional-write proxy): what one device does, the other sees.
 */
import { describe, expect, it } from 'vitest';
import { extensionParams } from '../support/demo-server';
import type { Device } from '../support/browser';
import { useBrowserAndS3 } from '../support/browser-and-s3';

const env = useBrowserAndS3();

type Report = { uploaded: string[]; downloaded: string[]; deleted: string[]; errors: { key: string; message: string }[] };

async function open(seed: number, password = 'two devices, one bucket'): Promise<Device> {
  const d = await env.h.openDevice({ params: { seed, ...extensionParams(env.s3, password) } });
  await d.page.evaluate(() => (window as unknown as { typingMindCloudSync: { ready: Promise<void> } }).typingMindCloudSync.ready);
  return d;
}

const syncNow = (d: Device) =>
  d.page.evaluate(() => (window as unknown as { typingMindCloudSync: { syncNow(): Promise<Report> } }).typingMindCloudSync.syncNow());

const chats = (d: Device) =>
  d.page.evaluate(async () => {
    const demo = (window as unknown as { demo: { listChats(): Promise<{ key: string; messages: number }[]> } }).demo;
    return Object.fromEntries((await demo.listChats()).map((c) => [c.key, c.messages]));
  });

describe('two devices in Chromium', () => {
  let a: Device;
  let b: Device;

  it('device A uploads its data; device B starts empty and gets all of it', async () => {
    a = await open(8);
    const status = await a.page.evaluate(() => (window as unknown as { typingMindCloudSync: { status: { state: string; error?: string } } }).typingMindCloudSync.status);
    expect(status.state, `${status.error ?? ''}\n${a.logs.join('\n')}`).toBe('success');
    b = await open(0);
    const [ca, cb] = await Promise.all([chats(a), chats(b)]);
    expect(Object.keys(ca)).toHaveLength(8);
    expect(cb).toEqual(ca);
  }, 120_000);

  it('an edit on A appears on B', async () => {
    const key = Object.keys(await chats(a))[0];
    const id = key.slice(5);
    await a.page.evaluate((id) => (window as unknown as { demo: { editChat(id: string, t: string): Promise<void> } }).demo.editChat(id, 'edited on A'), id);
    const ra = await syncNow(a);
    expect(ra.uploaded).toContain(key);
    const rb = await syncNow(b);
    expect(rb.downloaded).toContain(key);
    expect((await chats(b))[key]).toBe((await chats(a))[key]);
  }, 60_000);

  it('a delete on B disappears on A', async () => {
    const key = Object.keys(await chats(b))[1];
    await b.page.evaluate((id) => (window as unknown as { demo: { deleteChat(id: string): Promise<void> } }).demo.deleteChat(id), key.slice(5));
    const rb = await syncNow(b);
    expect(rb.deleted).toContain(key);
    await syncNow(a);
    expect(Object.keys(await chats(a))).not.toContain(key);
  }, 60_000);

  it('both editing different chats at the same moment lose nothing', async () => {
    const before = await chats(a);
    const keys = Object.keys(before);
    const [ka, kb] = [keys[2], keys[3]];
    const edit = (d: Device, id: string, text: string) =>
      d.page.evaluate(([id, text]) => (window as unknown as { demo: { editChat(id: string, t: string): Promise<void> } }).demo.editChat(id, text), [id, text]);
    await Promise.all([edit(a, ka.slice(5), 'A at the same moment'), edit(b, kb.slice(5), 'B at the same moment')]);
    await Promise.all([syncNow(a), syncNow(b)]);
    await syncNow(a);
    await syncNow(b);
    const [ca, cb] = await Promise.all([chats(a), chats(b)]);
    expect(ca).toEqual(cb);
    // Each chat got exactly its one new message, on both devices; no other chat changed.
    expect(ca).toEqual({ ...before, [ka]: before[ka] + 1, [kb]: before[kb] + 1 });
    const dumpA = await a.page.evaluate(() => (window as unknown as { demo: { dump(): Promise<{ keyval: Record<string, unknown> }> } }).demo.dump());
    const text = JSON.stringify(dumpA.keyval);
    expect(text).toContain('A at the same moment');
    expect(text).toContain('B at the same moment');
  }, 60_000);

  it('both editing the same chat at the same moment: both messages end up in it, on both devices', async () => {
    const before = await chats(a);
    const key = Object.keys(before)[4];
    const edit = (d: Device, text: string) =>
      d.page.evaluate(([id, text]) => (window as unknown as { demo: { editChat(id: string, t: string): Promise<void> } }).demo.editChat(id, text), [key.slice(5), text]);
    await Promise.all([edit(a, 'same chat from A'), edit(b, 'same chat from B')]);
    await Promise.all([syncNow(a), syncNow(b)]);
    for (let i = 0; i < 2; i++) {
      await syncNow(a);
      await syncNow(b);
    }
    const [ca, cb] = await Promise.all([chats(a), chats(b)]);
    expect(ca).toEqual(cb);
    expect(ca[key]).toBe(before[key] + 2);
    for (const d of [a, b]) {
      const dump = await d.page.evaluate(() => (window as unknown as { demo: { dump(): Promise<{ keyval: Record<string, unknown> }> } }).demo.dump());
      const chat = JSON.stringify(dump.keyval[key]);
      expect(chat).toContain('same chat from A');
      expect(chat).toContain('same chat from B');
    }
  }, 60_000);
});
