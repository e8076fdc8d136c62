import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../../../src/providers/memory';
import { describePlan, describeResult } from '../../../src/sync/cycle-log';
import { SyncEngine } from '../../../src/sync/engine';
import type { Action } from '../../../src/sync/planner';
import { makeChat, useSimDevices } from '../../support/sim-device';

const sims = useSimDevices();

describe('cycle log lines (pure)', () => {
  it('name each kind of work with its keys and why, and count the rest', () => {
    const actions: Action[] = [
      { key: 'CHAT_a', kind: 'upload', local: 'changed', remote: 'unchanged' },
      { key: 'CHAT_b', kind: 'download', local: 'unchanged', remote: 'changed' },
      { key: 'CHAT_c', kind: 'reconcile', local: 'changed', remote: 'changed' },
      { key: 'CHAT_d', kind: 'delete-local', local: 'unchanged', remote: 'deleted' },
      { key: 'CHAT_e', kind: 'noop', local: 'unchanged', remote: 'unchanged' },
    ];
    expect(describePlan(actions, { full: false, indexChanged: true })).toBe(
      'Plan (5 keys; changed keys only, cloud index changed): upload 1: CHAT_a (edited here); download 1: CHAT_b (changed in the cloud); ' +
        'merge (changed on both sides) 1: CHAT_c (edited here, changed in the cloud); delete here 1: CHAT_d (deleted in the cloud); 1 unchanged',
    );
    const many = Array.from({ length: 12 }, (_, i): Action => ({ key: `K${i}`, kind: 'upload', local: 'new', remote: 'none' }));
    expect(describePlan(many, { full: true, indexChanged: false })).toMatch(/upload 12: K0 \(new here\), .*K9 \(new here\), … and 2 more$/);
  });

  it('say what a cycle did, what it skipped and why, and what it cost', () => {
    const base = { uploaded: ['A'], downloaded: [], deleted: ['B'], conflicts: [], errors: [], requests: 3, durationMs: 40, held: [], failedKeys: [], idle: false, dropped: [], deferred: [] };
    expect(describeResult(base)).toEqual({ level: 'info', line: 'Sync done (3 request(s), 40 ms): uploaded 1; downloaded 0; deleted 1' });
    expect(describeResult({ ...base, idle: true, requests: 1 }).line).toBe('Sync: nothing changed anywhere (1 request(s), 40 ms)');
    const bad = describeResult({ ...base, errors: [{ key: 'CHAT_x', message: 'its object is missing' }], held: [{ key: 'K', kind: 'tombstone' }], holdReason: 'Too many.' });
    expect(bad.level).toBe('warn');
    expect(bad.line).toMatch(/skipped 1: CHAT_x \(its object is missing\); 1 deletion\(s\) held for your answer: Too many\.$/);
  });
});

describe('an engine cycle logs its plan and its outcome', () => {
  it('with item keys, never item values', async () => {
    const store = createMemoryStore();
    const a = await sims.device('A', store);
    await a.put('CHAT_secretive', makeChat('s', ['the text of a private message']));
    const lines: string[] = [];
    const deps = (a.engine as unknown as { deps: ConstructorParameters<typeof SyncEngine>[0] }).deps;
    const engine = new SyncEngine({ ...deps, log: (level, message, data) => lines.push(`${level} ${message} ${data ? JSON.stringify(data) : ''}`) });
    await engine.runCycle({ full: true });
    expect(lines.some((l) => /^info Plan \(1 keys; full comparison, cloud index unchanged\): upload 1: CHAT_secretive \(new here\)/.test(l))).toBe(true);
    expect(lines.some((l) => /^info Sync done \(\d+ request\(s\), \d+ ms\): uploaded 1; downloaded 0; deleted 0/.test(l))).toBe(true);
    expect(lines.join('\n')).not.toMatch(/private message/);
    lines.length = 0;
    await engine.runCycle({ full: false });
    expect(lines).toEqual([expect.stringMatching(/^info Sync: nothing changed anywhere \(1 request\(s\)/)]);
  });
});
