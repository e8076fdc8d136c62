/**
 * "History": one chat back from any backup (issue 17). Find a chat by title or text (this device's chats and
 * the ones deleted in the last 30 days), see every version the cloud data and each backup holds (title,
 * message count, last message, date), and bring one back as that chat or as a copy beside it. Replacing the
 * chat asks for a second click. Everything is set as text, never markup.
 */
import type { ChatMatch, ChatVersionInfo } from '../../api';
import { confirmTwice } from '../confirm-twice';
import type { HistoryController } from '../controller';
import { h } from '../dom';
import { buildSection, type Section } from '../section';

type Say = (text: string, tone: 'info' | 'ok' | 'error') => void;

export interface HistorySection {
  section: Section;
  /** Called when the section opens: says what it needs (a configured provider). */
  reload(configured: boolean): void;
}

const when = (ms: number) => (ms > 0 ? new Date(ms).toLocaleString() : '—');

export function buildHistory(doc: Document, history: HistoryController, say: Say): HistorySection {
  const query = h(doc, 'input', { type: 'text', id: 'history-search', placeholder: 'Title or words from the chat', 'aria-label': 'Find a chat by title or text', autocomplete: 'off' });
  const find = h(doc, 'button', { type: 'button', id: 'history-find', class: 'tcs-btn tcs-btn-blue' }, 'Find');
  const status = h(doc, 'p', { id: 'history-status', class: 'tcs-hint', role: 'status', 'aria-live': 'polite' });
  const chats = h(doc, 'tbody', { id: 'history-chats' });
  const versions = h(doc, 'tbody', { id: 'history-versions' });
  const versionsTitle = h(doc, 'p', { id: 'history-versions-title', class: 'tcs-hint', hidden: true });
  const versionsTable = h(
    doc,
    'table',
    { id: 'history-versions-table', class: 'tcs-table', hidden: true },
    h(doc, 'thead', {}, h(doc, 'tr', {}, ...['From', 'Title', 'Messages', 'Last message', ''].map((t) => h(doc, 'th', { scope: 'col' }, t)))),
    versions,
  );
  const section = buildSection(
    doc,
    'history',
    'History',
    null,
    h(doc, 'p', { class: 'tcs-hint' }, 'Bring one chat back from any backup or snapshot, as it was then, without touching anything else.'),
    h(doc, 'div', { class: 'tcs-actions', style: 'margin-top:.5rem' }, query, find),
    status,
    h(
      doc,
      'div',
      { style: 'max-height:12rem;overflow-y:auto;margin-top:.5rem' },
      h(doc, 'table', { id: 'history-chats-table', class: 'tcs-table' }, h(doc, 'thead', {}, h(doc, 'tr', {}, ...['Chat', 'Messages', 'Updated', ''].map((t) => h(doc, 'th', { scope: 'col' }, t)))), chats),
    ),
    versionsTitle,
    h(doc, 'div', { style: 'max-height:16rem;overflow-y:auto;margin-top:.25rem' }, versionsTable),
  );

  let configured = false;
  const show = (text: string) => (status.textContent = text);

  const chatRow = (c: ChatMatch) => {
    const open = h(doc, 'button', { type: 'button', class: 'tcs-btn tcs-btn-plain history-open', 'data-key': c.key }, 'Versions');
    open.addEventListener('click', () => void loadVersions(c));
    return h(
      doc,
      'tr',
      { 'data-key': c.key },
      h(doc, 'td', { style: 'text-align:left' }, c.title, c.where === 'deleted' ? ' (deleted)' : ''),
      h(doc, 'td', {}, String(c.messageCount)),
      h(doc, 'td', {}, when(c.date)),
      h(doc, 'td', {}, open),
    );
  };

  const versionRow = (v: ChatVersionInfo, newer: ChatVersionInfo | undefined) => {
    const replace = h(doc, 'button', { type: 'button', class: 'tcs-btn tcs-btn-green history-restore' }, 'Restore');
    const copy = h(doc, 'button', { type: 'button', class: 'tcs-btn tcs-btn-plain history-copy' }, 'Restore as copy');
    const run = (mode: 'replace' | 'copy') => async () => {
      say(mode === 'copy' ? 'Restoring a copy…' : 'Restoring…', 'info');
      const o = await history.restore(v.key, v.folder, mode);
      say(o.ok ? `✅ ${o.message}` : `❌ ${o.message}`, o.ok ? 'ok' : 'error');
    };
    confirmTwice(replace, { idle: 'Restore', armed: 'Replace the chat?' }, run('replace'));
    copy.addEventListener('click', () => void run('copy')());
    const same = newer && newer.hash === v.hash;
    return h(
      doc,
      'tr',
      { 'data-folder': v.folder ?? '' },
      h(doc, 'td', { style: 'text-align:left' }, v.source, h(doc, 'br'), h(doc, 'span', { class: 'tcs-hint' }, when(v.created)), v.deleted ? ' (deleted)' : ''),
      h(doc, 'td', { style: 'text-align:left' }, v.title, same ? ' (same as above)' : ''),
      h(doc, 'td', {}, String(v.messageCount)),
      h(doc, 'td', { style: 'text-align:left' }, v.lastMessage),
      h(doc, 'td', {}, replace, ' ', copy),
    );
  };

  async function loadVersions(c: ChatMatch) {
    versionsTitle.hidden = false;
    versionsTitle.textContent = `Versions of "${c.title}"`;
    versionsTable.hidden = true;
    show('Reading the backups…');
    try {
      const r = await history.versions(c.key);
      versions.replaceChildren(...r.versions.map((v, i) => versionRow(v, r.versions[i - 1])));
      versionsTable.hidden = r.versions.length === 0;
      const problems = r.problems.length ? ` ${r.problems.length} could not be read: ${r.problems[0]}` : '';
      show((r.versions.length ? `${r.versions.length} version(s) found.` : 'No backup holds this chat.') + problems);
    } catch (e) {
      show(`Could not read the backups: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  async function search() {
    if (!configured) return show('Provider Not Configured');
    versionsTitle.hidden = true;
    versionsTable.hidden = true;
    show('Searching…');
    try {
      const found = await history.search(query.value);
      chats.replaceChildren(...found.map(chatRow));
      show(found.length ? `${found.length} chat(s) found. Choose one to see its versions.` : 'No chat matches.');
    } catch (e) {
      show(`Search failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  find.addEventListener('click', () => void search());
  query.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      void search();
    }
  });
  return {
    section,
    reload(isConfigured) {
      configured = isConfigured;
      show(configured ? 'Type part of a title or message, then Find.' : 'Provider Not Configured');
    },
  };
}
