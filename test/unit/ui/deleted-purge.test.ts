// @vitest-environment happy-dom
import { beforeEach, describe, expect, it } from 'vitest';
import type { ActionOutcome, DeletedItem } from '../../../src/ui/controller';
import { openSyncModal } from '../../../src/ui/modal';
import { FakeController } from '../../support/ui-controller';

const flush = async () => {
  for (let i = 0; i < 4; i++) await new Promise((r) => setTimeout(r, 0));
};
const el = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

let ctl: FakeController;
let calls: string[];
let list: DeletedItem[];
let outcome: ActionOutcome;

beforeEach(() => {
  document.body.replaceChildren();
  calls = [];
  outcome = { ok: true, message: 'Deleted for good.' };
  list = [
    { key: 'CHAT_old', deletedAt: Date.UTC(2026, 10, 1) },
    { key: 'CHAT_new', deletedAt: Date.UTC(2026, 10, 20) },
  ];
  ctl = new FakeController();
  ctl.state = { ...ctl.state, configured: true };
  ctl.deleted = {
    list: async () => list,
    restore: async (keys) => (calls.push(`restore:${keys.join(',')}`), outcome),
    purge: async (key) => {
      calls.push(`purge:${key}`);
      if (outcome.ok) list = list.filter((d) => d.key !== key);
      return outcome;
    },
  };
});

const trash = () => [...document.querySelectorAll<HTMLButtonElement>('button.permanent-delete-btn')];

describe('Recently Deleted: permanently delete', () => {
  it('a trash button per row, which deletes only after a second click with the warning, then reloads the list', async () => {
    await openSyncModal(document, ctl).ready;
    el('tombstones-header').click();
    await flush();
    expect(trash().map((b) => b.getAttribute('data-id'))).toEqual(['CHAT_new', 'CHAT_old']);
    expect(trash()[0].title).toBe('Permanently Delete Now');
    trash()[1].click();
    await flush();
    expect(calls).toEqual([]);
    expect(el('action-msg').textContent).toMatch(/PERMANENT DELETION.*"CHAT_old".*cannot be undone/);
    trash()[1].click();
    await flush();
    expect(calls).toEqual(['purge:CHAT_old']);
    expect(el('action-msg').textContent).toBe('✅ Deleted for good.');
    expect(trash().map((b) => b.getAttribute('data-id'))).toEqual(['CHAT_new']);
  });

  it('says why it failed, and keeps the row', async () => {
    outcome = { ok: false, message: 'the bucket refused the delete' };
    await openSyncModal(document, ctl).ready;
    el('tombstones-header').click();
    await flush();
    trash()[0].click();
    trash()[0].click();
    await flush();
    expect(el('action-msg').textContent).toBe('❌ Failed to permanently delete item: the bucket refused the delete');
    expect(trash()).toHaveLength(2);
  });
});
