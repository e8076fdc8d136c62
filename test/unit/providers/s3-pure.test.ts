import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { encodeCopySource } from '../../../src/providers/s3/copy-source';
import { normalizeEtag } from '../../../src/providers/s3/etag';
import { planParts, MIN_PART_SIZE, MAX_PARTS } from '../../../src/providers/s3/multipart-plan';
import { defaultHeadersForKey, headersForPut, METADATA_CACHE_CONTROL } from '../../../src/providers/object-headers';

describe('encodeCopySource', () => {
  it('encodes each segment and keeps the slashes', () => {
    expect(encodeCopySource('b', 'items/a b+c#d?e%f.json')).toBe('b/items/a%20b%2Bc%23d%3Fe%25f.json');
    expect(encodeCopySource('b', "items/it's (1)*!")).toBe('b/items/it%27s%20%281%29%2A%21');
    expect(encodeCopySource('b', 'items/日本')).toBe('b/items/%E6%97%A5%E6%9C%AC');
  });

  it('decodes back to exactly the bucket and key, for any key', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', minLength: 1 }), (key) => {
        const encoded = encodeCopySource('bucket', key);
        expect(encoded).not.toMatch(/[ +#?%&'()*!](?![0-9A-F]{2})/);
        const [bucket, ...rest] = encoded.split('/');
        expect(bucket).toBe('bucket');
        expect(rest.map(decodeURIComponent).join('/')).toBe(key);
      }),
    );
  });
});

describe('normalizeEtag', () => {
  it('quotes bare ETags and leaves quoted and weak ones alone', () => {
    expect(normalizeEtag('abc')).toBe('"abc"');
    expect(normalizeEtag('"abc"')).toBe('"abc"');
    expect(normalizeEtag(' "abc-2" ')).toBe('"abc-2"');
    expect(normalizeEtag('W/"x"')).toBe('W/"x"');
    expect(normalizeEtag('')).toBeUndefined();
    expect(normalizeEtag(undefined)).toBeUndefined();
  });
});

describe('planParts', () => {
  it('cuts a 50 MiB body into 8 MiB parts, the last one shorter', () => {
    const parts = planParts(50 * 1024 * 1024, 8 * 1024 * 1024);
    expect(parts).toHaveLength(7);
    expect(parts[6]).toEqual({ partNumber: 7, start: 48 * 1024 * 1024, end: 50 * 1024 * 1024 });
  });

  it('never goes below S3\'s 5 MiB minimum part size', () => {
    expect(planParts(12 * 1024 * 1024, 1024).map((p) => p.end - p.start)).toEqual([MIN_PART_SIZE, MIN_PART_SIZE, 2 * 1024 * 1024]);
  });

  it('covers every byte exactly once, in order, within 10,000 parts', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 40 }), fc.integer({ min: 1, max: 64 * 1024 * 1024 }), (total, size) => {
        const parts = planParts(total, size);
        expect(parts.length).toBeLessThanOrEqual(MAX_PARTS);
        expect(parts[0].start).toBe(0);
        expect(parts[parts.length - 1].end).toBe(total);
        // Plain checks in the loop: an expect() per part would make 10,000-part plans slow.
        const bad = parts.findIndex(
          (p, i) => i > 0 && (p.start !== parts[i - 1].end || p.partNumber !== i + 1 || parts[i - 1].end - parts[i - 1].start < MIN_PART_SIZE),
        );
        expect(bad).toBe(-1);
      }),
      { numRuns: 60 },
    );
  });
});

describe('object headers', () => {
  it('gives metadata.json the original\'s JSON type and no-cache, everything else octet-stream that browsers revalidate', () => {
    expect(defaultHeadersForKey('metadata.json')).toEqual({ contentType: 'application/json', cacheControl: METADATA_CACHE_CONTROL });
    expect(METADATA_CACHE_CONTROL).toBe('no-cache, no-store, max-age=0, must-revalidate');
    // overwritten in place: a browser must revalidate rather than answer from its cache
    expect(defaultHeadersForKey('items/chat_1.json')).toEqual({ contentType: 'application/octet-stream', cacheControl: 'no-cache' });
    expect(defaultHeadersForKey('backups/s-x-20250101T000000/metadata.json').contentType).toBe('application/octet-stream');
  });

  it('lets the caller override either header', () => {
    expect(headersForPut('backups/manifest-index.json', { contentType: 'application/json' })).toEqual({ contentType: 'application/json', cacheControl: 'no-cache' });
    expect(headersForPut('metadata.json', { cacheControl: 'no-store' })).toEqual({ contentType: 'application/json', cacheControl: 'no-store' });
  });
});
