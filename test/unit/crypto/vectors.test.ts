import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  contentKeyBytes,
  decryptBytes,
  decryptJson,
  encryptBytes,
  encryptJson,
  importContentKey,
} from '../../../src/crypto';
import { base64ToBytes, bytesToHex, hexToBytes } from '../../../src/crypto/bytes';
import { isCloudSyncError } from '../../../src/errors';
import { FIXTURES_DIR } from '../../support/fixture-bucket';

const DIR = join(FIXTURES_DIR, 'crypto-vectors');
interface Vector {
  name: string;
  kind: 'json' | 'bytes';
  password?: string;
  plaintext?: unknown;
  plaintextHex?: string;
  objectBase64: string;
}
const original = JSON.parse(readFileSync(`${DIR}/vectors-from-original.json`, 'utf8')) as {
  password: string;
  sha256KeyHex: string;
  items: Vector[];
};
const ours = JSON.parse(readFileSync(`${DIR}/our-ciphertexts.json`, 'utf8')) as Vector[];
const FIXED_IV = hexToBytes('000102030405060708090a0b');

const all: Vector[] = [...original.items, ...ours];

describe('crypto vectors', () => {
  it('derives the key bytes SHA-256(UTF-8(password))', async () => {
    expect(bytesToHex(await contentKeyBytes(original.password))).toBe(original.sha256KeyHex);
  });

  it('covers every vector file entry', () => {
    expect(original.items.length).toBeGreaterThanOrEqual(7);
    expect(ours.length).toBeGreaterThanOrEqual(4);
  });

  for (const v of all) {
    const password = v.password ?? original.password;
    const object = base64ToBytes(v.objectBase64);

    it(`${v.name}: decrypts to the expected value`, async () => {
      const key = await importContentKey(password);
      if (v.kind === 'json') {
        expect(await decryptJson(key, object, `items/${v.name}.json`)).toEqual(v.plaintext);
      } else {
        expect(bytesToHex(await decryptBytes(key, object, `attachments/${v.name}.bin`))).toBe(v.plaintextHex);
      }
    });

    it(`${v.name}: a wrong password is a typed wrong-password error naming the object`, async () => {
      const key = await importContentKey(password + 'x');
      const objectKey = `items/${v.name}.json`;
      const run = v.kind === 'json' ? decryptJson(key, object, objectKey) : decryptBytes(key, object, objectKey);
      const err = await run.then(
        () => null,
        (e: unknown) => e,
      );
      expect(isCloudSyncError(err, 'wrong-password')).toBe(true);
      expect((err as Error).message).toContain(objectKey);
      expect((err as Error).message).toMatch(/password/);
    });

    if (v.name.includes('fixed-iv')) {
      it(`${v.name}: the writer reproduces the fixed-IV bytes exactly`, async () => {
        const key = await importContentKey(password);
        const produced =
          v.kind === 'bytes'
            ? await encryptBytes(key, hexToBytes(v.plaintextHex!), { iv: FIXED_IV })
            : await encryptJson(key, v.plaintext, { iv: FIXED_IV, compress: !v.name.includes('uncompressed') });
        expect(bytesToHex(produced)).toBe(bytesToHex(object));
      });
    }
  }

  it('the daily-backup quirk vector read with the bytes codec gives the original file bytes', async () => {
    const key = await importContentKey(original.password);
    const quirk = original.items.find((v) => v.name.startsWith('backup-attachment-quirk'))!;
    const file = original.items.find((v) => v.kind === 'bytes')!;
    const bytes = await decryptBytes(key, base64ToBytes(quirk.objectBase64), 'backups/typingmind-backup-20250101/attachments/a.bin');
    expect(bytesToHex(bytes)).toBe(file.plaintextHex);
  });
});
