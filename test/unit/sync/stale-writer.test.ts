/**
 * A stale writer: device B reads metadata.json, device A writes it, then B writes it back from what it read.
 * On a store that honours preconditions B's write fails and B re-plans; on one that ignores them (s3rver,
 * Backblaze B2, GCS's XML API) B's write lands and A's entries are gone from the index. Each scenario runs on
 * both kinds (and on an ignoring store the engine believes honours them), and after two quiet syncs each the
 * devices must agree, with nothing lost and no deletion undone.
 */
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { isTombstone, parseMetadata } from '../../../src/cloud';
import type { CloudStore } from '../../../src/providers/cloud-store';
import { createMemoryStore } from '../../../src/providers/memory';
import { FaultyStore } from '../../support/faulty-store';
import { IgnoringStore } from '../../support/ignoring-store';
import { createSimDevice, makeChat, type SimDevice } from '../../support/sim-device';

const kinds: [string, () => CloudStore][] = [
  ['honours preconditions', () => createMemoryStore()],
  ['ignores them and says so', () => new IgnoringStore({ claims: false })],
  ['ignores them silently', () => new IgnoringStore({ claims: true })],
];

const open: SimDevice[] = [];
afterEach(() => {
  while (open.length) open.pop()!.close();
});

async function setup(make: () => CloudStore) {
  let clock = Date.parse('2026-11-01T00:00:00Z');
  const now = () => (clock += 1000);
  const inner = make();
  const wires = [new FaultyStore(inner), new FaultyStore(inner)];
  const a = await createSimDevice({ name: 'A', store: wires[0], now });
  const b = await createSimDevice({ name: 'B', store: wires[1], now });
  open.push(a, b);
  /** B reads the index, A runs a whole sync, then B goes on from what it read. */
  const stale = async () => {
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    const held = wires[1].holdAfterIndexRead(released);
    const slow = b.sync();
    await held;
    const ra = await a.sync();
    release();
    const rb = await slow;
    return { ra, rb };
  };
  const quiet = async () => {
    const reports = [];
    for (let i = 0; i < 2; i++) reports.push(await a.sync(), await b.sync());
    return reports;
  };
  const index = async () => {
    const r = await inner.get('metadata.json');
    if (r.kind !== 'found') throw new Error('no index');
    return parseMetadata(r.body);
  };
  return { a, b, stale, quiet, index };
}

describe.each(kinds)('a stale writer on a store that %s', (_name, make) => {
  it('does not bring back a chat deleted on the other device (delete on A, create on B)', async () => {
    const { a, b, stale, quiet, index } = await setup(make);
    await a.put('CHAT_kept', makeChat('kept', ['stays']));
    await a.put('CHAT_x', makeChat('x', ['to be deleted']));
    await a.sync({ full: true });
    await b.sync({ full: true });

    await a.del('CHAT_x');
    await b.put('CHAT_y', makeChat('y', ['new on B']));
    await stale();
    const reports = await quiet();

    expect(await a.read('CHAT_x')).toBeUndefined();
    expect(await b.read('CHAT_x')).toBeUndefined();
    expect(isTombstone((await index()).items.CHAT_x)).toBe(true);
    expect(await a.read('CHAT_y')).toBeDefined();
    for (const r of reports) {
      expect(r.downloaded).not.toContain('CHAT_x');
      expect(r.errors).toEqual([]);
    }
  });

  it('loses no edit when both edit different chats at once, and nothing waits on an "in flux" window', async () => {
    const { a, b, stale, quiet } = await setup(make);
    await a.put('CHAT_p', makeChat('p', ['p0']));
    await a.put('CHAT_q', makeChat('q', ['q0']));
    await a.sync({ full: true });
    await b.sync({ full: true });

    for (let round = 1; round <= 3; round++) {
      await a.put('CHAT_p', makeChat('p', ['p0', `p${round}`]));
      await b.put('CHAT_q', makeChat('q', ['q0', `q${round}`]));
      await stale();
      const reports = await quiet();
      for (const r of reports) expect(r.errors).toEqual([]);
      for (const d of [a, b]) {
        expect(((await d.read('CHAT_p')) as { messages: { content: string }[] }).messages.map((m) => m.content)).toEqual(['p0', `p${round}`]);
        expect(((await d.read('CHAT_q')) as { messages: { content: string }[] }).messages.map((m) => m.content)).toEqual(['q0', `q${round}`]);
      }
    }
  });

  it('merges both edits of the same chat', async () => {
    const { a, b, stale, quiet } = await setup(make);
    const base = makeChat('m', ['m0']);
    await a.put('CHAT_m', base);
    await a.sync({ full: true });
    await b.sync({ full: true });

    const fromA = makeChat('m', ['m0']);
    fromA.messages.push({ id: 'a1', role: 'user', content: 'from A', createdAt: new Date('2026-11-01T10:00:00Z') });
    const fromB = makeChat('m', ['m0']);
    fromB.messages.push({ id: 'b1', role: 'user', content: 'from B', createdAt: new Date('2026-11-01T10:00:01Z') });
    await a.put('CHAT_m', fromA);
    await b.put('CHAT_m', fromB);
    await stale();
    await quiet();

    for (const d of [a, b]) {
      const chat = (await d.read('CHAT_m')) as { messages: { content: string }[] };
      expect(chat.messages.map((m) => m.content).sort()).toEqual(['from A', 'from B', 'm0']);
    }
  });

  it('keeps both values when both create the same key at once', async () => {
    const { a, b, stale, quiet } = await setup(make);
    await a.sync({ full: true });
    await b.sync({ full: true });
    await a.put('TM_useCustomPrompt', 'from A');
    await b.put('TM_useCustomPrompt', 'from B');
    const st = await stale();
    const q = await quiet();
    if (process.env.DBG) console.log(JSON.stringify([st, q], null, 0));

    const va = await a.read('TM_useCustomPrompt');
    expect(await b.read('TM_useCustomPrompt')).toEqual(va);
    // The value that lost is kept as a conflict on the device whose value lost.
    const conflicts = [...(await a.engine.conflicts()), ...(await b.engine.conflicts())];
    const other = va === 'from A' ? 'from B' : 'from A';
    expect(conflicts.map((c) => c.discarded)).toContain(other);
  });
});
