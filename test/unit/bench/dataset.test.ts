import { describe, expect, it } from 'vitest';
import { makeAttachmentBytes, makeChat, makeKeyvalSettings, makeLocalSettings, makeRandom } from '../../../scripts/bench/dataset';
import { deflateSync } from 'node:zlib';

describe('benchmark dataset', () => {
  it('makes chats of about the target size, shaped as TypingMind stores them', () => {
    const rand = makeRandom(7);
    const now = Date.UTC(2026, 10, 22);
    for (const target of [2_000, 20_480, 100_000]) {
      const chat = makeChat(rand, 0, target, now);
      const size = JSON.stringify(chat).length;
      expect(size).toBeGreaterThanOrEqual(target);
      // Overshoot by at most one message (answers are up to ~2.5 KB).
      expect(size).toBeLessThan(target + 3_000);
      expect(chat.createdAt).toBeInstanceOf(Date);
      expect(chat.updatedAt).toBeInstanceOf(Date);
      expect(chat.updatedAt.getTime()).toBeLessThan(now);
      expect(chat.id).toBe(chat.chatID);
      expect(chat.messages.length).toBeGreaterThan(0);
      expect(new Date(chat.messages[0].createdAt).toISOString()).toBe(chat.messages[0].createdAt);
      const times = chat.messages.map((m) => m.createdAt);
      expect([...times].sort()).toEqual(times);
    }
  });

  it('gives prose that deflate shrinks like text, not like a repeated string', () => {
    const chat = makeChat(makeRandom(1), 0, 20_480, Date.now());
    const json = Buffer.from(JSON.stringify(chat));
    const ratio = deflateSync(json).length / json.length;
    expect(ratio).toBeGreaterThan(0.2);
    expect(ratio).toBeLessThan(0.6);
  });

  it('is reproducible from the seed, and different seeds differ', () => {
    const now = Date.UTC(2026, 0, 1);
    expect(makeChat(makeRandom(3), 2, 5_000, now)).toEqual(makeChat(makeRandom(3), 2, 5_000, now));
    expect(makeChat(makeRandom(3), 2, 5_000, now).id).not.toBe(makeChat(makeRandom(4), 2, 5_000, now).id);
  });

  it('makes attachments of the exact size with a PNG signature and incompressible bytes', () => {
    for (const size of [204_800, 204_801, 204_803, 8]) {
      const bytes = makeAttachmentBytes(makeRandom(9), size);
      expect(bytes.length).toBe(size);
      expect([...bytes.slice(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    }
    const big = makeAttachmentBytes(makeRandom(9), 204_800);
    expect(deflateSync(big).length).toBeGreaterThan(big.length * 0.99);
  });

  it('adds TM_ settings to keyval and JSON strings to localStorage', () => {
    const kv = makeKeyvalSettings(makeRandom(2));
    expect(kv.map(([k]) => k)).toEqual(['TM_useUserCharacters', 'TM_useUserPrompts', 'TM_useInstalledPlugins']);
    const ls = makeLocalSettings('abc');
    expect(ls).toContainEqual(['TM_useLastOpenedChatID', '"abc"']);
    for (const [, v] of ls) expect(() => JSON.parse(v)).not.toThrow();
  });
});
