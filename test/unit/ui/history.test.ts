// @vitest-environment happy-dom
import { beforeEach, describe, expect, it } from 'vitest';
import type { ChatMatch, ChatVersionInfo } from '../../../src/api';
import type { HistoryController } from '../../../src/ui/controller';
import { buildHistory } from '../../../src/ui/sections/history';

const flush = async () => {
  for (let i = 0; i < 4; i++) await new Promise((r) => setTimeout(r, 0));
};

const version = (folder: string | null, hash: string, extra: Partial<ChatVersionInfo> = {}): ChatVersionInfo => ({
  key: 'CHAT_a',
  folder,
  source: folder ? `snapshot "${folder}"` : 'current cloud data',
  kind: folder ? 'snapshot' : 'live',
  created: Date.UTC(2026, 10, 1),
  title: 'Trip',
  messageCount: 2,
  lastMessage: 'bye',
  date: Date.UTC(2026, 10, 1),
  deleted: false,
  hash,
  ...extra,
});

describe('History section', () => {
  let calls: string[];
  let hits: ChatMatch[];
  let versions: ChatVersionInfo[];
  let ctl: HistoryController;
  let said: string[];
  beforeEach(() => {
    document.body.replaceChildren();
    calls = [];
    said = [];
    hits = [{ key: 'CHAT_a', title: '<img src=x onerror=alert(1)>', messageCount: 2, lastMessage: 'bye', date: 1, where: 'deleted' }];
    versions = [version(null, 'h2', { messageCount: 1 }), version('backups/s-b', 'h1'), version('backups/s-c', 'h1', { deleted: true })];
    ctl = {
      search: async (q) => (calls.push(`search ${q}`), hits),
      versions: async (k) => (calls.push(`versions ${k}`), { versions, problems: ['daily backup 20261101: damaged'] }),
      restore: async (k, f, m) => (calls.push(`restore ${k} ${f} ${m}`), { ok: true, message: 'back' }),
    };
  });

  const mount = (configured = true) => {
    const s = buildHistory(document, ctl, (t) => said.push(t));
    document.body.append(s.section.root);
    s.reload(configured);
    return s;
  };
  const el = <T extends HTMLElement>(sel: string) => document.querySelector<T>(sel)!;

  it('searches on Enter, shows titles as text, lists versions marking repeats, deletions and problems', async () => {
    mount();
    el<HTMLInputElement>('#history-search').value = 'trip';
    el('#history-search').dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter' }));
    await flush();
    expect(calls).toEqual(['search trip']);
    const row = el('#history-chats tr[data-key="CHAT_a"]');
    expect(row.querySelector('img')).toBeNull();
    expect(row.textContent).toContain('<img src=x onerror=alert(1)> (deleted)');
    el<HTMLButtonElement>('.history-open').click();
    await flush();
    const rows = [...document.querySelectorAll('#history-versions tr')];
    expect(rows.map((r) => r.getAttribute('data-folder'))).toEqual(['', 'backups/s-b', 'backups/s-c']);
    expect(rows[1].textContent).not.toContain('same as above');
    expect(rows[2].textContent).toContain('(same as above)');
    expect(rows[2].textContent).toContain('(deleted)');
    expect(el('#history-status').textContent).toBe('3 version(s) found. 1 could not be read: daily backup 20261101: damaged');
  });

  it('a copy is one click; replacing the chat takes a second', async () => {
    mount();
    el<HTMLButtonElement>('#history-find').click();
    await flush();
    el<HTMLButtonElement>('.history-open').click();
    await flush();
    const row = el('#history-versions tr[data-folder="backups/s-b"]');
    row.querySelector<HTMLButtonElement>('.history-copy')!.click();
    await flush();
    expect(calls.at(-1)).toBe('restore CHAT_a backups/s-b copy');
    const restore = row.querySelector<HTMLButtonElement>('.history-restore')!;
    restore.click();
    await flush();
    expect(restore.textContent).toBe('Replace the chat?');
    expect(calls.filter((c) => c.includes('replace'))).toEqual([]);
    restore.click();
    await flush();
    expect(calls.at(-1)).toBe('restore CHAT_a backups/s-b replace');
    expect(said.at(-1)).toBe('✅ back');
  });

  it('without a provider it says so and asks nothing', async () => {
    mount(false);
    el<HTMLButtonElement>('#history-find').click();
    await flush();
    expect(calls).toEqual([]);
    expect(el('#history-status').textContent).toBe('Provider Not Configured');
  });
});
