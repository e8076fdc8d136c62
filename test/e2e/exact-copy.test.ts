/**
 * The copy is exact: after syncing, an empty second device holds the same keyval and localStorage data as the
 * first, compared value by value through the demo's tagged dump (Dates stay Dates, Blobs keep type and bytes,
 * localStorage strings unchanged), and stays equal after a create, an edit and a delete.
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

    await sync(a.page);
    await sync(b.page);
    const fromA = synced(await a.page.evaluate(() => demo.dump()));
    expect(Object.keys(fromA.keyval).filter((k) => k.startsWith('CHAT_'))).toHaveLength(3);
    expect(synced(await b.page.evaluate(() => demo.dump()))).toEqual(fromA);

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
