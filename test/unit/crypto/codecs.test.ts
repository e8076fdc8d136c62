import { afterEach, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { fromCloudValue, toCloudValue } from '../../../src/cloud';
import {
  decryptBytes,
  decryptJson,
  encryptBytes,
  encryptJson,
  encryptJsonText,
  importContentKey,
  MIN_OBJECT_LENGTH,
} from '../../../src/crypto';
import { utf8Encode } from '../../../src/crypto/bytes';
import { deflateRaw } from '../../../src/crypto/deflate';
import { CloudSyncError, isCloudSyncError } from '../../../src/errors';

const PW = 'correct horse battery staple';
/** A reader that shares nothing with the writer but the password. */
const freshKey = () => importContentKey(PW);

async function errorOf(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => null,
    (e: unknown) => e,
  );
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('JSON codec round trips', () => {
  it('compressed and uncompressed, any JSON value, read by a fresh reader', async () => {
    const writer = await freshKey();
    const reader = await freshKey();
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), fc.boolean(), async (v, compress) => {
        const obj = await encryptJson(writer, v, { compress });
        expect(await decryptJson(reader, obj, 'items/k.json')).toEqual(JSON.parse(JSON.stringify(v)));
      }),
      { numRuns: 150 },
    );
  });

  it('falsy values round-trip', async () => {
    const key = await freshKey();
    for (const v of [0, '', null, false, [], {}]) {
      for (const compress of [true, false]) {
        expect(await decryptJson(key, await encryptJson(key, v, { compress }), 'items/f.json')).toEqual(v);
      }
    }
  });

  it('Dates come back as Dates through toCloudValue + tcsDates', async () => {
    const key = await freshKey();
    const chat = { updatedAt: new Date('2026-10-11T09:25:14.152Z'), messages: [{ id: 'm', at: new Date(5) }] };
    const { json, dates } = toCloudValue(chat);
    const obj = await encryptJsonText(key, JSON.stringify(json));
    expect(fromCloudValue(await decryptJson(await freshKey(), obj, 'items/CHAT_x.json'), dates)).toEqual(chat);
  });

  it('compression makes typical chat JSON smaller; uncompressed is 28 bytes over the text', async () => {
    const key = await freshKey();
    const text = JSON.stringify({ messages: Array.from({ length: 50 }, (_, i) => ({ id: `m${i}`, content: 'hello world' })) });
    const compressed = await encryptJsonText(key, text);
    const plain = await encryptJsonText(key, text, { compress: false });
    expect(plain.length).toBe(utf8Encode(text).length + MIN_OBJECT_LENGTH);
    expect(compressed.length).toBeLessThan(plain.length / 3);
  });

  it('each object gets a fresh random IV', async () => {
    const key = await freshKey();
    const a = await encryptJson(key, { a: 1 });
    const b = await encryptJson(key, { a: 1 });
    expect(Buffer.from(a.subarray(0, 12)).equals(Buffer.from(b.subarray(0, 12)))).toBe(false);
  });

  it('without CompressionStream the writer stores uncompressed JSON, and a reader without DecompressionStream reads it', async () => {
    const key = await freshKey();
    vi.stubGlobal('CompressionStream', undefined);
    const obj = await encryptJson(key, { x: 'ü' });
    expect(obj.length).toBe(utf8Encode('{"x":"ü"}').length + MIN_OBJECT_LENGTH);
    vi.stubGlobal('DecompressionStream', undefined);
    expect(await decryptJson(key, obj, 'items/x.json')).toEqual({ x: 'ü' });
  });

  it('a value with no JSON form (undefined, BigInt, cycle) is a typed error, not a TypeError', async () => {
    const key = await freshKey();
    expect(isCloudSyncError(await errorOf(encryptJson(key, undefined)), 'corrupt-object')).toBe(true);
    const cyc: Record<string, unknown> = {};
    cyc.self = cyc;
    for (const v of [{ n: 1n }, cyc]) {
      expect(isCloudSyncError(await errorOf(encryptJson(key, v)), 'corrupt-object')).toBe(true);
    }
  });

  it('a fixed IV must be 12 bytes', async () => {
    const key = await freshKey();
    await expect(encryptJson(key, 1, { iv: new Uint8Array(8) })).rejects.toThrow(/12 bytes/);
  });
});

describe('bytes codec round trips', () => {
  it('any bytes, empty included, read by a fresh reader', async () => {
    const writer = await freshKey();
    const reader = await freshKey();
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2000 }), async (bytes) => {
        const obj = await encryptBytes(writer, bytes);
        expect(obj.length).toBe(bytes.length + MIN_OBJECT_LENGTH);
        expect(Buffer.from(await decryptBytes(reader, obj, 'attachments/a.bin')).equals(Buffer.from(bytes))).toBe(true);
      }),
      { numRuns: 150 },
    );
    expect((await decryptBytes(reader, await encryptBytes(writer, new Uint8Array(0)), 'attachments/e.bin')).length).toBe(0);
  });

  it('a large file that starts like a deflate stream is returned unchanged', async () => {
    const key = await freshKey();
    // deflate output of non-JSON text: a valid raw deflate stream that inflates to something that is not the quirk.
    const big = await deflateRaw(utf8Encode('x'.repeat(200_000) + 'not json'));
    const random = globalThis.crypto.getRandomValues(new Uint8Array(60_000));
    for (const file of [big, random]) {
      const out = await decryptBytes(key, await encryptBytes(key, file), 'attachments/big.bin');
      expect(Buffer.from(out).equals(Buffer.from(file))).toBe(true);
    }
  });
});

describe('the daily-backup attachment quirk (§1.6)', () => {
  const FILE = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);

  it('recovers the bytes from the compressed and the uncompressed JSON-codec form', async () => {
    const key = await freshKey();
    for (const compress of [true, false]) {
      const obj = await encryptJson(key, FILE, { compress });
      const out = await decryptBytes(key, obj, 'backups/typingmind-backup-20261122/attachments/a.png.bin');
      expect([...out]).toEqual([...FILE]);
    }
  });

  it('an empty attachment in quirk form (deflated "{}") is empty bytes', async () => {
    const key = await freshKey();
    const out = await decryptBytes(key, await encryptJson(key, new Uint8Array(0)), 'attachments/e.bin');
    expect(out.length).toBe(0);
  });

  it('a real 2-byte file "{}" stays "{}"', async () => {
    const key = await freshKey();
    const file = utf8Encode('{}');
    expect([...(await decryptBytes(key, await encryptBytes(key, file), 'attachments/j.bin'))]).toEqual([...file]);
  });

  it('a real JSON file that is not an index map stays as it is', async () => {
    const key = await freshKey();
    for (const text of ['{"0":1,"2":3}', '{"0":256}', '{"0":1.5}', '{"a":1}', '[1,2]', '{"0":"1"}']) {
      const file = utf8Encode(text);
      expect(new TextDecoder().decode(await decryptBytes(key, await encryptBytes(key, file), 'attachments/j.bin'))).toBe(text);
    }
  });
});

describe('bad objects: only typed errors come out', () => {
  it('an object shorter than 28 bytes is corrupt-object naming the key', async () => {
    const key = await freshKey();
    for (const n of [0, 1, 27]) {
      for (const run of [decryptJson, decryptBytes]) {
        const err = await errorOf(run(key, new Uint8Array(n), 'items/short.json'));
        expect(isCloudSyncError(err, 'corrupt-object')).toBe(true);
        expect((err as Error).message).toContain('items/short.json');
      }
    }
  });

  it('decrypted content that is neither inflated JSON nor JSON is corrupt-object', async () => {
    const key = await freshKey();
    for (const payload of [utf8Encode('not json'), new Uint8Array([0xff, 0xfe, 0x00]), new Uint8Array(0), await deflateRaw(utf8Encode('{bad'))]) {
      const err = await errorOf(decryptJson(key, await encryptBytes(key, payload), 'items/x.json'));
      expect(isCloudSyncError(err, 'corrupt-object')).toBe(true);
      expect((err as CloudSyncError).details.objectKey).toBe('items/x.json');
    }
  });

  it('a flipped bit anywhere is caught by the tag (wrong-password: GCM cannot tell the two apart)', async () => {
    const key = await freshKey();
    const obj = await encryptJson(key, { hello: 'world' });
    for (let i = 0; i < obj.length; i++) {
      const bad = obj.slice();
      bad[i] ^= 1;
      const err = await errorOf(decryptJson(key, bad, 'items/x.json'));
      expect(isCloudSyncError(err, 'wrong-password')).toBe(true);
    }
  });

  it('fuzz: random bytes and truncated real objects give only CloudSyncError', async () => {
    const key = await freshKey();
    const real = await encryptJson(key, { a: [1, 2, 3], b: 'text' });
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.uint8Array({ maxLength: 120 }), fc.integer({ min: 0, max: real.length - 1 }).map((n) => real.slice(0, n))),
        async (bytes) => {
          for (const run of [decryptJson, decryptBytes]) {
            const err = await errorOf(run(key, bytes, 'items/f.json'));
            expect(err).toBeInstanceOf(CloudSyncError);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('fuzz: any decrypted payload gives a value or corrupt-object from the JSON reader, and bytes from the bytes reader', async () => {
    const key = await freshKey();
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), async (payload) => {
        const obj = await encryptBytes(key, payload);
        const err = await errorOf(decryptJson(key, obj, 'items/f.json'));
        if (err !== null) expect(isCloudSyncError(err, 'corrupt-object')).toBe(true);
        expect(await decryptBytes(key, obj, 'attachments/f.bin')).toBeInstanceOf(Uint8Array);
      }),
      { numRuns: 300 },
    );
  });
});
