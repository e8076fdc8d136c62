/**
 * metadata.json is read and written every cycle that changes something: `npx vitest bench --run test/unit/cloud`.
 * 5 000 entries is a heavy TypingMind user (chats + settings + attachments).
 */
import { bench, describe } from 'vitest';
import { buildLiveEntry, chatFingerprint, parseMetadata, serializeMetadata, type Metadata } from '../../../src/cloud';

const items: Metadata['items'] = {};
for (let i = 0; i < 5000; i++) {
  const key = i % 5 === 0 ? `TM_setting_${i}` : `CHAT_${i.toString(36).padStart(12, 'x')}`;
  const value = key.startsWith('CHAT_')
    ? { updatedAt: new Date(1_700_000_000_000 + i), messages: [{ id: `m${i}`, createdAt: '2026-01-01T00:00:00.000Z' }] }
    : `"value ${i}"`;
  items[key] = buildLiveEntry({ key, type: key.startsWith('CHAT_') ? 'idb' : 'ls', value, synced: 1_800_000_000_000, lastModified: i, tcsHash: 'h'.repeat(43) });
}
const meta: Metadata = { lastSync: 1_800_000_000_000, items };
const text = serializeMetadata(meta);
const bytes = new TextEncoder().encode(text);
const chat = { updatedAt: new Date(), messages: Array.from({ length: 500 }, (_, i) => ({ id: `m${i}`, content: 'x'.repeat(500) })) };

describe(`metadata.json with 5000 entries (${(bytes.length / 1024).toFixed(0)} KiB)`, () => {
  bench('parseMetadata', () => {
    parseMetadata(bytes);
  });
  bench('serializeMetadata', () => {
    serializeMetadata(meta);
  });
});

describe('chatFingerprint of a 500-message chat (no JSON of the chat needed)', () => {
  bench('chatFingerprint', () => {
    chatFingerprint(chat);
  });
});
