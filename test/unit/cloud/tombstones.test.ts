import { describe, expect, it } from 'vitest';
import {
  expiredTombstoneKeys,
  isTombstone,
  isTombstoneExpired,
  makeTombstone,
  nextTombstoneVersion,
  readBackEntry,
  parseMetadata,
  pruneExpiredTombstones,
  serializeMetadata,
  TOMBSTONE_TTL_MS,
  type Metadata,
} from '../../../src/cloud';

describe('tombstones (§4)', () => {
  it('keep what reading the deleted object back needs: its Date paths and attachment type (after the original fields)', () => {
    const t = makeTombstone({ type: 'idb', deleted: 100, synced: 110, previous: { type: 'idb', synced: 5, lastModified: 5, tcsHash: 'h', tcsDates: ['/createdAt'] } });
    expect(JSON.stringify(t)).toBe('{"deleted":100,"type":"idb","tombstoneVersion":1,"synced":110,"tcsDates":["/createdAt"]}');
    expect(readBackEntry(t)).toEqual({ type: 'idb', synced: 0, lastModified: 0, tcsDates: ['/createdAt'] });
    const b = makeTombstone({ type: 'blob', deleted: 100, synced: 110, previous: { type: 'blob', synced: 5, lastModified: 5, blobType: 'image/png', tcsBlobType: '' } });
    expect(readBackEntry(b)).toEqual({ type: 'blob', synced: 0, lastModified: 0, blobType: 'image/png', tcsBlobType: '' });
    // A tombstone of the original's (or a malformed field) reads the object as the original would.
    expect(readBackEntry({ deleted: 1, type: 'idb', tombstoneVersion: 1, synced: 1, tcsDates: 'garbage' })).toEqual({ type: 'idb', synced: 0, lastModified: 0 });
  });

  it('has the original fields in the original order; deletedAt only when asked', () => {
    const t = makeTombstone({ type: 'idb', deleted: 100, synced: 110 });
    expect(JSON.stringify(t)).toBe('{"deleted":100,"type":"idb","tombstoneVersion":1,"synced":110}');
    const t2 = makeTombstone({ type: 'ls', deleted: 100, synced: 110, withDeletedAt: true });
    expect(JSON.stringify(t2)).toBe('{"deleted":100,"deletedAt":100,"type":"ls","tombstoneVersion":1,"synced":110}');
    expect(isTombstone(t)).toBe(true);
  });

  it('the version is the previous tombstone version + 1 (a live entry counts as 0)', () => {
    expect(nextTombstoneVersion(undefined)).toBe(1);
    expect(nextTombstoneVersion({ synced: 1, type: 'idb', lastModified: 0 })).toBe(1);
    expect(nextTombstoneVersion({ deleted: 5, type: 'idb', tombstoneVersion: 3, synced: 5 })).toBe(4);
    expect(makeTombstone({ type: 'idb', deleted: 1, synced: 1, previous: { deleted: 5, type: 'idb', tombstoneVersion: 2, synced: 5 } }).tombstoneVersion).toBe(3);
  });

  it('expires strictly after 30 days', () => {
    const t = makeTombstone({ type: 'idb', deleted: 1_000, synced: 1_000 });
    expect(TOMBSTONE_TTL_MS).toBe(2_592_000_000);
    expect(isTombstoneExpired(t, 1_000 + TOMBSTONE_TTL_MS)).toBe(false);
    expect(isTombstoneExpired(t, 1_000 + TOMBSTONE_TTL_MS + 1)).toBe(true);
  });

  it('pruning removes only expired tombstones, keeps order, and leaves the input unchanged', () => {
    const now = 10 * TOMBSTONE_TTL_MS;
    const m: Metadata = {
      lastSync: 7,
      items: {
        live: { synced: 1, type: 'idb', lastModified: 0, size: 2 },
        old: makeTombstone({ type: 'idb', deleted: now - TOMBSTONE_TTL_MS - 1, synced: 1 }),
        fresh: makeTombstone({ type: 'ls', deleted: now - 1000, synced: 1 }),
        liveOld: { synced: 1, type: 'ls', lastModified: 0, size: 2 },
      },
    };
    const before = serializeMetadata(m);
    expect(expiredTombstoneKeys(m, now)).toEqual(['old']);
    const pruned = pruneExpiredTombstones(m, now);
    expect(Object.keys(pruned.items)).toEqual(['live', 'fresh', 'liveOld']);
    expect(pruned.lastSync).toBe(7);
    expect(serializeMetadata(m)).toBe(before);
  });

  it('pruning keeps a "__proto__" item key as data', () => {
    const m = parseMetadata('{"lastSync":1,"items":{"__proto__":{"synced":1,"type":"ls","lastModified":0,"size":1}}}');
    expect(Object.keys(pruneExpiredTombstones(m, 5).items)).toEqual(['__proto__']);
  });
});
