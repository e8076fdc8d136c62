/**
 * The stand-in TypingMind page itself: it seeds TypingMind's store as TypingMind would (Dates, Blobs,
 * localStorage strings), once per device, before the extension loads, and its test hooks change the store.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBrowserHarness, type BrowserHarness } from '../support/browser';

interface Tagged {
  keyval: Record<string, any>;
  localStorage: Record<string, string>;
}
interface DemoHooks {
  dump(): Promise<Tagged>;
  createChat(title?: string): Promise<string>;
  editChat(id: string, text?: string): Promise<string>;
  deleteChat(id: string): Promise<void>;
  listChats(): Promise<{ id: string; title: string; messages: number }[]>;
}
declare const demo: DemoHooks;

let h: BrowserHarness;
beforeAll(async () => {
  h = await startBrowserHarness();
});
afterAll(async () => {
  await h?.close();
});

describe('stand-in TypingMind page', () => {
  it('seeds chats with Date fields, TM_ settings, a Blob attachment and localStorage before the extension runs', async () => {
    const requests: string[] = [];
    const { page } = await h.openDevice({ params: { seed: 4, noext: true } });
    page.on('request', (r) => requests.push(r.url()));
    const data = await page.evaluate(() => demo.dump());
    const chatKeys = Object.keys(data.keyval).filter((k) => k.startsWith('CHAT_'));
    expect(chatKeys).toHaveLength(4);
    const chat = data.keyval[chatKeys[0]];
    expect(chat.createdAt).toHaveProperty('$date');
    expect(chat.updatedAt).toHaveProperty('$date');
    expect(chat.id).toBe(chatKeys[0].slice(5));
    expect(chat.messages.length).toBeGreaterThanOrEqual(2);
    expect(typeof chat.messages[0].createdAt).toBe('string');
    expect(Object.keys(data.keyval)).toEqual(expect.arrayContaining(['TM_useUserCharacters', 'TM_useUserPrompts', 'TM_useInstalledPlugins']));
    const blobs = Object.values(data.keyval).filter((v) => v && typeof v === 'object' && '$blob' in v);
    expect(blobs.length).toBeGreaterThanOrEqual(1);
    expect(blobs[0].$blob.type).toBe('image/png');
    // PNG signature, base64 of 89 50 4E 47 0D 0A 1A 0A
    expect(blobs[0].$blob.base64.startsWith('iVBORw0KGg')).toBe(true);
    expect(data.localStorage.TM_useTheme).toBe('"dark"');
    expect(data.localStorage.tcs_fakehost_seeded).toBe('1');
    // The database is what idb-keyval creates.
    const shape = await page.evaluate(
      () =>
        new Promise<{ version: number; stores: string[] }>((resolve) => {
          const req = indexedDB.open('keyval-store');
          req.onsuccess = () => {
            resolve({ version: req.result.version, stores: [...req.result.objectStoreNames] });
            req.result.close();
          };
        }),
    );
    expect(shape).toEqual({ version: 1, stores: ['keyval'] });
    await page.reload();
    await page.evaluate(() => (window as any).demo.seeded);
    expect(requests.every((u) => u.startsWith(h.server.url))).toBe(true);
  });

  it('seeds nothing with ?seed=0, and seeds a device only once', async () => {
    const { page } = await h.openDevice({ params: { seed: 0, noext: true } });
    const empty = await page.evaluate(() => demo.dump());
    expect(Object.keys(empty.keyval)).toEqual([]);
    const id = await page.evaluate(() => demo.createChat('Kept across reloads'));
    await page.goto(h.url({ seed: 5, noext: true }));
    await page.evaluate(() => (window as any).demo.seeded);
    const chats = await page.evaluate(() => demo.listChats());
    expect(chats.map((c) => c.id)).toEqual([id]);
  });

  it('creates, edits and deletes chats through its hooks and shows them in the list', async () => {
    const { page } = await h.openDevice({ params: { seed: 0, noext: true } });
    const id = await page.evaluate(() => demo.createChat('Hello <b>there</b>'));
    const row = page.locator(`tr[data-chat-id="${id}"]`);
    await row.waitFor();
    // A title is text, never markup.
    expect(await row.locator('td').first().textContent()).toBe('Hello <b>there</b>');
    expect(await page.locator('#chat-list b').count()).toBe(0);
    const before = await page.evaluate((i) => demo.dump().then((d) => d.keyval[`CHAT_${i}`]), id);
    await page.waitForTimeout(5);
    await page.evaluate((i) => demo.editChat(i, 'one more message'), id);
    const after = await page.evaluate((i) => demo.dump().then((d) => d.keyval[`CHAT_${i}`]), id);
    expect(after.messages).toHaveLength(before.messages.length + 1);
    expect(after.messages.at(-1).content).toBe('one more message');
    expect(after.updatedAt.$date > before.updatedAt.$date).toBe(true);
    await expect(page.evaluate(() => demo.editChat('nope'))).rejects.toThrow(/no chat with id nope/);
    await page.evaluate((i) => demo.deleteChat(i), id);
    expect(await page.evaluate(() => demo.listChats())).toEqual([]);
    await page.locator('#chat-list td', { hasText: 'No chats on this device yet.' }).waitFor();
  });

  it('says how to fix a missing bundle, and keeps working without it', async () => {
    const { page } = await h.openDevice({ params: { seed: 1 }, waitForExtension: false });
    await page.route('**/dist/cloudsync.js', (route) => route.fulfill({ status: 404, body: 'Not found' }));
    await page.reload();
    await page.locator('#extension-state', { hasText: 'Could not load' }).waitFor();
    expect(await page.locator('#extension-state').textContent()).toMatch(/^Error: Could not load http:\/\/127\.0\.0\.1:\d+\/dist\/cloudsync\.js: run "npm run build" \(or npm start\), then reload\.$/);
    await page.evaluate(() => demo.createChat('still works'));
    expect((await page.evaluate(() => demo.listChats())).map((c) => c.title)).toContain('still works');
  });

  it('"Reset this device" removes every database and setting of the page, then seeds afresh', async () => {
    const { page } = await h.openDevice({ params: { seed: 2, noext: true } });
    const before = await page.evaluate(() => demo.listChats());
    await page.evaluate(() => {
      localStorage.setItem('tcs_something', 'x');
      indexedDB.open('tcs-cloudsync-test', 1);
    });
    await Promise.all([page.waitForEvent('load'), page.locator('#reset-device').click()]);
    await page.evaluate(() => (window as any).demo.seeded);
    const after = await page.evaluate(() => demo.listChats());
    expect(after).toHaveLength(2);
    expect(after.map((c) => c.id).some((id) => before.some((b) => b.id === id))).toBe(false);
    const left = await page.evaluate(async () => ({
      dbs: (await indexedDB.databases()).map((d) => d.name),
      tcs: localStorage.getItem('tcs_something'),
    }));
    expect(left).toEqual({ dbs: ['keyval-store'], tcs: null });
  });
});
