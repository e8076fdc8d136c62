/**
 * The Drive provider against the parts of real Drive that bite a real account, each reproduced by the
 * emulator: the trash (a trashed folder still answers by id and still takes new files), page tokens Drive
 * rejects mid-listing, per-second limits on new files and on copies, and an If-Match Drive stops honouring
 * (or a v2 API that goes away).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDriveStore, type DriveStoreOptions } from '../../../src/providers/gdrive';
import { startDriveEmulator, type DriveEmulator } from '../../support/gdrive-emulator';
import { probeStore } from '../../../src/providers/probe';
import type { CloudStore, GetResult, ListEntry } from '../../../src/providers/cloud-store';
import { isCloudSyncError } from '../../../src/errors';

const enc = new TextEncoder();
const dec = new TextDecoder();
const ROOT = 'TypingMind-Cloud-Sync';

let emu: DriveEmulator;
beforeEach(async () => {
  emu = await startDriveEmulator({ maxPageSize: 2 });
});
afterEach(async () => {
  await emu.stop();
});

function makeStore(overrides: Partial<DriveStoreOptions> = {}) {
  return createDriveStore({
    getAccessToken: async () => 'test-token',
    apiBase: emu.url,
    retry: { baseDelayMs: 1 },
    pacing: { createIntervalMs: 0, copyIntervalMs: 0 },
    ...overrides,
  });
}

async function keys(store: CloudStore, prefix = ''): Promise<string[]> {
  const out: ListEntry[] = [];
  for await (const page of store.list(prefix)) out.push(...page);
  return out.map((e) => e.key);
}

const text = (r: GetResult) => (r.kind === 'found' ? dec.decode(r.body) : undefined);
const liveCopies = (path: string) => emu.findPath(path).filter((f) => !emu.isTrashed(f));

describe('a folder moved to the trash in the Drive UI', () => {
  it('is not written to any more: new and known files go into a live folder; reads no longer see the trashed ones', async () => {
    const store = makeStore();
    await store.put('metadata.json', enc.encode('index'));
    await store.put('items/CHAT_a.json', enc.encode('a1'));
    const trashedRoot = emu.findPath(ROOT)[0].id;
    emu.trash(trashedRoot); // Drive still answers its id (and its files' ids) with 200, trashed: true

    await store.put('items/CHAT_b.json', enc.encode('b'));
    await store.put('items/CHAT_a.json', enc.encode('a2'));
    expect(liveCopies(`${ROOT}/items/CHAT_b.json`).map((f) => f.content.toString())).toEqual(['b']);
    expect(liveCopies(`${ROOT}/items/CHAT_a.json`).map((f) => f.content.toString())).toEqual(['a2']);
    expect(emu.childrenOf(trashedRoot).flatMap((f) => emu.childrenOf(f.id)).map((f) => f.content.toString())).toEqual(['a1']);
    expect((await store.get('metadata.json')).kind).toBe('not-found');
    expect(await keys(store)).toEqual(['items/CHAT_a.json', 'items/CHAT_b.json']);
  });

  it('a conditional write of a file in the trash is refused, not made into the trashed copy', async () => {
    const store = makeStore();
    const { etag } = await store.put('metadata.json', enc.encode('v1'));
    const file = emu.findPath(`${ROOT}/metadata.json`)[0];
    emu.trash(emu.findPath(ROOT)[0].id);
    const err = await store.put('metadata.json', enc.encode('v2'), { ifMatch: etag }).catch((e: unknown) => e);
    expect(isCloudSyncError(err, 'precondition-failed')).toBe(true);
    expect(file.content.toString()).toBe('v1');
  });

  it('a copy into a trashed folder is redone into a live one', async () => {
    const store = makeStore();
    await store.put('items/CHAT_a.json', enc.encode('a'));
    await store.put('backups/s-x/items/old.json', enc.encode('old'));
    emu.trash(emu.findPath(`${ROOT}/backups`)[0].id);
    await store.copy('items/CHAT_a.json', 'backups/s-x/items/CHAT_a.json');
    expect(liveCopies(`${ROOT}/backups/s-x/items/CHAT_a.json`).map((f) => f.content.toString())).toEqual(['a']);
    expect(await keys(store, 'backups/')).toEqual(['backups/s-x/items/CHAT_a.json']);
  });
});

describe('a page token Drive rejects mid-listing', () => {
  it('restarts the listing and lists every file once', async () => {
    const store = makeStore();
    for (let i = 0; i < 7; i++) await store.put(`items/k${i}.json`, enc.encode(String(i)));
    emu.injectFault({ status: 400, reason: 'invalid', message: 'Invalid Value', pathIncludes: 'pageToken=', times: 1, skip: 1 });
    expect(await keys(store, 'items/')).toEqual(Array.from({ length: 7 }, (_, i) => `items/k${i}.json`));
  });

  it('one that keeps being rejected fails the listing with a clear error, never a half listing', async () => {
    const store = makeStore({ searchLagToleranceMs: 0 });
    for (let i = 0; i < 7; i++) await store.put(`items/k${i}.json`, enc.encode(String(i)));
    emu.injectFault({ status: 400, reason: 'invalid', message: 'Invalid Value', pathIncludes: 'pageToken=', times: 100 });
    const err = await keys(store, 'items/').catch((e: unknown) => e);
    expect(isCloudSyncError(err, 'provider-error')).toBe(true);
    expect((err as Error).message).toMatch(/kept refusing to continue a listing/);
  });
});

describe("Drive's rate limits", () => {
  it('paced, many new files stay under the per-second limit: no rate-limit answer at all', async () => {
    emu.createsPerSecond = 4;
    const store = makeStore({ pacing: { createIntervalMs: 300, copyIntervalMs: 0 } });
    const t0 = Date.now();
    for (let i = 0; i < 10; i++) await store.put(`items/p${i}.json`, enc.encode('x'));
    expect(emu.rateLimited).toBe(0);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(10 * 300 - 50); // root + items + 10 files, spaced
    expect((await keys(store, 'items/')).length).toBe(10);
  }, 30_000);

  it('copies are paced on their own limit too, and parallel copies share the pace', async () => {
    emu.copiesPerSecond = 2;
    const store = makeStore({ pacing: { createIntervalMs: 0, copyIntervalMs: 550 } });
    for (let i = 0; i < 4; i++) await store.put(`items/c${i}.json`, enc.encode(String(i)));
    await Promise.all(Array.from({ length: 4 }, (_, i) => store.copy(`items/c${i}.json`, `backups/b/items/c${i}.json`)));
    expect(emu.rateLimited).toBe(0);
    expect(await keys(store, 'backups/')).toHaveLength(4);
  }, 30_000);

  it('unpaced, the emulator answers 403 userRateLimitExceeded and the back-off still gets every file through', async () => {
    emu.createsPerSecond = 3;
    const store = makeStore({ retry: { baseDelayMs: 400, maxAttempts: 6 } });
    for (let i = 0; i < 8; i++) await store.put(`items/u${i}.json`, enc.encode('x'));
    expect(emu.rateLimited).toBeGreaterThan(0);
    expect((await keys(store, 'items/')).length).toBe(8);
  }, 30_000);
});

describe('If-Match that Drive stops honouring', () => {
  it('the setup check finds it (a stale If-Match accepted), and writes then go without compare-and-swap', async () => {
    const honest = await probeStore(makeStore(), { id: 'p1' });
    expect(honest.capabilities.conditionalPut).toBe(true);
    emu.honourIfMatch = false;
    const probe = await probeStore(makeStore(), { id: 'p2' });
    expect(probe.ok).toBe(true);
    expect(probe.capabilities.conditionalPut).toBe(false);
    expect(probe.steps.find((s) => s.step === 'conditional-update')?.message).toMatch(/ignores If-Match/);
    expect(probe.capabilities.conditionalGet).toBe(true);
  });

  it('when v2 goes away, a conditional write becomes a checked write instead of failing every time', async () => {
    const logs: string[] = [];
    const store = makeStore({ log: (m) => logs.push(m) });
    let { etag } = await store.put('metadata.json', enc.encode('v1'));
    emu.v2Gone = true;
    ({ etag } = await store.put('metadata.json', enc.encode('v2'), { ifMatch: etag }));
    expect(store.capabilities.conditionalPut).toBe(false);
    expect(logs.join('\n')).toMatch(/no longer answers its v2 API/);
    ({ etag } = await store.put('metadata.json', enc.encode('v3'), { ifMatch: etag }));
    expect(text(await store.get('metadata.json'))).toBe('v3');
    // A stale etag is still refused by the version check.
    const err = await store.put('metadata.json', enc.encode('stale'), { ifMatch: 'nope:1' }).catch((e: unknown) => e);
    expect(isCloudSyncError(err, 'precondition-failed')).toBe(true);
    expect(emu.findPath(`${ROOT}/metadata.json`)).toHaveLength(1);
    expect(etag).toMatch(/:\d+$/);
  });
});
