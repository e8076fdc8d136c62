/** What the planner is given and what a cycle takes from its plan (plan-inputs.ts). */
import { describe, expect, it } from 'vitest';
import type { LiveEntry, TombstoneEntry } from '../../../src/cloud/types';
import type { BaseRecord, SyncState } from '../../../src/sync/base-store';
import { entrySig } from '../../../src/sync/commit-journal';
import { entriesToDrop, guardCounts, mayDeleteAnew, planInputs, plannedBase, sameContent, selectPulls, writesAnything } from '../../../src/sync/plan-inputs';
import type { Action } from '../../../src/sync/planner';

const T = Date.parse('2026-11-01T00:00:00Z');
const entry = (hash: string, type: LiveEntry['type'] = 'idb'): LiveEntry => ({ type, synced: T, lastModified: T, tcsHash: hash });
const tomb: TombstoneEntry = { type: 'idb', deleted: T, synced: T, tombstoneVersion: 1 };
const live = (key: string, type: BaseRecord['type'] = 'idb'): BaseRecord => ({ key, type, kind: 'live', hash: 'h', sig: 's' });
const action = (key: string, kind: Action['kind']): Action => ({ key, kind, local: 'unchanged', remote: 'changed' });
const state = (s: Partial<SyncState>): SyncState => ({ etag: null, passwordCheck: null, scope: 'x', lastSync: 0, ...s });

describe('the planner\'s inputs', () => {
  it('give each candidate its three states and whether the content is provably the same', () => {
    const e = entry('h1');
    const [present, gone] = planInputs(
      new Map([
        ['CHAT_a', 'idb'],
        ['theme', 'ls'],
      ]),
      new Map([['CHAT_a', { type: 'idb', hash: 'h1' }]]),
      new Map([['theme', live('theme', 'ls')]]),
      { CHAT_a: e, theme: tomb },
      new Map(),
    );
    expect(present).toEqual({ key: 'CHAT_a', base: { kind: 'absent' }, local: { kind: 'present', hash: 'h1' }, remote: { kind: 'live', sig: entrySig(e) }, sameContent: true, ls: false, chat: true });
    expect(gone).toEqual({ key: 'theme', base: { kind: 'live', hash: 'h', sig: 's' }, local: { kind: 'absent' }, remote: { kind: 'tombstone', sig: entrySig(tomb) }, sameContent: false, ls: true, chat: false });
  });

  it('a key another writer wrote over unseen is based on what both writes replaced', () => {
    const pending = { entry: entry('ours'), at: T, committed: true };
    expect(plannedBase(live('k'), { ...pending, replaced: 'abc' })).toEqual({ kind: 'live', hash: '', sig: 'replaced:abc' });
    expect(plannedBase(live('k'), { ...pending, replaced: null })).toEqual({ kind: 'absent' });
    expect(plannedBase(undefined, undefined)).toEqual({ kind: 'absent' });
  });

  it('same content: by our hash when the entry has one, else by chat fingerprint; never across types or for a tombstone', () => {
    expect(sameContent({ type: 'idb', hash: 'h' }, entry('h'))).toBe(true);
    expect(sameContent({ type: 'idb', hash: 'h' }, entry('other'))).toBe(false);
    expect(sameContent({ type: 'blob', hash: 'h' }, entry('h'))).toBe(false);
    expect(sameContent({ type: 'idb', hash: 'h' }, tomb)).toBe(false);
    expect(sameContent(undefined, entry('h'))).toBe(false);
    const original: LiveEntry = { type: 'idb', synced: T, lastModified: T, chatFingerprint: 'fp' };
    expect(sameContent({ type: 'idb', hash: 'h', fingerprint: 'fp' }, original)).toBe(true);
    expect(sameContent({ type: 'idb', hash: 'h' }, original)).toBe(false);
    expect(sameContent({ type: 'idb', hash: 'h', fingerprint: '' }, { ...original, chatFingerprint: '' })).toBe(false);
  });

  it('the guard is measured only when the plan may delete something not already held', () => {
    const input = (key: string, local: 'present' | 'absent', remote: 'live' | 'tombstone') => ({
      key,
      base: { kind: 'absent' as const },
      local: local === 'present' ? { kind: 'present' as const, hash: 'h' } : { kind: 'absent' as const },
      remote: { kind: remote, sig: 's' },
    });
    expect(mayDeleteAnew([input('a', 'present', 'live')], new Set())).toBe(false);
    expect(mayDeleteAnew([input('a', 'absent', 'live')], new Set())).toBe(true);
    expect(mayDeleteAnew([input('a', 'present', 'tombstone')], new Set())).toBe(true);
    // Held already: it stays held whatever the counts say, so they need not be read again.
    expect(mayDeleteAnew([input('a', 'absent', 'live')], new Set(['a']))).toBe(false);
    expect(mayDeleteAnew([input('a', 'absent', 'live'), input('b', 'absent', 'live')], new Set(['a']))).toBe(true);
  });
});

describe('the guard\'s counts', () => {
  it('count live, not excluded base records by kind, and TypingMind\'s IndexedDB keys and chats', () => {
    const baseMap = new Map<string, BaseRecord>([
      ['CHAT_a', live('CHAT_a')],
      ['CHAT_b', { ...live('CHAT_b'), kind: 'tombstone' }],
      ['CHAT_private', live('CHAT_private')],
      ['pic', live('pic', 'blob')],
      ['theme', live('theme', 'ls')],
    ]);
    const listing = [
      { key: 'CHAT_a', type: 'idb' as const },
      { key: 'pic', type: 'blob' as const },
      { key: 'theme', type: 'ls' as const },
    ];
    expect(guardCounts(baseMap, listing, (k) => k === 'CHAT_private')).toEqual({ known: { all: 3, idb: 2, chats: 1 }, local: { idb: 2, chats: 1 } });
  });
});

describe('what the cycle takes from its plan', () => {
  it('drops an entry at the user\'s word only while it is still the entry whose object was missing', () => {
    const e = entry('h');
    const s = state({
      drop: ['gone', 'changed', 'other-failure', 'no-entry'],
      retry: {
        gone: { sig: entrySig(e), transient: false, code: 'not-found' },
        changed: { sig: 'older', transient: false, code: 'not-found' },
        'other-failure': { sig: entrySig(e), transient: false, code: 'corrupt-object' },
        'no-entry': { sig: null, transient: false, code: 'not-found' },
      },
    });
    expect([...entriesToDrop(s, { gone: e, changed: e, 'other-failure': e })]).toEqual(['gone']);
    expect(entriesToDrop(state({}), { gone: e }).size).toBe(0);
  });

  it('runs the downloads and reconciles that are due; a dropped entry is not read, a damaged object waits out its back-off', () => {
    const e = entry('h');
    const actions = [action('due', 'download'), action('merge', 'reconcile'), action('up', 'upload'), action('dropped', 'download'), action('waits', 'download')];
    const retry = { waits: { sig: entrySig(e), transient: false, next: T + 1 }, due: { sig: entrySig(e), transient: false, next: T } };
    const { pulls, waiting } = selectPulls(actions, new Set(['dropped']), retry, { due: e, merge: e, dropped: e, waits: e }, T);
    expect(pulls.map((a) => a.key)).toEqual(['due', 'merge']);
    expect(waiting).toEqual(['waits']);
  });

  it('writes when anything but a no-op, a forget or an adoption is planned', () => {
    expect(writesAnything([action('a', 'noop'), action('b', 'forget'), action('c', 'adopt')])).toBe(false);
    for (const kind of ['upload', 'download', 'tombstone', 'delete-local', 'reconcile'] as const) expect(writesAnything([action('a', kind)])).toBe(true);
  });
});
