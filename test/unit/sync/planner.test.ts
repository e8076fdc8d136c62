import { describe, expect, it } from 'vitest';
import { looksEmpty, plan, planKey, type BaseState, type LocalState, type RemoteState } from '../../../src/sync/planner';

const B = {
  absent: { kind: 'absent' } as BaseState,
  live: { kind: 'live', hash: 'h0', sig: 's0' } as BaseState,
  tomb: { kind: 'tombstone', sig: 't0' } as BaseState,
};
const L = {
  absent: { kind: 'absent' } as LocalState,
  same: { kind: 'present', hash: 'h0' } as LocalState,
  edited: { kind: 'present', hash: 'h1' } as LocalState,
};
const R = {
  absent: { kind: 'absent' } as RemoteState,
  same: { kind: 'live', sig: 's0' } as RemoteState,
  edited: { kind: 'live', sig: 's1' } as RemoteState,
  tombSame: { kind: 'tombstone', sig: 't0' } as RemoteState,
  tombNew: { kind: 'tombstone', sig: 't1' } as RemoteState,
};

// Every row of the decision table in docs/sync.md: [row name, base, local, remote, expected action].
const rows: [string, BaseState, LocalState, RemoteState, string][] = [
  ['1 nothing changed', B.live, L.same, R.same, 'noop'],
  ['2 remote edited', B.live, L.same, R.edited, 'download'],
  ['3 remote deleted', B.live, L.same, R.tombNew, 'delete-local'],
  ['4 remote entry vanished', B.live, L.same, R.absent, 'upload'],
  ['5 local edited', B.live, L.edited, R.same, 'upload'],
  ['6 both edited', B.live, L.edited, R.edited, 'reconcile'],
  ['7 local edit beats remote delete', B.live, L.edited, R.tombNew, 'upload'],
  ['8 local edited, remote entry vanished', B.live, L.edited, R.absent, 'upload'],
  ['9 local deleted', B.live, L.absent, R.same, 'tombstone'],
  ['10 remote edit beats local delete', B.live, L.absent, R.edited, 'download'],
  ['11 deleted on both sides', B.live, L.absent, R.tombNew, 'forget'],
  ['12 local deleted, remote entry vanished', B.live, L.absent, R.absent, 'forget'],
  ['13 new local item', B.absent, L.edited, R.absent, 'upload'],
  ['14 new on both sides', B.absent, L.edited, R.edited, 'reconcile'],
  ['15 local item, unknown remote tombstone: never delete without a base', B.absent, L.edited, R.tombNew, 'upload'],
  ['16 recreated locally after a synced deletion', B.tomb, L.edited, R.tombSame, 'upload'],
  ['17 recreated locally, tombstone expired', B.tomb, L.edited, R.absent, 'upload'],
  ['18 new remote item', B.absent, L.absent, R.edited, 'download'],
  ['19 recreated remotely after a synced deletion', B.tomb, L.absent, R.edited, 'download'],
  ['20 unknown remote tombstone, nothing local', B.absent, L.absent, R.tombNew, 'noop'],
  ['21 deletion already synced', B.tomb, L.absent, R.tombSame, 'noop'],
  ['22 tombstone expired', B.tomb, L.absent, R.absent, 'forget'],
  ['23 nothing anywhere', B.absent, L.absent, R.absent, 'noop'],
  ['24 recreated on both sides after a deletion', B.tomb, L.edited, R.edited, 'reconcile'],
];

describe('decision table (docs/sync.md)', () => {
  for (const [name, base, local, remote, expected] of rows) {
    it(name, () => {
      expect(planKey({ key: 'k', base, local, remote }).kind).toBe(expected);
    });
  }

  it('same content proven cheaply turns a transfer into adopt', () => {
    expect(planKey({ key: 'k', base: B.absent, local: L.edited, remote: R.edited, sameContent: true }).kind).toBe('adopt');
    expect(planKey({ key: 'k', base: B.live, local: L.edited, remote: R.edited, sameContent: true }).kind).toBe('adopt');
    // but never turns a no-op or a deletion into anything else
    expect(planKey({ key: 'k', base: B.live, local: L.same, remote: R.same, sameContent: true }).kind).toBe('noop');
    expect(planKey({ key: 'k', base: B.live, local: L.absent, remote: R.same, sameContent: true }).kind).toBe('tombstone');
  });
});

describe('mass-deletion guard', () => {
  const live = (key: string, local: LocalState, remote: RemoteState) => ({ key, base: B.live, local, remote });

  it('holds deletions above the threshold and runs the rest', () => {
    const inputs = [
      live('a', L.absent, R.same),
      live('b', L.absent, R.same),
      live('c', L.absent, R.same),
      live('d', L.edited, R.same),
    ];
    const p = plan(inputs, { known: { all: 4, idb: 4, chats: 0 }, local: { idb: 1, chats: 0 }, threshold: 0.5 });
    expect(p.held.map((a) => a.key)).toEqual(['a', 'b', 'c']);
    expect(p.actions.map((a) => [a.key, a.kind])).toEqual([['d', 'upload']]);
    expect(p.holdReason).toMatch(/delete 3 items \(75%/);
  });

  it('lets deletions at or below the threshold through', () => {
    const inputs = [live('a', L.absent, R.same), live('b', L.same, R.same), live('c', L.same, R.same), live('d', L.same, R.same)];
    const p = plan(inputs, { known: { all: 4, idb: 4, chats: 0 }, local: { idb: 3, chats: 0 }, threshold: 0.5 });
    expect(p.held).toEqual([]);
    expect(p.actions.find((a) => a.key === 'a')?.kind).toBe('tombstone');
  });

  it('holds every deletion when the local store looks empty, even a single one', () => {
    const p = plan([live('a', L.absent, R.same)], { known: { all: 10, idb: 10, chats: 0 }, local: { idb: 0, chats: 0 }, threshold: 0.5 });
    expect(p.held.map((a) => a.key)).toEqual(['a']);
    expect(p.holdReason).toMatch(/looks empty/);
  });

  it('counts remote tombstones applied locally as deletions too', () => {
    const inputs = ['a', 'b', 'c'].map((k) => live(k, L.same, R.tombNew));
    const p = plan(inputs, { known: { all: 3, idb: 3, chats: 0 }, local: { idb: 3, chats: 0 }, threshold: 0.5 });
    expect(p.held.map((a) => a.kind)).toEqual(['delete-local', 'delete-local', 'delete-local']);
  });

  it('runs deletions the user confirmed', () => {
    const inputs = ['a', 'b', 'c'].map((k) => live(k, L.absent, R.same));
    const p = plan(inputs, { known: { all: 3, idb: 3, chats: 0 }, local: { idb: 0, chats: 0 }, threshold: 0.5, confirmed: new Set(['a', 'b', 'c']) });
    expect(p.held).toEqual([]);
    expect(p.actions.map((a) => a.kind)).toEqual(['tombstone', 'tombstone', 'tombstone']);
  });

  it('judges "looks empty" on IndexedDB alone: settings left in localStorage do not make an evicted store look full', () => {
    const guard = { known: { all: 43, idb: 10, chats: 10 }, threshold: 0.5 };
    // IndexedDB evicted, 33 localStorage keys left: one deletion of 43 is far under 50 %, and still held.
    const p = plan([live('CHAT_a', L.absent, R.same)], { ...guard, local: { idb: 0, chats: 0 } });
    expect(p.held.map((a) => a.key)).toEqual(['CHAT_a']);
    expect(p.holdReason).toMatch(/looks empty/);
    // Chats gone while other IndexedDB keys remain is empty too.
    expect(looksEmpty({ known: guard.known, local: { idb: 4, chats: 0 } })).toBe(true);
    expect(looksEmpty({ known: guard.known, local: { idb: 4, chats: 1 } })).toBe(false);
  });

  it('keeps a held deletion held in later cycles, below the threshold too, until it is answered', () => {
    const inputs = [live('a', L.absent, R.same), live('b', L.absent, R.same)];
    const counts = { known: { all: 20, idb: 20, chats: 0 }, local: { idb: 18, chats: 0 }, threshold: 0.5 };
    expect(plan(inputs, counts).held).toEqual([]);
    const p = plan(inputs, { ...counts, held: new Set(['a']) });
    expect(p.held.map((a) => a.key)).toEqual(['a']);
    expect(p.actions.map((a) => [a.key, a.kind])).toEqual([['b', 'tombstone']]);
    expect(p.holdReason).toMatch(/waiting for your answer/);
  });

  it('does not upload again by itself a key held for deletion whose tombstone expired', () => {
    const p = plan([live('a', L.same, R.absent)], { known: { all: 3, idb: 3, chats: 0 }, local: { idb: 3, chats: 0 }, threshold: 0.5, held: new Set(['a']) });
    expect(p.actions).toEqual([]);
    expect(p.held.map((a) => [a.key, a.kind])).toEqual([['a', 'delete-local']]);
  });

  it('turns held deletions around when the user brings them back', () => {
    const inputs = [live('a', L.absent, R.same), live('b', L.same, R.tombNew)];
    const p = plan(inputs, { known: { all: 2, idb: 2, chats: 0 }, local: { idb: 0, chats: 0 }, threshold: 0.5, restore: new Set(['a', 'b']) });
    expect(p.held).toEqual([]);
    expect(p.actions.map((a) => [a.key, a.kind])).toEqual([
      ['a', 'download'],
      ['b', 'upload'],
    ]);
  });

  it('weighs the chats on their own: 6 of 10 chats is held though they are a fifth of all items', () => {
    const inputs = Array.from({ length: 6 }, (_, i) => ({ ...live(`CHAT_${i}`, L.absent, R.same), chat: true }));
    const p = plan(inputs, { known: { all: 60, idb: 30, chats: 10 }, local: { idb: 24, chats: 4 }, threshold: 0.5 });
    expect(p.held).toHaveLength(6);
    expect(p.holdReason).toMatch(/6 of your 10 chats/);
    // The same six deletions of other IndexedDB items (prompts, attachments) are a fifth: they go ahead.
    const others = plan(
      inputs.map((i) => ({ ...i, chat: false })),
      { known: { all: 60, idb: 30, chats: 10 }, local: { idb: 24, chats: 10 }, threshold: 0.5 },
    );
    expect(others.held).toEqual([]);
  });
});
