// @vitest-environment happy-dom
import { beforeEach, describe, expect, it } from 'vitest';
import { mountUi } from '../../../src/ui/mount-ui';
import { SETUP_NOTICE_ID, SETUP_NOTICE_TEXT } from '../../../src/ui/setup-notice';
import { FakeController } from '../../support/ui-controller';

beforeEach(() => document.body.replaceChildren());

describe('first-time notice', () => {
  it('shows while the snapshot asks for it, opens the settings, and goes for good when dismissed', () => {
    const ctl = new FakeController();
    ctl.snap = { ...ctl.snap, setupNotice: true };
    const ui = mountUi(document, ctl);
    const notice = () => document.getElementById(SETUP_NOTICE_ID);
    expect(notice()!.textContent).toContain(SETUP_NOTICE_TEXT);
    expect(notice()!.getAttribute('role')).toBe('status'); // not a dialog: the page stays usable
    (document.getElementById('tcs-setup-notice-open') as HTMLButtonElement).click();
    expect(document.querySelector('[role="dialog"]')).not.toBeNull();
    document.getElementById('close-modal')!.click();
    expect(notice()).not.toBeNull();
    (document.getElementById('tcs-setup-notice-dismiss') as HTMLButtonElement).click();
    expect(ctl.noticeDismissals).toBe(1);
    expect(notice()).toBeNull();
    ui.dispose();
  });

  it('is not shown when the snapshot does not ask for it, and leaves with the UI', () => {
    const ctl = new FakeController();
    const ui = mountUi(document, ctl);
    expect(document.getElementById(SETUP_NOTICE_ID)).toBeNull();
    ctl.push({ setupNotice: true });
    expect(document.getElementById(SETUP_NOTICE_ID)).not.toBeNull();
    ui.dispose();
    expect(document.getElementById(SETUP_NOTICE_ID)).toBeNull();
  });
});
