/**
 * Duplicate folders and lagging searches on Google Drive, against the emulator (which, like Drive, lets two
 * folders share a name and can keep new files out of searches for a while):
 *  - reads and listings see the files of every duplicate, at every level;
 *  - writes go into one folder, the same on every device (the first created);
 *  - a write path heals: the other folder's files move into that one and the empty duplicate goes to the
 *    trash, and no file is lost (of two same-named files, the newer stays the one read);
 *  - a file this store just wrote is read, listed, replaced and copied over without ever being created twice,
 *    though searches do not show it yet.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDriveStore, type DriveStoreOptions } from '../../../src/providers/gdrive';
import { FOLDER_MIME, startDriveEmulator, type DriveEmulator } from '../../support/gdrive-emulator';
import type { CloudStore, GetResult, ListEntry } from '../../../src/providers/cloud-store';
import { isCloudSyncError } from '../../../src/errors';

const enc = new TextEncoder();
const dec = new TextDecoder();
const ROOT = 'TypingMind-Cloud-Sync';
const T = (iso: string) => Date.parse(iso);

let emu: DriveEmulator;
beforeEach(async () => {
  emu = await startDriveEmulator();
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

function text(r: GetResult): string | undefined {
  return r.kind === 'found' ? dec.decode(r.body) : undefined;
}

const live = <F extends { id: string }>(files: F[]) => files.filter((f) => !emu.isTrashed(emu.files.get(f.id)!));

/** Two `items` folders in one root, as two devices starting at once leave them. */
function seedTwoItemsFolders() {
  const root = emu.seedFolder(ROOT);
  emu.seedFile('metadata.json', root, '{}');
  const first = emu.seedFolder('items', root); // created first: the one writes go into
  const second = emu.seedFolder('items', root);
  emu.seedFile('CHAT_a.json', first, 'a in first');
  emu.seedFile('CHAT_b.json', second, 'b in second');
  // The older copy is in the duplicate, so healing moves it: a move that let Drive stamp it "modified now"
  // would make it the one read.
  emu.seedFile('CHAT_both.json', first, 'both: newer', { modifiedTime: T('2025-06-01T00:00:00Z') });
  emu.seedFile('CHAT_both.json', second, 'both: older', { modifiedTime: T('2025-01-01T00:00:00Z') });
  return { root, first, second };
}

describe('duplicate folders', () => {
  it('reads and lists the files of both items folders, the newer of two same-named files', async () => {
    seedTwoItemsFolders();
    const store = makeStore();
    expect(await keys(store, 'items/')).toEqual(['items/CHAT_a.json', 'items/CHAT_b.json', 'items/CHAT_both.json']);
    expect(await keys(store)).toEqual(['items/CHAT_a.json', 'items/CHAT_b.json', 'items/CHAT_both.json', 'metadata.json']);
    expect(text(await store.get('items/CHAT_a.json'))).toBe('a in first');
    expect(text(await store.get('items/CHAT_b.json'))).toBe('b in second');
    expect(text(await store.get('items/CHAT_both.json'))).toBe('both: newer');
  });

  it('a write heals: every file moves into the first-created folder, the empty duplicate goes to the trash, none is lost', async () => {
    const { first, second } = seedTwoItemsFolders();
    const logs: string[] = [];
    const store = makeStore({ log: (m) => logs.push(m) });
    await store.put('items/CHAT_new.json', enc.encode('new'));

    expect(emu.files.get(second)?.trashed).toBe(true);
    expect(emu.files.get(first)?.trashed).toBe(false);
    const inFirst = emu.childrenOf(first).map((f) => f.name).sort();
    expect(inFirst).toEqual(['CHAT_a.json', 'CHAT_b.json', 'CHAT_both.json', 'CHAT_both.json', 'CHAT_new.json']);
    expect(emu.childrenOf(second)).toEqual([]);
    expect(logs.join('\n')).toMatch(/merged a duplicate "items" folder/);

    // The moved older copy kept its modifiedTime, so the newer content is still the one read, here and elsewhere.
    for (const reader of [store, makeStore()]) {
      expect(text(await reader.get('items/CHAT_both.json'))).toBe('both: newer');
      expect(text(await reader.get('items/CHAT_b.json'))).toBe('b in second');
      expect(await keys(reader, 'items/')).toEqual(['items/CHAT_a.json', 'items/CHAT_b.json', 'items/CHAT_both.json', 'items/CHAT_new.json']);
    }
  });

  it('two app roots (the original and this build): writes go into the first created, on every device, and the other is merged into it', async () => {
    const original = emu.seedFolder(ROOT, 'root', { modifiedTime: T('2024-01-01T00:00:00Z') });
    const ours = emu.seedFolder(ROOT, 'root', { modifiedTime: T('2026-01-01T00:00:00Z') }); // newer, but created later
    const origItems = emu.seedFolder('items', original);
    emu.seedFile('CHAT_old.json', origItems, 'from the original');
    emu.seedFile('metadata.json', original, 'original index', { modifiedTime: T('2024-02-01T00:00:00Z') });
    const ourItems = emu.seedFolder('items', ours);
    emu.seedFile('CHAT_mine.json', ourItems, 'from this build');
    emu.seedFile('metadata.json', ours, 'our index', { modifiedTime: T('2026-02-01T00:00:00Z') });

    const deviceA = makeStore();
    const deviceB = makeStore();
    expect(text(await deviceB.get('items/CHAT_old.json'))).toBe('from the original');
    expect(text(await deviceB.get('items/CHAT_mine.json'))).toBe('from this build');
    await deviceA.put('items/CHAT_a.json', enc.encode('A'));
    await deviceB.put('items/CHAT_b.json', enc.encode('B'));

    const roots = live(emu.findPath(ROOT));
    expect(roots.map((f) => f.id)).toEqual([original]);
    expect(emu.files.get(ours)?.trashed).toBe(true);
    const items = live(emu.findPath(`${ROOT}/items`));
    expect(items.map((f) => f.id)).toEqual([origItems]); // the duplicate items folder, moved in, was healed too
    expect(emu.childrenOf(origItems).map((f) => f.name).sort()).toEqual(['CHAT_a.json', 'CHAT_b.json', 'CHAT_mine.json', 'CHAT_old.json']);
    // Both indexes are kept side by side; the newer is the one read.
    expect(live(emu.findPath(`${ROOT}/metadata.json`)).map((f) => f.content.toString()).sort()).toEqual(['original index', 'our index']);
    expect(text(await makeStore().get('metadata.json'))).toBe('our index');
  });

  it('a duplicate written to while it is merged is not trashed, and its files stay readable', async () => {
    const { second } = seedTwoItemsFolders();
    // The second listing of the duplicate (after the moves) finds a file another device wrote meanwhile.
    const store = makeStore();
    let moves = 0;
    const realFetch = globalThis.fetch;
    const fetchSpy: typeof fetch = async (input, init) => {
      const res = await realFetch(input, init);
      if (init?.method === 'PATCH' && String(input).includes('removeParents') && ++moves === 2) emu.seedFile('CHAT_late.json', second, 'late');
      return res;
    };
    const racing = makeStore({ fetch: fetchSpy });
    await racing.put('items/CHAT_new.json', enc.encode('new'));
    expect(emu.files.get(second)?.trashed).toBe(false);
    expect(text(await racing.get('items/CHAT_late.json'))).toBe('late');
    expect(await keys(store, 'items/')).toContain('items/CHAT_late.json');
  });

  it('a device that cached its folder sees a duplicate another device made once the cache expires', async () => {
    let now = Date.now();
    const store = makeStore({ now: () => now, folderCacheTtlMs: 60_000 });
    await store.put('items/CHAT_a.json', enc.encode('a'));
    // Another device, whose search did not see our items folder yet, made its own.
    const root = emu.findPath(ROOT)[0].id;
    const theirs = emu.seedFolder('items', root);
    emu.seedFile('CHAT_theirs.json', theirs, 'theirs');
    expect(await keys(store, 'items/')).toEqual(['items/CHAT_a.json']); // still within the cache's time
    now += 61_000;
    expect(await keys(store, 'items/')).toEqual(['items/CHAT_a.json', 'items/CHAT_theirs.json']);
    await store.put('items/CHAT_c.json', enc.encode('c'));
    expect(emu.files.get(theirs)?.trashed).toBe(true);
    expect(text(await store.get('items/CHAT_theirs.json'))).toBe('theirs');
  });
});

describe('a device whose folder another device merged away', () => {
  it('stops reading its own older copy of metadata.json once its folder ids expire, and reads the newest', async () => {
    let now = Date.now();
    const rootB = emu.seedFolder(ROOT);
    emu.seedFile('metadata.json', rootB, 'B index', { modifiedTime: T('2025-01-01T00:00:00Z') });
    const deviceB = makeStore({ now: () => now, folderCacheTtlMs: 60_000 });
    expect(text(await deviceB.get('metadata.json'))).toBe('B index');
    // The original's root, created before B's, with a newer index: another device merges B's root into it.
    const rootA = emu.seedFolder(ROOT);
    emu.files.get(rootA)!.createdTime = emu.files.get(rootB)!.createdTime - 1000;
    emu.seedFile('metadata.json', rootA, 'A index', { modifiedTime: T('2025-06-01T00:00:00Z') });
    await makeStore().put('items/CHAT_x.json', enc.encode('x'));
    expect(emu.files.get(rootB)?.trashed).toBe(true);
    expect(text(await deviceB.get('metadata.json', {}))).toBe('B index'); // its cached id, within the cache's time
    const idle = emu.requests.length;
    await deviceB.get('metadata.json', { ifNoneMatch: 'x' });
    expect(emu.requests.length - idle).toBe(2); // still no lookup while fresh: metadata, then the bytes
    now += 61_000;
    expect(text(await deviceB.get('metadata.json'))).toBe('A index');
  });
});

describe('searches that lag behind writes', () => {
  it('a file just written is read, listed, rewritten, copied over and conditionally created without a second copy', async () => {
    emu.searchLagMs = 60_000;
    const store = makeStore();
    await store.put('items/CHAT_x.json', enc.encode('v1'));
    expect(text(await store.get('items/CHAT_x.json'))).toBe('v1');
    expect(await keys(store, 'items/')).toEqual(['items/CHAT_x.json']);
    await store.put('items/CHAT_x.json', enc.encode('v2'));
    const err = await store.put('items/CHAT_x.json', enc.encode('v3'), { ifNoneMatch: '*' }).catch((e: unknown) => e);
    expect(isCloudSyncError(err, 'precondition-failed')).toBe(true);
    await store.put('items/CHAT_y.json', enc.encode('y'));
    await store.copy('items/CHAT_y.json', 'items/CHAT_x.json');
    expect(emu.findPath(`${ROOT}/items/CHAT_x.json`).map((f) => f.content.toString())).toEqual(['y']);
    expect(emu.findPath(ROOT)).toHaveLength(1);
    expect(emu.findPath(`${ROOT}/items`).filter((f) => f.mimeType === FOLDER_MIME)).toHaveLength(1);
    await store.deleteMany(['items/CHAT_x.json']);
    expect(emu.findPath(`${ROOT}/items/CHAT_x.json`)).toEqual([]);
    expect(await keys(store, 'items/')).toEqual(['items/CHAT_y.json']);
  });
});
