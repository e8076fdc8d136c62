import { describe, expect, it } from 'vitest';
import { isExcludedKey, parseExclusionList, SYSTEM_EXCLUDED_KEYS } from '../../../src/host/exclusions';

describe('isExcludedKey', () => {
  it('excludes the prefixes and the eruda rule', () => {
    expect(isExcludedKey('tcs_anything')).toBe(true);
    expect(isExcludedKey('tcs_tombstone_CHAT_1')).toBe(true);
    expect(isExcludedKey('gsi_client_state')).toBe(true);
    expect(isExcludedKey('my-eruda-thing')).toBe(true);
  });

  it('excludes every one of the 25 system keys, exactly', () => {
    expect(SYSTEM_EXCLUDED_KEYS).toHaveLength(25);
    for (const key of SYSTEM_EXCLUDED_KEYS) expect(isExcludedKey(key)).toBe(true);
    expect(isExcludedKey('referrer')).toBe(true);
    expect(isExcludedKey('INSTANCE_ID')).toBe(true);
    // Exact and case-sensitive, as in the original.
    expect(isExcludedKey('Referrer')).toBe(false);
    expect(isExcludedKey('INSTANCE_ID2')).toBe(false);
    expect(isExcludedKey('TCS_storagetype')).toBe(false);
  });

  it('keeps TypingMind data and applies the user list by exact name', () => {
    expect(isExcludedKey('CHAT_abc')).toBe(false);
    expect(isExcludedKey('TM_useUserCharacters')).toBe(false);
    expect(isExcludedKey('TM_useExtensionURLs')).toBe(false);
    expect(isExcludedKey('TM_useAPIKey', ['TM_useAPIKey'])).toBe(true);
    expect(isExcludedKey('TM_useAPIKey2', ['TM_useAPIKey'])).toBe(false);
  });
});

describe('parseExclusionList', () => {
  it('splits on commas, trims, drops empties and duplicates', () => {
    expect(parseExclusionList(' a, b ,,c , a,  ')).toEqual(['a', 'b', 'c']);
    expect(parseExclusionList('single')).toEqual(['single']);
  });

  it('keeps names with spaces inside and unicode', () => {
    expect(parseExclusionList('my key, ключ ,😀')).toEqual(['my key', 'ключ', '😀']);
  });

  it('yields an empty list for empty or non-text settings instead of failing', () => {
    expect(parseExclusionList('')).toEqual([]);
    expect(parseExclusionList(' , ,')).toEqual([]);
    expect(parseExclusionList(null)).toEqual([]);
    expect(parseExclusionList(undefined)).toEqual([]);
    expect(parseExclusionList(42)).toEqual([]);
  });
});
