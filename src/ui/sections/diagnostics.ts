/**
 * "Sync Diagnostics" (original-ui.md §2.5), live: a view of the snapshot, redrawn on every change, instead of
 * the original's cache refreshed at most every 5 minutes. The original's README has users compare "Local
 * Items" with "Cloud Items" between devices: both are here, with chats, excluded and skipped items (each
 * listed by key on click), conflicts, and a one-line verdict saying whether this device is in sync, or what
 * differs and why.
 */
import type { SyncStatus } from '../../api';
import type { SyncCounts, UiSnapshot } from '../controller';
import { h } from '../dom';
import { buildSection, type Section } from '../section';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "22 Nov, 01:53" in local time, as the original shows it; "Never" for 0. Pure. */
export function formatLastSync(epochMs: number): string {
  if (!epochMs) return 'Never';
  const d = new Date(epochMs);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getDate()} ${MONTHS[d.getMonth()]}, ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

const STATE_TEXT: Record<SyncStatus['state'], string> = {
  idle: 'Waiting for the next sync',
  syncing: 'Syncing…',
  success: 'Up to date',
  error: 'Last sync failed',
  'needs-you': 'Waiting for your answer',
  disabled: 'Sync is off on this page',
  unconfigured: 'Not configured',
};

export function overallIcon(status: SyncStatus): string {
  switch (status.state) {
    case 'error':
      return '❌';
    case 'needs-you':
      return '✋';
    case 'unconfigured':
      return '⚙️';
    case 'syncing':
      return '🔄';
    case 'disabled':
      return '⏸️';
    default:
      return status.pending > 0 ? '⚠️' : '✅';
  }
}

/** A table row: a label and a value, or a count whose keys can be listed. */
export type DiagnosticsRow = { label: string; value: string } | { label: string; count: number; list: 'excluded' | 'skipped'; keys: string[] };

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** The rows for a snapshot. Pure. */
export function diagnosticsRows(snap: UiSnapshot): DiagnosticsRow[] {
  const { status, counts } = snap;
  const rows: DiagnosticsRow[] = [{ label: 'State', value: STATE_TEXT[status.state] ?? status.state }];
  if (counts) {
    rows.push(
      { label: '📱 Local Items', value: String(counts.localItems) },
      { label: '☁️ Cloud Items', value: String(counts.cloudItems) },
      { label: '💬 Chats (local ⟷ cloud)', value: `${counts.chatsLocal} ⟷ ${counts.chatsCloud}` },
      { label: '⏭️ Excluded', count: counts.excluded.length, list: 'excluded', keys: counts.excluded },
      { label: '⚠️ Skipped or unreadable', count: counts.skipped.length, list: 'skipped', keys: counts.skipped.map((s) => `${s.key}: ${s.message}`) },
      { label: '🔀 Conflicts', value: String(counts.conflicts) },
    );
  }
  rows.push({ label: 'Last sync', value: formatLastSync(status.lastSync) }, { label: 'Changes waiting to upload', value: String(status.pending) });
  // Only a page that syncs has a tab that runs the syncs: unconfigured and NoSync pages have none.
  if (status.state !== 'unconfigured' && status.state !== 'disabled') rows.push({ label: 'This tab', value: status.leader ? 'Runs the syncs' : 'Another tab runs the syncs' });
  if (status.state === 'error' && status.error) rows.push({ label: 'Error', value: status.error });
  if (status.state === 'needs-you' && status.needs) rows.push({ label: 'Needs you', value: status.needs.reason });
  return rows;
}

/** One line: in sync, or how many items differ and why. Pure. */
export function verdict(snap: UiSnapshot): { ok: boolean; text: string } {
  const { status, counts } = snap;
  if (status.state === 'unconfigured') return { ok: false, text: 'Not set up yet: fill in Storage Provider Settings and the encryption key, then Save.' };
  if (status.state === 'disabled') return { ok: false, text: 'Sync is off on this page (the address has ?nosync): nothing is compared.' };
  if (!counts) return { ok: false, text: 'Not compared yet: the counts appear after the first sync.' };
  const differ = new Set([...counts.onlyLocal, ...counts.onlyCloud, ...counts.skipped.map((s) => s.key)]);
  const why: string[] = [];
  if (counts.onlyLocal.length) why.push(`${counts.onlyLocal.length} only on this device (not uploaded yet)`);
  if (counts.onlyCloud.length) why.push(`${counts.onlyCloud.length} only in the cloud (not downloaded yet)`);
  if (counts.skipped.length) why.push(`${counts.skipped.length} could not be synced`);
  const waiting = status.pending > 0 ? `${plural(status.pending, 'change')} waiting to upload` : '';
  if (differ.size === 0 && !waiting) return { ok: true, text: `In sync: ${plural(counts.localItems, 'item')} on this device and in the cloud.` };
  if (differ.size === 0) return { ok: false, text: `In sync apart from ${waiting} (sent at the next sync).` };
  return { ok: false, text: `${plural(differ.size, 'item differs', 'items differ')}: ${why.join(', ')}${waiting ? `; ${waiting}` : ''}.` };
}

export interface Diagnostics {
  section: Section;
  update(snap: UiSnapshot): void;
}

const LIST_TITLE = { excluded: 'Excluded (never synced)', skipped: 'Skipped or unreadable' } as const;

export function buildDiagnostics(doc: Document): Diagnostics {
  const icon = h(doc, 'span', { id: 'sync-overall-status', 'aria-hidden': 'true' }, '');
  const verdictLine = h(doc, 'p', { id: 'sync-diagnostics-verdict', class: 'tcs-verdict', role: 'status' });
  const tbody = h(doc, 'tbody', { id: 'sync-diagnostics-body' });
  const lastSync = h(doc, 'span', {}, 'Never');
  const keysTitle = h(doc, 'strong', { class: 'tcs-hint' });
  const keysList = h(doc, 'ul', { id: 'sync-diagnostics-keys', class: 'tcs-key-list', 'aria-label': 'Keys', hidden: true });
  const section = buildSection(
    doc,
    'sync-diagnostics',
    'Sync Diagnostics',
    icon,
    verdictLine,
    h(doc, 'table', { id: 'sync-diagnostics-table', class: 'tcs-table' }, h(doc, 'thead', {}, h(doc, 'tr', {}, h(doc, 'th', { scope: 'col' }, 'Type'), h(doc, 'th', { scope: 'col' }, 'Count'))), tbody),
    keysTitle,
    keysList,
    h(doc, 'p', { id: 'sync-diagnostics-last-sync', class: 'tcs-hint', title: 'Last successful sync with cloud' }, 'Last successful sync: ', lastSync),
  );
  /** Which key list is open; it stays open (and current) across redraws. */
  let shown: 'excluded' | 'skipped' | null = null;
  let lastRows: DiagnosticsRow[] = [];

  const showKeys = () => {
    const row = lastRows.find((r) => 'list' in r && r.list === shown) as Extract<DiagnosticsRow, { list: string }> | undefined;
    keysList.hidden = !row;
    keysTitle.textContent = row ? `${LIST_TITLE[row.list]}:` : '';
    keysList.replaceChildren(...(row ? (row.keys.length ? row.keys : ['None.']).map((k) => h(doc, 'li', {}, k)) : []));
  };

  const cell = (r: DiagnosticsRow) => {
    if (!('list' in r)) return h(doc, 'td', {}, r.value);
    const b = h(doc, 'button', { type: 'button', class: 'tcs-keys-btn', 'data-list': r.list, 'aria-expanded': String(shown === r.list), title: 'List them by key', disabled: r.count === 0 }, String(r.count));
    b.addEventListener('click', () => {
      shown = shown === r.list ? null : r.list;
      for (const other of tbody.querySelectorAll('button[data-list]')) other.setAttribute('aria-expanded', String(other.getAttribute('data-list') === shown));
      showKeys();
    });
    return h(doc, 'td', {}, b);
  };

  return {
    section,
    update(snap) {
      icon.textContent = overallIcon(snap.status);
      lastSync.textContent = formatLastSync(snap.status.lastSync);
      const v = verdict(snap);
      verdictLine.textContent = v.text;
      verdictLine.className = `tcs-verdict ${v.ok ? 'tcs-verdict-ok' : 'tcs-verdict-warn'}`;
      lastRows = diagnosticsRows(snap);
      tbody.replaceChildren(...lastRows.map((r) => h(doc, 'tr', {}, h(doc, 'td', {}, r.label), cell(r))));
      showKeys();
    },
  };
}
