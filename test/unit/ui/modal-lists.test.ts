// @vitest-environment happy-dom
import { beforeEach, describe, expect, it } from 'vitest';
import type { BackupInfo } from '../../../src/api';
import type { ActionOutcome, DeletedItem } from '../../../src/ui/controller';
import { openSyncModal } from '../../../src/ui/modal';
import { backupLabel, sortBackups } from '../../../src/ui/sections/backups';
import { FakeController } from '../../support/ui-controller';

const flush = async () => {
  for (let i = 0; i < 4; i++) await new Promise((r) => setTimeout(r, 0));
};
const el = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

const backup = (folder: string, kind: BackupInfo['kind'], created: number, totalItems = 9): BackupInfo => ({ folder, name: folder, kind, created, totalItems, format: 'server-side' });

let ctl: FakeController;
let calls: string[];
let backupList: BackupInfo[];
let deletedList: DeletedItem[];
let outcome: ActionOutcome;

beforeEach(() => {
  document.body.replaceChildren();
  calls = [];
  outcome = { ok: true, message: 'Done.' };
  backupList = [
    backup('backups/typingmind-backup-20261121', 'daily', 2),
    backup('backups/s-old-20261101T000000', 'snapshot', 1),
    backup('backups/typingmind-backup-20261122', 'daily', 3),
    backup('backups/s-My-Snap-20261122T015402', 'snapshot', 4),
  ];
  deletedList = [
    { key: 'CHAT_old', deletedAt: Date.UTC(2026, 10, 1) },
    { key: 'CHAT_<b>new</b>', deletedAt: Date.UTC(2026, 10, 20) },
  ];
  ctl = new FakeController();
  ctl.state = { ...ctl.state, configured: true };
  ctl.backups = {
    list: async () => backupList,
    createSnapshot: async (name) => (calls.push(`snapshot:${name}`), outcome),
    restore: async (folder) => (calls.push(`restore:${folder}`), outcome),
    delete: async (folder) => (calls.push(`delete:${folder}`), outcome),
  };
  ctl.deleted = {
    list: async () => deletedList,
    restore: async (keys) => (calls.push(`undelete:${keys.join(',')}`), outcome),
  };
  ctl.logLines = () => ['[info] started', '[error] <script>x</script>'];
});

describe('backup list helpers', () => {
  it('lists snapshots first, newest first within each kind, labelled like the original', () => {
    expect(sortBackups(backupList).map(backupLabel)).toEqual([
      '📸 s-My-Snap-20261122T015402 (9)',
      '📸 s-old-20261101T000000 (9)',
      '🗓️ typingmind-backup-20261122 (9)',
      '🗓️ typingmind-backup-20261121 (9)',
    ]);
  });
});

describe('Available Backups', () => {
  it('loads when opened, selects the first, and restores only after a second click', async () => {
    await openSyncModal(document, ctl).ready;
    el('available-backups-header').click();
    await flush();
    const select = el<HTMLSelectElement>('backup-files');
    expect(select.value).toBe('backups/s-My-Snap-20261122T015402');
    expect(select.options).toHaveLength(4);
    const restore = el<HTMLButtonElement>('restore-backup-btn');
    expect(restore.disabled).toBe(false);
    restore.click();
    await flush();
    expect(calls).toEqual([]);
    expect(restore.textContent).toBe('Confirm restore');
    expect(el('action-msg').textContent).toMatch(/snapshot of the current state is taken first/);
    restore.click();
    await flush();
    expect(calls).toEqual(['restore:backups/s-My-Snap-20261122T015402']);
    expect(el('action-msg').textContent).toBe('✅ Done.');
  });

  it('deletes after a second click and reloads the list; a failure is shown, not thrown', async () => {
    await openSyncModal(document, ctl).ready;
    el('available-backups-header').click();
    await flush();
    const select = el<HTMLSelectElement>('backup-files');
    select.value = 'backups/typingmind-backup-20261121';
    select.dispatchEvent(new Event('change'));
    backupList = backupList.filter((b) => b.folder !== 'backups/typingmind-backup-20261121');
    el('delete-backup-btn').click();
    el('delete-backup-btn').click();
    await flush();
    expect(calls).toEqual(['delete:backups/typingmind-backup-20261121']);
    expect(select.options).toHaveLength(3);

    ctl.backups!.delete = async () => {
      throw new Error('Access denied: the key may not delete objects.');
    };
    el('delete-backup-btn').click();
    el('delete-backup-btn').click();
    await flush();
    expect(el('action-msg').textContent).toBe('❌ Delete failed: Access denied: the key may not delete objects.');
  });

  it('shows empty and error states', async () => {
    backupList = [];
    await openSyncModal(document, ctl).ready;
    el('available-backups-header').click();
    await flush();
    expect(el<HTMLSelectElement>('backup-files').options[0].textContent).toBe('No backups found');
    expect(el<HTMLButtonElement>('restore-backup-btn').disabled).toBe(true);
    ctl.backups!.list = async () => {
      throw new Error('The network is unreachable.');
    };
    el('available-backups-header').click();
    el('available-backups-header').click();
    await flush();
    expect(el<HTMLSelectElement>('backup-files').options[0].textContent).toBe('Error loading backups');
    expect(el('action-msg').textContent).toBe('❌ Could not list the backups: The network is unreachable.');
  });

  it('Snapshot asks for a name first, then creates it', async () => {
    await openSyncModal(document, ctl).ready;
    const snap = el<HTMLButtonElement>('create-snapshot');
    expect(snap.disabled).toBe(false);
    snap.click();
    await flush();
    expect(calls).toEqual([]);
    expect(el('available-backups-content').hidden).toBe(false);
    expect(document.activeElement).toBe(el('snapshot-name'));
    el<HTMLInputElement>('snapshot-name').value = ' before cleanup ';
    snap.click();
    await flush();
    expect(calls).toEqual(['snapshot:before cleanup']);
    expect(el<HTMLInputElement>('snapshot-name').value).toBe('');
  });

  it('is disabled until the provider is configured', async () => {
    ctl.state = { ...ctl.state, configured: false };
    await openSyncModal(document, ctl).ready;
    expect(el<HTMLButtonElement>('create-snapshot').disabled).toBe(true);
    el('available-backups-header').click();
    await flush();
    expect(el<HTMLSelectElement>('backup-files').options[0].textContent).toBe('Please configure your provider first');
  });
});

describe('Recently Deleted Items', () => {
  it('lists newest first as text, and restores the checked ones', async () => {
    await openSyncModal(document, ctl).ready;
    el('tombstones-header').click();
    await flush();
    const keys = [...document.querySelectorAll('#tombstones-body tr td:nth-child(2)')].map((td) => td.textContent);
    expect(keys).toEqual(['CHAT_<b>new</b>', 'CHAT_old']);
    expect(document.querySelector('#tombstones-body b')).toBeNull();
    const restore = el<HTMLButtonElement>('undo-selected-btn');
    expect(restore.disabled).toBe(true);
    const all = el<HTMLInputElement>('tombstone-select-all');
    all.checked = true;
    all.dispatchEvent(new Event('change'));
    expect(restore.disabled).toBe(false);
    const first = document.querySelector<HTMLInputElement>('input.tombstone-checkbox')!;
    first.checked = false;
    first.dispatchEvent(new Event('change', { bubbles: true }));
    expect(all.checked).toBe(false);
    restore.click();
    await flush();
    expect(calls).toEqual(['undelete:CHAT_old']);
    expect(el('action-msg').textContent).toBe('✅ Done.');
  });

  it('says when there is nothing, and when the list cannot be read', async () => {
    deletedList = [];
    await openSyncModal(document, ctl).ready;
    el('tombstones-header').click();
    await flush();
    expect(el('tombstones-body').textContent).toBe('No recently deleted items found.');
    ctl.deleted!.list = async () => {
      throw new Error('metadata.json could not be read.');
    };
    el('refresh-tombstones-btn').click();
    await flush();
    expect(el('tombstones-body').textContent).toBe('Error loading items: metadata.json could not be read.');
  });
});

describe('sections the app does not provide', () => {
  it('are not shown', async () => {
    const bare = new FakeController();
    await openSyncModal(document, bare).ready;
    expect(el('available-backups-header')).toBeNull();
    expect(el('tombstones-header')).toBeNull();
    expect(el('log-viewer-header')).toBeNull();
    expect(el('create-snapshot')).toBeNull();
  });
});

describe('Log', () => {
  it('shows the log lines as text when opened', async () => {
    await openSyncModal(document, ctl).ready;
    el('log-viewer-header').click();
    expect(el('tcs-log-output').textContent).toBe('[info] started\n[error] <script>x</script>');
    expect(document.querySelector('#tcs-log-output script')).toBeNull();
  });
});

describe('progress', () => {
  it('shows a bar and its line while long work runs, and neither once it ended', async () => {
    const modal = openSyncModal(document, ctl);
    await modal.ready;
    const bar = el<HTMLProgressElement>('sync-progress');
    const box = bar.parentElement!;
    expect(box.hidden).toBe(true);
    ctl.progress({ phase: 'upload', done: 3, total: 10 });
    expect(box.hidden).toBe(false);
    expect(bar.value).toBe(3);
    expect(bar.max).toBe(10);
    expect(bar.getAttribute('aria-label')).toBe('Uploading: 3 of 10');
    expect(el('sync-progress-text').textContent).toBe('Uploading 3 of 10…');
    // The action line keeps what the user's last click said: progress has its own line.
    expect(el('action-msg').textContent).toBe('');
    ctl.progress({ phase: 'download', done: 1, total: 2 });
    expect(el('sync-progress-text').textContent).toBe('Downloading 1 of 2…');
    ctl.progress(undefined);
    expect(box.hidden).toBe(true);
    expect(el('sync-progress-text').textContent).toBe('');
    expect(document.body.textContent).not.toContain('Downloading 1 of 2');
    modal.close();
    expect(ctl.listenerCount()).toBe(0);
  });
});
