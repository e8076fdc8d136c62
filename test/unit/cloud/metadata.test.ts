import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { emptyMetadata, isTombstone, liveKeys, metadataFromJson, parseMetadata, serializeMetadata, type LiveEntry } from '../../../src/cloud';
import { CloudSyncError, isCloudSyncError } from '../../../src/errors';

const V42 =
  '{"lastSync":1735787100123,"items":{"CHAT_k3j4h5l6":{"synced":1735787099001,"type":"idb","lastModified":1735787045678,' +
  '"chatFingerprint":"2025-01-02T03:04:05.678Z|2|m2|2025-01-02T03:04:05.000Z"},' +
  '"TM_useUserCharacters":{"synced":1735787099002,"type":"idb","lastModified":0,"size":5123},' +
  '"TM_useExampleSetting":{"synced":1735787099003,"type":"ls","lastModified":1735787000000,"size":49},' +
  '"att":{"synced":1735787099004,"type":"blob","lastModified":0,"blobType":"image/png","size":48213},' +
  '"CHAT_oldchat":{"deleted":1735700000000,"type":"idb","tombstoneVersion":1,"synced":1735700001000}}}';

describe('parseMetadata', () => {
  it('reads the V4.2 example of the format reference and writes it back byte for byte', () => {
    const m = parseMetadata(V42);
    expect(m.lastSync).toBe(1735787100123);
    expect(Object.keys(m.items)).toHaveLength(5);
    expect(isTombstone(m.items.CHAT_oldchat)).toBe(true);
    expect(liveKeys(m)).not.toContain('CHAT_oldchat');
    expect(serializeMetadata(m)).toBe(V42);
  });

  it('reads bytes the same as text, ignoring surrounding whitespace as the original does', () => {
    expect(parseMetadata(new TextEncoder().encode('\n ' + V42 + ' \n'))).toEqual(parseMetadata(V42));
  });

  it('reads V3 entries (string lastModified, no fingerprint) as they are', () => {
    const m = parseMetadata('{"lastSync":1,"items":{"CHAT_a":{"synced":5,"type":"idb","lastModified":"2026-10-15T05:42:07.032Z"}}}');
    expect(m.items.CHAT_a).toEqual({ synced: 5, type: 'idb', lastModified: '2026-10-15T05:42:07.032Z' });
  });

  it('treats a V2 metadata.json (no items) as empty', () => {
    expect(parseMetadata('{"version":"1.0","lastSyncTime":123,"chats":{},"settings":{}}')).toEqual(emptyMetadata());
  });

  it('treats JSON that is not an object as empty', () => {
    for (const t of ['null', '[]', '[1,2]', '"x"', '42', 'true', '{"items":[1]}', '{"items":null}'])
      expect(parseMetadata(t).items, t).toEqual({});
  });

  it('drops entries that are not objects, keeps the rest', () => {
    const m = parseMetadata('{"lastSync":3,"items":{"a":null,"b":5,"c":"x","d":[1],"e":{"synced":1,"type":"ls","lastModified":0,"size":3}}}');
    expect(Object.keys(m.items)).toEqual(['e']);
  });

  it('keeps unknown fields of an entry, so a rewrite never drops what another writer added', () => {
    const m = parseMetadata('{"lastSync":3,"items":{"e":{"synced":1,"type":"ls","lastModified":0,"size":3,"future":{"x":1}}}}');
    expect(m.items.e.future).toEqual({ x: 1 });
    expect(serializeMetadata(m)).toContain('"future":{"x":1}');
  });

  it('normalises field types the engine relies on', () => {
    const m = parseMetadata(
      '{"lastSync":"x","items":{"a":{"synced":"1","type":"weird","lastModified":{},"size":"3","tcsDates":[1]},' +
        '"t":{"deleted":5,"type":"idb","tombstoneVersion":0,"synced":1},"u":{"deleted":0,"type":"ls","synced":2,"lastModified":3}}}',
    );
    expect(m.lastSync).toBe(0);
    expect(m.items.a).toEqual({ synced: 0, type: 'idb', lastModified: 0 });
    expect(m.items.t).toEqual({ deleted: 5, type: 'idb', tombstoneVersion: 1, synced: 1 });
    expect(isTombstone(m.items.u)).toBe(false);
  });

  it('keeps a blob entry\'s tcsBlobType when it is a string, "" included, and drops it otherwise', () => {
    const m = parseMetadata(
      '{"lastSync":1,"items":{"a":{"synced":1,"type":"blob","lastModified":0,"blobType":"image/png","size":3,"tcsBlobType":""},' +
        '"b":{"synced":1,"type":"blob","lastModified":0,"blobType":"image/png","size":3,"tcsBlobType":7}}}',
    );
    expect((m.items.a as LiveEntry).tcsBlobType).toBe('');
    expect(m.items.b).not.toHaveProperty('tcsBlobType');
  });

  it('metadataFromJson leaves its input unchanged', () => {
    const input = { lastSync: 1, items: { a: { synced: 'x', type: 'weird', size: 'big' } } };
    const copy = JSON.parse(JSON.stringify(input)) as unknown;
    expect(metadataFromJson(input).items.a).toEqual({ synced: 0, type: 'idb', lastModified: 0 });
    expect(input).toEqual(copy);
  });

  it('an item key "__proto__" stays an ordinary key', () => {
    const m = parseMetadata('{"lastSync":1,"items":{"__proto__":{"synced":1,"type":"ls","lastModified":0,"size":1}}}');
    expect(Object.keys(m.items)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(m.items)).toBe(Object.prototype);
    expect(serializeMetadata(m)).toContain('"__proto__":{');
  });

  it('unparseable JSON is a bad-metadata error that tells the person what to do', () => {
    for (const t of ['', '{', '{"lastSync":1,', 'not json', '\u0000']) {
      let err: unknown;
      try {
        parseMetadata(t);
      } catch (e) {
        err = e;
      }
      expect(isCloudSyncError(err, 'bad-metadata'), JSON.stringify(t)).toBe(true);
      expect((err as Error).message).toMatch(/metadata\.json/);
    }
  });

  it('fuzz: any bytes give metadata or a CloudSyncError, nothing else', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        try {
          const m = parseMetadata(bytes);
          return typeof m.lastSync === 'number' && typeof m.items === 'object';
        } catch (e) {
          return e instanceof CloudSyncError && e.code === 'bad-metadata';
        }
      }),
      { numRuns: 500 },
    );
  });

  it('fuzz: any JSON value gives well-typed metadata, and serialise → parse is stable', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.dictionary(fc.string(), fc.jsonValue()), (top, items) => {
        for (const input of [top, { lastSync: 5, items }]) {
          const m = metadataFromJson(input);
          for (const e of Object.values(m.items)) {
            if (!['idb', 'ls', 'blob'].includes(e.type) || typeof e.synced !== 'number') return false;
          }
          const again = parseMetadata(serializeMetadata(m));
          if (serializeMetadata(again) !== serializeMetadata(m)) return false;
        }
        return true;
      }),
      { numRuns: 300 },
    );
  });
});
