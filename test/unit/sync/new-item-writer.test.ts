import { describe, expect, it } from 'vitest';
import type { LocalItem } from '../../../src/host/types';
import { NewItemWriter, type NewItemOutcome } from '../../../src/sync/new-item-writer';

const item = (key: string): LocalItem => ({ key, type: 'idb', value: { key } });

function recorder() {
  const events: string[] = [];
  const outcome = (key: string): NewItemOutcome => ({
    written: () => events.push(`written ${key}`),
    present: () => events.push(`present ${key}`),
    failed: (e) => events.push(`failed ${key}: ${e instanceof Error ? e.message : String(e)}`),
  });
  return { events, outcome };
}

describe('NewItemWriter', () => {
  it('writes full batches at once and the rest when drained, reporting each item', async () => {
    const batches: string[][] = [];
    const w = new NewItemWriter(async (items) => (batches.push(items.map((i) => i.key)), items.map((i) => i.key !== 'b')), { maxBatch: 2, lingerMs: 10_000 });
    const { events, outcome } = recorder();
    for (const k of ['a', 'b', 'c', 'd', 'e']) await w.add(item(k), outcome(k));
    await w.drain();
    expect(batches).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
    expect(events).toEqual(['written a', 'present b', 'written c', 'written d', 'written e']);
  });

  it('writes a batch that is not full once it has lingered', async () => {
    const batches: string[][] = [];
    const w = new NewItemWriter(async (items) => (batches.push(items.map((i) => i.key)), items.map(() => true)), { maxBatch: 50, lingerMs: 5 });
    const { outcome } = recorder();
    await w.add(item('a'), outcome('a'));
    await w.add(item('b'), outcome('b'));
    expect(batches).toEqual([]);
    await new Promise((r) => setTimeout(r, 30));
    expect(batches).toEqual([['a', 'b']]);
    await w.drain();
    expect(batches).toHaveLength(1);
  });

  it('holds the caller back while too many batches are being written (bounded memory)', async () => {
    const releases: (() => void)[] = [];
    const w = new NewItemWriter(
      (items) => new Promise<boolean[]>((r) => releases.push(() => r(items.map(() => true)))),
      { maxBatch: 1, maxInFlight: 2, lingerMs: 10_000 },
    );
    const { events, outcome } = recorder();
    await w.add(item('a'), outcome('a'));
    let thirdAccepted = false;
    const second = w.add(item('b'), outcome('b')).then(() => (thirdAccepted = true));
    await new Promise((r) => setTimeout(r, 10));
    expect(releases).toHaveLength(2); // both batches are being written …
    expect(thirdAccepted).toBe(false); // … so the caller waits
    releases[0]();
    await second;
    expect(thirdAccepted).toBe(true);
    releases[1]();
    await w.drain();
    expect(events).toEqual(['written a', 'written b']);
  });

  it('a failed batch fails each of its items; a callback that throws stops the writer', async () => {
    const w = new NewItemWriter(async () => {
      throw new Error('disk full');
    }, { maxBatch: 2, lingerMs: 10_000 });
    const events: string[] = [];
    const stopping: NewItemOutcome = {
      written: () => events.push('written'),
      present: () => events.push('present'),
      failed: (e) => {
        events.push(`failed: ${(e as Error).message}`);
        throw new Error('stop the cycle');
      },
    };
    await w.add(item('a'), stopping);
    await w.add(item('b'), stopping); // accepted: the batch is written in the background
    await expect(w.drain()).rejects.toThrow('stop the cycle');
    expect(events).toEqual(['failed: disk full', 'failed: disk full']);
    await expect(w.add(item('c'), stopping)).rejects.toThrow('stop the cycle');
  });
});
