import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  buildExportEntry,
  buildLiveEntry,
  chatFingerprint,
  chatUpdatedAtMillis,
  fingerprintsEquivalent,
  isChatItem,
  isChatKey,
  itemSize,
  serializeMetadata,
  toMillis,
} from '../../../src/cloud';

const CHAT = JSON.parse(
  '{"id":"abc","chatID":"abc","updatedAt":"2025-01-02T03:04:05.678Z","messages":[{"role":"user","content":"hi","createdAt":"2025-01-02T03:04:00.000Z","id":"m1"},{"role":"assistant","content":"hello","createdAt":"2025-01-02T03:04:05.000Z","id":"m2"}]}',
) as Record<string, unknown>;

describe('§11.4 vectors', () => {
  it('chat fingerprint and size', () => {
    expect(chatFingerprint(CHAT)).toBe('2025-01-02T03:04:05.678Z|2|m2|2025-01-02T03:04:05.000Z');
    expect(itemSize('idb', CHAT)).toBe(247);
  });
  it('numeric updatedAt without messages', () => {
    expect(chatFingerprint({ updatedAt: 1735787045678 })).toBe('1735787045678|0||');
  });
  it('ls wrapper size', () => {
    expect(itemSize('ls', '"dark"', 'TM_useExampleSetting')).toBe(49);
    expect(itemSize('ls', { key: 'TM_useExampleSetting', value: '"dark"' })).toBe(49);
  });
});

describe('chatFingerprint (§3.2)', () => {
  it('uses the first truthy field of each list', () => {
    expect(chatFingerprint({ updatedAt: 0, updated_at: 'U', chat: { messages: [{ messageId: 'x', timestamp: 7 }] } })).toBe('U|1|x|7');
    expect(chatFingerprint({ lastUpdated: 'L', conversation: { messages: [{ uuid: 'u', created_at: 'c' }] } })).toBe('L|1|u|c');
    expect(chatFingerprint({ modifiedAt: 'M', data: { messages: [] } })).toBe('M|0||');
    expect(chatFingerprint({ messageCount: 0, messagesCount: 4, lastMsgId: 'i', last_message_at: 't' })).toBe('|4|i|t');
  });
  it('an empty messages array counts as messages', () => {
    expect(chatFingerprint({ messages: [], messageCount: 9 })).toBe('|0||');
  });
  it('a last message that is not an object gives empty id and time', () => {
    expect(chatFingerprint({ messages: [null] })).toBe('|1||');
    expect(chatFingerprint({ messages: ['s'] })).toBe('|1||');
  });
  it('non-object chats and throwing getters give "0"', () => {
    expect(chatFingerprint(null)).toBe('0');
    expect(chatFingerprint('x')).toBe('0');
    expect(chatFingerprint(5)).toBe('0');
    const evil = {
      get updatedAt(): never {
        throw new Error('boom');
      },
    };
    expect(chatFingerprint(evil)).toBe('0');
  });
  it('uses String(Date) for Date values, as the original does in a browser', () => {
    const d = new Date('2026-10-19T07:32:21.976Z');
    expect(chatFingerprint({ updatedAt: d, messages: [] })).toBe(`${String(d)}|0||`);
  });
});

describe('fingerprintsEquivalent', () => {
  const iso = '2026-10-19T07:32:21.976Z';
  const d = new Date(iso);
  it('a Date fingerprint and the same chat after a JSON round trip are equivalent', () => {
    const chat = { updatedAt: d, messages: [{ id: 'm', createdAt: d }] };
    const roundTripped = JSON.parse(JSON.stringify(chat)) as unknown;
    expect(chatFingerprint(chat)).not.toBe(chatFingerprint(roundTripped));
    expect(fingerprintsEquivalent(chatFingerprint(chat), chatFingerprint(roundTripped))).toBe(true);
  });
  it('holds for String(Date) text from any time zone', () => {
    const ny = `Mon Oct 19 2026 03:32:21 GMT-0400 (Eastern Daylight Time)|3|m|x`;
    expect(fingerprintsEquivalent(ny, `${iso}|3|m|x`)).toBe(true);
    // Chrome localises the zone name in parentheses to the browser language.
    const de = `Mon Oct 19 2026 09:32:21 GMT+0200 (Mitteleuropäische Sommerzeit)|3|m|x`;
    expect(fingerprintsEquivalent(de, `${iso}|3|m|x`)).toBe(true);
    expect(fingerprintsEquivalent(de, ny)).toBe(true);
  });
  it('a real change is not equivalent', () => {
    const base = `${iso}|3|m|x`;
    expect(fingerprintsEquivalent(base, `${iso}|4|m|x`)).toBe(false);
    expect(fingerprintsEquivalent(base, `${iso}|3|n|x`)).toBe(false);
    expect(fingerprintsEquivalent(base, `${iso}|3|m|y`)).toBe(false);
    expect(fingerprintsEquivalent(base, `2026-10-19T07:32:22.976Z|3|m|x`)).toBe(false);
    expect(fingerprintsEquivalent(base, `2026-10-19T07:32:21.977Z|3|m|x`)).toBe(false);
    expect(fingerprintsEquivalent(`Mon Oct 19 2026 07:32:21 GMT+0000|3|m|x`, `2026-10-19T07:32:22.000Z|3|m|x`)).toBe(false);
    expect(fingerprintsEquivalent('1735787045678|0||', '1735787045679|0||')).toBe(false);
    expect(fingerprintsEquivalent(base, undefined)).toBe(false);
    expect(fingerprintsEquivalent(base, '')).toBe(false);
    expect(fingerprintsEquivalent('0', base)).toBe(false);
  });
  it('is reflexive for any string', () => {
    fc.assert(fc.property(fc.string(), (s) => fingerprintsEquivalent(s, s)));
  });
});

describe('itemSize', () => {
  it('counts UTF-16 code units, not bytes', () => {
    expect(itemSize('idb', 'ü🔥')).toBe(JSON.stringify('ü🔥').length);
    expect(itemSize('idb', 'ü🔥')).toBe(5);
  });
  it('blobs are byte lengths', () => {
    expect(itemSize('blob', new Blob([new Uint8Array(7)]))).toBe(7);
    expect(itemSize('blob', new Uint8Array(3))).toBe(3);
    expect(itemSize('blob', new ArrayBuffer(4))).toBe(4);
  });
  it('a Blob stored as an idb value sizes as "{}" (the original\'s first-upload quirk)', () => {
    expect(itemSize('idb', new Blob([new Uint8Array(9)]))).toBe(2);
  });
  it('Dates size as their ISO JSON text; undefined has size 0', () => {
    expect(itemSize('idb', { d: new Date(0) })).toBe('{"d":"1970-01-01T00:00:00.000Z"}'.length);
    expect(itemSize('idb', undefined)).toBe(0);
  });
});

describe('keys and clocks', () => {
  it('CHAT_ idb items are chats', () => {
    expect(isChatKey('CHAT_x')).toBe(true);
    expect(isChatKey('chat_x')).toBe(false);
    expect(isChatItem('CHAT_x', 'ls')).toBe(false);
    expect(isChatItem('CHAT_x', 'idb')).toBe(true);
  });
  it('toMillis normalises numbers, Dates and strings; NaN → 0', () => {
    expect(toMillis(5)).toBe(5);
    expect(toMillis(new Date(7))).toBe(7);
    expect(toMillis('1970-01-01T00:00:00.010Z')).toBe(10);
    expect(toMillis('nope')).toBe(0);
    expect(toMillis(NaN)).toBe(0);
    expect(toMillis(undefined)).toBe(0);
    expect(chatUpdatedAtMillis({ updatedAt: new Date(9) })).toBe(9);
  });
});

describe('buildLiveEntry', () => {
  it('writes the original field order for each kind, our fields last', () => {
    const chat = buildLiveEntry({ key: 'CHAT_a', type: 'idb', value: { updatedAt: 5, messages: [] }, synced: 9, lastModified: 5, tcsHash: 'h' });
    expect(JSON.stringify(chat)).toBe('{"synced":9,"type":"idb","lastModified":5,"chatFingerprint":"5|0||","tcsHash":"h"}');
    const blob = buildLiveEntry({ key: 'A', type: 'blob', value: new Uint8Array(3), synced: 9, lastModified: 0, blobType: 'image/png' });
    expect(JSON.stringify(blob)).toBe('{"synced":9,"type":"blob","lastModified":0,"blobType":"image/png","size":3}');
    // The Blob's own type, when it is not blobType, follows our hash; never on other kinds, never a copy of blobType.
    const untyped = buildLiveEntry({ key: 'A', type: 'blob', value: new Uint8Array(3), synced: 9, lastModified: 0, blobType: 'image/png', tcsBlobType: '', tcsHash: 'h' });
    expect(JSON.stringify(untyped)).toBe('{"synced":9,"type":"blob","lastModified":0,"blobType":"image/png","size":3,"tcsHash":"h","tcsBlobType":""}');
    expect(buildLiveEntry({ key: 'A', type: 'blob', value: new Uint8Array(3), synced: 9, lastModified: 0, blobType: 'image/png', tcsBlobType: 'image/png' })).not.toHaveProperty('tcsBlobType');
    expect(buildLiveEntry({ key: 'B', type: 'idb', value: 1, synced: 9, lastModified: 0, tcsBlobType: '' })).not.toHaveProperty('tcsBlobType');
    const ls = buildLiveEntry({ key: 'TM_useExampleSetting', type: 'ls', value: '"dark"', synced: 9, lastModified: 1, tcsDates: [] });
    expect(JSON.stringify(ls)).toBe('{"synced":9,"type":"ls","lastModified":1,"size":49}');
  });
  it('matches an entry of the original metadata byte for byte', () => {
    const e = buildLiveEntry({ key: 'TM_useExampleSetting', type: 'ls', value: '"dark"', synced: 1735787099003, lastModified: 1735787000000 });
    expect(serializeMetadata({ lastSync: 1, items: { TM_useExampleSetting: e } })).toBe(
      '{"lastSync":1,"items":{"TM_useExampleSetting":{"synced":1735787099003,"type":"ls","lastModified":1735787000000,"size":49}}}',
    );
  });
});

describe('buildExportEntry (first upload, Force Export, daily-backup metadata)', () => {
  it('chats with updatedAt keep it raw (a Date as its ISO text), others get size and now', () => {
    const d = new Date('2026-10-19T07:32:21.976Z');
    expect(JSON.stringify(buildExportEntry({ key: 'CHAT_a', type: 'idb', value: { updatedAt: d, messages: [] }, now: 9 }))).toBe(
      `{"synced":9,"type":"idb","lastModified":"2026-10-19T07:32:21.976Z","chatFingerprint":"${String(d)}|0||"}`,
    );
    expect(JSON.stringify(buildExportEntry({ key: 'CHAT_b', type: 'idb', value: { updatedAt: 5 }, now: 9 }))).toBe(
      '{"synced":9,"type":"idb","lastModified":5,"chatFingerprint":"5|0||"}',
    );
    // A chat without updatedAt is sized like any other item.
    expect(JSON.stringify(buildExportEntry({ key: 'CHAT_c', type: 'idb', value: { x: 1 }, now: 9 }))).toBe(
      '{"synced":9,"type":"idb","size":7,"lastModified":9}',
    );
    expect(JSON.stringify(buildExportEntry({ key: 'A', type: 'blob', value: new Uint8Array(4), now: 9, blobType: 'image/png' }))).toBe(
      '{"synced":9,"type":"blob","blobType":"image/png","size":4,"lastModified":9}',
    );
  });
});
