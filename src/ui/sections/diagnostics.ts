/**
 * "Sync Diagnostics" (original-ui.md §2.5), live: rows computed from the current status every time it
 * changes, instead of the original's cache that was refreshed at most every 5 minutes.
 */
import type { SyncStatus } from '../../api';
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

/** The table rows [label, value] for a status. Pure. */
export function diagnosticsRows(status: SyncStatus): [string, string][] {
  const rows: [string, string][] = [
    ['State', STATE_TEXT[status.state] ?? status.state],
    ['Last sync', formatLastSync(status.lastSync)],
    ['Changes waiting to upload', String(status.pending)],
    ['This tab', status.leader ? 'Runs the syncs' : 'Another tab runs the syncs'],
  ];
  if (status.state === 'error' && status.error) rows.push(['Error', status.error]);
  if (status.state === 'needs-you' && status.needs) rows.push(['Needs you', status.needs.reason]);
  return rows;
}

export interface Diagnostics {
  section: Section;
  update(status: SyncStatus): void;
}

export function buildDiagnostics(doc: Document): Diagnostics {
  const icon = h(doc, 'span', { id: 'sync-overall-status', 'aria-hidden': 'true' }, '');
  const tbody = h(doc, 'tbody', { id: 'sync-diagnostics-body' });
  const lastSync = h(doc, 'span', {}, 'Never');
  const section = buildSection(
    doc,
    'sync-diagnostics',
    'Sync Diagnostics',
    icon,
    h(doc, 'table', { id: 'sync-diagnostics-table', class: 'tcs-table' }, h(doc, 'thead', {}, h(doc, 'tr', {}, h(doc, 'th', { scope: 'col' }, 'Type'), h(doc, 'th', { scope: 'col' }, 'Value'))), tbody),
    h(doc, 'p', { id: 'sync-diagnostics-last-sync', class: 'tcs-hint', title: 'Last successful sync with cloud' }, 'Last successful sync: ', lastSync),
  );
  return {
    section,
    update(status) {
      icon.textContent = overallIcon(status);
      lastSync.textContent = formatLastSync(status.lastSync);
      tbody.replaceChildren(...diagnosticsRows(status).map(([k, v]) => h(doc, 'tr', {}, h(doc, 'td', {}, k), h(doc, 'td', {}, v))));
    },
  };
}
