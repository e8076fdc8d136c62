import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { keyedHash } from '../../../src/crypto';
import { serializeMetadata, type LiveEntry } from '../../../src/cloud';
import { decodeObject, encodeItem, encryptEncoded, entryFor, provenHash } from '../../../src/sync/item-codec';

// A fixed HMAC key (deriving one from a password takes 210k PBKDF2 rounds).
const hashKey = await crypto.subtle.importKey('raw', new Uint8Array(32).fill(7), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);

describe('encodeItem hashes', () => {
  // The hash is the identity every device and every base record compares: its input must never drift.
  it('hash the documented input: type, Date paths and the cloud JSON text (non-ASCII included)', async () => {
    const value = { title: 'Ünïcødé — 日本 🙂', at: new Date(Date.UTC(2026, 0, 2)), list: [{ d: new Date(0) }] };
    const e = await encodeItem({ key: 'CHAT_x', type: 'idb', value }, hashKey);
    expect(e.dates).toEqual(['/at', '/list/*/d']);
    expect(e.hash).toBe(await keyedHash(hashKey, `idb\n/at\u0001/list/*/d\n${JSON.stringify(value)}`));

    const ls = await encodeItem({ key: 'TM_useTheme', type: 'ls', value: '"dark"' }, hashKey);
    expect(ls.hash).toBe(await keyedHash(hashKey, `ls\n${JSON.stringify({ key: 'TM_useTheme', value: '"dark"' })}`));
  });
});

const contentKey = await crypto.subtle.importKey('raw', new Uint8Array(32).fill(3), 'AES-GCM', false, ['encrypt', 'decrypt']);
const keys = { contentKey, hashKey };

describe('decodeObject of an IndexedDB item', () => {
  const leaf = fc.oneof(
    fc.string(),
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.date(), // invalid Dates too (they are written as null)
    fc.date({ min: new Date(-8.64e15), max: new Date(8.64e15) }), // six-digit years
  );
  const key = fc.oneof(fc.string(), fc.constantFrom('*', '~', '/', '__proto__', '0', '10', 'a/b~c'));
  const value = fc.letrec((tie) => ({
    node: fc.oneof(
      { depthSize: 'small' },
      leaf,
      fc.array(tie('node'), { maxLength: 4 }),
      fc.array(fc.record({ id: fc.string(), createdAt: fc.date({ noInvalidDate: true }) }), { maxLength: 3 }),
      fc.dictionary(key, tie('node'), { maxKeys: 4 }),
    ),
  })).node;

  it('property: taking the writer\'s text and hash gives exactly what hashing the value again gives', async () => {
    await fc.assert(
      fc.asyncProperty(value, async (v) => {
        if (v === undefined) return;
        const written = await encodeItem({ key: 'CHAT_p', type: 'idb', value: v }, hashKey);
        const entry = { type: 'idb' as const, synced: 1, lastModified: 1, tcsHash: written.hash, ...(written.dates ? { tcsDates: written.dates } : {}) };
        const body = await encryptEncoded(written, contentKey);
        const read = await decodeObject('CHAT_p', entry, body, keys, 'items/CHAT_p.json');
        const again = await encodeItem({ key: 'CHAT_p', type: 'idb', value: read.value }, hashKey);
        expect(read.hash).toBe(written.hash);
        expect(again.hash).toBe(read.hash);
        expect(read.text).toBe(again.text);
        expect(read.dates).toEqual(again.dates);
      }),
      { numRuns: 300 },
    );
  });

  it('takes the text as it is when the hash matches: the value is not stringified again', async () => {
    const v = { id: 'c', messages: [{ id: 'm1', createdAt: new Date(9), content: 'x'.repeat(5000) }] };
    const written = await encodeItem({ key: 'CHAT_s', type: 'idb', value: v }, hashKey);
    const body = await encryptEncoded(written, contentKey);
    const stringify = vi.spyOn(JSON, 'stringify');
    const read = await decodeObject('CHAT_s', { type: 'idb', synced: 1, lastModified: 1, tcsHash: written.hash, tcsDates: written.dates }, body, keys, 'o');
    expect(stringify).not.toHaveBeenCalled();
    stringify.mockRestore();
    expect(read).toMatchObject({ hash: written.hash, text: written.text, dates: ['/messages/*/createdAt'] });
    expect(read.value).toEqual(v);
  });

  it('an object that is not the one its entry hashed (being rewritten, or the original\'s) gets its own hash', async () => {
    const old = await encodeItem({ key: 'CHAT_q', type: 'idb', value: { v: 1, at: new Date(5) } }, hashKey);
    const now = await encodeItem({ key: 'CHAT_q', type: 'idb', value: { v: 2, at: new Date(5) } }, hashKey);
    const body = await encryptEncoded(now, contentKey);
    const stale = await decodeObject('CHAT_q', { type: 'idb', synced: 1, lastModified: 1, tcsHash: old.hash, tcsDates: old.dates }, body, keys, 'o');
    expect(stale.hash).toBe(now.hash);
    expect(stale.hash).not.toBe(old.hash);
    // An entry of the original's has no hash or Date paths: the ISO string stays a string, hashed as such.
    const original = await decodeObject('CHAT_q', { type: 'idb', synced: 1, lastModified: 1 }, body, keys, 'o');
    expect((original.value as { at: unknown }).at).toBe(new Date(5).toISOString());
    expect(original.hash).toBe((await encodeItem({ key: 'CHAT_q', type: 'idb', value: { v: 2, at: new Date(5).toISOString() } }, hashKey)).hash);
  });
});

describe('an object proven by its ETag is not hashed again', () => {
  // The writer recorded tcsHash and, after its PUT, the ETag of the bytes it wrote (tcsEtag). A sentinel in place
  // of the real hash shows which path was taken: only a decode that trusted the entry can answer it.
  const SENTINEL = 'entry-hash-taken-as-it-is';

  it('takes the entry\'s hash for a chat, an attachment and a plain item when the ETag read with the bytes is the entry\'s', async () => {
    const chat = await encodeItem({ key: 'CHAT_e', type: 'idb', value: { id: 'e', at: new Date(3), messages: [] } }, hashKey);
    const read = await decodeObject('CHAT_e', { type: 'idb', synced: 1, lastModified: 1, tcsHash: SENTINEL, tcsEtag: '"e1"', tcsDates: chat.dates }, await encryptEncoded(chat, contentKey), keys, 'o', '"e1"');
    expect(read).toMatchObject({ hash: SENTINEL, text: chat.text, dates: ['/at'] });
    expect(read.value).toEqual({ id: 'e', at: new Date(3), messages: [] });

    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
    const blob = await encodeItem({ key: 'ATTACHMENT_e', type: 'blob', value: new Blob([png], { type: 'image/png' }) }, hashKey);
    const readBlob = await decodeObject('ATTACHMENT_e', { type: 'blob', synced: 1, lastModified: 1, blobType: 'image/png', size: png.length, tcsHash: SENTINEL, tcsEtag: '"b1"' }, await encryptEncoded(blob, contentKey), keys, 'o', '"b1"');
    expect(readBlob).toMatchObject({ hash: SENTINEL, mime: 'image/png', bytes: png });
    expect(new Uint8Array(await (readBlob.value as Blob).arrayBuffer())).toEqual(png);
  });

  it('hashes the bytes when the ETag differs, is missing on either side, or may not be the bytes\' own', async () => {
    const chat = await encodeItem({ key: 'CHAT_f', type: 'idb', value: { id: 'f' } }, hashKey);
    const body = await encryptEncoded(chat, contentKey);
    const entry = { type: 'idb' as const, synced: 1, lastModified: 1, tcsHash: SENTINEL, tcsEtag: '"f1"' };
    for (const [e, etag] of [
      [entry, '"f2"'], // rewritten since the entry: another device's object
      [entry, undefined], // a provider that reads the etag apart from the bytes (Drive)
      [{ ...entry, tcsEtag: undefined }, '"f1"'], // a writer that recorded no ETag
    ] as const) {
      expect((await decodeObject('CHAT_f', e, body, keys, 'o', etag)).hash).toBe(chat.hash);
    }
    expect(provenHash({ type: 'idb', synced: 1, lastModified: 1, tcsEtag: '"f1"' }, '"f1"')).toBeUndefined(); // no hash to take
  });

  it('hashes a downloaded attachment exactly as the device that uploaded it did', async () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 9, 8, 7]);
    for (const type of ['image/png', 'Image/PNG', '']) {
      const up = await encodeItem({ key: 'ATTACHMENT_h', type: 'blob', value: new Blob([png], { type }) }, hashKey);
      const entry = { type: 'blob' as const, synced: 1, lastModified: 1, blobType: up.mime, size: png.length };
      const down = await decodeObject('ATTACHMENT_h', entry, await encryptEncoded(up, contentKey), keys, 'o');
      // An untyped upload is sniffed on the way down (image/png), so only typed ones keep their hash.
      if (type) expect(down.hash).toBe(up.hash);
      expect(down.mime).toBe((down.value as Blob).type);
    }
  });
});

describe('attachments keep their own type between two of our devices', () => {
  const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 4, 5, 6]);
  const text = new TextEncoder().encode('plain words');
  // [what TypingMind stored, the blobType the original's rule gives it]
  const cases: [string, Blob, string][] = [
    ['"" over PNG bytes', new Blob([png], { type: '' }), 'image/png'],
    ['"" over unknown bytes', new Blob([text], { type: '' }), 'application/octet-stream'],
    ['octet-stream over PNG bytes', new Blob([png], { type: 'application/octet-stream' }), 'image/png'],
    ['octet-stream over unknown bytes', new Blob([text], { type: 'application/octet-stream' }), 'application/octet-stream'],
    ['a type with parameters', new Blob([text], { type: 'text/plain;charset=utf-8' }), 'text/plain;charset=utf-8'],
    ['a type written in capitals (the Blob lower-cases it)', new Blob([text], { type: 'Text/Markdown' }), 'text/markdown'],
    ['a PNG typed as something else', new Blob([png], { type: 'image/x-custom' }), 'image/x-custom'],
    ['an empty Blob with no type', new Blob([], { type: '' }), 'application/octet-stream'],
    ['an empty typed Blob', new Blob([], { type: 'text/plain' }), 'text/plain'],
  ];

  for (const [name, sent, blobType] of cases) {
    it(`${name}: same type, same bytes, same hash on the receiving device`, async () => {
      const up = await encodeItem({ key: 'ATTACHMENT_t', type: 'blob', value: sent }, hashKey);
      const entry = entryFor(up, undefined, 1000);
      // blobType stays what the original computes; our field carries the Blob's own type only when it differs.
      expect(entry.blobType).toBe(blobType);
      if (sent.type === blobType) expect(entry).not.toHaveProperty('tcsBlobType');
      else expect(entry.tcsBlobType).toBe(sent.type);
      // Through the metadata file as written, read back as a receiving device reads it.
      const { items } = JSON.parse(serializeMetadata({ lastSync: 1, items: { ATTACHMENT_t: entry } })) as { items: Record<string, LiveEntry> };
      const body = await encryptEncoded(up, contentKey);
      for (const etag of [undefined, '"t1"']) {
        const down = await decodeObject('ATTACHMENT_t', { ...items.ATTACHMENT_t, tcsEtag: '"t1"' }, body, keys, 'attachments/ATTACHMENT_t.bin', etag);
        const got = down.value as Blob;
        expect(got.type).toBe(sent.type);
        expect(down.mime).toBe(sent.type);
        expect(new Uint8Array(await got.arrayBuffer())).toEqual(new Uint8Array(await sent.arrayBuffer()));
        expect(down.hash).toBe(up.hash);
        // What the receiving device reads back from its own store hashes the same: nothing to upload.
        expect((await encodeItem({ key: 'ATTACHMENT_t', type: 'blob', value: got }, hashKey)).hash).toBe(up.hash);
        // And republishing it writes the same entry fields.
        expect(entryFor(down, undefined, 1000)).toEqual(entry);
      }
    });
  }

  it('an entry the original wrote is read as the original reads it: sniffed when blobType says nothing', async () => {
    const up = await encodeItem({ key: 'ATTACHMENT_o', type: 'blob', value: new Blob([png], { type: '' }) }, hashKey);
    const body = await encryptEncoded(up, contentKey);
    for (const blobType of ['', 'application/octet-stream', undefined]) {
      const entry: LiveEntry = { synced: 1, type: 'blob', lastModified: 0, size: png.length, ...(blobType === undefined ? {} : { blobType }) };
      const down = await decodeObject('ATTACHMENT_o', entry, body, keys, 'o');
      expect((down.value as Blob).type).toBe('image/png');
      // The same attachment to the original, so the same to us: a device holding the "" Blob adopts the entry.
      expect(down.hash).toBe(up.hash);
    }
    const typed = await decodeObject('ATTACHMENT_o', { synced: 1, type: 'blob', lastModified: 0, blobType: 'image/x-icon', size: png.length }, body, keys, 'o');
    expect((typed.value as Blob).type).toBe('image/x-icon');
  });

  it('the hash covers the type by the original\'s rule and the bytes, as before tcsBlobType', async () => {
    const untyped = await encodeItem({ key: 'A', type: 'blob', value: new Blob([png]) }, hashKey);
    expect(untyped.hash).toBe(await keyedHash(hashKey, new Uint8Array([...new TextEncoder().encode('blob\nimage/png\n'), ...png])));
    const typed = await encodeItem({ key: 'A', type: 'blob', value: new Blob([text], { type: 'text/plain' }) }, hashKey);
    expect(typed.hash).toBe(await keyedHash(hashKey, new Uint8Array([...new TextEncoder().encode('blob\ntext/plain\n'), ...text])));
    expect(typed.hash).not.toBe((await encodeItem({ key: 'A', type: 'blob', value: new Blob([text], { type: 'text/html' }) }, hashKey)).hash);
  });
});
