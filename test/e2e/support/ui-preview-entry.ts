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
const ui = mountUi(document, ctl);
(window as unknown as { uiPreview: unknown }).uiPreview = { ctl, ui };
