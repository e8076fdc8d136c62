/**
 * "History" in the real bundle on the stand-in page: a chat is edited after a snapshot; the modal finds it by a
 * word of its title, lists its versions (the cloud's and the snapshot's), brings the snapshot's back as a copy
 * beside it and then as the chat itself (after a second click), and the public API sees the same.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { extensionParams } from '../support/demo-server';
import { useBrowserAndS3 } from '../support/browser-and-s3';

const env = useBrowserAndS3();

type Api = {
  ready: Promise<void>;
  syncNow(): Promise<{ errors: unknown[] }>;
  createSnapshot(name: string): Promise<{ folder: string }>;
  findChats(q: string): Promise<{ key: string; where: string; messageCount: number }[]>;
  chatVersions(key: string): Promise<{ folder: string | null; kind: string; messageCount: number }[]>;
};

function putChat(page: Page, key: string, value: unknown) {
  return page.evaluate(
    async ([k, v]) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const r = indexedDB.open('keyval-store');
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
      const tx = db.transaction('keyval', 'readwrite');
      tx.objectStore('keyval').put(v, k as string);
      await new Promise<void>((resolve, reject) => {
        tx.oncomplete = () => resolve();
        tx.onabort = () => reject(tx.error);
      });
      db.close();
    },
    [key, value] as const,
  );
}

function readChats(page: Page) {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const r = indexedDB.open('keyval-store');
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    const s = db.transaction('keyval').objectStore('keyval');
    const [keys, values] = await Promise.all(
      [s.getAllKeys(), s.getAll()].map((r) => new Promise<unknown[]>((resolve) => (r.onsuccess = () => resolve(r.result as unknown[])))),
    );
    db.close();
    const out: Record<string, { chatTitle: string; messages: unknown[] }> = {};
    keys.forEach((k, i) => {
      if (String(k).startsWith('CHAT_')) out[String(k)] = values[i] as { chatTitle: string; messages: unknown[] };
    });
    return out;
  });
}

const chat = (messages: string[]) => ({
  id: 'histzebra001',
  chatID: 'histzebra001',
  chatTitle: 'Zebra migration notes',
  updatedAt: new Date(),
  messages: messages.map((content, i) => ({ uuid: `m${i}`, role: i % 2 ? 'assistant' : 'user', content, createdAt: new Date() })),
});

describe('History in Chromium', () => {
  it('finds a chat, lists its versions, restores the snapshot’s as a copy and then as the chat', async () => {
    const d = await env.h.openDevice({ params: { seed: 1, ...extensionParams(env.s3, 'history test') } });
    const { page } = d;
    const ready = async () => {
      await page.waitForFunction(() => (window as unknown as { typingMindCloudSync?: Api }).typingMindCloudSync !== undefined);
      await page.evaluate(() => (window as unknown as { typingMindCloudSync: Api }).typingMindCloudSync.ready);
    };
    await ready();
    // A device configured by URL opens the modal for its first sync at a moment of its own; start from a reload.
    await page.reload();
    await ready();
    await putChat(page, 'CHAT_histzebra001', chat(['first question', 'first answer']));
    const snapshot = await page.evaluate(async () => {
      const a = (window as unknown as { typingMindCloudSync: Api }).typingMindCloudSync;
      await a.syncNow();
      return a.createSnapshot('before the edit');
    });
    await putChat(page, 'CHAT_histzebra001', chat(['only this is left']));
    await page.evaluate(() => (window as unknown as { typingMindCloudSync: Api }).typingMindCloudSync.syncNow());

    // The public API
    const viaApi = await page.evaluate(async () => {
      const a = (window as unknown as { typingMindCloudSync: Api }).typingMindCloudSync;
      return { hits: await a.findChats('zebra NOTES'), versions: await a.chatVersions('CHAT_histzebra001') };
    });
    expect(viaApi.hits).toEqual([expect.objectContaining({ key: 'CHAT_histzebra001', where: 'device', messageCount: 1 })]);
    expect(viaApi.versions.find((v) => v.folder === null)?.messageCount).toBe(1);
    expect(viaApi.versions.find((v) => v.folder === snapshot.folder)?.messageCount).toBe(2);

    // The modal
    await page.click('[data-element-id="workspace-tab-cloudsync"]');
    await page.locator('[role="dialog"]').waitFor();
    await page.click('#history-header');
    await page.fill('#history-search', 'zebra');
    await page.press('#history-search', 'Enter');
    await page.locator('#history-chats tr[data-key="CHAT_histzebra001"]').waitFor();
    await page.click('#history-chats tr[data-key="CHAT_histzebra001"] .history-open');
    const snapRow = page.locator(`#history-versions tr[data-folder="${snapshot.folder}"]`);
    await snapRow.waitFor();
    expect(await snapRow.locator('td').nth(2).textContent()).toBe('2');
    expect(await page.locator('#history-versions tr[data-folder=""] td').nth(2).textContent()).toBe('1');

    await snapRow.locator('.history-copy').click();
    await page.waitForFunction(() => /A copy of the chat is back/.test(document.querySelector('#action-msg')?.textContent ?? ''));
    let chats = await readChats(page);
    const copies = Object.entries(chats).filter(([k, v]) => k !== 'CHAT_histzebra001' && v.chatTitle.startsWith('Zebra migration notes (restored from '));
    expect(copies.length).toBe(1);
    expect(copies[0][1].messages.length).toBe(2);
    expect(chats.CHAT_histzebra001.messages.length).toBe(1);

    // Replacing the chat asks for a second click.
    const restore = snapRow.locator('.history-restore');
    await restore.click();
    expect(await restore.textContent()).toBe('Replace the chat?');
    expect((await readChats(page)).CHAT_histzebra001.messages.length).toBe(1);
    await restore.click();
    await page.waitForFunction(() => /The chat is back as it was/.test(document.querySelector('#action-msg')?.textContent ?? ''));
    chats = await readChats(page);
    expect(chats.CHAT_histzebra001.messages.length).toBe(2);
    // Both went out through the sync: the cloud's version is the restored one now.
    const after = await page.evaluate(() => (window as unknown as { typingMindCloudSync: Api }).typingMindCloudSync.chatVersions('CHAT_histzebra001'));
    expect(after.find((v) => v.folder === null)?.messageCount).toBe(2);
    await d.context.close();
  }, 150_000);
});
