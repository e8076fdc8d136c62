import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { installChangeFeed, type ChangeFeedWindow } from '../../../src/host/change-feed';
import { DirtySet } from '../../../src/host/dirty-set';
import { createHostStore } from '../../../src/host/host-store';
import type { ChangedKey, ChangeFeed } from '../../../src/host/types';
import { MemoryStorage } from './support/memory-storage';
import { done, openAsTypingMind, readRaw, seed } from './support/typingmind-db';

let factory: IDBFactory;
let win: ChangeFeedWindow & { localStorage: Storage; sessionStorage: Storage };
let feed: ChangeFeed;
let reports: ChangedKey[][];
let clock: number;
let tm: IDBDatabase;
const reportError = vi.fn();

const reported = () => reports.flat().map((c) => `${c.area}:${c.key}`);
const tick = () => new Promise((r) => setTimeout(r, 0));

beforeEach(async () => {
  factory = new IDBFactory();
  win = {
    IDBObjectStore,
    IDBCursor,
    IDBKeyRange,
    Storage: MemoryStorage,
    localStorage: new MemoryStorage(),
    sessionStorage: new MemoryStorage(),
  };
  clock = 1_000;
  reports = [];
  reportError.mockReset();
  feed = installChangeFeed(win, { now: () => clock, userExclusions: () => ['TM_private'], reportError });
  feed.onChange((keys) => reports.push(keys));
  tm = await openAsTypingMind(factory);
});

afterEach(() => {
  feed.uninstall();
  tm.close();
  vi.restoreAllMocks();
});

/** TypingMind's write path: one readwrite transaction on keyval. */
function tmTx(): { tx: IDBTransaction; store: IDBObjectStore } {
  const tx = tm.transaction('keyval', 'readwrite');
  return { tx, store: tx.objectStore('keyval') };
}

describe('IndexedDB writes', () => {
  it('reports put, add and delete once the transaction completes, with the commit time', async () => {
    await seed(tm, [['CHAT_old', 1]]);
    reports = [];
    const { tx, store } = tmTx();
    const put = store.put({ messages: [] }, 'CHAT_a');
    store.add('x', 'TM_new');
    store.delete('CHAT_old');
    const atSuccess: string[][] = [];
    put.addEventListener('success', () => atSuccess.push(reported()));
    clock = 5_000;
    await done(tx);
    expect(atSuccess).toEqual([[]]); // nothing before the commit
    expect(reports).toHaveLength(1);
    expect(reports[0]).toEqual([
      { key: 'CHAT_a', area: 'idb', at: 5_000 },
      { key: 'TM_new', area: 'idb', at: 5_000 },
      { key: 'CHAT_old', area: 'idb', at: 5_000 },
    ]);
  });

  it('does not report a write in an aborted transaction', async () => {
    const { tx, store } = tmTx();
    const request = store.put('half', 'CHAT_aborted');
    request.onsuccess = () => tx.abort();
    await expect(done(tx)).rejects.toBeDefined();
    await tick();
    expect(reports).toEqual([]);
    expect(await readRaw(tm, 'CHAT_aborted')).toBeUndefined();
  });

  it('does not report a write whose request failed, while the rest of the transaction is reported', async () => {
    await seed(tm, [['TM_exists', 1]]);
    reports = [];
    const { tx, store } = tmTx();
    const failing = store.add(2, 'TM_exists'); // ConstraintError: the key is there
    failing.onerror = (e) => e.preventDefault(); // the host handles it, the transaction goes on
    store.put(3, 'TM_ok');
    await done(tx);
    expect(reported()).toEqual(['idb:TM_ok']);
  });

  it('reports cursor updates and cursor deletes', async () => {
    await seed(tm, [['CHAT_1', { n: 1 }], ['CHAT_2', { n: 2 }], ['CHAT_3', { n: 3 }]]);
    reports = [];
    const { tx, store } = tmTx();
    const cursorRequest = store.openCursor();
    cursorRequest.onsuccess = () => {
      const cursor = cursorRequest.result;
      if (!cursor) return;
      if (cursor.key === 'CHAT_1') cursor.update({ n: 10 });
      if (cursor.key === 'CHAT_3') cursor.delete();
      cursor.continue();
    };
    await done(tx);
    expect(reported()).toEqual(['idb:CHAT_1', 'idb:CHAT_3']);
    expect(await readRaw(tm, 'CHAT_1')).toEqual({ n: 10 });
  });

  it('reports every key that clear() and delete(range) removed', async () => {
    await seed(tm, [['A1', 1], ['A2', 2], ['B1', 3], [7, 'number key']]);
    reports = [];
    let t = tmTx();
    t.store.delete(IDBKeyRange.bound('A', 'A\uffff'));
    await done(t.tx);
    expect(reported()).toEqual(['idb:A1', 'idb:A2']);
    reports = [];
    t = tmTx();
    t.store.put(4, 'C1');
    t.store.clear();
    await done(t.tx);
    expect(reported().sort()).toEqual(['idb:B1', 'idb:C1']);
  });

  it('ignores other stores, other databases, excluded keys and non-string keys', async () => {
    const other = await new Promise<IDBDatabase>((resolve) => {
      const r = factory.open('another-db');
      r.onupgradeneeded = () => r.result.createObjectStore('keyval');
      r.onsuccess = () => resolve(r.result);
    });
    await seed(other, [['CHAT_elsewhere', 1]]);
    other.close();
    const { tx, store } = tmTx();
    store.put(1, 'tcs_local-metadata');
    store.put(1, 'gsi_x');
    store.put(1, 'TM_private');
    store.put(1, 42);
    store.put(1, ['a']);
    store.put(1, 'CHAT_kept');
    await done(tx);
    expect(reported()).toEqual(['idb:CHAT_kept']);
  });

  it('reports keys with odd characters exactly as written', async () => {
    const odd = ['with space', 'quote"s\'', 'a/b\\c', 'ключ-😀', 'x'.repeat(3000), ''];
    const { tx, store } = tmTx();
    for (const key of odd) store.put({ key }, key);
    await done(tx);
    for (const key of odd) win.localStorage.setItem(key, 'v');
    await Promise.resolve();
    expect(reports.flat().map((c) => c.key)).toEqual([...odd, ...odd]);
  });

  it('keeps the host working: same request returned, same errors thrown, listener errors contained', async () => {
    const { tx, store } = tmTx();
    const request = store.put({ v: 1 }, 'CHAT_r');
    expect(request).toBeInstanceOf(IDBRequest);
    expect(request.source).toBe(store);
    feed.onChange(() => {
      throw new Error('listener bug');
    });
    await done(tx);
    expect(request.result).toBe('CHAT_r');
    expect(reportError).toHaveBeenCalledWith(expect.objectContaining({ message: 'listener bug' }));
    expect(reported()).toEqual(['idb:CHAT_r']); // other listeners still heard it

    const ro = tm.transaction('keyval', 'readonly').objectStore('keyval');
    expect(() => ro.put(1, 'k')).toThrow(expect.objectContaining({ name: 'ReadOnlyError' }));
    expect(() => ro.clear()).toThrow(expect.objectContaining({ name: 'ReadOnlyError' }));
  });
});

describe('localStorage writes', () => {
  it('reports setItem, removeItem and clear, batched to the end of the task', async () => {
    win.localStorage.setItem('TM_useTheme', '"dark"');
    win.localStorage.setItem('TM_a', '1');
    expect(reports).toEqual([]); // not inside TypingMind's call
    await Promise.resolve();
    expect(reports).toEqual([[
      { key: 'TM_useTheme', area: 'ls', at: 1_000 },
      { key: 'TM_a', area: 'ls', at: 1_000 },
    ]]);
    reports = [];
    win.localStorage.removeItem('TM_a');
    win.localStorage.removeItem('never-there');
    await Promise.resolve();
    expect(reported()).toEqual(['ls:TM_a']);
    reports = [];
    win.localStorage.setItem('TM_b', '2');
    win.localStorage.clear();
    await Promise.resolve();
    expect(reported()).toEqual(['ls:TM_b', 'ls:TM_useTheme']);
  });

  it('does not report a value set to what it already was, sessionStorage, or excluded keys', async () => {
    win.localStorage.setItem('TM_same', 'v');
    await Promise.resolve();
    reports = [];
    win.localStorage.setItem('TM_same', 'v');
    win.sessionStorage.setItem('TM_session', 'x');
    win.sessionStorage.clear();
    win.localStorage.setItem('tcs_aws_secretkey', 's');
    win.localStorage.setItem('TM_private', 's');
    await Promise.resolve();
    expect(reports).toEqual([]);
    expect(win.sessionStorage.getItem('TM_session')).toBeNull();
  });

  it('lets a quota error through unchanged and reports nothing', async () => {
    const full = new MemoryStorage(10);
    win.localStorage = full;
    feed.uninstall();
    feed = installChangeFeed(win, { now: () => clock });
    feed.onChange((keys) => reports.push(keys));
    expect(() => full.setItem('TM_big', 'x'.repeat(100))).toThrow(expect.objectContaining({ name: 'QuotaExceededError' }));
    await Promise.resolve();
    expect(reports).toEqual([]);
  });
});

describe('echo suppression', () => {
  it("does not report the sync's own writes, but does report TypingMind's write to the same key meanwhile", async () => {
    const store = createHostStore({ indexedDB: factory, localStorage: win.localStorage, suppressor: feed });
    try {
      const ours = store.put({ key: 'CHAT_x', type: 'idb', value: { from: 'sync' } });
      const theirs = tmTx();
      theirs.store.put({ from: 'typingmind' }, 'CHAT_x');
      await Promise.all([ours, done(theirs.tx)]);
      expect(reported()).toEqual(['idb:CHAT_x']);
      expect(reports).toHaveLength(1);

      reports = [];
      await store.put({ key: 'TM_useTheme', type: 'ls', value: '"light"' });
      await store.put({ key: 'ATT_1', type: 'blob', value: new Uint8Array([1, 2, 3]) });
      await store.delete('ATT_1', 'blob');
      await store.delete('TM_useTheme', 'ls');
      await tick();
      expect(reports).toEqual([]);

      win.localStorage.setItem('TM_useTheme', '"dark"');
      await Promise.resolve();
      expect(reported()).toEqual(['ls:TM_useTheme']);
    } finally {
      store.close();
    }
  });

  it('suppressSync returns the value and restores reporting after an exception', async () => {
    expect(feed.suppressSync(() => 7)).toBe(7);
    expect(() =>
      feed.suppressSync(() => {
        win.localStorage.setItem('TM_quiet', '1');
        throw new Error('boom');
      }),
    ).toThrow('boom');
    win.localStorage.setItem('TM_loud', '1');
    await Promise.resolve();
    expect(reported()).toEqual(['ls:TM_loud']);
  });
});

describe('feeding the dirty set', () => {
  it('a streaming chat settles only after its last chunk has been quiet for 3 s', async () => {
    const dirty = new DirtySet();
    feed.onChange((keys) => dirty.mark(keys));
    for (let chunk = 0; chunk < 5; chunk++) {
      clock = 10_000 + chunk * 400;
      const { tx, store } = tmTx();
      store.put({ text: 'x'.repeat(chunk) }, 'CHAT_stream');
      await done(tx);
    }
    expect(dirty.settled(12_000)).toEqual([]);
    expect(dirty.settled(11_600 + 3_000).map((e) => e.key)).toEqual(['CHAT_stream']);
  });
});

describe('install and uninstall', () => {
  it('installs once per window and puts the originals back', async () => {
    expect(installChangeFeed(win)).toBe(feed);
    const wrappedPut = IDBObjectStore.prototype.put;
    feed.uninstall();
    expect(IDBObjectStore.prototype.put).not.toBe(wrappedPut);
    const { tx, store } = tmTx();
    store.put(1, 'CHAT_after');
    win.localStorage.setItem('TM_after', '1');
    await done(tx);
    expect(reports).toEqual([]);
    const again = installChangeFeed(win, { now: () => clock });
    expect(again).not.toBe(feed);
    feed = again;
  });
});
