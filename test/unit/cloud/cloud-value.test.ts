import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { cloudText, fromCloudValue, toCloudValue } from '../../../src/cloud';
import { isCloudSyncError } from '../../../src/errors';

const roundTrip = (v: unknown) => {
  const { json, dates } = toCloudValue(v);
  // What travels: JSON text (what the original reads) + the dates list in metadata.
  const text = JSON.stringify(json);
  return fromCloudValue(text === undefined ? undefined : JSON.parse(text), dates ? JSON.parse(JSON.stringify(dates)) : undefined);
};

describe('toCloudValue / fromCloudValue', () => {
  it('restores Dates in a chat, and the JSON is what the original writes (ISO strings)', () => {
    const chat = {
      id: 'c',
      createdAt: new Date('2026-10-11T09:22:35.405Z'),
      updatedAt: new Date('2026-10-11T09:25:14.152Z'),
      messages: [{ id: 'm', createdAt: '2026-10-11T09:22:35.405Z' }],
    };
    const { json, dates } = toCloudValue(chat);
    expect(JSON.stringify(json)).toBe(JSON.stringify(chat));
    expect(dates).toEqual(['/createdAt', '/updatedAt']);
    const back = roundTrip(chat) as typeof chat;
    expect(back).toEqual(chat);
    expect(back.updatedAt).toBeInstanceOf(Date);
    // A string that merely looks like a date stays a string.
    expect(typeof back.messages[0].createdAt).toBe('string');
  });

  it('records one * path when every array element has Dates at the same places', () => {
    const v = { msgs: [{ t: new Date(1) }, { t: new Date(2) }, { t: new Date(3) }] };
    expect(toCloudValue(v).dates).toEqual(['/msgs/*/t']);
    expect(roundTrip(v)).toEqual(v);
  });

  it('records exact paths when the elements disagree', () => {
    const v = { msgs: [{ t: new Date(1) }, { t: 'text' }, { u: new Date(3) }] };
    expect(toCloudValue(v).dates).toEqual(['/msgs/0/t', '/msgs/2/u']);
    expect(roundTrip(v)).toEqual(v);
  });

  it('a Date as the whole value, and Dates directly in arrays', () => {
    expect(toCloudValue(new Date(5)).dates).toEqual(['']);
    expect(roundTrip(new Date(5))).toEqual(new Date(5));
    expect(toCloudValue([new Date(1), new Date(2)]).dates).toEqual(['/*']);
    expect(roundTrip([new Date(1), 'x', new Date(2)])).toEqual([new Date(1), 'x', new Date(2)]);
  });

  it('escapes keys with "/", "~" and "*"', () => {
    const v = { 'a/b': { '~c': new Date(1) }, '*': new Date(2), arr: [{ '*': new Date(3) }] };
    expect(toCloudValue(v).dates).toEqual(['/a~1b/~0c', '/~2', '/arr/*/~2']);
    expect(roundTrip(v)).toEqual(v);
  });

  it('keeps falsy values (0, "", null, false) at every level', () => {
    for (const v of [0, '', null, false, { a: 0, b: '', c: null, d: false }, [0, '', null, false]]) {
      expect(roundTrip(v)).toEqual(v);
    }
  });

  it('follows JSON for undefined, functions, NaN, invalid Dates, Maps and typed arrays', () => {
    const v = {
      u: undefined,
      f: () => 1,
      n: NaN,
      bad: new Date('x'),
      arr: [undefined, () => 1, Infinity],
      map: new Map([[1, 2]]),
      bytes: new Uint8Array([1, 2]),
    };
    const { json, dates } = toCloudValue(v);
    expect(JSON.stringify(json)).toBe(JSON.stringify(v));
    expect(json).toEqual({ n: null, bad: null, arr: [null, null, null], map: {}, bytes: { 0: 1, 1: 2 } });
    expect(dates).toBeUndefined();
    expect(toCloudValue(undefined).json).toBeUndefined();
  });

  it('uses toJSON like JSON.stringify does', () => {
    const v = { x: { toJSON: () => ({ y: 1 }) } };
    expect(toCloudValue(v).json).toEqual({ x: { y: 1 } });
  });

  it('a BigInt or a cycle is a clear typed error naming where, not a TypeError', () => {
    const cyc: Record<string, unknown> = { a: 1 };
    cyc.self = cyc;
    for (const [v, where] of [
      [{ a: { b: 10n } }, '/a/b'],
      [cyc, '/self'],
    ] as const) {
      let err: unknown;
      try {
        toCloudValue(v);
      } catch (e) {
        err = e;
      }
      expect(isCloudSyncError(err, 'corrupt-object')).toBe(true);
      expect((err as Error).message).toContain(where);
    }
  });

  it('the same object twice (not a cycle) is fine', () => {
    const shared = { d: new Date(1) };
    expect(roundTrip({ a: shared, b: shared })).toEqual({ a: shared, b: shared });
  });

  it('a "__proto__" key survives as data', () => {
    const v = JSON.parse('{"__proto__":{"d":"x"}}') as Record<string, unknown>;
    const { json } = toCloudValue(v);
    expect(Object.keys(json as object)).toEqual(['__proto__']);
    expect(JSON.stringify(json)).toBe('{"__proto__":{"d":"x"}}');
  });

  it('ignores dates lists that are malformed or stale (metadata is editable by anyone with bucket access)', () => {
    const json = { a: '2026-01-01T00:00:00.000Z', b: 5, c: 'hello', arr: [1] };
    const copy = () => JSON.parse(JSON.stringify(json)) as Record<string, unknown>;
    expect(fromCloudValue(copy(), 'x')).toEqual(json);
    expect(fromCloudValue(copy(), [5, null, 'no-slash', '/b', '/c', '/missing/x', '/arr/9', '/arr/x', '/b/*'])).toEqual(json);
    expect(fromCloudValue(copy(), ['/a'])).toEqual({ ...json, a: new Date('2026-01-01T00:00:00.000Z') });
  });

  it('property: for any JSON-like value with Dates, the reader gets an equal value and the JSON equals JSON.stringify', () => {
    const leaf = fc.oneof(
      fc.integer(),
      fc.string(),
      fc.boolean(),
      fc.constant(null),
      fc.date({ noInvalidDate: true, min: new Date(-8.64e15 + 1), max: new Date(8.64e15 - 1) }),
    );
    const value = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('node'), { maxLength: 4 }), fc.dictionary(fc.string(), tie('node'), { maxKeys: 4 })),
    })).node;
    fc.assert(
      fc.property(value, (v) => {
        const { json } = toCloudValue(v);
        expect(JSON.stringify(json)).toBe(JSON.stringify(v));
        expect(roundTrip(v)).toEqual(v);
      }),
      { numRuns: 300 },
    );
  });

  it('property: cloudText gives exactly the text and Date paths of toCloudValue, for any value', () => {
    const leaf = fc.oneof(
      fc.integer(),
      fc.double(), // NaN and ±Infinity too: null in JSON
      fc.string(),
      fc.boolean(),
      fc.constant(null),
      fc.constant(undefined),
      fc.constant(() => 1),
      fc.date(), // invalid Dates too
      fc.constant(new Map([[1, 2]])),
      fc.constant(new Uint8Array([1, 2])),
      fc.constant(new String('boxed')),
      fc.constant({ toJSON: () => new Date(0) }),
      fc.constant({ toJSON: (k: string) => `key:${k}` }),
    );
    const key = fc.oneof(fc.string(), fc.constantFrom('*', '~', '/', '__proto__', 'a/b~c', '0', '10'));
    const value = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: 'small' },
        leaf,
        fc.array(tie('node'), { maxLength: 5 }),
        fc.array(fc.record({ at: fc.date({ noInvalidDate: true }), n: fc.integer() }), { maxLength: 4 }), // uniform: /* paths
        fc.dictionary(key, tie('node'), { maxKeys: 5 }),
      ),
    })).node;
    fc.assert(
      fc.property(value, (v) => {
        const exact = toCloudValue(v);
        const fast = cloudText(v);
        expect(fast.text).toBe(exact.json === undefined ? undefined : JSON.stringify(exact.json));
        expect(fast.dates).toEqual(exact.dates);
      }),
      { numRuns: 1000 },
    );
  });

  it('cloudText refuses what has no JSON form with the same clear error, naming where', () => {
    const cyclic: Record<string, unknown> = { a: { b: [1] } };
    (cyclic.a as { b: unknown[] }).b.push(cyclic);
    expect(() => cloudText(cyclic)).toThrow(/circular reference at "\/a\/b\/1"/);
    expect(() => cloudText({ x: [{ 'we/ird~': 10n }] })).toThrow(/BigInt at "\/x\/0\/we~1ird~0"/);
    expect(() => toCloudValue({ x: [{ 'we/ird~': 10n }] })).toThrow(/BigInt at "\/x\/0\/we~1ird~0"/);
  });
});
