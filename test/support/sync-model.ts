/**
 * Model-based test of the sync engine: three simulated devices, each with its own IndexedDB and
 * localStorage, sharing one bucket through per-device fault injectors, doing random creates, edits,
 * deletes and syncs (some concurrent, some hit by 5xx, 429, dropped responses, or a crash between the item
 * uploads and the metadata write). Invariants:
 *  1. once faults stop and every device has synced, all devices hold the same data;
 *  2. a message that reached the bucket is never lost, unless its chat was deleted afterwards;
 *  3. a chat whose deletion reached the bucket does not come back, unless some device edited it after
 *     (or had an unsynced edit of it when) the deletion was published, or the deleting device never saw an
 *     edit that was already published (a stale writer hid it): edit beats delete, as with compare-and-swap;
 *  4. no plaintext leaves a device: no item or attachment object contains a message's text.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import type { CloudStore } from '../../src/providers/cloud-store';
import { FaultyStore, type Fault } from './faulty-store';
import { createSimDevice, makeChat, type SimDevice } from './sim-device';

type Op =
  | { t: 'create'; dev: number }
  | { t: 'append'; dev: number; chat: number }
  | { t: 'delete'; dev: number; chat: number }
  | { t: 'sync'; dev: number; fault?: Fault; after: number }
  | { t: 'race'; a: number; b: number; lagA: number; lagB: number }
  | { t: 'stale'; a: number; b: number }
  | { t: 'restart'; dev: number };

const dev = fc.integer({ min: 0, max: 2 });
export const arbOp: fc.Arbitrary<Op> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ t: fc.constant('create' as const), dev }) },
  { weight: 4, arbitrary: fc.record({ t: fc.constant('append' as const), dev, chat: fc.nat(20) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('delete' as const), dev, chat: fc.nat(20) }) },
  {
    weight: 5,
    arbitrary: fc.record({
      t: fc.constant('sync' as const),
      dev,
      fault: fc.option(fc.constantFrom<Fault>('5xx', '429', 'drop', 'crash-before-metadata'), { nil: undefined, freq: 3 }),
      after: fc.nat(4),
    }),
  },
  // Two devices syncing at once, each request of one delayed by a few turns of the event loop: one device
  // reads the index, the other writes it, and the first writes it back from what it read (a stale writer).
  { weight: 3, arbitrary: fc.record({ t: fc.constant('race' as const), a: dev, b: dev, lagA: fc.nat(3), lagB: fc.nat(3) }) },
  // b reads the index, a syncs from start to end, then b goes on from what it read and writes the index back.
  { weight: 4, arbitrary: fc.record({ t: fc.constant('stale' as const), a: dev, b: dev }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('restart' as const), dev }) },
);

const MARK = 'PLAINTEXT-MARK-';

export async function runModel(
  ops: Op[],
  makeInner: (now: () => number) => Promise<{ store: CloudStore; dispose(): Promise<void> }>,
  options: { realClock?: boolean } = {},
) {
  // A server that stamps objects with its own clock (s3rver) needs the model's clock to start at real time.
  let clock = options.realClock ? Date.now() : Date.parse('2026-11-01T00:00:00Z');
  const now = () => clock;
  const { store: inner, dispose } = await makeInner(now);
  const faulty = [0, 1, 2].map(() => new FaultyStore(inner));
  const devices: SimDevice[] = [];
  for (let i = 0; i < 3; i++) {
    devices.push(await createSimDevice({ name: `D${i}`, store: faulty[i], now, engine: { massDeleteThreshold: 1 } }));
  }
  try {
    for (const d of devices) await d.put('TM_useTheme', 'dark');
    let chats = 0;
    let seq = 0;
    const syncedMsgs = new Map<string, { msg: string; at: number }[]>();
    const deleteOps = new Map<string, number[]>();
    const tombstoned = new Map<string, number>();
    const resurrectAllowed = new Set<string>();
    /** The messages a device held of a chat when it deleted it. */
    const deleteView = new Map<string, Set<string>>();
    const firstSynced = new Set<number>();

    const doSync = async (i: number, step: number): Promise<string[]> => {
      const d = devices[i];
      try {
        let r = await d.sync({ full: !firstSynced.has(i) });
        // The model's deletions are meant: a device asked about them (the last chat deleted, or many at once)
        // answers "delete them everywhere", as a user would.
        if (r.held.length) {
          await d.engine.answerHeld('delete');
          r = await d.sync();
        }
        if (process.env.MODEL_DEBUG) console.log(step, d.name, JSON.stringify({ up: r.uploaded, down: r.downloaded, del: r.deleted, err: r.errors, held: r.held }));
        firstSynced.add(i);
        for (const key of r.uploaded) {
          const chat = (await d.read(key)) as { messages?: { content: string }[] } | undefined;
          if (!chat?.messages) continue;
          const list = syncedMsgs.get(key) ?? [];
          for (const m of chat.messages) list.push({ msg: m.content, at: step });
          syncedMsgs.set(key, list);
        }
        for (const key of r.deleted) {
          if ((await d.read(key)) !== undefined) continue;
          if (!deleteOps.get(key)?.length) continue; // applied a remote tombstone
          tombstoned.set(key, step);
          for (const other of devices) if (other !== d && other.dirty.has(key)) resurrectAllowed.add(key);
          // A deletion that never saw an edit another device had already published does not beat it (edit beats
          // delete): where a stale writer hid that edit from the deleting device, the edit comes back.
          const saw = deleteView.get(`${d.name}:${key}`);
          if (saw && (syncedMsgs.get(key) ?? []).some((m) => !saw.has(m.msg))) resurrectAllowed.add(key);
        }
        return r.uploaded;
      } catch (e) {
        if (process.env.MODEL_DEBUG) console.log(step, d.name, 'threw', String(e));
        // a fault: the device keeps its dirty keys and tries again later
        return [];
      } finally {
        faulty[i].clear();
      }
    };

    for (let step = 0; step < ops.length; step++) {
      const op = ops[step];
      clock += 1000;
      switch (op.t) {
        case 'create': {
          const id = `c${chats++}`;
          await devices[op.dev].put(`CHAT_${id}`, makeChat(id, [`${MARK}${id}-0`], new Date(clock)));
          break;
        }
        case 'append':
        case 'delete': {
          if (chats === 0) break;
          const key = `CHAT_c${op.chat % chats}`;
          const d = devices[op.dev];
          const chat = (await d.read(key)) as ReturnType<typeof makeChat> | undefined;
          if (!chat) break;
          if (op.t === 'delete') {
            deleteView.set(`${d.name}:${key}`, new Set(chat.messages.map((m) => m.content)));
            await d.del(key);
            deleteOps.set(key, [...(deleteOps.get(key) ?? []), step]);
          } else {
            const n = seq++;
            chat.messages.push({ id: `m${n}`, role: 'user', content: `${MARK}m${n}`, createdAt: new Date(clock) });
            chat.updatedAt = new Date(clock);
            await d.put(key, chat);
            if (tombstoned.has(key)) resurrectAllowed.add(key);
          }
          break;
        }
        case 'sync':
          if (op.fault) faulty[op.dev].inject(op.fault, op.after);
          await doSync(op.dev, step);
          break;
        case 'race':
          faulty[op.a].lag = op.lagA;
          if (op.a !== op.b) faulty[op.b].lag = op.lagB;
          await Promise.all([doSync(op.a, step), op.a === op.b ? undefined : doSync(op.b, step)]);
          break;
        case 'stale': {
          if (op.a === op.b) break;
          let release!: () => void;
          const released = new Promise<void>((r) => (release = r));
          const held = faulty[op.b].holdAfterIndexRead(released);
          const slow = doSync(op.b, step);
          // b's cycle may end before it reads the index (a fault): then there is nothing to wait for.
          await Promise.race([held, slow]);
          const fast = await doSync(op.a, step);
          release();
          await slow;
          // b deleted what a had just edited, without having seen the edit: a concurrent edit, which beats the
          // delete (on a store with compare-and-swap b's write fails and b re-plans to the same end).
          for (const key of fast) if (tombstoned.get(key) === step) resurrectAllowed.add(key);
          break;
        }
        case 'restart':
          firstSynced.delete(op.dev);
          await doSync(op.dev, step);
          break;
      }
    }

    // Quiescence: no faults, two quiet syncs each. No waiting for an "in flux" window to pass either (the clock
    // moves a second a sync): an entry a stale writer overwrote is put back by the device that wrote it.
    const end = ops.length;
    for (let round = 0; round < 2; round++) {
      clock += 1000;
      for (let i = 0; i < 3; i++) await doSync(i, end + round);
    }
    const dumps = await Promise.all(devices.map((d) => d.dump()));

    // 1. convergence
    expect(dumps[1].idb).toEqual(dumps[0].idb);
    expect(dumps[2].idb).toEqual(dumps[0].idb);

    // 2. no synced message lost unless its chat was deleted afterwards
    for (const [key, msgs] of syncedMsgs) {
      const chat = dumps[0].idb[key] as { messages: { content: string }[] } | undefined;
      for (const { msg, at } of msgs) {
        const deletedLater = (deleteOps.get(key) ?? []).some((s) => s > at);
        if (deletedLater) continue;
        expect(chat, `${key} (holding ${msg}) disappeared without a later delete`).toBeDefined();
        expect(chat!.messages.map((m) => m.content)).toContain(msg);
      }
    }

    // 3. a published deletion sticks unless the chat was edited after it
    for (const key of tombstoned.keys()) {
      if (resurrectAllowed.has(key)) continue;
      expect(dumps[0].idb[key], `${key} came back after its deletion was synced`).toBeUndefined();
    }

    // 4. no plaintext in the bucket's item and attachment objects
    for await (const page of inner.list('')) {
      for (const o of page) {
        if (o.key === 'metadata.json') continue;
        const r = await inner.get(o.key);
        if (r.kind === 'found') expect(new TextDecoder().decode(r.body).includes(MARK), o.key).toBe(false);
      }
    }
  } finally {
    for (const d of devices) d.close();
    await dispose();
  }
}

