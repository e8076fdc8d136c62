import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { BaseStore, type BaseRecord } from '../../../src/sync/base-store';
import { writeInSlices } from '../../../src/sync/sliced-writes';

async function openDb(): Promise<IDBDatabase> {
  const req = new IDBFactory().open('t', 1);
  req.onupgradeneeded = () => req.result.createObjectStore('s', { keyPath: 'key' });
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

const done = (tx: IDBTransaction) =>
  new Promise<void>((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onabort = () => reject(tx.error ?? new Error('aborted'));
  });

const keysIn = (db: IDBDatabase) =>
  new Promise<IDBValidKey[]>((resolve) => {
    const r = db.transaction('s').objectStore('s').getAllKeys();
    r.onsuccess = () => resolve(r.result);
  });

describe('writes in slices', () => {
  it('queues one slice now and the rest from the success of each slice, in order, in one transaction', async () => {
    const db = await openDb();
    const tx = db.transaction('s', 'readwrite');
    const s = tx.objectStore('s');
    let issued = 0;
    const writes: (() => EventTarget)[] = Array.from({ length: 250 }, (_, i) => () => (issued++, s.put({ key: `k${String(i).padStart(3, "0")}` })));
    // The same key put and then deleted, and deleted and then put: order decides.
    writes.push(() => (issued++, s.delete('k000')));
    writes.push(() => (issued++, s.delete('zz')), () => (issued++, s.put({ key: 'zz' })));
    writeInSlices(writes, 100);
    expect(issued).toBe(100);
    await done(tx);
    expect(issued).toBe(253);
    const keys = await keysIn(db);
    expect(keys).toHaveLength(250);
    expect(keys).not.toContain('k000');
    expect(keys).toContain('zz');
  });

  it('gives up the rest, and leaves nothing written, when a request fails', async () => {
    const db = await openDb();
    const tx = db.transaction('s', 'readwrite');
    const s = tx.objectStore('s');
    let issued = 0;
    // The 150th adds a key that the 10th added: ConstraintError aborts the transaction.
    const writes = Array.from({ length: 300 }, (_, i) => () => (issued++, s.add({ key: i === 149 ? 'k9' : `k${i}` })));
    writeInSlices(writes, 50);
    await expect(done(tx)).rejects.toThrow();
    expect(issued).toBeLessThan(300);
    expect(await keysIn(db)).toEqual([]);
  });
});

describe('the base commit of a whole library', () => {
  it('lands every record and removal, however many slices it takes', async () => {
    const base = await BaseStore.open(new IDBFactory());
    const rec = (i: number): BaseRecord => ({ key: `CHAT_${i}`, type: 'idb', kind: 'live', hash: `h${i}`, sig: `s${i}` });
    await base.commit({ put: Array.from({ length: 1200 }, (_, i) => rec(i)), remove: [], state: { etag: 'e1' }, conflicts: [], journal: { put: Array.from({ length: 450 }, (_, i) => ({ key: `CHAT_${i}`, entry: { type: 'idb', synced: 1, lastModified: 1 } as never, replaced: null, at: 1, committed: true })), remove: [] } });
    await base.commit({ put: [rec(5000)], remove: Array.from({ length: 700 }, (_, i) => `CHAT_${i}`), state: {}, conflicts: [], journal: { put: [], remove: Array.from({ length: 450 }, (_, i) => `CHAT_${i}`) } });
    const all = await base.all();
    expect(all.size).toBe(1200 - 700 + 1);
    expect(all.has('CHAT_699')).toBe(false);
    expect(all.get('CHAT_700')?.hash).toBe('h700');
    expect(Object.keys(await base.journal())).toEqual([]);
    expect((await base.state()).etag).toBe('e1');
  });
});
