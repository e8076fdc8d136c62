import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeKey, MAX_STEM, safeFileNames } from '../../../src/recovery/safe-names';
import { ODD_KEYS, PATH_KEYS } from '../../support/odd-keys';

// Characters that make names collide or escape: case pairs, dots, separators, the escapes' own marks, a lone
// surrogate, a non-ASCII letter, and the letters of Windows' device names.
const TRICKY_CHARS = fc.constantFrom('a', 'A', 'n', 'N', 'u', 'l', 'L', '.', '/', '\\', '~', '%', '2', 'E', '\uD800', '\uDC00', 'ü', ' ', 'C', 'O');
const SAFE_NAME = /^[A-Za-z0-9_.%~-]+$/;
const RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\.|$)/i;

function assertSafe(name: string): void {
  expect(name).toMatch(SAFE_NAME);
  expect(name.startsWith('.')).toBe(false);
  expect(name.endsWith('.')).toBe(false);
  expect(RESERVED.test(name)).toBe(false);
  expect(new TextEncoder().encode(name).length).toBeLessThanOrEqual(MAX_STEM + 20);
}

describe('safe file names for item keys', () => {
  it('keeps ordinary keys readable and escapes the rest as the fixtures do', () => {
    expect(escapeKey('CHAT_abc123')).toBe('CHAT_abc123');
    expect(escapeKey('CHAT_with space')).toBe('CHAT_with%20space');
    expect(escapeKey('ATTACHMENT_photo.jpg')).toBe('ATTACHMENT_photo.jpg');
    expect(escapeKey('')).toBe('%EMPTY');
    expect(escapeKey('..')).toBe('%2E%2E');
    expect(escapeKey('.')).toBe('%2E');
    expect(escapeKey('a/../b')).toBe('a%2F..%2Fb');
    expect(escapeKey('CON')).toBe('%43ON');
    expect(escapeKey('nul.txt')).toBe('%6Eul.txt');
    expect(escapeKey('ü')).toBe('%C3%BC');
    // Lone surrogates have no UTF-8: two of them must not both become U+FFFD.
    expect(escapeKey('a\uD800')).not.toBe(escapeKey('a\uDC00'));
    expect(escapeKey('a\uD800')).toBe('a%uD800');
  });

  it('gives every odd and path-like key a safe name of its own', () => {
    const keys = [...ODD_KEYS, ...PATH_KEYS, '', '.', '..', 'CON', 'a\\b', 'x'.repeat(400), 'x'.repeat(400) + 'y', '%EMPTY', 'a~2'];
    const names = safeFileNames(keys);
    expect(new Set(names.values()).size).toBe(keys.length);
    for (const n of names.values()) assertSafe(n);
  });

  it('tells apart keys that differ only by case, for file systems that ignore it', () => {
    const names = safeFileNames(['CHAT_a', 'CHAT_A', 'chat_a']);
    const folded = [...names.values()].map((n) => n.toLowerCase());
    expect(new Set(folded).size).toBe(3);
    expect(names.get('CHAT_A')).toBe('CHAT_A.json');
    expect(names.get('CHAT_a')).toBe('CHAT_a~2.json');
  });

  it('does not depend on the order the keys come in', () => {
    const a = safeFileNames(['b', 'B', 'a']);
    const b = safeFileNames(['a', 'B', 'b']);
    expect([...a.entries()].sort()).toEqual([...b.entries()].sort());
  });

  it('an extension that makes two names equal still gives two files', () => {
    const ext = (k: string) => (k.toLowerCase().endsWith('.png') ? '' : '.png');
    const names = safeFileNames(['a', 'a.png', 'A.PNG'], ext);
    expect(new Set([...names.values()].map((n) => n.toLowerCase())).size).toBe(3);
    for (const n of names.values()) assertSafe(n);
  });

  it('property: any set of keys gets distinct (case-insensitively) safe names', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string({ unit: TRICKY_CHARS, maxLength: 12 }), { maxLength: 20 }), (keys) => {
        const names = safeFileNames(keys);
        expect(new Set([...names.values()].map((n) => n.toLowerCase())).size).toBe(keys.length);
        for (const n of names.values()) assertSafe(n);
      }),
      { numRuns: 100 },
    );
  });
});
