// @vitest-environment happy-dom
import { beforeEach, describe, expect, it } from 'vitest';
import type { ConflictItem } from '../../../src/ui/controller';
import { openSyncModal } from '../../../src/ui/modal';
import { previewOf } from '../../../src/ui/sections/conflicts';
import { FakeController } from '../../support/ui-controller';

const flush = async () => {
  for (let i = 0; i < 4; i++) await new Promise((r) => setTimeout(r, 0));
};

describe('previewOf', () => {
  it('shows a message’s content, a chat’s title, a file’s type, or compact JSON, cut to length', () => {
    expect(previewOf({ id: 'm1', role: 'user', content: 'Hello\n  there' })).toBe('Hello there');
    expect(previewOf({ chatTitle: 'Trip', messages: [] })).toBe('Chat "Trip"');
    expect(previewOf(new Blob([new Uint8Array(3)], { type: 'image/png' }))).toBe('File (image/png, 3 bytes)');
    expect(previewOf('"dark"')).toBe('"dark"');
    expect(previewOf({ a: 1 })).toBe('{"a":1}');
    expect(previewOf('x'.repeat(200), 10)).toBe('xxxxxxxxx…');
  });
});

describe('Conflicts section', () => {
  let ctl: FakeController;
  let items: ConflictItem[];
  let calls: string[];
  beforeEach(() => {
    document.body.replaceChildren();
    calls = [];
    items = [
      { id: 1, key: 'TM_useTheme', at: 1000, kept: 'remote', discarded: '"light"' },
      { id: 2, key: 'CHAT_abc', at: 2000, kept: 'merged', discarded: { id: 'm9', content: '<b>older</b> answer' }, messageId: 'm9' },
    ];
    ctl = new FakeController();
    ctl.conflicts = {
      list: async () => items,
      restore: async (id) => {
        calls.push(`restore:${id}`);
        items = items.filter((i) => i.id !== id);
        return { ok: true, message: 'The other version is back; it syncs out with the next sync.' };
      },
      dismiss: async (id) => {
        calls.push(`dismiss:${id}`);
        return { ok: false, message: 'The conflict list could not be changed: storage is full.' };
      },
    };
  });

  it('lists newest first with a text preview, restores one and reloads', async () => {
    await openSyncModal(document, ctl).ready;
    document.getElementById('conflicts-header')!.click();
    await flush();
    const rows = [...document.querySelectorAll('#conflicts-list li')];
    expect(rows.map((r) => r.getAttribute('data-conflict-id'))).toEqual(['2', '1']);
    expect(rows[0].querySelector('.tcs-conflict-preview')!.textContent).toBe('Other version: <b>older</b> answer');
    expect(rows[0].querySelector('b')).toBeNull();
    expect(rows[1].textContent).toContain('kept the other device’s version');
    (rows[1].querySelector('[data-action="restore"]') as HTMLButtonElement).click();
    await flush();
    expect(calls).toEqual(['restore:1']);
    expect(document.querySelectorAll('#conflicts-list li')).toHaveLength(1);
    expect(document.getElementById('action-msg')!.textContent).toBe('✅ The other version is back; it syncs out with the next sync.');
  });

  it('shows a refused dismissal and keeps the row', async () => {
    await openSyncModal(document, ctl).ready;
    document.getElementById('conflicts-header')!.click();
    await flush();
    (document.querySelector('[data-action="dismiss"][data-id="2"]') as HTMLButtonElement).click();
    await flush();
    expect(calls).toEqual(['dismiss:2']);
    expect(document.getElementById('action-msg')!.textContent).toBe('❌ The conflict list could not be changed: storage is full.');
    expect(document.querySelectorAll('#conflicts-list li')).toHaveLength(2);
  });

  it('says when there are none, or when they cannot be read', async () => {
    items = [];
    await openSyncModal(document, ctl).ready;
    document.getElementById('conflicts-header')!.click();
    await flush();
    expect(document.getElementById('conflicts-list')!.textContent).toBe('No conflicts. Every change so far fitted together.');
    ctl.conflicts!.list = async () => {
      throw new Error('The sync database is blocked by another tab.');
    };
    document.getElementById('conflicts-header')!.click();
    document.getElementById('conflicts-header')!.click();
    await flush();
    expect(document.getElementById('conflicts-list')!.textContent).toBe('Error loading conflicts: The sync database is blocked by another tab.');
  });
});
