/**
 * The CloudStore acceptance suite: the same behavioural tests run against every implementation
 * (memory, S3 on s3rver, Google Drive), each with its own setup — the way automerge-repo runs one
 * storage-adapter suite against every adapter. A store that passes it behaves like the others as far as
 * sync and backup can tell.
 *
 * Usage:
 *   describeCloudStore('memory', async () => ({ store: new MemoryStore({ pageSize: 7 }), teardown: async () => {} }),
 *     { manyKeys: 20 });
 *
 * Contract pinned here (beyond the interface's comments):
 * - ETags are non-empty strings; put's ETag equals the ETag a later get / list reports; a write of different
 *   bytes changes it. A get says `etagOfBody` only where the store's options claim it.
 * - get of a missing key is `{kind:'not-found'}`; copy from a missing key throws CloudSyncError('not-found');
 *   deleteMany of missing keys is not an error.
 * - Conditional writes that do not hold throw CloudSyncError('precondition-failed') and leave the object as it
 *   was; `ifMatch` against a missing key does not hold either.
 * - An already-aborted signal makes the call throw CloudSyncError('aborted').
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import type { CloudStore, GetResult, ListEntry } from '../../src/providers/cloud-store';
import { isCloudSyncError } from '../../src/errors';

export interface CloudStoreSetupResult {
  store: CloudStore;
  teardown(): Promise<void>;
}

export interface AcceptanceOptions {
  /** Keys for the multi-page list test; must exceed the store's page size (S3: 1,000). Default 1,050. */
  manyKeys?: number;
  /** Size of the large body test. Default 50 MiB. */
  largeBodyBytes?: number;
  /** Register the conditional put tests (a store whose capabilities say it cannot, opts out). Default true. */
  conditionalPut?: boolean;
  /** Register the conditional get tests. Default true. */
  conditionalGet?: boolean;
  /** Per-test timeout for the slow tests (many keys, large body). Default 120 s. */
  slowTimeoutMs?: number;
  /**
   * The store reads an object's ETag in the same response as its bytes and says so (`etagOfBody`), so a reader
   * may trust what it recorded under that ETag. Only a store that really does may claim it. Default false.
   */
  etagOfBody?: boolean;
}

const enc = new TextEncoder();
const dec = new TextDecoder();

/** Keys a user's data can produce: TypingMind keys hold spaces, quotes and unicode; attachments hold anything. */
export const AWKWARD_KEYS = [
  'items/with space.json',
  'items/double"quote.json',
  "items/single'quote.json",
  'items/nested/slash/key.json',
  'items/percent%20literal.json',
  'items/plus+sign.json',
  'items/hash#sign.json',
  'items/question?mark.json',
  'items/ampersand&equals=.json',
  'items/unicode-é-日本語-🙂.json',
  'items/tilde~and(parens).json',
];

async function bodyOf(r: GetResult): Promise<Uint8Array> {
  if (r.kind !== 'found') throw new Error(`expected an object, got ${r.kind}`);
  return r.body;
}

async function collect(store: CloudStore, prefix: string): Promise<{ pages: ListEntry[][]; entries: ListEntry[] }> {
  const pages: ListEntry[][] = [];
  for await (const page of store.list(prefix)) pages.push(page);
  return { pages, entries: pages.flat() };
}

async function expectError(p: Promise<unknown>, code: string): Promise<void> {
  let caught: unknown;
  try {
    await p;
  } catch (e) {
    caught = e;
  }
  expect(caught, `expected CloudSyncError(${code})`).toBeDefined();
  if (!isCloudSyncError(caught)) throw caught;
  expect(caught.code).toBe(code);
  // Every error we throw is worded for a person.
  expect(caught.message.length).toBeGreaterThan(20);
}

async function inParallel<T>(items: T[], limit: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++];
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function describeCloudStore(
  name: string,
  setup: () => Promise<CloudStoreSetupResult>,
  options: AcceptanceOptions = {},
): void {
  const manyKeys = options.manyKeys ?? 1050;
  const largeBytes = options.largeBodyBytes ?? 50 * 1024 * 1024;
  const slow = options.slowTimeoutMs ?? 120_000;

  describe(`CloudStore acceptance: ${name}`, () => {
    let store: CloudStore;
    let teardown: () => Promise<void>;

    beforeEach(async () => {
      ({ store, teardown } = await setup());
    });
    afterEach(async () => {
      await teardown?.();
    });

    describe('get / put', () => {
      it('answers not-found for a key that was never written', async () => {
        expect(await store.get('items/never-written.json')).toEqual({ kind: 'not-found' });
      });

      it('returns exactly the bytes written, with the ETag put reported', async () => {
        const body = new Uint8Array([0, 1, 2, 254, 255, 10, 13, 0]);
        const put = await store.put('items/a.bin', body);
        expect(typeof put.etag).toBe('string');
        expect(put.etag.length).toBeGreaterThan(0);
        const got = await store.get('items/a.bin');
        expect(got.kind).toBe('found');
        expect(Array.from(await bodyOf(got))).toEqual(Array.from(body));
        if (got.kind === 'found') expect(got.etag).toBe(put.etag);
        if (got.kind === 'found') expect(got.etagOfBody).toBe(options.etagOfBody ? true : undefined);
      });

      it('keeps its own copy: changing the caller\'s array after put changes nothing stored', async () => {
        const body = enc.encode('original');
        await store.put('items/own-copy', body);
        body[0] = 'X'.charCodeAt(0);
        expect(dec.decode(await bodyOf(await store.get('items/own-copy')))).toBe('original');
      });

      it('changes the ETag when an object is overwritten with different bytes', async () => {
        const first = await store.put('metadata.json', enc.encode('{"v":1}'));
        const second = await store.put('metadata.json', enc.encode('{"v":2}'));
        expect(second.etag).not.toBe(first.etag);
        const got = await store.get('metadata.json');
        expect(dec.decode(await bodyOf(got))).toBe('{"v":2}');
        if (got.kind === 'found') expect(got.etag).toBe(second.etag);
      });

      it('stores an empty body as an empty object, not as a missing one', async () => {
        await store.put('items/empty', new Uint8Array(0));
        const got = await store.get('items/empty');
        expect(got.kind).toBe('found');
        expect((await bodyOf(got)).byteLength).toBe(0);
        const { entries } = await collect(store, 'items/');
        expect(entries.map((e) => [e.key, e.size])).toEqual([['items/empty', 0]]);
      });

      it('keeps the content type it was given', async () => {
        await store.put('metadata.json', enc.encode('{}'), {
          contentType: 'application/json',
          cacheControl: 'no-cache, no-store, max-age=0, must-revalidate',
        });
        const got = await store.get('metadata.json');
        expect(got.kind === 'found' && got.contentType?.split(';')[0]).toBe('application/json');
      });

      it(
        `round-trips a large body (${Math.round(largeBytes / 1024 / 1024)} MiB) byte for byte`,
        async () => {
          const body = new Uint8Array(largeBytes);
          // Not all zeros: a position-dependent pattern catches reordered or duplicated parts.
          for (let i = 0; i < body.length; i += 4096) body.set(enc.encode(`@${i}:`), i);
          body[body.length - 1] = 0x7f;
          const put = await store.put('items/attachment-large.bin', body);
          const got = await store.get('items/attachment-large.bin');
          const back = await bodyOf(got);
          expect(back.byteLength).toBe(body.byteLength);
          expect(sha256(back)).toBe(sha256(body));
          if (got.kind === 'found') expect(got.etag).toBe(put.etag);
          const { entries } = await collect(store, 'items/attachment-large');
          expect(entries[0]?.size).toBe(largeBytes);
        },
        slow,
      );
    });

    describe('keys with characters that need escaping', () => {
      it('writes, reads, lists, copies and deletes every awkward key', async () => {
        for (const key of AWKWARD_KEYS) await store.put(key, enc.encode(`body of ${key}`));
        for (const key of AWKWARD_KEYS) {
          expect(dec.decode(await bodyOf(await store.get(key))), key).toBe(`body of ${key}`);
        }
        const { entries } = await collect(store, 'items/');
        expect(entries.map((e) => e.key).sort()).toEqual([...AWKWARD_KEYS].sort());

        for (const key of AWKWARD_KEYS) await store.copy(key, `backups/s-snap/${key}`);
        for (const key of AWKWARD_KEYS) {
          expect(dec.decode(await bodyOf(await store.get(`backups/s-snap/${key}`))), key).toBe(`body of ${key}`);
        }

        await store.deleteMany(AWKWARD_KEYS);
        for (const key of AWKWARD_KEYS) expect((await store.get(key)).kind, key).toBe('not-found');
        expect((await collect(store, 'backups/s-snap/')).entries).toHaveLength(AWKWARD_KEYS.length);
      });
    });

    describe('list', () => {
      it('lists by prefix, recursively, with sizes, and nothing outside the prefix', async () => {
        await store.put('items/a.json', enc.encode('aa'));
        await store.put('items/deep/b.json', enc.encode('bbb'));
        await store.put('itemsX/not-me.json', enc.encode('x'));
        await store.put('metadata.json', enc.encode('{}'));
        const { entries } = await collect(store, 'items/');
        const byKey = Object.fromEntries(entries.map((e) => [e.key, e.size]));
        expect(byKey).toEqual({ 'items/a.json': 2, 'items/deep/b.json': 3 });
        const all = await collect(store, '');
        expect(all.entries.map((e) => e.key).sort()).toEqual(['items/a.json', 'items/deep/b.json', 'itemsX/not-me.json', 'metadata.json']);
      });

      it('reports the same ETag in a listing as put returned, when it reports one', async () => {
        const put = await store.put('items/etag.json', enc.encode('e'));
        const { entries } = await collect(store, 'items/etag');
        expect(entries).toHaveLength(1);
        if (entries[0].etag !== undefined) expect(entries[0].etag).toBe(put.etag);
      });

      it('yields nothing for a prefix with no objects', async () => {
        await store.put('items/a.json', enc.encode('a'));
        const { entries } = await collect(store, 'backups/');
        expect(entries).toEqual([]);
      });

      it(
        `pages through ${manyKeys} keys: every key exactly once, over more than one page; deleteMany removes them all`,
        async () => {
          const keys = Array.from({ length: manyKeys }, (_, i) => `items/k${String(i).padStart(5, '0')}.json`);
          await inParallel(keys, 24, (k) => store.put(k, enc.encode(k)));
          await store.put('other/keep.json', enc.encode('keep'));

          const { pages, entries } = await collect(store, 'items/');
          expect(pages.length).toBeGreaterThan(1);
          const seen = entries.map((e) => e.key);
          expect(new Set(seen).size).toBe(seen.length);
          expect([...seen].sort()).toEqual(keys);

          await store.deleteMany(keys);
          expect((await collect(store, 'items/')).entries).toEqual([]);
          expect((await store.get('other/keep.json')).kind).toBe('found');
        },
        slow,
      );
    });

    describe('copy', () => {
      it('copies bytes to a new key and leaves the source in place', async () => {
        await store.put('items/src.json', enc.encode('source bytes'));
        await store.copy('items/src.json', 'backups/s-x/items/src.json');
        expect(dec.decode(await bodyOf(await store.get('backups/s-x/items/src.json')))).toBe('source bytes');
        expect(dec.decode(await bodyOf(await store.get('items/src.json')))).toBe('source bytes');
      });

      it('overwrites an existing destination', async () => {
        await store.put('items/src.json', enc.encode('new'));
        await store.put('items/dst.json', enc.encode('old'));
        await store.copy('items/src.json', 'items/dst.json');
        expect(dec.decode(await bodyOf(await store.get('items/dst.json')))).toBe('new');
      });

      it('fails with not-found when the source does not exist, creating nothing', async () => {
        await expectError(store.copy('items/missing.json', 'items/dst.json'), 'not-found');
        expect((await store.get('items/dst.json')).kind).toBe('not-found');
      });
    });

    describe('deleteMany', () => {
      it('deletes the keys given and only those; missing keys and an empty list are fine', async () => {
        await store.put('items/1', enc.encode('1'));
        await store.put('items/2', enc.encode('2'));
        await store.put('items/3', enc.encode('3'));
        await store.deleteMany(['items/1', 'items/3', 'items/never-existed']);
        await store.deleteMany([]);
        expect((await store.get('items/1')).kind).toBe('not-found');
        expect((await store.get('items/3')).kind).toBe('not-found');
        expect(dec.decode(await bodyOf(await store.get('items/2')))).toBe('2');
      });
    });

    if (options.conditionalPut ?? true) {
      describe('conditional put', () => {
        it("ifNoneMatch:'*' creates a missing object and refuses to replace an existing one", async () => {
          const created = await store.put('metadata.json', enc.encode('first'), { ifNoneMatch: '*' });
          expect(created.etag.length).toBeGreaterThan(0);
          await expectError(store.put('metadata.json', enc.encode('second'), { ifNoneMatch: '*' }), 'precondition-failed');
          expect(dec.decode(await bodyOf(await store.get('metadata.json')))).toBe('first');
        });

        it('ifMatch writes when the ETag is current and refuses a stale one, leaving the object intact', async () => {
          const v1 = await store.put('metadata.json', enc.encode('v1'));
          const v2 = await store.put('metadata.json', enc.encode('v2'), { ifMatch: v1.etag });
          expect(v2.etag).not.toBe(v1.etag);
          await expectError(store.put('metadata.json', enc.encode('v3'), { ifMatch: v1.etag }), 'precondition-failed');
          const got = await store.get('metadata.json');
          expect(dec.decode(await bodyOf(got))).toBe('v2');
          if (got.kind === 'found') expect(got.etag).toBe(v2.etag);
        });

        it('ifMatch against a missing object does not hold', async () => {
          const v1 = await store.put('metadata.json', enc.encode('v1'));
          await store.deleteMany(['metadata.json']);
          await expectError(store.put('metadata.json', enc.encode('v2'), { ifMatch: v1.etag }), 'precondition-failed');
          expect((await store.get('metadata.json')).kind).toBe('not-found');
        });

        it('of many concurrent writers holding the same ETag, exactly one wins', async () => {
          const base = await store.put('metadata.json', enc.encode('base'));
          const writers = Array.from({ length: 8 }, (_, i) =>
            store.put('metadata.json', enc.encode(`writer ${i}`), { ifMatch: base.etag }).then(
              (r) => ({ i, ok: true as const, etag: r.etag }),
              (e: unknown) => {
                if (!isCloudSyncError(e, 'precondition-failed')) throw e;
                return { i, ok: false as const };
              },
            ),
          );
          const results = await Promise.all(writers);
          const winners = results.filter((r) => r.ok);
          expect(winners).toHaveLength(1);
          const got = await store.get('metadata.json');
          expect(dec.decode(await bodyOf(got))).toBe(`writer ${winners[0].i}`);
        });

        it("of many concurrent creators with ifNoneMatch:'*', exactly one wins", async () => {
          const results = await Promise.all(
            Array.from({ length: 8 }, (_, i) =>
              store.put('items/lock.json', enc.encode(`creator ${i}`), { ifNoneMatch: '*' }).then(
                () => i,
                (e: unknown) => {
                  if (!isCloudSyncError(e, 'precondition-failed')) throw e;
                  return -1;
                },
              ),
            ),
          );
          const winners = results.filter((i) => i >= 0);
          expect(winners).toHaveLength(1);
          expect(dec.decode(await bodyOf(await store.get('items/lock.json')))).toBe(`creator ${winners[0]}`);
        });
      });
    }

    if (options.conditionalGet ?? true) {
      describe('conditional get', () => {
        it('answers not-modified while the ETag still matches, and the new body once it changed', async () => {
          const v1 = await store.put('metadata.json', enc.encode('v1'));
          expect(await store.get('metadata.json', { ifNoneMatch: v1.etag })).toEqual({ kind: 'not-modified', etag: v1.etag });
          await store.put('metadata.json', enc.encode('v2'));
          const got = await store.get('metadata.json', { ifNoneMatch: v1.etag });
          expect(dec.decode(await bodyOf(got))).toBe('v2');
        });

        it('answers not-found for a missing key even with ifNoneMatch', async () => {
          expect((await store.get('metadata.json', { ifNoneMatch: '"whatever"' })).kind).toBe('not-found');
        });
      });
    }

    describe('abort', () => {
      it('refuses to start work under an already-aborted signal', async () => {
        const ac = new AbortController();
        ac.abort();
        await expectError(store.put('items/x', enc.encode('x'), { signal: ac.signal }), 'aborted');
        await expectError(store.get('items/x', { signal: ac.signal }), 'aborted');
        expect((await store.get('items/x')).kind).toBe('not-found');
      });
    });
  });
}
