/**
 * Drive-specific behaviour of the Drive provider, against the Drive API emulator over HTTP:
 * the original's layout, duplicates, quoting, auth failures, retries, request costs.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDriveStore, type DriveStoreOptions } from '../../../src/providers/gdrive';
import { isCloudSyncError, type CloudSyncError } from '../../../src/errors';
import { FOLDER_MIME, startDriveEmulator, type DriveEmulator } from '../../support/gdrive-emulator';
import { loadFixtureBucket } from '../../support/fixture-bucket';
import { probeStore } from '../../../src/providers/probe';
import type { CloudStore, GetResult, ListEntry } from '../../../src/providers/cloud-store';

const enc = new TextEncoder();
const dec = new TextDecoder();
const ROOT = 'TypingMind-Cloud-Sync';

let emu: DriveEmulator;
let sleeps: number[];
let tokenCalls: boolean[];

beforeEach(async () => {
  emu = await startDriveEmulator();
  sleeps = [];
  tokenCalls = [];
});
afterEach(async () => {
  await emu.stop();
});

function makeStore(overrides: Partial<DriveStoreOptions> = {}) {
  return createDriveStore({
    getAccessToken: async (interactive) => {
      tokenCalls.push(interactive);
      return 'test-token';
    },
    apiBase: emu.url,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    pacing: { createIntervalMs: 0, copyIntervalMs: 0 }, // pacing has its own tests (gdrive-drive-limits)
    ...overrides,
  });
}

async function listAll(store: CloudStore, prefix: string): Promise<ListEntry[]> {
  const out: ListEntry[] = [];
  for await (const page of store.list(prefix)) out.push(...page);
  return out;
}

function text(r: GetResult): string {
  if (r.kind !== 'found') throw new Error(`expected found, got ${r.kind}`);
  return dec.decode(r.body);
}

async function caught(p: Promise<unknown>): Promise<CloudSyncError> {
  try {
    await p;
  } catch (e) {
    if (isCloudSyncError(e)) return e;
    throw e;
  }
  throw new Error('expected a CloudSyncError');
}

describe("the original's layout", () => {
  it('finds and reads, byte for byte, every object of a bucket the original wrote, laid out as it lays them out on Drive', async () => {
    const fixture = loadFixtureBucket('v4.2');
    for (const [key, bytes] of fixture.objects) {
      emu.seedPath(ROOT, key, bytes, { mimeType: key.endsWith('metadata.json') ? 'application/json' : 'application/octet-stream' });
    }
    const store = makeStore();
    const listed = await listAll(store, '');
    expect(listed.map((e) => e.key).sort()).toEqual([...fixture.objects.keys()].sort());
    for (const e of listed) expect(e.size, e.key).toBe(fixture.objects.get(e.key)?.byteLength);
    for (const [key, bytes] of fixture.objects) {
      const got = await store.get(key);
      expect(got.kind, key).toBe('found');
      if (got.kind === 'found') expect(Buffer.from(got.body).equals(Buffer.from(bytes)), key).toBe(true);
    }
    // A snapshot lists recursively (the original listed only direct children, which broke restore).
    const snapshot = [...fixture.objects.keys()].filter((k) => k.startsWith('backups/s-Lab-snapshot-A-20261122T022002/'));
    const snapListed = await listAll(store, 'backups/s-Lab-snapshot-A-20261122T022002/');
    expect(snapListed.map((e) => e.key).sort()).toEqual(snapshot.sort());
    expect(snapshot.length).toBe(26);
    // A prefix that ends inside a name narrows by name, as on S3.
    const snapshots = await listAll(store, 'backups/s-');
    expect(snapshots.map((e) => e.key).sort()).toEqual(snapshot.sort());
  });

  it('writes in the same layout: one root folder in My Drive, a folder per segment, the file named by the last segment', async () => {
    const store = makeStore();
    await store.put('backups/s-x-20250101T000000/items/CHAT_1.json', enc.encode('c'));
    await store.put('metadata.json', enc.encode('{}'), { contentType: 'application/json' });
    const roots = emu.childrenOf('root');
    expect(roots.map((f) => [f.name, f.mimeType])).toEqual([[ROOT, FOLDER_MIME]]);
    expect(emu.findPath(`${ROOT}/backups/s-x-20250101T000000/items/CHAT_1.json`)).toHaveLength(1);
    const meta = emu.findPath(`${ROOT}/metadata.json`);
    expect(meta.map((f) => [f.mimeType, f.content.toString()])).toEqual([['application/json', '{}']]);
  });

  it('uses a root folder name given in the options', async () => {
    const store = makeStore({ rootFolderName: 'Other Root' });
    await store.put('a.json', enc.encode('a'));
    expect(emu.findPath('Other Root/a.json')).toHaveLength(1);
  });
});

describe('duplicate names', () => {
  it('reads the most recently modified of duplicate files, and writes into it instead of creating another', async () => {
    const root = emu.seedFolder(ROOT);
    emu.seedFile('metadata.json', root, 'older', { modifiedTime: Date.parse('2025-01-01T00:00:00Z') });
    const newer = emu.seedFile('metadata.json', root, 'newer', { modifiedTime: Date.parse('2025-06-01T00:00:00Z') });
    emu.seedFile('metadata.json', root, 'oldest', { modifiedTime: Date.parse('2024-01-01T00:00:00Z') });
    const store = makeStore();
    expect(text(await store.get('metadata.json'))).toBe('newer');
    const listed = await listAll(store, '');
    expect(listed.map((e) => e.key)).toEqual(['metadata.json']);
    expect(listed[0].size).toBe(5);

    await store.put('metadata.json', enc.encode('written'));
    const files = emu.findPath(`${ROOT}/metadata.json`);
    expect(files).toHaveLength(3);
    expect(emu.files.get(newer)?.content.toString()).toBe('written');
  });

  it('reads across two root folders and two sub-folders with one name: the newest file stands for a key (more in gdrive-duplicates)', async () => {
    const oldRoot = emu.seedFolder(ROOT, 'root', { modifiedTime: Date.parse('2024-01-01T00:00:00Z') });
    const newRoot = emu.seedFolder(ROOT, 'root', { modifiedTime: Date.parse('2025-01-01T00:00:00Z') });
    emu.seedFile('metadata.json', oldRoot, 'in old root');
    emu.seedFile('metadata.json', newRoot, 'in new root');
    const itemsOld = emu.seedFolder('items', newRoot, { modifiedTime: Date.parse('2024-05-01T00:00:00Z') });
    const itemsNew = emu.seedFolder('items', newRoot, { modifiedTime: Date.parse('2025-05-01T00:00:00Z') });
    emu.seedFile('k.json', itemsOld, 'old items');
    emu.seedFile('k.json', itemsNew, 'new items');
    const store = makeStore();
    expect(text(await store.get('metadata.json'))).toBe('in new root');
    expect(text(await store.get('items/k.json'))).toBe('new items');
    expect((await listAll(store, 'items/')).map((e) => e.key)).toEqual(['items/k.json']);
  });

  it('never creates a second file for a key another device already wrote', async () => {
    const deviceA = makeStore();
    const deviceB = makeStore();
    await deviceA.put('items/shared.json', enc.encode('from A'));
    await deviceB.put('items/shared.json', enc.encode('from B'));
    expect(emu.findPath(`${ROOT}/items/shared.json`)).toHaveLength(1);
    expect(emu.findPath(ROOT)).toHaveLength(1);
    expect(text(await deviceA.get('items/shared.json'))).toBe('from B');
  });

  it('copy replaces an existing destination (and its duplicates) instead of adding one', async () => {
    const root = emu.seedFolder(ROOT);
    emu.seedFile('dst.json', root, 'old 1');
    emu.seedFile('dst.json', root, 'old 2');
    const store = makeStore();
    await store.put('src.json', enc.encode('new'));
    await store.copy('src.json', 'dst.json');
    const dst = emu.findPath(`${ROOT}/dst.json`);
    expect(dst.map((f) => f.content.toString())).toEqual(['new']);
    expect(emu.requests.some((r) => r.path.endsWith('/copy'))).toBe(true);
    expect(emu.requests.some((r) => r.query.alt === 'media')).toBe(false); // server-side: no download
  });

  it('deleteMany removes every duplicate of a key, so none comes back', async () => {
    const root = emu.seedFolder(ROOT);
    emu.seedFile('gone.json', root, '1');
    emu.seedFile('gone.json', root, '2');
    const store = makeStore();
    await store.deleteMany(['gone.json']);
    expect(emu.findPath(`${ROOT}/gone.json`)).toHaveLength(0);
    expect((await store.get('gone.json')).kind).toBe('not-found');
  });
});

describe('names that need quoting', () => {
  const names = ["it's.json", 'back\\slash.json', "both\\'mixed.json", "O'Brien's \\ chat 'x'.json"];

  it('escapes quote and backslash in queries, so such keys are written once and read back', async () => {
    const store = makeStore();
    for (const n of names) await store.put(`items/${n}`, enc.encode(n));
    for (const n of names) await store.put(`items/${n}`, enc.encode(`again ${n}`)); // found, so updated in place
    for (const n of names) {
      expect(text(await store.get(`items/${n}`))).toBe(`again ${n}`);
      expect(emu.findPath(`${ROOT}/items/${n}`), n).toHaveLength(1);
    }
    expect(emu.requests.filter((r) => r.status === 400)).toEqual([]);
  });

  it('the emulator rejects a query with an unescaped quote, as Drive does (so the test above means something)', async () => {
    const q = "name = 'it's.json' and trashed = false";
    const res = await fetch(`${emu.url}/drive/v3/files?q=${encodeURIComponent(q)}`, { headers: { Authorization: 'Bearer test-token' } });
    expect(res.status).toBe(400);
  });
});

describe('sign-in failures', () => {
  it('on a 401, drops the token and retries once with a fresh one obtained silently', async () => {
    emu.addToken('fresh-token');
    emu.revokeToken('test-token');
    const invalidated: string[] = [];
    let current = 'test-token';
    const store = makeStore({
      getAccessToken: async (interactive) => {
        tokenCalls.push(interactive);
        return current;
      },
      invalidateToken: (t) => {
        invalidated.push(t);
        current = 'fresh-token';
      },
    });
    await store.put('a.json', enc.encode('a'));
    expect(invalidated).toEqual(['test-token']);
    expect(tokenCalls.every((i) => i === false)).toBe(true);
    expect(store.needsReconnect).toBe(false);
  });

  it('a second 401 means reconnect-required: later calls fail at once without the network, and never prompt', async () => {
    emu.revokeToken('test-token');
    const store = makeStore();
    const err = await caught(store.get('metadata.json'));
    expect(err.code).toBe('reconnect-required');
    expect(err.message).toMatch(/sign in/i);
    expect(store.needsReconnect).toBe(true);

    const before = emu.requests.length;
    expect((await caught(store.put('a.json', enc.encode('a')))).code).toBe('reconnect-required');
    expect((await caught(listAll(store, ''))).code).toBe('reconnect-required');
    expect(emu.requests.length).toBe(before);
    expect(tokenCalls).not.toContain(true);

    // Only the user's click (reconnect) asks interactively; then work resumes.
    emu.addToken('test-token');
    await store.reconnect();
    expect(tokenCalls.filter((i) => i)).toHaveLength(1);
    expect(store.needsReconnect).toBe(false);
    expect((await store.get('metadata.json')).kind).toBe('not-found');
  });

  it('a silent token refresh that fails puts the store into reconnect-required, with no interactive prompt', async () => {
    const store = makeStore({
      getAccessToken: async (interactive) => {
        tokenCalls.push(interactive);
        throw new Error('popup_failed_to_open');
      },
    });
    expect((await caught(store.get('metadata.json'))).code).toBe('reconnect-required');
    expect(store.needsReconnect).toBe(true);
    expect(tokenCalls).toEqual([false]);
    expect(emu.requests).toHaveLength(0);
  });
});

describe('retries', () => {
  it('waits as long as Retry-After says on a 429, then succeeds', async () => {
    emu.injectFault({ status: 429, retryAfter: '7', method: 'GET' });
    const store = makeStore();
    expect((await store.get('metadata.json')).kind).toBe('not-found');
    expect(sleeps).toEqual([7000]);
  });

  it('honours an HTTP-date Retry-After', async () => {
    const at = new Date(Date.parse('2030-01-01T00:00:10Z'));
    emu.injectFault({ status: 503, retryAfter: at.toUTCString() });
    const store = makeStore({ now: () => Date.parse('2030-01-01T00:00:00Z') });
    await store.put('x.json', enc.encode('x'));
    expect(sleeps).toEqual([10_000]);
  });

  it('retries rate-limit 403s and 5xx with growing backoff, then succeeds', async () => {
    emu.injectFault({ status: 403, reason: 'userRateLimitExceeded' });
    emu.injectFault({ status: 403, reason: 'rateLimitExceeded' });
    emu.injectFault({ status: 500 });
    const store = makeStore({ retry: { baseDelayMs: 100 } });
    await store.put('x.json', enc.encode('x'));
    expect(sleeps).toEqual([75, 150, 300]);
    expect(text(await store.get('x.json'))).toBe('x');
  });

  it('gives up after the bounded number of attempts with throttled', async () => {
    emu.injectFault({ status: 429, times: 100 });
    const store = makeStore({ retry: { maxAttempts: 3 } });
    const err = await caught(store.get('metadata.json'));
    expect(err.code).toBe('throttled');
    expect(sleeps).toHaveLength(2);
    expect(emu.requests).toHaveLength(3);
  });

  it('does not wait longer than allowed: a huge Retry-After gives up with throttled at once', async () => {
    emu.injectFault({ status: 429, retryAfter: '3600' });
    const store = makeStore();
    const err = await caught(store.get('metadata.json'));
    expect(err.code).toBe('throttled');
    expect(err.details.retryAfterMs).toBe(3_600_000);
    expect(sleeps).toEqual([]);
  });

  it('maps non-retryable answers to their codes without retrying', async () => {
    const store = makeStore();
    emu.injectFault({ status: 403, reason: 'storageQuotaExceeded' });
    const quota = await caught(store.put('x.json', enc.encode('x')));
    expect(quota.code).toBe('quota-exceeded');
    expect(quota.message).toMatch(/full/);
    emu.injectFault({ status: 403, reason: 'insufficientPermissions' });
    expect((await caught(store.get('x.json'))).code).toBe('access-denied');
    emu.injectFault({ status: 400, reason: 'badRequest' });
    expect((await caught(store.get('x.json'))).code).toBe('provider-error');
    expect(sleeps).toEqual([]);
  });

  it('"Drive API not enabled" (403 accessNotConfigured) says so, with Google\'s own message and its link, in the setup check too', async () => {
    const googleText =
      'Google Drive API has not been used in project 123456789 before or it is disabled. Enable it by visiting https://console.developers.google.com/apis/api/drive.googleapis.com/overview?project=123456789 then retry.';
    const store = makeStore();
    emu.injectFault({ status: 403, reason: 'accessNotConfigured', message: googleText, times: 1 });
    const err = await caught(store.get('x.json'));
    expect(err.code).toBe('access-denied');
    expect(err.message).toMatch(/Drive API is not enabled/);
    expect(err.message).toContain('at https://console.developers.google.com/apis/api/drive.googleapis.com/overview?project=123456789,');
    expect(err.message).toContain(googleText);
    expect(err.message).not.toMatch(/same Google account/); // not the generic "check your account" advice
    expect(err.details.fixUrl).toBe('https://console.developers.google.com/apis/api/drive.googleapis.com/overview?project=123456789');
    emu.injectFault({ status: 403, reason: 'accessNotConfigured', message: googleText, times: 1 });
    const probe = await probeStore(store);
    expect(probe.ok).toBe(false);
    expect(probe.steps[0].message).toContain(googleText);
    expect(sleeps).toEqual([]);
  });

  it('reports an unreachable Drive as cors-or-network after retrying', async () => {
    const url = emu.url;
    await emu.stop();
    const store = makeStore({ apiBase: url, retry: { maxAttempts: 2 } });
    const err = await caught(store.get('metadata.json'));
    expect(err.code).toBe('cors-or-network');
    expect(sleeps).toHaveLength(1);
    emu = await startDriveEmulator(); // afterEach stops it
  });
});

describe('conditional requests and what they cost', () => {
  it('an unchanged metadata.json costs one small request; a changed one costs two', async () => {
    const store = makeStore();
    const put = await store.put('metadata.json', enc.encode('{"v":1}'));
    await store.get('metadata.json'); // warms the name→id cache
    let mark = emu.requests.length;
    expect(await store.get('metadata.json', { ifNoneMatch: put.etag })).toEqual({ kind: 'not-modified', etag: put.etag });
    expect(emu.requests.slice(mark).map((r) => [r.method, r.query.alt ?? r.query.fields])).toEqual([['GET', expect.stringContaining('version')]]);

    await makeStore().put('metadata.json', enc.encode('{"v":2}')); // another device
    mark = emu.requests.length;
    expect(text(await store.get('metadata.json', { ifNoneMatch: put.etag }))).toBe('{"v":2}');
    expect(emu.requests.length - mark).toBe(2);
  });

  it('compare-and-swap sends the v2 etag as If-Match, so a change between check and write is refused by Drive itself', async () => {
    const store = makeStore();
    const v1 = await store.put('metadata.json', enc.encode('v1'));
    await store.put('metadata.json', enc.encode('v2'), { ifMatch: v1.etag });
    const write = emu.requests.find((r) => r.path.startsWith('/upload/drive/v2/'));
    expect(write?.ifMatch).toMatch(/^".+"$/);
    expect(write?.query.uploadType).toBe('media');
  });

  it('an etag from a file that was deleted and recreated (same name, same version number) does not match', async () => {
    const deviceA = makeStore();
    const old = await deviceA.put('metadata.json', enc.encode('old file'));
    await deviceA.deleteMany(['metadata.json']);
    const deviceB = makeStore();
    const fresh = await deviceB.put('metadata.json', enc.encode('new file'));
    expect(fresh.etag.split(':')[1]).toBe(old.etag.split(':')[1]); // the version number alone would collide
    const err = await caught(makeStore().put('metadata.json', enc.encode('stale writer'), { ifMatch: old.etag }));
    expect(err.code).toBe('precondition-failed');
    expect(text(await deviceB.get('metadata.json'))).toBe('new file');
  });

  it('a large conditional write goes through a resumable v2 session guarded by If-Match', async () => {
    const store = makeStore({ multipartLimit: 1024, chunkSize: 256 * 1024 });
    const big = new Uint8Array(600 * 1024).fill(7);
    const v1 = await store.put('metadata.json', big);
    const v2 = await store.put('metadata.json', big.map((b) => b + 1), { ifMatch: v1.etag });
    expect(emu.requests.filter((r) => r.query.upload_id && r.path.includes('/v2/'))).toHaveLength(3); // 3 chunks
    const stale = await caught(store.put('metadata.json', big, { ifMatch: v1.etag }));
    expect(stale.code).toBe('precondition-failed');
    const got = await store.get('metadata.json');
    expect(got.kind === 'found' && got.etag).toBe(v2.etag);
    expect(got.kind === 'found' && got.body[0]).toBe(8);
  });

  it('an emulated race: the etag moves between our check and our write, and the stale write is refused', async () => {
    const store = makeStore();
    const v1 = await store.put('metadata.json', enc.encode('v1'));
    const other = makeStore();
    // Another device writes right after our v2 etag read (simulated via a fault hook on the write).
    const realFetch = globalThis.fetch;
    let injected = false;
    const racing = makeStore({
      fetch: async (input, init) => {
        const url = String(input);
        if (!injected && url.includes('/upload/drive/v2/')) {
          injected = true;
          await other.put('metadata.json', enc.encode('other device'));
        }
        return realFetch(input, init);
      },
    });
    const err = await caught(racing.put('metadata.json', enc.encode('mine'), { ifMatch: v1.etag }));
    expect(err.code).toBe('precondition-failed');
    expect(text(await store.get('metadata.json'))).toBe('other device');
    expect(emu.requests.some((r) => r.status === 412)).toBe(true);
  });
});

describe('uploads', () => {
  it('sends small bodies as multipart and large ones as resumable chunks of 256 KiB multiples', async () => {
    const store = makeStore({ multipartLimit: 1000, chunkSize: 256 * 1024 });
    await store.put('small.bin', new Uint8Array(1000).fill(1));
    const big = new Uint8Array(256 * 1024 * 2 + 5).map((_, i) => i % 251);
    await store.put('big.bin', big);
    await store.put('big.bin', big.map((b) => 255 - b)); // update, also resumable
    const uploads = emu.requests.filter((r) => r.path.startsWith('/upload/'));
    expect(uploads.filter((r) => r.query.uploadType === 'multipart')).toHaveLength(1);
    expect(uploads.filter((r) => r.query.upload_id)).toHaveLength(6);
    const got = await store.get('big.bin');
    expect(got.kind === 'found' && Buffer.from(got.body).equals(Buffer.from(big.map((b) => 255 - b)))).toBe(true);
    expect(emu.findPath(`${ROOT}/big.bin`)).toHaveLength(1);
  });

  it('after a chunk fails, asks Drive what it holds and resumes from there, and the file arrives whole', async () => {
    const store = makeStore({ multipartLimit: 1000, chunkSize: 256 * 1024 });
    const big = new Uint8Array(256 * 1024 * 3 + 17).map((_, i) => (i * 7) % 256);
    // The second chunk is cut after 1000 bytes (Drive keeps them), then the connection answers 503.
    emu.injectFault({ status: 503, method: 'PUT', pathIncludes: 'upload_id', skip: 1, partialBytes: 1000 });
    await store.put('big.bin', big);
    const session = emu.requests.filter((r) => r.query.upload_id);
    // chunk 1, chunk 2 cut, status query (Drive holds 256 KiB + 1000), the rest in two chunks from there
    expect(session.map((r) => r.status)).toEqual([308, 503, 308, 308, 200]);
    const got = await store.get('big.bin');
    expect(got.kind === 'found' && Buffer.from(got.body).equals(Buffer.from(big))).toBe(true);
    expect(sleeps).toHaveLength(1);
  });

  it('a chunk that keeps failing gives up after the bounded attempts with a clear error', async () => {
    const store = makeStore({ multipartLimit: 1000, chunkSize: 256 * 1024, retry: { maxAttempts: 3 } });
    emu.injectFault({ status: 500, method: 'PUT', pathIncludes: 'upload_id', times: 100 });
    const err = await caught(store.put('big.bin', new Uint8Array(300 * 1024)));
    expect(err.code).toBe('provider-error');
    expect(err.message).toMatch(/try again/i);
    expect(emu.requests.filter((r) => r.query.upload_id).length).toBeLessThanOrEqual(6);
  });

  it('picks another multipart boundary when the body contains the first one', async () => {
    const store = makeStore(); // random() is 0.5, so the first boundary is predictable
    const body = enc.encode(`before\r\n--tcs_${'i'.repeat(24)}\r\nafter`);
    await store.put('collide.bin', body);
    const got = await store.get('collide.bin');
    expect(got.kind === 'found' && dec.decode(got.body)).toBe(dec.decode(body));
  });

  it('the emulator refuses a malformed multipart body and parents on update, as Drive does', async () => {
    const auth = { Authorization: 'Bearer test-token' };
    const bad = await fetch(`${emu.url}/upload/drive/v3/files?uploadType=multipart`, {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'multipart/related; boundary=xyz' },
      body: '--xyz\r\nContent-Type: application/json\r\n\r\n{"name":"a"}\r\n--xyz--',
    });
    expect(bad.status).toBe(400);
    const root = emu.seedFolder(ROOT);
    const id = emu.seedFile('a', root, 'a');
    const body = '--b\r\nContent-Type: application/json\r\n\r\n{"parents":["root"]}\r\n--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b--';
    const update = await fetch(`${emu.url}/upload/drive/v3/files/${id}?uploadType=multipart`, {
      method: 'PATCH',
      headers: { ...auth, 'Content-Type': 'multipart/related; boundary=b' },
      body,
    });
    expect(update.status).toBe(403);
  });
});

describe('stale ids and bad keys', () => {
  it('finds a file again after another device deleted and recreated its folder', async () => {
    const deviceA = makeStore();
    await deviceA.put('items/a.json', enc.encode('first'));
    expect(text(await deviceA.get('items/a.json'))).toBe('first');
    // Device B removes the whole tree, then writes the key again: new folder ids everywhere.
    const [root] = emu.findPath(ROOT);
    await fetch(`${emu.url}/drive/v3/files/${root.id}`, { method: 'DELETE', headers: { Authorization: 'Bearer test-token' } });
    await makeStore().put('items/a.json', enc.encode('second'));
    expect(text(await deviceA.get('items/a.json'))).toBe('second');
    await deviceA.put('items/b.json', enc.encode('b'));
    expect(emu.findPath(ROOT)).toHaveLength(1);
    expect(emu.findPath(`${ROOT}/items/b.json`)).toHaveLength(1);
  });

  it('after another device replaced the folder tree, a write updates the file in the new tree and a delete removes it', async () => {
    const deviceA = makeStore();
    await deviceA.put('items/a.json', enc.encode('first'));
    await deviceA.put('items/c.json', enc.encode('c'));
    const [root] = emu.findPath(ROOT);
    await fetch(`${emu.url}/drive/v3/files/${root.id}`, { method: 'DELETE', headers: { Authorization: 'Bearer test-token' } });
    const deviceB = makeStore();
    await deviceB.put('items/a.json', enc.encode('from B'));
    await deviceB.put('items/c.json', enc.encode('c from B'));

    await deviceA.put('items/a.json', enc.encode('A again'));
    expect(emu.findPath(`${ROOT}/items/a.json`).map((f) => f.content.toString())).toEqual(['A again']);
    await deviceA.deleteMany(['items/c.json']);
    expect(emu.findPath(`${ROOT}/items/c.json`)).toHaveLength(0);
  });

  it('a new item in a known folder costs two requests: one lookup, one create', async () => {
    const store = makeStore();
    await store.put('items/first.json', enc.encode('1'));
    const mark = emu.requests.length;
    await store.put('items/second.json', enc.encode('2'));
    expect(emu.requests.slice(mark).map((r) => `${r.method} ${r.path}`)).toEqual(['GET /drive/v3/files', 'POST /upload/drive/v3/files']);
  });

  it('refuses a key with an empty path segment with a clear message, writing nothing', async () => {
    const store = makeStore();
    for (const key of ['items//a.json', '/a.json', 'items/', '']) {
      const err = await caught(store.put(key, enc.encode('x')));
      expect(err.code).toBe('provider-error');
      expect(err.message).toMatch(/empty/);
    }
    expect(emu.files.size).toBe(0);
    await store.deleteMany(['items//a.json']); // cannot exist, so nothing to delete
  });
});
