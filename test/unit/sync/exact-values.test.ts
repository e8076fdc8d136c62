/**
 * Values round-trip exactly between two of our devices: a Blob keeps its own type ("" and
 * application/octet-stream included, which the original's reading rule would replace with a sniffed one), its
 * bytes and its hash, so the receiving device holds the same value and has nothing to send back. Entries the
 * original wrote are still read as the original reads them.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { serializeMetadata, type LiveEntry } from '../../../src/cloud';
import { encryptBytes } from '../../../src/crypto';
import { createMemoryStore, type MemoryStore } from '../../../src/providers/memory';
import { createSimDevice, keysFor } from '../../support/sim-device';
import { bucketMetadata, useSimDevices } from '../../support/sim-device';

const sims = useSimDevices();
const device = sims.device;
const metadata = bucketMetadata;

/** A store that counts the writes the engine sends. */
function countingPuts(store: MemoryStore) {
  const counts = { put: 0 };
  const wrapped = Object.create(store) as MemoryStore;
  wrapped.put = (k, b, o) => (counts.put++, store.put(k, b, o));
  return { store: wrapped, counts };
}

const bytesOf = async (b: Blob) => new Uint8Array(await b.arrayBuffer());
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 7, 7, 7]);
const TEXT = new TextEncoder().encode('notes.md, as TypingMind kept it');

describe('exact values between two of our devices', () => {
  it('a Blob typed "" arrives typed "", with the same bytes, and the receiver then has nothing to upload', async () => {
    const store = createMemoryStore();
    const a = await device('A', store);
    await a.put('ATTACHMENT_untyped', new Blob([PNG], { type: '' }));
    expect((await a.sync({ full: true })).uploaded).toEqual(['ATTACHMENT_untyped']);
    const entry = (await metadata(store)).items.ATTACHMENT_untyped as LiveEntry;
    // The original still reads what it always read; our field says what the Blob really was.
    expect(entry).toMatchObject({ type: 'blob', blobType: 'image/png', size: PNG.length, tcsBlobType: '' });

    const { store: watched, counts } = countingPuts(store);
    const b = await createSimDevice({ name: 'B', store: watched });
    sims.keep(b);
    const r = await b.sync({ full: true });
    expect(r.errors).toEqual([]);
    expect(r.downloaded).toEqual(['ATTACHMENT_untyped']);
    const got = (await b.read('ATTACHMENT_untyped')) as Blob;
    expect(got).toBeInstanceOf(Blob);
    expect(got.type).toBe('');
    expect(await bytesOf(got)).toEqual(PNG);

    // The next cycles, full look included: the value hashes as the entry says on both sides.
    const puts = counts.put;
    for (const d of [b, a]) {
      const again = await d.sync({ full: true });
      expect(again.errors).toEqual([]);
      expect(again.uploaded).toEqual([]);
      expect(again.downloaded).toEqual([]);
      expect(again.conflicts).toEqual([]);
    }
    expect(counts.put).toBe(puts);
    expect((await metadata(store)).items.ATTACHMENT_untyped).toEqual(entry);
    expect(((await a.read('ATTACHMENT_untyped')) as Blob).type).toBe('');
  });

  it('every other value we could get wrong arrives exactly as it was: types with parameters, empty Blobs, empty strings', async () => {
    const store = createMemoryStore();
    const a = await device('A', store);
    const blobs: Record<string, Blob> = {
      ATTACHMENT_untyped_text: new Blob([TEXT], { type: '' }),
      ATTACHMENT_octet_png: new Blob([PNG], { type: 'application/octet-stream' }),
      ATTACHMENT_octet_text: new Blob([TEXT], { type: 'application/octet-stream' }),
      ATTACHMENT_charset: new Blob([TEXT], { type: 'text/plain;charset=utf-8' }),
      ATTACHMENT_markdown: new Blob([TEXT], { type: 'text/markdown; charset=UTF-8' }),
      ATTACHMENT_empty: new Blob([], { type: '' }),
      ATTACHMENT_empty_octet: new Blob([], { type: 'application/octet-stream' }),
      ATTACHMENT_empty_typed: new Blob([], { type: 'text/plain' }),
    };
    for (const [k, v] of Object.entries(blobs)) await a.put(k, v);
    await a.put('TM_emptyString', '');
    a.setLs('TM_useEmpty', '');
    a.setLs('TM_useSpace', ' ');
    const up = await a.sync({ full: true });
    expect(up.errors).toEqual([]);

    const b = await device('B', store);
    const r = await b.sync({ full: true });
    expect(r.errors).toEqual([]);
    for (const [k, sent] of Object.entries(blobs)) {
      const got = (await b.read(k)) as Blob;
      expect(got, k).toBeInstanceOf(Blob);
      expect(got.type, k).toBe(sent.type);
      expect(await bytesOf(got), k).toEqual(await bytesOf(sent));
    }
    expect(await b.read('TM_emptyString')).toBe('');
    expect(b.storage.getItem('TM_useEmpty')).toBe('');
    expect(b.storage.getItem('TM_useSpace')).toBe(' ');
    expect(await b.dump()).toEqual(await a.dump());

    for (const d of [b, a]) {
      const again = await d.sync({ full: true });
      expect(again.uploaded).toEqual([]);
      expect(again.downloaded).toEqual([]);
      expect(again.conflicts).toEqual([]);
    }
  });

  it('an attachment the original wrote with no type is sniffed, and a device holding it untyped adopts it as it is', async () => {
    const store = createMemoryStore();
    const { contentKey } = await keysFor('correct horse battery staple');
    // As the original's syncToCloud writes it: blobType is the Blob's own type, "" here; no fields of ours.
    const now = Date.parse('2026-11-20T00:00:00Z');
    const items = {
      ATTACHMENT_png: { synced: now, type: 'blob', lastModified: 0, blobType: '', size: PNG.length },
      ATTACHMENT_text: { synced: now, type: 'blob', lastModified: 0, blobType: 'application/octet-stream', size: TEXT.length },
    } satisfies Record<string, LiveEntry>;
    await store.put('attachments/ATTACHMENT_png.bin', await encryptBytes(contentKey, PNG));
    await store.put('attachments/ATTACHMENT_text.bin', await encryptBytes(contentKey, TEXT));
    await store.put('metadata.json', new TextEncoder().encode(serializeMetadata({ lastSync: now, items })));

    // A fresh device: the type the original's reader gives.
    const fresh = await device('fresh', store);
    expect((await fresh.sync({ full: true })).errors).toEqual([]);
    expect(((await fresh.read('ATTACHMENT_png')) as Blob).type).toBe('image/png');
    expect(((await fresh.read('ATTACHMENT_text')) as Blob).type).toBe('application/octet-stream');

    // The device the attachment came from, switching to us: the same attachment, so adopted, not a conflict.
    const origin = await device('origin', store);
    await origin.put('ATTACHMENT_png', new Blob([PNG], { type: '' }));
    await origin.put('ATTACHMENT_text', new Blob([TEXT], { type: '' }));
    const r = await origin.sync({ full: true });
    expect(r.errors).toEqual([]);
    expect(r.conflicts).toEqual([]);
    expect(r.uploaded).toEqual([]);
    expect(r.downloaded).toEqual([]);
    expect(((await origin.read('ATTACHMENT_png')) as Blob).type).toBe('');
    expect((await metadata(store)).items).toEqual(items);
  });
});
