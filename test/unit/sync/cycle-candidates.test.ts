/** Which keys a cycle looks at (cycle-candidates.ts). */
import { describe, expect, it } from 'vitest';
import type { LiveEntry, MetadataEntry } from '../../../src/cloud/types';
import type { BaseRecord } from '../../../src/sync/base-store';
import { entrySig } from '../../../src/sync/commit-journal';
import { selectCandidates, type CandidateSources } from '../../../src/sync/cycle-candidates';

const T = Date.parse('2026-11-01T00:00:00Z');
const entry = (hash: string, type: LiveEntry['type'] = 'idb'): LiveEntry => ({ type, synced: T, lastModified: T, tcsHash: hash });
const record = (key: string, e: MetadataEntry, type = e.type): BaseRecord => ({ key, type, kind: 'live', hash: 'h', sig: entrySig(e) });

const sources = (s: Partial<CandidateSources>): CandidateSources => ({
  baseMap: new Map(),
  items: {},
  changed: false,
  dirty: new Map(),
  retry: undefined,
  pointed: [],
  now: T,
  isExcluded: () => false,
  ...s,
});

describe('a cycle that is not a full look', () => {
  it('looks at nothing when nothing changed anywhere (an idle cycle)', () => {
    const e = entry('a');
    expect(selectCandidates(sources({ items: { CHAT_a: e }, baseMap: new Map([['CHAT_a', record('CHAT_a', e)]]) })).size).toBe(0);
  });

  it('looks at the keys the change feed saw, typed by their area, the base or the entry', () => {
    const c = selectCandidates(
      sources({
        dirty: new Map([
          ['theme', { area: 'ls' }],
          ['CHAT_known', { area: 'idb' }],
          ['CHAT_new', { area: 'idb' }],
          ['odd', { area: 'idb' }],
          ['blob', { area: 'idb' }],
        ]),
        baseMap: new Map([['CHAT_known', record('CHAT_known', entry('k'))]]),
        items: { odd: entry('o', 'ls'), blob: entry('b', 'blob') },
      }),
    );
    expect([...c]).toEqual([
      ['theme', 'ls'],
      ['CHAT_known', 'idb'],
      ['CHAT_new', 'idb'],
      ['odd', 'idb'], // changed in IndexedDB: read there, whatever the entry says
      ['blob', 'blob'],
    ]);
  });

  it('when the index changed, looks at the entries that differ from the base and the base records with no entry', () => {
    const same = entry('s');
    const before = entry('old');
    const c = selectCandidates(
      sources({
        changed: true,
        items: { CHAT_same: same, CHAT_edited: entry('new'), CHAT_added: entry('x', 'blob') },
        baseMap: new Map([
          ['CHAT_same', record('CHAT_same', same)],
          ['CHAT_edited', record('CHAT_edited', before)],
          ['CHAT_gone', record('CHAT_gone', before)],
        ]),
      }),
    );
    expect([...c]).toEqual([
      ['CHAT_edited', 'idb'],
      ['CHAT_added', 'blob'],
      ['CHAT_gone', 'idb'],
    ]);
  });

  it('ignores a changed entry while the index is unchanged (304)', () => {
    const c = selectCandidates(sources({ items: { CHAT_x: entry('new') }, baseMap: new Map([['CHAT_x', record('CHAT_x', entry('old'))]]) }));
    expect(c.size).toBe(0);
  });
});

describe('a full look', () => {
  it('takes every key of the listing, the base and the index, each once, the listing first', () => {
    const c = selectCandidates(
      sources({
        listing: [
          { key: 'CHAT_here', type: 'idb' },
          { key: 'theme', type: 'ls' },
        ],
        baseMap: new Map([
          ['theme', record('theme', entry('t', 'ls'))],
          ['CHAT_synced', record('CHAT_synced', entry('s'))],
        ]),
        items: { CHAT_remote: entry('r'), CHAT_here: entry('h') },
      }),
    );
    expect([...c]).toEqual([
      ['CHAT_here', 'idb'],
      ['theme', 'ls'],
      ['CHAT_synced', 'idb'],
      ['CHAT_remote', 'idb'],
    ]);
  });

  it('an empty listing is still a full look', () => {
    const c = selectCandidates(sources({ listing: [], items: { CHAT_remote: entry('r') } }));
    expect([...c.keys()]).toEqual(['CHAT_remote']);
  });
});

describe('keys looked at in every cycle', () => {
  it('failed keys whose retry is due; not those still backing off on the same entry', () => {
    const e = entry('e');
    const c = selectCandidates(
      sources({
        items: { CHAT_wait: e, CHAT_due: e, CHAT_net: e },
        retry: {
          CHAT_wait: { sig: entrySig(e), transient: false, next: T + 1 },
          CHAT_due: { sig: entrySig(e), transient: false, next: T },
          CHAT_net: { sig: entrySig(e), transient: true, next: T + 1 },
        },
      }),
    );
    expect([...c.keys()]).toEqual(['CHAT_due', 'CHAT_net']);
  });

  it('the keys the journal and the user point at, typed by the base or the entry', () => {
    const c = selectCandidates(
      sources({
        pointed: ['CHAT_lost', 'pic', 'CHAT_unknown'],
        baseMap: new Map([['CHAT_lost', record('CHAT_lost', entry('l'))]]),
        items: { pic: entry('p', 'blob') },
      }),
    );
    expect([...c]).toEqual([
      ['CHAT_lost', 'idb'],
      ['pic', 'blob'],
      ['CHAT_unknown', undefined],
    ]);
  });

  it('a key keeps the type its first source gave it: the listing\'s over the base\'s and the entry\'s', () => {
    const c = selectCandidates(
      sources({
        listing: [{ key: 'pic', type: 'blob' }],
        baseMap: new Map([['pic', record('pic', entry('p'))]]),
        items: { pic: entry('p', 'idb') },
        pointed: ['pic'],
      }),
    );
    expect([...c]).toEqual([['pic', 'blob']]);
  });
});

describe('excluded keys', () => {
  it('are never looked at, whatever points at them', () => {
    const e = entry('e');
    const c = selectCandidates(
      sources({
        listing: [{ key: 'private', type: 'idb' }],
        baseMap: new Map([['private', record('private', e)]]),
        items: { private: e },
        dirty: new Map([['private', { area: 'idb' }]]),
        retry: { private: { sig: null, transient: true } },
        pointed: ['private'],
        isExcluded: (k) => k === 'private',
      }),
    );
    expect(c.size).toBe(0);
  });
});
