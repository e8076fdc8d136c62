import { entryIdentity, NO_PREDECESSOR } from '../../../src/cloud';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planRestore } from '../../../src/backup';
import { changedKeys } from '../../../src/backup/restore-plan';
import { isTombstone, type Metadata, type MetadataEntry } from '../../../src/cloud';

const F = 'backups/s-x-20260101T000000';
const NOW = 5000;
const liveE = (type: 'idb' | 'ls' | 'blob', extra: Record<string, unknown> = {}): MetadataEntry => ({ type, synced: 1, lastModified: 1, ...extra }) as MetadataEntry;
const tomb = (v = 1): MetadataEntry => ({ type: 'idb', deleted: 10, tombstoneVersion: v, synced: 10 });

function meta(items: Record<string, MetadataEntry>): Metadata {
  const out: Record<string, MetadataEntry> = {};
  for (const [k, e] of Object.entries(items)) Object.defineProperty(out, k, { value: e, enumerable: true, writable: true, configurable: true });
  return { lastSync: 1, items: out };
}

describe('planRestore', () => {
  it('decides each case of the table', () => {
    const backup = meta({
      A: liveE('idb'), // in backup and live now: copied back
      B: liveE('idb'), // in backup, deleted now: comes back
      P: liveE('blob'), // blob without its object in the backup, live now: kept
      Q: liveE('blob'), // blob without its object, not live now: unavailable
      T: tomb(), // deleted in the backup, live now: tombstoned
      U: liveE('blob'), // blob with its object, export-style backup: re-encoded
      E: tomb(4), // deleted in the backup, unknown now: carried over
    });
    const current = meta({ A: liveE('idb', { synced: 9 }), B: tomb(2), P: liveE('blob', { synced: 7 }), T: liveE('idb'), N: liveE('ls'), D: tomb(3) });
    const objects = new Set([`${F}/items/A.json`, `${F}/items/B.json`, `${F}/attachments/U.bin`, `${F}/items/T.json`]);
    const p = planRestore({ folder: F, backup, backupObjects: objects, current, now: NOW, reencodeAttachments: true });

    expect(p.restored.sort()).toEqual(['A', 'B', 'U']);
    expect(p.copies).toEqual([
      { key: 'A', type: 'idb', from: `${F}/items/A.json`, to: 'items/A.json', reencode: false },
      { key: 'B', type: 'idb', from: `${F}/items/B.json`, to: 'items/B.json', reencode: false },
      { key: 'U', type: 'blob', from: `${F}/attachments/U.bin`, to: 'attachments/U.bin', reencode: true },
    ]);
    expect(p.kept).toEqual(['P']);
    expect(p.unavailable).toEqual(['Q']);
    expect(p.tombstoned.sort()).toEqual(['N', 'T']);
    // Each entry the restore writes names the live entry it was written over (tcsPrev), so a device whose own
    // write it replaced takes the restore's value instead of merging its own back in.
    expect(p.metadata.items.A).toEqual({ type: 'idb', synced: NOW, lastModified: 1, tcsPrev: current.items.A ? entryIdentity(current.items.A) : NO_PREDECESSOR });
    expect(p.metadata.items.P).toBe(current.items.P);
    expect(p.metadata.items.N).toEqual({ deleted: NOW, type: 'ls', tombstoneVersion: 1, synced: NOW, tcsPrev: entryIdentity(current.items.N) });
    expect(p.metadata.items.D).toBe(current.items.D);
    expect(p.metadata.items.Q).toBeUndefined();
    expect(p.metadata.items.E).toBe(backup.items.E);
    expect(p.metadata.lastSync).toBe(NOW);
  });

  it('keeps a key named "__proto__" as an ordinary key', () => {
    // JSON.parse makes an own "__proto__" key, as a parsed metadata.json would hold it.
    const backup = meta(JSON.parse('{"__proto__": {"type": "idb", "synced": 1, "lastModified": 1}}'));
    const p = planRestore({ folder: F, backup, backupObjects: new Set([`${F}/items/__proto__.json`]), current: meta({}), now: NOW, reencodeAttachments: false });
    expect(Object.keys(p.metadata.items)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(p.metadata.items)).toBe(Object.prototype);
  });

  it('never leaves a key live that the backup does not hold, and never drops a live key without a tombstone', () => {
    const entry = fc.oneof(
      fc.constantFrom('idb', 'ls', 'blob').map((t) => liveE(t as 'idb')),
      fc.integer({ min: 1, max: 5 }).map((v) => tomb(v)),
    );
    const items = fc.dictionary(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g'), entry);
    fc.assert(
      fc.property(items, items, fc.subarray(['a', 'b', 'c', 'd', 'e', 'f', 'g']), (b, c, withObject) => {
        const backup = meta(b);
        const current = meta(c);
        const objects = new Set<string>();
        for (const k of withObject) for (const path of [`${F}/items/${k}.json`, `${F}/attachments/${k}.bin`]) objects.add(path);
        const p = planRestore({ folder: F, backup, backupObjects: objects, current, now: NOW, reencodeAttachments: false });
        for (const [k, e] of Object.entries(p.metadata.items)) {
          if (isTombstone(e)) continue;
          const fromBackup = b[k] && !isTombstone(b[k]) && withObject.includes(k);
          expect(fromBackup || p.kept.includes(k)).toBe(true);
        }
        for (const [k, e] of Object.entries(c)) {
          if (isTombstone(e)) continue;
          const now = p.metadata.items[k];
          expect(now).toBeDefined();
          if (isTombstone(now)) expect(now.tombstoneVersion).toBeGreaterThanOrEqual(1);
        }
      }),
    );
  });

  it('changedKeys names entries added, removed or changed between two reads', () => {
    const before = meta({ a: liveE('idb'), b: liveE('idb'), c: liveE('ls') });
    const after = meta({ a: liveE('idb'), b: liveE('idb', { synced: 2 }), d: liveE('ls') });
    expect([...changedKeys(before, after)].sort()).toEqual(['b', 'c', 'd']);
  });
});
