/**
 * A test-only bundle: the real UI (button + modal) with a FakeController, so the modal can be looked at and
 * driven in Chromium before the app wires the real controller. Built by modal-ui.test.ts.
 */
import { mountUi } from '../../../src/ui/mount-ui';
import { FakeController } from '../../support/ui-controller';

const ctl = new FakeController();
ctl.state = {
  form: { storageType: 's3', bucket: 'typingmind-demo', region: 'us-east-1', endpoint: 'http://127.0.0.1:4568', syncInterval: '15', exclusions: '', quietPeriod: '3', massDeleteThreshold: '50', autoSync: true },
  passwordSaved: true,
  configured: true,
  noSync: false,
  version: 'preview',
};
ctl.current = { state: 'success', lastSync: Date.UTC(2026, 10, 22, 1, 53), pending: 0, leader: true };
ctl.snap = {
  ...ctl.snap,
  counts: { localItems: 9, cloudItems: 9, chatsLocal: 3, chatsCloud: 3, excluded: ['TM_useLastVerifiedToken'], skipped: [], conflicts: 0, onlyLocal: [], onlyCloud: [], at: Date.UTC(2026, 10, 22, 1, 53) },
};
const day = 86_400_000;
const now = Date.UTC(2026, 10, 22, 2, 0);
ctl.backups = {
  list: async () => [
    { folder: 'backups/s-My-Test-Snap-20261122T015402', name: 'My-Test-Snap', kind: 'snapshot', created: now, totalItems: 9, format: 'server-side' },
    { folder: 'backups/typingmind-backup-20261122', name: 'typingmind-backup-20261122', kind: 'daily', created: now - day, totalItems: 9, format: 'server-side' },
  ],
  createSnapshot: async (name) => ({ ok: true, message: `Snapshot "${name}" created.` }),
  restore: async () => ({ ok: true, message: 'Backup restored.' }),
  delete: async () => ({ ok: true, message: 'Backup deleted.' }),
};
ctl.deleted = {
  list: async () => [
    { key: 'CHAT_d4e5f6', deletedAt: now - 2 * day },
    { key: 'TM_useUserPrompts', deletedAt: now - 5 * day },
  ],
  restore: async (keys) => ({ ok: true, message: `${keys.length} item(s) restored.` }),
};
ctl.logLines = () => ['02:00:01 info  Sync started', '02:00:02 info  Uploaded 3 items', '02:00:02 info  Sync finished in 812 ms'];
const ui = mountUi(document, ctl);
(window as unknown as { uiPreview: unknown }).uiPreview = { ctl, ui };
