/**
 * Interop with buckets the original extension wrote (test/fixtures): the first sync adopts its entries
 * without re-uploading unchanged items, a fresh device reads everything, and what we write the original reads
 * as unchanged (size and chatFingerprint computed as it computes them).
 */
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { chatFingerprint, isTombstone, itemSize, parseMetadata, type LiveEntry } from '../../../src/cloud';
import { createMemoryStore, type MemoryStore } from '../../../src/providers/memory';
import { decodeTagged, FIXTURE_BUCKETS, loadFixtureBucket, seedStoreFromFixture } from '../../support/fixture-bucket';
import { createSimDevice, type SimDevice } from '../../support/sim-device';

const open: SimDevice[] = [];
afterEach(() => {
  while (open.length) open.pop()!.close();
});

async function metadata(store: MemoryStore) {
  const r = await store.get('metadata.json');
  if (r.kind !== 'found') throw new Error('no metadata.json');
  return parseMetadata(r.body);
}

/** JSON view of a value, Blobs as their bytes, for comparing what a reader got with what was written. */
async function plain(v: unknown): Promise<unknown> {
  if (v instanceof Blob) return { blob: v.type, bytes: [...new Uint8Array(await v.arrayBuffer())].join(',') };
  return JSON.parse(JSON.stringify(v));
}

for (const name of FIXTURE_BUCKETS) {
  describe(`bucket written by the original ${name}`, () => {
    const fx = loadFixtureBucket(name);
    const synced = fx.expected.expectedSynced as { idb: Record<string, unknown>; ls: Record<string, string> };

    async function seededStore() {
      const store = createMemoryStore();
      await seedStoreFromFixture(store, fx);
      return store;
    }

    async function deviceWithOriginalData(store: MemoryStore) {
      const d = await createSimDevice({ name: 'switcher', store, password: fx.password });
      open.push(d);
      for (const [k, v] of Object.entries(synced.idb)) await d.put(k, decodeTagged(v, fx.dir));
      for (const [k, v] of Object.entries(synced.ls)) d.storage.setItem(k, v);
      d.dirty.clear();
      return d;
    }

    it('a device switching from the original adopts every entry: nothing re-uploaded, nothing rewritten', async () => {
      const store = await seededStore();
      const before = await store.get('metadata.json');
      const d = await deviceWithOriginalData(store);
      const r = await d.sync({ full: true });
      expect(r.errors).toEqual([]);
      // V3 stored attachments as "{}" (a stringified Blob) and never uploaded their bytes: the real bytes go up,
      // as the original's own next cycle would do. Everything else is adopted as it is.
      const blobs = Object.keys(synced.idb).filter((k) => (synced.idb[k] as { $blob?: unknown }).$blob);
      expect(r.uploaded.sort()).toEqual(name === 'v3' ? blobs.sort() : []);
      for (const k of blobs) expect(await d.read(k), k).toBeInstanceOf(Blob);
      expect(r.deleted).toEqual([]);
      expect(r.conflicts).toEqual([]);
      const after = await store.get('metadata.json');
      if (name !== 'v3') expect(after.kind === 'found' && before.kind === 'found' && after.etag).toBe(before.kind === 'found' && before.etag);
      // Dates stay Dates on this device
      const chatKey = Object.keys(synced.idb).find((k) => k.startsWith('CHAT_'))!;
      expect(((await d.read(chatKey)) as { updatedAt: unknown }).updatedAt).toBeInstanceOf(Date);
      // a second cycle is idle
      expect((await d.sync()).idle).toBe(true);
    });

    it('a fresh device reads every chat, setting and attachment the original wrote', async () => {
      const store = await seededStore();
      const d = await createSimDevice({ name: 'fresh', store, password: fx.password });
      open.push(d);
      const r = await d.sync({ full: true });
      expect(r.errors).toEqual([]);
      const dump = await d.dump();
      for (const [k, v] of Object.entries(synced.idb)) {
        const want = decodeTagged(v, fx.dir);
        const got = dump.idb[k];
        if (want instanceof Blob && name === 'v3') continue; // V3 never uploaded attachment bytes (its own quirk)
        expect(await plain(got), k).toEqual(await plain(want));
      }
      for (const [k, v] of Object.entries(synced.ls)) expect(dump.ls[k], k).toBe(v);
      for (const k of fx.expected.deletedKeys) expect(dump.idb[k]).toBeUndefined();
      expect(r.uploaded).toEqual([]);
    });

    it('what we write the original reads as unchanged: its own size and chatFingerprint', async () => {
      const store = await seededStore();
      const d = await deviceWithOriginalData(store);
      await d.sync({ full: true });
      const chatKey = Object.keys(synced.idb).find((k) => k.startsWith('CHAT_'))!;
      const chat = (await d.read(chatKey)) as { messages: unknown[]; updatedAt: Date };
      chat.messages.push({ id: 'new-msg', role: 'user', content: 'written by the rebuild', createdAt: new Date('2026-11-22T05:00:00Z') });
      chat.updatedAt = new Date('2026-11-22T05:00:00Z');
      await d.put(chatKey, chat);
      await d.put('TM_useFolderList', [{ id: 'f1', name: 'Renamed', createdAt: new Date('2026-11-22T05:00:00Z') }]);
      d.setLs('TM_useTheme', '"light"');
      const r = await d.sync();
      expect(r.uploaded.sort()).toEqual([chatKey, 'TM_useFolderList', 'TM_useTheme'].sort());

      const m = await metadata(store);
      const original = parseMetadata(fx.objects.get('metadata.json')!);
      const ce = m.items[chatKey] as LiveEntry;
      expect(ce.chatFingerprint).toBe(chatFingerprint(chat));
      expect(ce.lastModified).toBe(Date.parse('2026-11-22T05:00:00Z'));
      expect(ce.size).toBeUndefined();
      const fe = m.items.TM_useFolderList as LiveEntry;
      expect(fe.size).toBe(itemSize('idb', await d.read('TM_useFolderList')));
      expect((m.items.TM_useTheme as LiveEntry).size).toBe(itemSize('ls', '"light"', 'TM_useTheme'));
      // every entry we did not touch is exactly what the original wrote; its tombstones are kept
      const blobs = Object.keys(synced.idb).filter((k) => (synced.idb[k] as { $blob?: unknown }).$blob);
      for (const [k, e] of Object.entries(original.items)) {
        if ([chatKey, 'TM_useFolderList', 'TM_useTheme'].includes(k)) continue;
        if (name === 'v3' && blobs.includes(k)) {
          // V3's "{}" stand-ins were replaced by the real bytes, as the original's next cycle does
          expect(m.items[k]).toMatchObject({ type: 'blob', size: (await d.read(k) as Blob).size });
          continue;
        }
        expect(m.items[k], k).toEqual(e);
      }
      for (const k of fx.expected.tombstonesInMetadata) expect(isTombstone(m.items[k])).toBe(true);
    });
  });
}
