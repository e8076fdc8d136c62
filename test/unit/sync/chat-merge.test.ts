import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, mergeChats, messageId } from '../../../src/sync/chat-merge';

const msg = (id: string, content: string, t = 1000) => ({ id, role: 'user', content, createdAt: new Date(t) });
const chat = (updatedAt: number, messages: unknown[], extra: Record<string, unknown> = {}) => ({
  id: 'c1',
  chatID: 'c1',
  chatTitle: 'T',
  updatedAt: new Date(updatedAt),
  messages,
  ...extra,
});

describe('mergeChats', () => {
  it('keeps messages added on both sides, interleaved by time after the common history', () => {
    const base = [msg('m1', 'hi'), msg('m2', 'hello')];
    const a = chat(2000, [...base, msg('a3', 'from A', 1500)]);
    const b = chat(3000, [...base, msg('b3', 'from B', 1600), msg('b4', 'more B', 1700)]);
    const { chat: merged, conflicts } = mergeChats(a, b);
    expect((merged.messages as { id: string }[]).map((m) => m.id)).toEqual(['m1', 'm2', 'a3', 'b3', 'b4']);
    expect(conflicts).toEqual([]);
    expect(merged.updatedAt).toEqual(new Date(3000));
  });

  it('takes the chat fields from the newer side', () => {
    const a = chat(5000, [msg('m1', 'x')], { chatTitle: 'Renamed on A' });
    const b = chat(4000, [msg('m1', 'x')], { chatTitle: 'Old title' });
    expect(mergeChats(a, b).chat.chatTitle).toBe('Renamed on A');
    expect(mergeChats(b, a).chat.chatTitle).toBe('Renamed on A');
  });

  it('same id with different content keeps the newer message and records the other', () => {
    const a = chat(2000, [{ ...msg('m1', 'edited later'), updatedAt: new Date(9000) }]);
    const b = chat(3000, [{ ...msg('m1', 'edited earlier'), updatedAt: new Date(8000) }]);
    const r = mergeChats(a, b);
    expect((r.chat.messages as { content: string }[])[0].content).toBe('edited later');
    expect(r.conflicts).toHaveLength(1);
    expect((r.conflicts[0].discarded as { content: string }).content).toBe('edited earlier');
  });

  it('recognises messageId and uuid as ids', () => {
    expect(messageId({ messageId: 'x' })).toBe('x');
    expect(messageId({ uuid: 'u' })).toBe('u');
    expect(messageId({ content: 'no id' })).toBeUndefined();
  });

  it('keeps id-less messages from both sides without duplicating equal ones', () => {
    const a = chat(2000, [{ role: 'user', content: 'same' }, { role: 'user', content: 'only A' }]);
    const b = chat(1000, [{ role: 'user', content: 'same' }, { role: 'user', content: 'only B' }]);
    const contents = (mergeChats(a, b).chat.messages as { content: string }[]).map((m) => m.content);
    expect(contents.sort()).toEqual(['only A', 'only B', 'same']);
  });
});

// Property tests: a chat that grew from a common history on two devices (messages appended on each side,
// some common messages edited on one side), plus arbitrary chat fields.
const arbContent = fc.string({ maxLength: 5 });
const arbDivergedPair = fc
  .record({
    baseCount: fc.integer({ min: 0, max: 5 }),
    aExtra: fc.array(fc.tuple(fc.integer({ min: 0, max: 60 }), arbContent), { maxLength: 4 }),
    bExtra: fc.array(fc.tuple(fc.integer({ min: 0, max: 60 }), arbContent), { maxLength: 4 }),
    aEdits: fc.array(fc.tuple(fc.nat(), arbContent, fc.integer({ min: 0, max: 90 })), { maxLength: 2 }),
    bEdits: fc.array(fc.tuple(fc.nat(), arbContent, fc.integer({ min: 0, max: 90 })), { maxLength: 2 }),
    aTime: fc.integer({ min: 0, max: 5 }),
    bTime: fc.integer({ min: 0, max: 5 }),
    aTitle: fc.constantFrom('x', 'y'),
    bTitle: fc.constantFrom('x', 'y'),
  })
  .map((g) => {
    const base = Array.from({ length: g.baseCount }, (_, i) => ({ id: `m${i}`, content: `c${i}`, createdAt: i }));
    const side = (extra: [number, string][], edits: [number, string, number][], tag: string) => {
      const msgs: { id: string; content: string; createdAt: number; updatedAt?: number }[] = base.map((m) => ({ ...m }));
      for (const [i, content, at] of edits) if (msgs.length) msgs[i % msgs.length] = { ...msgs[i % msgs.length], content, updatedAt: at };
      extra.forEach(([t, content], i) => msgs.push({ id: `${tag}${i}`, content, createdAt: 10 + t }));
      return msgs;
    };
    return [
      { updatedAt: g.aTime, title: g.aTitle, messages: side(g.aExtra, g.aEdits, 'a') },
      { updatedAt: g.bTime, title: g.bTitle, messages: side(g.bExtra, g.bEdits, 'b') },
    ] as const;
  });

describe('mergeChats properties', () => {
  it('never loses a message id from either side, and never duplicates one', () => {
    fc.assert(
      fc.property(arbDivergedPair, ([a, b]) => {
        const ids = (mergeChats(a, b).chat.messages as { id: string }[]).map((m) => m.id);
        const expected = new Set([...a.messages, ...b.messages].map((m) => m.id));
        return ids.length === expected.size && ids.every((id) => expected.has(id));
      }),
    );
  });

  it("keeps each side's own order of messages", () => {
    fc.assert(
      fc.property(arbDivergedPair, ([a, b]) => {
        const ids = (mergeChats(a, b).chat.messages as { id: string }[]).map((m) => m.id);
        const inOrder = (side: { id: string }[]) => {
          const pos = side.map((m) => ids.indexOf(m.id));
          return pos.every((p, i) => i === 0 || p > pos[i - 1]);
        };
        return inOrder(a.messages) && inOrder(b.messages);
      }),
    );
  });

  it('is order-independent: merge(a, b) equals merge(b, a)', () => {
    fc.assert(
      fc.property(arbDivergedPair, ([a, b]) => canonicalJson(mergeChats(a, b).chat) === canonicalJson(mergeChats(b, a).chat)),
    );
  });

  it('is idempotent: merging the result again with either side changes nothing', () => {
    fc.assert(
      fc.property(arbDivergedPair, ([a, b]) => {
        const m = mergeChats(a, b).chat;
        return (
          canonicalJson(mergeChats(m, a).chat) === canonicalJson(m) &&
          canonicalJson(mergeChats(m, b).chat) === canonicalJson(m) &&
          canonicalJson(mergeChats(m, m).chat) === canonicalJson(m)
        );
      }),
    );
  });
});
