/**
 * "Available Backups" (original-ui.md §2.6) and the snapshot name: list, restore and delete backups, and
 * create a named snapshot. Restore and delete ask for a second click.
 */
import type { BackupInfo } from '../../api';
import type { ActionOutcome, BackupsController } from '../controller';
import { confirmTwice } from '../confirm-twice';
import { h } from '../dom';
import { buildSection, type Section } from '../section';

type Say = (text: string, tone: 'info' | 'ok' | 'error') => void;

/** Snapshots first, then daily backups; newest first within each. Pure. */
export function sortBackups(list: BackupInfo[]): BackupInfo[] {
  return [...list].sort((a, b) => (a.kind === b.kind ? b.created - a.created : a.kind === 'snapshot' ? -1 : 1));
}

/** "📸 s-My-Snap-20261122T015402 (9)" / "🗓️ typingmind-backup-20261122 (9)", as the original lists them. Pure. */
export function backupLabel(b: BackupInfo): string {
  const icon = b.kind === 'snapshot' ? '📸 ' : '🗓️ ';
  const folder = b.folder.replace(/^backups\//, '').replace(/\/$/, '');
  return `${icon}${folder} (${b.totalItems})`;
}

export interface BackupsSection {
  section: Section;
  /** Re-reads the list; `configured` false shows the "configure first" placeholder. */
  reload(configured: boolean): Promise<void>;
  /** The bottom row's Snapshot button. */
  snapshot(): Promise<void>;
  nameInput: HTMLInputElement;
  cleanup(): void;
}

export function buildBackups(doc: Document, backups: BackupsController, say: Say, onRestored: () => void): BackupsSection {
  const select = h(doc, 'select', { id: 'backup-files', 'aria-label': 'Backups' });
  const restore = h(doc, 'button', { type: 'button', id: 'restore-backup-btn', class: 'tcs-btn tcs-btn-green', disabled: true }, 'Restore');
  const remove = h(doc, 'button', { type: 'button', id: 'delete-backup-btn', class: 'tcs-btn tcs-btn-red', disabled: true }, 'Delete');
  const nameInput = h(doc, 'input', { type: 'text', id: 'snapshot-name', placeholder: 'e.g. before-cleanup', maxlength: 80, 'aria-describedby': 'snapshot-name-hint' });
  const section = buildSection(
    doc,
    'available-backups',
    'Available Backups',
    null,
    select,
    h(doc, 'div', { class: 'tcs-actions', style: 'justify-content:flex-end;margin-top:.5rem' }, restore, remove),
    h(doc, 'div', { class: 'tcs-field' }, h(doc, 'label', { for: 'snapshot-name', class: 'tcs-label-text' }, 'New snapshot name'), nameInput, h(doc, 'p', { id: 'snapshot-name-hint', class: 'tcs-hint' }, 'Type a name, then press Snapshot below. Daily backups are made automatically and kept 30 days.')),
  );

  const placeholder = (text: string) => {
    select.replaceChildren(h(doc, 'option', { value: '' }, text));
    select.value = '';
    updateButtons();
  };
  const updateButtons = () => {
    restore.disabled = select.value === '';
    remove.disabled = select.value === '';
  };
  select.addEventListener('change', updateButtons);

  let configured = false;
  const reload = async (isConfigured: boolean) => {
    configured = isConfigured;
    if (!configured) return placeholder('Please configure your provider first');
    select.disabled = true;
    placeholder('Loading backups...');
    try {
      const list = sortBackups(await backups.list());
      if (list.length === 0) placeholder('No backups found');
      else {
        select.replaceChildren(...list.map((b) => h(doc, 'option', { value: b.folder }, backupLabel(b))));
        select.value = list[0].folder;
      }
    } catch (e) {
      placeholder('Error loading backups');
      say(`❌ Could not list the backups: ${e instanceof Error ? e.message : String(e)}`, 'error');
    } finally {
      select.disabled = false;
      updateButtons();
    }
  };

  const report = (o: ActionOutcome) => say(o.ok ? `✅ ${o.message}` : `❌ ${o.message}`, o.ok ? 'ok' : 'error');
  const run = async (work: () => Promise<ActionOutcome>, what: string) => {
    try {
      const outcome = await work();
      report(outcome);
      return outcome.ok;
    } catch (e) {
      say(`❌ ${what} failed: ${e instanceof Error ? e.message : String(e)}`, 'error');
      return false;
    }
  };

  const disarmRestore = confirmTwice(
    restore,
    { idle: 'Restore', armed: 'Confirm restore', onArm: () => say('Restoring replaces the data in the cloud and on this device with this backup. A snapshot of the current state is taken first. Click "Confirm restore" to go ahead.', 'info') },
    async () => {
      say('Restoring…', 'info');
      if (await run(() => backups.restore(select.value), 'Restore')) onRestored();
    },
  );
  const disarmDelete = confirmTwice(
    remove,
    { idle: 'Delete', armed: 'Confirm delete', onArm: () => say('Deleting a backup cannot be undone. Click "Confirm delete" to go ahead.', 'info') },
    async () => {
      say('Deleting…', 'info');
      if (await run(() => backups.delete(select.value), 'Delete')) await reload(configured);
    },
  );

  const snapshot = async () => {
    const name = nameInput.value.trim();
    if (name === '') {
      section.root.dispatchEvent(new CustomEvent('tcs-open-section', { bubbles: true, detail: 'available-backups' }));
      nameInput.focus();
      say('Type a name for the snapshot, then press Snapshot again.', 'info');
      return;
    }
    say('Creating the snapshot…', 'info');
    if (await run(() => backups.createSnapshot(name), 'Snapshot')) {
      nameInput.value = '';
      await reload(configured);
    }
  };

  return {
    section,
    reload,
    snapshot,
    nameInput,
    cleanup() {
      disarmRestore();
      disarmDelete();
    },
  };
}
