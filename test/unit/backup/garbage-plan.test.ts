import { describe, expect, it } from 'vitest';
import { GARBAGE_MIN_AGE_MS, planGarbage, referenceTime } from '../../../src/backup';
import { makeTombstone, pruneExpiredTombstones, TOMBSTONE_TTL_MS, type Metadata } from '../../../src/cloud';
import type { ListEntry } from '../../../src/providers/cloud-store';
import { live } from './helpers';

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
const NOW = Date.UTC(2026, 11, 2, 12, 0, 0);

const obj = (key: string, ageMs: number, size = 10): ListEntry => ({ key, size, lastModified: NOW - ageMs });

function meta(items: Metadata['items']): Metadata {
  return { lastSync: NOW, items };
}

describe('planGarbage', () => {
  it('removes an unnamed object once older than 24 hours and keeps a younger one', () => {
    const m = meta({ CHAT_a: live('idb') });
    const plan = planGarbage({
      metadata: m,
      objects: [obj('items/CHAT_a.json', 3 * DAY), obj('items/CHAT_old.json', 25 * HOUR, 7), obj('items/CHAT_new.json', 23 * HOUR)],
      now: NOW,
    });
    expect(plan).toEqual({ keys: ['items/CHAT_old.json'], bytes: 7, young: 1 });
    expect(GARBAGE_MIN_AGE_MS).toBe(DAY);
  });

  it('keeps the objects of live entries, however old', () => {
    const m = meta({ CHAT_a: live('idb'), TM_useTheme: live('ls'), 'ATTACHMENT_p.png': live('blob') });
    const objects = [obj('items/CHAT_a.json', 400 * DAY), obj('items/TM_useTheme.json', 400 * DAY), obj('attachments/ATTACHMENT_p.png.bin', 400 * DAY)];
    expect(planGarbage({ metadata: m, objects, now: NOW }).keys).toEqual([]);
  });

  it('keeps the object of a tombstoned entry ("Recently deleted" restores from it)', () => {
    const m = meta({
      CHAT_gone: makeTombstone({ type: 'idb', deleted: NOW - 29 * DAY, synced: NOW - 29 * DAY }),
      'ATTACHMENT_gone.pdf': makeTombstone({ type: 'blob', deleted: NOW - 29 * DAY, synced: NOW - 29 * DAY }),
    });
    const objects = [obj('items/CHAT_gone.json', 40 * DAY), obj('attachments/ATTACHMENT_gone.pdf.bin', 40 * DAY)];
    expect(planGarbage({ metadata: m, objects, now: NOW }).keys).toEqual([]);
  });

  it('removes the object of a deleted item once its tombstone expired and was pruned', () => {
    const deletedAt = NOW - TOMBSTONE_TTL_MS - DAY;
    const before = meta({ CHAT_keep: live('idb'), CHAT_gone: makeTombstone({ type: 'idb', deleted: deletedAt, synced: deletedAt }) });
    const objects = [obj('items/CHAT_keep.json', 60 * DAY), obj('items/CHAT_gone.json', NOW - deletedAt + DAY)];
    // Still in the index (not pruned yet): kept.
    expect(planGarbage({ metadata: before, objects, now: NOW }).keys).toEqual([]);
    // The next index write prunes it: the object goes.
    const after = pruneExpiredTombstones(before, NOW);
    expect(Object.keys(after.items)).toEqual(['CHAT_keep']);
    expect(planGarbage({ metadata: after, objects, now: NOW }).keys).toEqual(['items/CHAT_gone.json']);
  });

  it('removes an orphaned attachment .bin, and an object under the other prefix than its entry names', () => {
    // The entry says blob: attachments/…bin is the object; the original's junk items/ATTACHMENT_*.json is not.
    const m = meta({ 'ATTACHMENT_doc.pdf': live('blob') });
    const objects = [
      obj('attachments/ATTACHMENT_doc.pdf.bin', 5 * DAY),
      obj('attachments/ATTACHMENT_lost.png.bin', 2 * DAY, 3000),
      obj('items/ATTACHMENT_doc.pdf.json', 5 * DAY, 2),
    ];
    expect(planGarbage({ metadata: m, objects, now: NOW })).toEqual({
      keys: ['attachments/ATTACHMENT_lost.png.bin', 'items/ATTACHMENT_doc.pdf.json'],
      bytes: 3002,
      young: 0,
    });
  });

  it('never touches metadata.json, backups/ or anything outside items/ and attachments/', () => {
    const m = meta({ CHAT_a: live('idb') });
    const objects = [
      obj('metadata.json', 100 * DAY),
      obj('backups/manifest-index.json', 100 * DAY),
      obj('backups/typingmind-backup-20260101/items/CHAT_zzz.json', 100 * DAY),
      obj('backups/typingmind-backup-20260101/attachments/ATTACHMENT_x.bin', 100 * DAY),
      obj('backups/s-x-20260101T000000/metadata.json', 100 * DAY),
      obj('itemsX/CHAT_a.json', 100 * DAY),
      obj('typingmind-backup.json', 100 * DAY),
      obj('items/CHAT_orphan.json', 100 * DAY),
    ];
    expect(planGarbage({ metadata: m, objects, now: NOW }).keys).toEqual(['items/CHAT_orphan.json']);
  });

  it('keeps an object of unknown age, and derives object keys from entries, not from names', () => {
    const m = meta({ 'weird key/with "slash"': live('idb'), 'CHAT_x.json': live('idb') });
    const objects: ListEntry[] = [
      { key: 'items/no-date.json', size: 1 },
      { key: 'items/NaN-date.json', size: 1, lastModified: Number.NaN },
      obj('items/weird key/with "slash".json', 9 * DAY),
      obj('items/CHAT_x.json.json', 9 * DAY),
      obj('items/CHAT_x.json', 9 * DAY),
    ];
    const plan = planGarbage({ metadata: m, objects, now: NOW });
    expect(plan.keys).toEqual(['items/CHAT_x.json']);
    expect(plan.young).toBe(2);
  });

  it('honours a custom minimum age, strictly older than it', () => {
    const m = meta({ CHAT_a: live('idb') });
    const objects = [obj('items/CHAT_b.json', HOUR), obj('items/CHAT_c.json', HOUR + 1)];
    expect(planGarbage({ metadata: m, objects, now: NOW, minAgeMs: HOUR }).keys).toEqual(['items/CHAT_c.json']);
  });

  it('deletes a key listed twice (Drive duplicates) only when every copy is old, counting both', () => {
    const m = meta({ CHAT_a: live('idb') });
    const both = [obj('items/CHAT_d.json', 3 * DAY, 4), obj('items/CHAT_d.json', 2 * DAY, 5)];
    expect(planGarbage({ metadata: m, objects: both, now: NOW })).toEqual({ keys: ['items/CHAT_d.json'], bytes: 9, young: 0 });
    const oneYoung = [obj('items/CHAT_d.json', 3 * DAY, 4), obj('items/CHAT_d.json', HOUR, 5)];
    expect(planGarbage({ metadata: m, objects: oneYoung, now: NOW })).toEqual({ keys: [], bytes: 0, young: 1 });
  });
});

describe('referenceTime', () => {
  it('is the device clock, but never later than the newest time the storage stamped', () => {
    expect(referenceTime(NOW, [NOW - DAY, NOW - HOUR])).toBe(NOW - HOUR);
    // A device clock three days ahead: ages are measured on the server's clock instead.
    expect(referenceTime(NOW + 3 * DAY, [NOW, NOW - DAY])).toBe(NOW);
    // A device clock behind the server: its own clock (later collection, never earlier).
    expect(referenceTime(NOW - DAY, [NOW])).toBe(NOW - DAY);
    expect(referenceTime(NOW, [undefined, Number.NaN])).toBe(NOW);
    expect(referenceTime(NOW, [])).toBe(NOW);
  });
});
