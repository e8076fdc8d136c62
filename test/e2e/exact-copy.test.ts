/**
 * The copy is exact: after syncing, an empty second device holds the same keyval and localStorage data as the
 * first, compared value by value through the demo's tagged dump (Dates stay Dates, Blobs keep type and bytes,
 * localStorage strings unchanged), and stays equal after a create, an edit and a delete. Attachments keep their
 * own type even where the original's reader would sniff one ("", application/octet-stream), and empty values stay.
 * (sync-two-devices.test.ts covers the flows; this one checks the data itself.)
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useBrowserAndS3 } from '../support/browser-and-s3';
import { extensionParams } from '../support/demo-server';

interface Dump {
  keyval: Record<string, any>;
  localStorage: Record<string, string>;
}
interface Api {
  ready: Promise<void>;
  syncNow(): Promise<{ uploaded: string[]; downloaded: string[]; deleted: string[]; errors: { key: string; message: string }[] }>;
  status: { state: string; error?: string };
}
declare const demo: { dump(): Promise<Dump>; createChat(t?: string): Promise<string>; editChat(id: string, text?: string): Promise<string>; deleteChat(id: string): Promise<void> };
declare const typingMindCloudSync: Api;

const env = useBrowserAndS3();

/** The data a sync must carry: everything but the extension's own keys and the excluded ones. */
function synced(d: Dump) {
  const ls = Object.fromEntries(Object.entries(d.localStorage).filter(([k]) => !k.startsWith('tcs_') && k !== 'TM_useLastVerifiedToken'));
  return { keyval: d.keyval, localStorage: ls };
}

/** Values the sync could easily change on the way: written as TypingMind would, straight into its storage. */
async function writeAwkwardValues(page: Page) {
  await page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const r = indexedDB.open('keyval-store');
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 1, 2, 3]);
    const text = new TextEncoder().encode('an attachment with no type');
    const tx = db.transaction('keyval', 'readwrite');
    const s = tx.objectStore('keyval');
    s.put(new Blob([png], { type: '' }), 'ATTACHMENT_untyped_png');
    s.put(new Blob([text], { type: '' }), 'ATTACHMENT_untyped_text');
    s.put(new Blob([png], { type: 'application/octet-stream' }), 'ATTACHMENT_octet_png');
    s.put(new Blob([text], { type: 'text/plain;charset=utf-8' }), 'ATTACHMENT_charset');
    s.put(new Blob([], { type: '' }), 'ATTACHMENT_empty');
    s.put('', 'TM_emptyString');
    await new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onabort = () => reject(tx.error);
    });
    db.close();
    localStorage.setItem('TM_useEmptySetting', '');
  });
}

async function sync(page: Page) {
  const report = await page.evaluate(async () => {
    await typingMindCloudSync.ready;
    return typingMindCloudSync.syncNow();
  });
  expect(report.errors).toEqual([]);
  return report;
}

describe('exact copy between two devices', () => {
  it('a second, empty device receives everything; edits and deletions follow both ways', async () => {
    const params = extensionParams(env.s3, 'e2e two devices password');
    const a = await env.h.openDevice({ params: { seed: 3, refresh: 0, ...params } });
    const b = await env.h.openDevice({ params: { seed: 0, refresh: 0, ...params } });
    // Secrets do not stay in the address bar.
    expect(a.page.url()).not.toContain('secretkey');

    await writeAwkwardValues(a.page);
    await sync(a.page);
    await sync(b.page);
    const fromA = synced(await a.page.evaluate(() => demo.dump()));
    expect(Object.keys(fromA.keyval).filter((k) => k.startsWith('CHAT_'))).toHaveLength(3);
    expect(fromA.keyval.ATTACHMENT_untyped_png.$blob.type).toBe('');
    expect(fromA.keyval.ATTACHMENT_octet_png.$blob.type).toBe('application/octet-stream');
    expect(fromA.keyval.ATTACHMENT_empty).toEqual({ $blob: { type: '', base64: '' } });
    expect(fromA.localStorage.TM_useEmptySetting).toBe('');
    expect(synced(await b.page.evaluate(() => demo.dump()))).toEqual(fromA);
    // Received exactly: neither device has anything to send back.
    expect((await sync(b.page)).uploaded).toEqual([]);
    expect((await sync(a.page)).uploaded).toEqual([]);

    const id = await b.page.evaluate(() => demo.createChat('Written on B'));
    await b.page.evaluate((i) => demo.editChat(i, 'second line from B'), id);
    await sync(b.page);
    await sync(a.page);
    const chatOnA = (await a.page.evaluate(() => demo.dump())).keyval[`CHAT_${id}`];
    expect(chatOnA.chatTitle).toBe('Written on B');
    expect(chatOnA.messages.at(-1).content).toBe('second line from B');
    expect(chatOnA.updatedAt).toHaveProperty('$date');

    await a.page.evaluate((i) => demo.deleteChat(i), id);
    await sync(a.page);
    await sync(b.page);
    expect((await b.page.evaluate(() => demo.dump())).keyval).not.toHaveProperty(`CHAT_${id}`);
    expect(synced(await b.page.evaluate(() => demo.dump()))).toEqual(synced(await a.page.evaluate(() => demo.dump())));
  });
});
