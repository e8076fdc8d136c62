/**
 * Speed of the codecs on realistic sizes: `npx vitest bench --run test/unit/crypto`.
 * A typical chat is 5–50 kB of JSON; attachments go up to a few MB.
 */
import { bench, describe } from 'vitest';
import { toCloudValue } from '../../../src/cloud';
import { decryptBytes, decryptJson, deriveHashKey, encryptBytes, encryptJsonText, importContentKey, keyedHash } from '../../../src/crypto';

const key = await importContentKey('bench password');
const hashKey = await deriveHashKey('bench password');

function chat(messages: number) {
  return {
    id: 'c',
    createdAt: new Date(0),
    updatedAt: new Date(1),
    messages: Array.from({ length: messages }, (_, i) => ({
      id: `m${i}`,
      role: i % 2 ? 'assistant' : 'user',
      content: 'Lorem ipsum dolor sit amet, consectetur adipiscing elit. '.repeat(8) + i,
      createdAt: new Date(i * 1000),
    })),
  };
}

const chat50 = chat(50);
const text50 = JSON.stringify(chat50); // ~27 kB
const obj50 = await encryptJsonText(key, text50);
const file1mb = globalThis.crypto.getRandomValues(new Uint8Array(65536));
const mb = new Uint8Array(1 << 20);
for (let i = 0; i < mb.length; i += file1mb.length) mb.set(file1mb.subarray(0, Math.min(file1mb.length, mb.length - i)), i);
const objMb = await encryptBytes(key, mb);

describe(`chat of 50 messages (${text50.length} chars)`, () => {
  bench('toCloudValue + JSON.stringify', () => {
    JSON.stringify(toCloudValue(chat50).json);
  });
  bench('encryptJsonText (deflate + AES-GCM)', async () => {
    await encryptJsonText(key, text50);
  });
  bench('decryptJson', async () => {
    await decryptJson(key, obj50, 'items/c.json');
  });
  bench('keyedHash of the JSON text', async () => {
    await keyedHash(hashKey, text50);
  });
});

describe('1 MiB attachment', () => {
  bench('encryptBytes', async () => {
    await encryptBytes(key, mb);
  });
  bench('decryptBytes (incl. the quirk check)', async () => {
    await decryptBytes(key, objMb, 'attachments/a.bin');
  });
});

describe('key derivation (once per password per session)', () => {
  bench('importContentKey', async () => {
    await importContentKey('bench password');
  });
  bench('deriveHashKey (PBKDF2 210k)', async () => {
    await deriveHashKey('bench password');
  }, { iterations: 5, time: 0 });
});
