import { describe, expect, it } from 'vitest';
import { fromTagged, toTagged } from '../../../src/recovery/tagged-json';
import { decodeTagged } from '../../support/fixture-bucket';

describe('tagged JSON', () => {
  it('keeps Dates and falsy values exactly', () => {
    const value = { at: new Date('2026-11-01T10:00:00.000Z'), zero: 0, empty: '', no: false, nil: null, list: [new Date(0), 0, ''] };
    const tagged = toTagged(value);
    expect(tagged).toEqual({ at: { $date: '2026-11-01T10:00:00.000Z' }, zero: 0, empty: '', no: false, nil: null, list: [{ $date: '1970-01-01T00:00:00.000Z' }, 0, ''] });
    expect(fromTagged(JSON.parse(JSON.stringify(tagged)))).toEqual(value);
    for (const v of [0, '', false, null]) expect(fromTagged(JSON.parse(JSON.stringify(toTagged(v))))).toBe(v);
  });

  it('reads as the fixtures read it (decodeTagged)', () => {
    const value = { createdAt: new Date('2026-10-19T07:20:45.838Z'), n: 1 };
    expect(decodeTagged(toTagged(value), '.')).toEqual(value);
  });

  it('never takes a value of the user for a tag', () => {
    for (const v of [{ $date: '2026-01-01T00:00:00.000Z' }, { $blob: { file: 'x' } }, { $object: { a: 1 } }, { $object: 5 }, { $x: 1 }]) {
      const back = fromTagged(JSON.parse(JSON.stringify(toTagged(v))));
      expect(back).toEqual(v);
      expect(back instanceof Date).toBe(false);
    }
  });

  it('keeps a key named __proto__ as a plain property', () => {
    const v = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}');
    const back = fromTagged(JSON.parse(JSON.stringify(toTagged(v)))) as Record<string, unknown>;
    expect(Object.keys(back)).toEqual(['__proto__', 'a']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
