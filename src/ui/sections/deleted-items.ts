/**
 * "Recently Deleted Items" (original-ui.md §2.9): items deleted within the last 30 days, newest first, with
 * checkboxes, "Restore Selected", and a trash button per row that deletes an item for good (a second click
 * confirms it, with the original's warning, instead of its blocking confirm()). Keys are shown as text, never
 * markup (the original put them in innerHTML).
 */
import { confirmTwice } from '../confirm-twice';
import type { DeletedController, DeletedItem } from '../controller';
import { h } from '../dom';
import { buildSection, type Section } from '../section';

type Say = (text: string, tone: 'info' | 'ok' | 'error') => void;

export interface DeletedSection {
  section: Section;
  reload(configured: boolean): Promise<void>;
}

export function buildDeletedItems(doc: Document, deleted: DeletedController, say: Say): DeletedSection {
  const selectAll = h(doc, 'input', { type: 'checkbox', id: 'tombstone-select-all', 'aria-label': 'Select all' });
  const tbody = h(doc, 'tbody', { id: 'tombstones-body' });
  const restore = h(doc, 'button', { type: 'button', id: 'undo-selected-btn', class: 'tcs-btn tcs-btn-green', disabled: true }, 'Restore Selected');
  const refresh = h(doc, 'button', { type: 'button', id: 'refresh-tombstones-btn', class: 'tcs-btn tcs-btn-plain' }, 'Refresh');
  const section = buildSection(
    doc,
    'tombstones',
    'Recently Deleted Items',
    null,
    h(doc, 'p', { class: 'tcs-hint' }, `Items deleted within the last 30 days are shown here. You can restore them${deleted.purge ? ' or permanently delete them' : ''}.`),
    h(
      doc,
      'div',
      { style: 'max-height:14rem;overflow-y:auto;margin-top:.5rem' },
      h(doc, 'table', { id: 'tombstones-table', class: 'tcs-table' }, h(doc, 'thead', {}, h(doc, 'tr', {}, h(doc, 'th', { scope: 'col' }, selectAll), h(doc, 'th', { scope: 'col' }, 'Item'), h(doc, 'th', { scope: 'col' }, 'Deleted'), ...(deleted.purge ? [h(doc, 'th', { scope: 'col' }, 'Actions')] : []))), tbody),
    ),
    h(doc, 'div', { class: 'tcs-actions', style: 'justify-content:flex-end;margin-top:.5rem' }, refresh, restore),
  );

  const boxes = () => [...tbody.querySelectorAll<HTMLInputElement>('input.tombstone-checkbox')];
  const sync = () => {
    const all = boxes();
    const checked = all.filter((b) => b.checked);
    restore.disabled = checked.length === 0;
    selectAll.checked = all.length > 0 && checked.length === all.length;
  };
  const columns = deleted.purge ? 4 : 3;
  const message = (text: string) => tbody.replaceChildren(h(doc, 'tr', {}, h(doc, 'td', { colspan: columns }, text)));
  const purgeButton = (key: string) => {
    const b = h(doc, 'button', { type: 'button', class: 'tcs-btn tcs-btn-red permanent-delete-btn', 'data-id': key, title: 'Permanently Delete Now', 'aria-label': `Permanently delete ${key}` }, '🗑');
    confirmTwice(
      b,
      { idle: '🗑', armed: 'Confirm', onArm: () => say(`⚠️ PERMANENT DELETION: permanently delete the item "${key}"? This cannot be undone (backups that hold it keep it). Click "Confirm" to go ahead.`, 'info') },
      async () => {
        say(`Deleting "${key}" permanently…`, 'info');
        try {
          const o = await deleted.purge!(key);
          say(o.ok ? `✅ ${o.message}` : `❌ Failed to permanently delete item: ${o.message}`, o.ok ? 'ok' : 'error');
          if (o.ok) await reload(configured);
        } catch (e) {
          say(`❌ Failed to permanently delete item: ${e instanceof Error ? e.message : String(e)}`, 'error');
        }
      },
    );
    return b;
  };
  const rows = (items: DeletedItem[]) =>
    [...items]
      .sort((a, b) => b.deletedAt - a.deletedAt)
      .map((item) =>
        h(
          doc,
          'tr',
          {},
          h(doc, 'td', {}, h(doc, 'input', { type: 'checkbox', class: 'tombstone-checkbox', 'data-id': item.key, 'aria-label': `Select ${item.key}` })),
          h(doc, 'td', { style: 'font-family:ui-monospace,monospace;text-align:left' }, item.key),
          h(doc, 'td', {}, new Date(item.deletedAt).toLocaleString()),
          ...(deleted.purge ? [h(doc, 'td', {}, purgeButton(item.key))] : []),
        ),
      );

  let configured = false;
  const reload = async (isConfigured: boolean) => {
    configured = isConfigured;
    if (!configured) {
      message('Provider Not Configured');
      return sync();
    }
    message('Loading deleted items...');
    try {
      const items = await deleted.list();
      if (items.length === 0) message('No recently deleted items found.');
      else tbody.replaceChildren(...rows(items));
    } catch (e) {
      message(`Error loading items: ${e instanceof Error ? e.message : String(e)}`);
    }
    sync();
  };

  tbody.addEventListener('change', sync);
  selectAll.addEventListener('change', () => {
    for (const b of boxes()) b.checked = selectAll.checked;
    sync();
  });
  refresh.addEventListener('click', () => void reload(configured));
  restore.addEventListener('click', async () => {
    const keys = boxes().filter((b) => b.checked).map((b) => b.getAttribute('data-id')!);
    restore.disabled = true;
    restore.textContent = 'Restoring...';
    try {
      const o = await deleted.restore(keys);
      say(o.ok ? `✅ ${o.message}` : `❌ ${o.message}`, o.ok ? 'ok' : 'error');
      if (o.ok) await reload(configured);
    } catch (e) {
      say(`❌ Failed to restore items: ${e instanceof Error ? e.message : String(e)}`, 'error');
    } finally {
      restore.textContent = 'Restore Selected';
      sync();
    }
  });
  return { section, reload };
}
