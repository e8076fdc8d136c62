import { describe, expect, it } from 'vitest';
import { describeCloudStore } from '../../support/cloud-store-acceptance';
import { MemoryStore } from '../../../src/providers/memory/memory-store';
import { isCloudSyncError } from '../../../src/errors';

// A small page size so the paging test crosses many pages without writing a thousand keys.
describeCloudStore('memory', async () => ({ store: new MemoryStore({ pageSize: 7 }), teardown: async () => {} }), {
  manyKeys: 50,
  largeBodyBytes: 8 * 1024 * 1024,
  etagOfBody: true,
});

describe('MemoryStore specifics', () => {
  it('pages by the page size it was given', async () => {
    const store = new MemoryStore({ pageSize: 3 });
    for (let i = 0; i < 7; i++) await store.put(`k${i}`, new Uint8Array([i]));
    const sizes: number[] = [];
    for await (const page of store.list('')) sizes.push(page.length);
    expect(sizes).toEqual([3, 3, 1]);
  });

  it('lists keys in UTF-8 byte order, as S3 does', async () => {
    const store = new MemoryStore();
    // U+FF5E sorts after U+1F642 in UTF-16 code units but before it in UTF-8 bytes.
    for (const k of ['b', '\u{1F642}', '\uFF5E', 'a']) await store.put(k, new Uint8Array(0));
    const keys: string[] = [];
    for await (const page of store.list('')) keys.push(...page.map((e) => e.key));
    expect(keys).toEqual(['a', 'b', '\uFF5E', '\u{1F642}']);
  });

  it('ignores conditions when told it cannot honour them (a store without compare-and-swap)', async () => {
    const store = new MemoryStore({ capabilities: { conditionalPut: false, conditionalGet: false } });
    const v1 = await store.put('m', new Uint8Array([1]));
    await store.put('m', new Uint8Array([2]), { ifMatch: '"stale"' });
    const got = await store.get('m', { ifNoneMatch: v1.etag });
    expect(got.kind === 'found' && Array.from(got.body)).toEqual([2]);
  });

  it('stops when aborted mid-request', async () => {
    const store = new MemoryStore();
    const ac = new AbortController();
    const pending = store.put('k', new Uint8Array([1]), { signal: ac.signal });
    ac.abort();
    const err = await pending.catch((e: unknown) => e);
    expect(isCloudSyncError(err, 'aborted')).toBe(true);
    expect((await store.get('k')).kind).toBe('not-found');
  });

  it('records the headers the caller asked for', async () => {
    const store = new MemoryStore();
    await store.put('metadata.json', new Uint8Array(0), { contentType: 'application/json', cacheControl: 'no-store' });
    expect(store.headers('metadata.json')).toEqual({ contentType: 'application/json', cacheControl: 'no-store' });
  });
});
