import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { isCloudSyncError } from '../../../src/errors';
import { createHostStore, type ClosableHostStore } from '../../../src/host/host-store';
import type { LocalItem } from '../../../src/host/types';
import { MemoryStorage } from './support/memory-storage';
import { databaseNames, openAsTypingMind, readRaw, seed } from './support/typingmind-db';

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 1, 2, 3]);
const JPEG = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 9, 9, 9]);

function chat(id: string, messages: number) {
  return {
    id,
    chatID: id,
    updatedAt: new Date(Date.UTC(2025, 0, 2, 3, 4, 5)),
    createdAt: new Date(Date.UTC(2025, 0, 1)),
    messages: Array.from({ length: messages }, (_, i) => ({
      uuid: `${id}-m${i}`,
      role: i % 2 ? 'assistant' : 'user',
      content: `message ${i}`,
      createdAt: new Date(Date.UTC(2025, 0, 1, 0, i)),
    })),
  };
}

async function expectError(p: Promise<unknown>, code: string): Promise<Error> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(isCloudSyncError(e, code as never), `expected CloudSyncError ${code}, got ${String(e)}`).toBe(true);
  return e as Error;
}

let factory: IDBFactory;
let ls: MemoryStorage;
let store: ClosableHostStore | undefined;
let tm: IDBDatabase | undefined;

beforeEach(() => {
  factory = new IDBFactory();
  ls = new MemoryStorage();
});

afterEach(() => {
  store?.close();
  tm?.close();
  store = undefined;
  tm = undefined;
  vi.restoreAllMocks();
});

function makeStore(extra: Partial<Parameters<typeof createHostStore>[0]> = {}): ClosableHostStore {
  store = createHostStore({
    indexedDB: factory,
    localStorage: ls,
    waitForDatabase: { initialDelayMs: 2, maxDelayMs: 10, timeoutMs: 300 },
    ...extra,
  });
  return store;
}

async function seededTypingMind(): Promise<IDBDatabase> {
  tm = await openAsTypingMind(factory);
  await seed(tm, [
    ['CHAT_a', chat('a', 3)],
    ['CHAT_b', chat('b', 1)],
    ['TM_useUserCharacters', [{ id: 'c1', title: 'Tutor' }]],
    ['TM_useModelSettings', { temperature: 0.7, model: 'gpt-4o' }],
    ['ATT_png', new Blob([PNG], { type: 'image/png' })],
    ['ATT_untyped', new Blob([JPEG])],
    ['ATT_octet', new Blob([PNG], { type: 'application/octet-stream' })],
    ['tcs_local-metadata', { secret: true }],
    ['eruda-blob', new Blob([PNG], { type: 'image/png' })],
    ['TM_excludedByUser', new Blob([PNG], { type: 'image/png' })],
    [42, 'numeric key'],
    [['array', 'key'], 'array key'],
  ]);
  ls.setItem('TM_useTheme', '"dark"');
  ls.setItem('TM_useExtensionURLs', '["https://example.test/ext.js"]');
  ls.setItem('tcs_aws_secretkey', 'SECRET');
  ls.setItem('gsi_state', 'x');
  ls.setItem('referrer', 'https://search.test');
  return tm;
}

describe('listKeys', () => {
  it('lists chats, settings and Blobs with their types, honouring every exclusion', async () => {
    await seededTypingMind();
    const keys = await makeStore({ userExclusions: () => ['TM_excludedByUser'] }).listKeys();
    expect(keys).toEqual([
      { key: 'ATT_octet', type: 'blob' },
      { key: 'ATT_png', type: 'blob' },
      { key: 'ATT_untyped', type: 'blob' },
      { key: 'CHAT_a', type: 'idb' },
      { key: 'CHAT_b', type: 'idb' },
      { key: 'TM_useModelSettings', type: 'idb' },
      { key: 'TM_useUserCharacters', type: 'idb' },
      { key: 'TM_useTheme', type: 'ls' },
      { key: 'TM_useExtensionURLs', type: 'ls' },
    ]);
  });

  it('reads the user list on every call, so a settings change applies at once', async () => {
    await seededTypingMind();
    let user: string[] = [];
    const s = makeStore({ userExclusions: () => user });
    expect((await s.listKeys()).map((k) => k.key)).toContain('CHAT_a');
    user = ['CHAT_a', 'TM_useTheme'];
    const keys = (await s.listKeys()).map((k) => k.key);
    expect(keys).not.toContain('CHAT_a');
    expect(keys).not.toContain('TM_useTheme');
    expect(s.isExcluded('CHAT_a')).toBe(true);
    expect(s.isExcluded('CHAT_b')).toBe(false);
  });

  it('pages through many keys without losing or repeating one at page boundaries', async () => {
    tm = await openAsTypingMind(factory);
    const entries: [IDBValidKey, unknown][] = [];
    for (let i = 0; i < 47; i++) entries.push([`K_${String(i).padStart(3, '0')}`, i % 5 ? { i } : new Blob([String(i)])]);
    for (let i = 0; i < 6; i++) entries.push([i, 'number']);
    entries.push([new Date(5), 'date key']);
    await seed(tm, entries);
    for (const pageSize of [1, 3, 10, 53, 54, 1000]) {
      const keys = await makeStore({ listPageSize: pageSize }).listKeys();
      store?.close();
      expect(keys.map((k) => k.key)).toEqual(entries.filter(([k]) => typeof k === 'string').map(([k]) => k));
      expect(keys.filter((k) => k.type === 'blob')).toHaveLength(10);
    }
  });

  it('throws host-unavailable instead of a partial list when reading fails mid-way (W1)', async () => {
    tm = await openAsTypingMind(factory);
    await seed(tm, Array.from({ length: 30 }, (_, i) => [`K${i}`, { i }] as [string, unknown]));
    const original = IDBObjectStore.prototype.getAll;
    let calls = 0;
    vi.spyOn(IDBObjectStore.prototype, 'getAll').mockImplementation(function (this: IDBObjectStore, ...args) {
      const request = original.apply(this, args as never);
      // The second page fails after it started, like a cursor error deep into the scan.
      if (++calls === 2) this.transaction.abort();
      return request;
    });
    const e = await expectError(makeStore({ listPageSize: 10 }).listKeys(), 'host-unavailable');
    expect(e.message).toMatch(/Nothing was changed/);
    expect(calls).toBe(2);
  });

  it('throws when localStorage shrinks while being listed', async () => {
    await seededTypingMind();
    vi.spyOn(ls, 'key').mockImplementation((i: number) => (i === 0 ? 'TM_useTheme' : null));
    await expectError(makeStore().listKeys(), 'host-unavailable');
  });
});

describe('listKeys with type hints', () => {
  async function seededMany(): Promise<[IDBValidKey, unknown][]> {
    tm = await openAsTypingMind(factory);
    const entries: [IDBValidKey, unknown][] = [];
    for (let i = 0; i < 47; i++) entries.push([`K_${String(i).padStart(3, '0')}`, i % 5 ? { i } : new Blob([String(i)])]);
    entries.push([3, 'number key'], ['tcs_x', { secret: 1 }]);
    await seed(tm, entries);
    return entries;
  }

  it('reads no value for keys the hint vouches for, and gives the same answer as a full scan', async () => {
    await seededMany();
    const full = await makeStore({ listPageSize: 4 }).listKeys();
    store?.close();
    const types = new Map(full.map((k) => [k.key, k.type]));
    const get = vi.spyOn(IDBObjectStore.prototype, 'get');
    const getAll = vi.spyOn(IDBObjectStore.prototype, 'getAll');
    const hinted = await makeStore({ listPageSize: 1 }).listKeys({ typeHint: (k) => types.get(k) });
    expect(hinted).toEqual(full);
    expect(get).not.toHaveBeenCalled();
    expect(getAll).not.toHaveBeenCalled();
  });

  it('reads exactly the keys without a usable hint', async () => {
    await seededMany();
    const get = vi.spyOn(IDBObjectStore.prototype, 'get');
    const keys = await makeStore({ listPageSize: 3 }).listKeys({
      // An 'ls' hint for an IndexedDB key is no use: that key is read too.
      typeHint: (k) => (k === 'K_000' ? undefined : k === 'K_005' ? 'ls' : k === 'K_007' ? undefined : 'idb'),
    });
    expect(get.mock.calls.map((c) => c[0]).sort()).toEqual(['K_000', 'K_005', 'K_007']);
    expect(keys.find((k) => k.key === 'K_000')).toEqual({ key: 'K_000', type: 'blob' });
    expect(keys.find((k) => k.key === 'K_005')).toEqual({ key: 'K_005', type: 'blob' });
    expect(keys.find((k) => k.key === 'K_007')).toEqual({ key: 'K_007', type: 'idb' });
    expect(keys.map((k) => k.key)).toEqual(
      Array.from({ length: 47 }, (_, i) => `K_${String(i).padStart(3, '0')}`),
    );
  });

  it('a wrong hint loses nothing: get still returns the real type', async () => {
    await seededMany();
    const s = makeStore();
    const keys = await s.listKeys({ typeHint: () => 'idb' });
    expect(keys.find((k) => k.key === 'K_000')?.type).toBe('idb');
    expect((await s.get('K_000', 'idb'))?.type).toBe('blob');
  });

  it('throws instead of a partial list when the value reads fail', async () => {
    await seededMany();
    vi.spyOn(IDBObjectStore.prototype, 'get').mockImplementation(() => {
      throw new DOMException('disk went away', 'UnknownError');
    });
    await expectError(makeStore().listKeys({ typeHint: () => undefined }), 'host-unavailable');
  });
});

describe('get and getMany', () => {
  it('returns values exactly as stored: Dates stay Dates', async () => {
    await seededTypingMind();
    const item = await makeStore().get('CHAT_a', 'idb');
    expect(item?.type).toBe('idb');
    const value = item?.value as ReturnType<typeof chat>;
    expect(value.updatedAt).toBeInstanceOf(Date);
    expect(value.updatedAt.toISOString()).toBe('2025-01-02T03:04:05.000Z');
    expect(value.messages[2].createdAt).toBeInstanceOf(Date);
    expect(value).toEqual(chat('a', 3));
  });

  it('returns Blobs as stored: their own MIME type, "" and application/octet-stream included, never sniffed', async () => {
    await seededTypingMind();
    const s = makeStore();
    const png = await s.get('ATT_png', 'blob');
    const untyped = await s.get('ATT_untyped', 'blob');
    const octet = await s.get('ATT_octet', 'blob');
    expect(png?.type).toBe('blob');
    expect((png?.value as Blob).type).toBe('image/png');
    expect(untyped?.value).toBeInstanceOf(Blob);
    expect((untyped?.value as Blob).type).toBe('');
    expect((octet?.value as Blob).type).toBe('application/octet-stream');
    expect(new Uint8Array(await (untyped?.value as Blob).arrayBuffer())).toEqual(JPEG);
    expect(new Uint8Array(await (octet?.value as Blob).arrayBuffer())).toEqual(PNG);
  });

  it('reports the real type when asked with the wrong one (a Blob under an idb key)', async () => {
    await seededTypingMind();
    expect((await makeStore().get('ATT_png', 'idb'))?.type).toBe('blob');
  });

  it('returns undefined for missing and excluded keys', async () => {
    await seededTypingMind();
    const s = makeStore({ userExclusions: () => ['CHAT_b'] });
    expect(await s.get('CHAT_missing', 'idb')).toBeUndefined();
    expect(await s.get('missing', 'ls')).toBeUndefined();
    expect(await s.get('tcs_local-metadata', 'idb')).toBeUndefined();
    expect(await s.get('tcs_aws_secretkey', 'ls')).toBeUndefined();
    expect(await s.get('CHAT_b', 'idb')).toBeUndefined();
    expect(await s.get('eruda-blob', 'blob')).toBeUndefined();
    expect(await s.get('TM_useTheme', 'ls')).toEqual({ key: 'TM_useTheme', type: 'ls', value: '"dark"' });
  });

  it('getMany reads a batch aligned with the request', async () => {
    await seededTypingMind();
    const items = await makeStore().getMany([
      { key: 'CHAT_a', type: 'idb' },
      { key: 'TM_useTheme', type: 'ls' },
      { key: 'nope', type: 'idb' },
      { key: 'ATT_untyped', type: 'blob' },
      { key: 'tcs_aws_secretkey', type: 'ls' },
      { key: 'TM_useModelSettings', type: 'idb' },
    ]);
    expect(items.map((i) => i?.key)).toEqual(['CHAT_a', 'TM_useTheme', undefined, 'ATT_untyped', undefined, 'TM_useModelSettings']);
    expect((items[3]?.value as Blob).type).toBe('');
    expect(new Uint8Array(await (items[3]?.value as Blob).arrayBuffer())).toEqual(JPEG);
    expect(items[5]?.value).toEqual({ temperature: 0.7, model: 'gpt-4o' });
    expect(await makeStore().getMany([])).toEqual([]);
  });
});

describe('put and delete', () => {
  it('writes idb, ls and blob items the way TypingMind reads them', async () => {
    tm = await openAsTypingMind(factory);
    const s = makeStore();
    const c = chat('new', 2);
    await s.put({ key: 'CHAT_new', type: 'idb', value: c });
    await s.put({ key: 'TM_useTheme', type: 'ls', value: '"light"' });
    await s.put({ key: 'ATT_1', type: 'blob', value: new Blob([PNG], { type: 'image/png' }) });
    await s.put({ key: 'ATT_2', type: 'blob', value: JPEG });
    await s.put({ key: 'ATT_3', type: 'blob', value: new Blob([PNG]) });
    await s.put({ key: 'ATT_4', type: 'blob', value: new Blob([PNG], { type: 'application/octet-stream' }) });
    const stored = (await readRaw(tm, 'CHAT_new')) as typeof c;
    expect(stored).toEqual(c);
    expect(stored.updatedAt).toBeInstanceOf(Date);
    expect(ls.getItem('TM_useTheme')).toBe('"light"');
    expect(((await readRaw(tm, 'ATT_1')) as Blob).type).toBe('image/png');
    expect(((await readRaw(tm, 'ATT_2')) as Blob).type).toBe('image/jpeg');
    // A Blob keeps its own type, whatever it is; bare bytes have none, so theirs is sniffed.
    expect(((await readRaw(tm, 'ATT_3')) as Blob).type).toBe('');
    expect(((await readRaw(tm, 'ATT_4')) as Blob).type).toBe('application/octet-stream');
    expect(new Uint8Array(await ((await readRaw(tm, 'ATT_3')) as Blob).arrayBuffer())).toEqual(PNG);
    expect(new Uint8Array(await ((await readRaw(tm, 'ATT_2')) as Blob).arrayBuffer())).toEqual(JPEG);

    await s.delete('CHAT_new', 'idb');
    await s.delete('TM_useTheme', 'ls');
    await s.delete('ATT_1', 'blob');
    expect(await readRaw(tm, 'CHAT_new')).toBeUndefined();
    expect(await readRaw(tm, 'ATT_1')).toBeUndefined();
    expect(ls.getItem('TM_useTheme')).toBeNull();
    // Deleting what is not there is not an error.
    await s.delete('never-there', 'idb');
    await s.delete('never-there', 'ls');
  });

  it('round-trips keys with odd characters in both storages', async () => {
    tm = await openAsTypingMind(factory);
    const s = makeStore();
    const odd = ['with space', 'quote"s\'', 'a/b\\c', 'ключ-😀-鍵', 'x'.repeat(5000), ' lead', 'dot.', '', 'new\nline'];
    for (const [i, key] of odd.entries()) {
      await s.put({ key, type: 'idb', value: { i } });
      await s.put({ key: `ls ${key}`, type: 'ls', value: String(i) });
    }
    const listed = await s.listKeys();
    for (const [i, key] of odd.entries()) {
      expect(listed).toContainEqual({ key, type: 'idb' });
      expect(listed).toContainEqual({ key: `ls ${key}`, type: 'ls' });
      expect((await s.get(key, 'idb'))?.value).toEqual({ i });
      expect((await s.get(`ls ${key}`, 'ls'))?.value).toBe(String(i));
    }
  });

  it('handles huge values', async () => {
    tm = await openAsTypingMind(factory);
    const s = makeStore();
    const big = chat('huge', 20_000);
    const longText = 'é'.repeat(6_000_000);
    const bytes = new Uint8Array(8 * 1024 * 1024).map((_, i) => i % 251);
    await s.put({ key: 'CHAT_huge', type: 'idb', value: big });
    await s.put({ key: 'TM_longText', type: 'idb', value: longText });
    await s.put({ key: 'ATT_big', type: 'blob', value: bytes });
    expect(((await s.get('CHAT_huge', 'idb'))?.value as typeof big).messages).toHaveLength(20_000);
    expect((await s.get('TM_longText', 'idb'))?.value).toBe(longText);
    const blob = (await s.get('ATT_big', 'blob'))?.value as Blob;
    expect(blob.size).toBe(bytes.length);
    // Buffer.compare: toEqual walks 8 M indices one by one.
    expect(Buffer.compare(new Uint8Array(await blob.arrayBuffer()), bytes)).toBe(0);
  });

  it('refuses to write or delete excluded keys, so a bucket can never overwrite our own settings', async () => {
    tm = await openAsTypingMind(factory);
    ls.setItem('tcs_aws_secretkey', 'mine');
    const s = makeStore({ userExclusions: () => ['TM_private'] });
    const e = await expectError(s.put({ key: 'tcs_aws_secretkey', type: 'ls', value: 'theirs' }), 'access-denied');
    expect(e.message).toMatch(/excluded from sync/);
    await expectError(s.put({ key: 'TM_private', type: 'idb', value: 1 }), 'access-denied');
    await expectError(s.delete('tcs_aws_secretkey', 'ls'), 'access-denied');
    expect(ls.getItem('tcs_aws_secretkey')).toBe('mine');
    expect(await readRaw(tm, 'TM_private')).toBeUndefined();
  });

  it('rejects values of the wrong shape with a clear message and writes nothing', async () => {
    tm = await openAsTypingMind(factory);
    ls.setItem('TM_useTheme', '"dark"');
    await seed(tm, [['ATT', new Blob([PNG], { type: 'image/png' })]]);
    const s = makeStore();
    const bad: LocalItem[] = [
      { key: 'TM_useTheme', type: 'ls', value: { not: 'text' } },
      { key: 'ATT', type: 'blob', value: 'not bytes' },
      { key: 'CHAT_x', type: 'idb', value: undefined },
    ];
    for (const item of bad) {
      const e = await expectError(s.put(item), 'corrupt-object');
      expect(e.message).toContain(item.key);
      expect(e.message).toMatch(/local copy was kept/);
    }
    expect(ls.getItem('TM_useTheme')).toBe('"dark"');
    expect(((await readRaw(tm, 'ATT')) as Blob).type).toBe('image/png');
    expect(await readRaw(tm, 'CHAT_x')).toBeUndefined();
  });

  it('turns a full IndexedDB into quota-exceeded and keeps the old value', async () => {
    tm = await openAsTypingMind(factory);
    await seed(tm, [['CHAT_q', { v: 'old' }]]);
    const original = IDBObjectStore.prototype.put;
    vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(function (this: IDBObjectStore, ...args) {
      const request = original.apply(this, args as never);
      // What browsers do when the disk is full: the commit fails and the transaction aborts with QuotaExceededError.
      (this.transaction as unknown as { _abort(name: string): void })._abort('QuotaExceededError');
      return request;
    });
    const e = await expectError(makeStore().put({ key: 'CHAT_q', type: 'idb', value: { v: 'new' } }), 'quota-exceeded');
    expect(e.message).toMatch(/no room left/);
    expect(e.message).toMatch(/CHAT_q/);
    vi.restoreAllMocks();
    expect(await readRaw(tm, 'CHAT_q')).toEqual({ v: 'old' });
  });

  it('turns a synchronous quota error into quota-exceeded too', async () => {
    tm = await openAsTypingMind(factory);
    vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(() => {
      throw new DOMException('full', 'QuotaExceededError');
    });
    await expectError(makeStore().put({ key: 'ATT', type: 'blob', value: PNG }), 'quota-exceeded');
  });

  it('turns a full localStorage into quota-exceeded and keeps the old value', async () => {
    tm = await openAsTypingMind(factory);
    ls = new MemoryStorage(100);
    ls.setItem('TM_useTheme', '"dark"');
    const e = await expectError(makeStore().put({ key: 'TM_useTheme', type: 'ls', value: 'x'.repeat(200) }), 'quota-exceeded');
    expect(e.message).toMatch(/nothing was half-written/);
    expect(ls.getItem('TM_useTheme')).toBe('"dark"');
  });
});

describe('putNewMany (a batch of downloads)', () => {
  it('writes absent items in one transaction, never replaces a key that is there, and keeps types', async () => {
    tm = await openAsTypingMind(factory);
    await seed(tm, [['CHAT_mine', { v: 'written by TypingMind meanwhile' }]]);
    const s = makeStore();
    const transactions = vi.spyOn(IDBDatabase.prototype, 'transaction');
    const c = chat('new', 2);
    const written = await s.putNewMany([
      { key: 'CHAT_new', type: 'idb', value: c },
      { key: 'CHAT_mine', type: 'idb', value: { v: 'from the bucket' } },
      { key: 'ATT_1', type: 'blob', value: new Blob([PNG], { type: 'image/png' }) },
      { key: 'ATT_2', type: 'blob', value: JPEG },
      { key: 'TM_zero', type: 'idb', value: 0 },
      { key: 'ATT_3', type: 'blob', value: new Blob([PNG], { type: '' }) },
    ]);
    expect(written).toEqual([true, false, true, true, true, true]);
    expect(transactions.mock.calls.filter(([, mode]) => mode === 'readwrite')).toHaveLength(1);
    vi.restoreAllMocks();
    const stored = (await readRaw(tm, 'CHAT_new')) as typeof c;
    expect(stored).toEqual(c);
    expect(stored.updatedAt).toBeInstanceOf(Date);
    expect(await readRaw(tm, 'CHAT_mine')).toEqual({ v: 'written by TypingMind meanwhile' });
    expect(((await readRaw(tm, 'ATT_1')) as Blob).type).toBe('image/png');
    expect(((await readRaw(tm, 'ATT_2')) as Blob).type).toBe('image/jpeg');
    expect(((await readRaw(tm, 'ATT_3')) as Blob).type).toBe('');
    expect(await readRaw(tm, 'TM_zero')).toBe(0);
    expect(await s.putNewMany([])).toEqual([]);
  });

  it('writes nothing of a batch with an excluded key, a localStorage item or no value, and says which', async () => {
    tm = await openAsTypingMind(factory);
    const s = makeStore();
    const ok = { key: 'CHAT_ok', type: 'idb' as const, value: { v: 1 } };
    const excluded = await expectError(s.putNewMany([ok, { key: 'tcs_encryptionkey', type: 'idb', value: 'x' }]), 'access-denied');
    expect(excluded.message).toMatch(/tcs_encryptionkey/);
    const ls1 = await expectError(s.putNewMany([ok, { key: 'TM_useTheme', type: 'ls', value: '"dark"' }]), 'corrupt-object');
    expect(ls1.message).toMatch(/TM_useTheme/);
    await expectError(s.putNewMany([ok, { key: 'CHAT_u', type: 'idb', value: undefined }]), 'corrupt-object');
    expect(await readRaw(tm, 'CHAT_ok')).toBeUndefined();
  });

  it('a full disk fails the whole batch as quota-exceeded and leaves nothing half-written', async () => {
    tm = await openAsTypingMind(factory);
    const original = IDBObjectStore.prototype.add;
    let calls = 0;
    vi.spyOn(IDBObjectStore.prototype, 'add').mockImplementation(function (this: IDBObjectStore, ...args) {
      const request = original.apply(this, args as never);
      if (++calls === 2) (this.transaction as unknown as { _abort(name: string): void })._abort('QuotaExceededError');
      return request;
    });
    await expectError(
      makeStore().putNewMany([
        { key: 'CHAT_1', type: 'idb', value: { v: 1 } },
        { key: 'CHAT_2', type: 'idb', value: { v: 2 } },
      ]),
      'quota-exceeded',
    );
    vi.restoreAllMocks();
    expect(await readRaw(tm, 'CHAT_1')).toBeUndefined();
    expect(await readRaw(tm, 'CHAT_2')).toBeUndefined();
  });
});

describe("TypingMind's database lifecycle", () => {
  it('never creates the database: it waits, gives up with host-unavailable, and TypingMind can still create it', async () => {
    const e = await expectError(makeStore().listKeys(), 'host-unavailable');
    expect(e.message).toMatch(/has not created its database/);
    expect(await databaseNames(factory)).toEqual([]);
    // idb-keyval's own open must still see a brand-new database and create its store.
    tm = await openAsTypingMind(factory);
    expect([...tm.objectStoreNames]).toEqual(['keyval']);
    expect(tm.version).toBe(1);
  });

  it('does not create it even where indexedDB.databases() is missing (guarded open)', async () => {
    Object.defineProperty(factory, 'databases', { value: undefined, configurable: true });
    const open = vi.spyOn(factory, 'open');
    await expectError(makeStore().get('CHAT_a', 'idb'), 'host-unavailable');
    // It really tried to open (and aborted the creation) several times while waiting.
    expect(open.mock.calls.length).toBeGreaterThan(1);
    delete (factory as { databases?: unknown }).databases;
    open.mockRestore();
    expect(await databaseNames(factory)).toEqual([]);
    tm = await openAsTypingMind(factory);
    expect([...tm.objectStoreNames]).toEqual(['keyval']);
  });

  it('works as soon as TypingMind creates the database while we wait', async () => {
    const s = makeStore({ waitForDatabase: { initialDelayMs: 5, maxDelayMs: 20, timeoutMs: 5000 } });
    const listing = s.listKeys();
    await new Promise((r) => setTimeout(r, 40));
    tm = await openAsTypingMind(factory);
    await seed(tm, [['CHAT_late', chat('late', 1)]]);
    ls.setItem('TM_useTheme', '"dark"');
    expect(await listing).toEqual([
      { key: 'CHAT_late', type: 'idb' },
      { key: 'TM_useTheme', type: 'ls' },
    ]);
  });

  it('reports a database without the keyval table clearly', async () => {
    const request = factory.open('keyval-store');
    await new Promise((resolve) => {
      request.onsuccess = resolve;
    });
    request.result.close();
    const e = await expectError(makeStore().listKeys(), 'host-unavailable');
    expect(e.message).toMatch(/no "keyval" table/);
  });

  it('steps aside when TypingMind upgrades its database, then reopens', async () => {
    await seededTypingMind();
    tm?.close();
    tm = undefined;
    const s = makeStore();
    expect(await s.get('CHAT_a', 'idb')).toBeDefined();
    // TypingMind upgrades to version 2 while our connection is open: it must not be blocked.
    const blocked = vi.fn();
    const upgraded = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = factory.open('keyval-store', 2);
      request.onblocked = blocked;
      request.onupgradeneeded = () => request.result.createObjectStore('other');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    expect(blocked).not.toHaveBeenCalled();
    expect(upgraded.version).toBe(2);
    upgraded.close();
    expect((await s.get('CHAT_a', 'idb'))?.type).toBe('idb');
    await s.put({ key: 'CHAT_after', type: 'idb', value: 1 });
    expect((await s.get('CHAT_after', 'idb'))?.value).toBe(1);
  });
});
