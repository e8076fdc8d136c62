// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isModalOpen, openSyncModal } from '../../../src/ui/modal';
import { FakeController } from '../../support/ui-controller';

const $ = <T extends Element = HTMLElement>(sel: string) => document.querySelector<T>(sel);
const input = (id: string) => document.getElementById(id) as HTMLInputElement;
const flush = () => new Promise((r) => setTimeout(r, 0));

function key(k: string, shiftKey = false) {
  const e = new KeyboardEvent('keydown', { key: k, shiftKey, bubbles: true, cancelable: true });
  (document.activeElement ?? document.body).dispatchEvent(e);
  return e;
}

let ctl: FakeController;
let opener: HTMLButtonElement;

beforeEach(() => {
  document.body.replaceChildren();
  opener = document.createElement('button');
  opener.textContent = 'Sync';
  document.body.append(opener);
  opener.focus();
  ctl = new FakeController();
});

afterEach(() => {
  document.querySelector('.tcs-overlay') && document.getElementById('close-modal')?.click();
});

describe('settings modal', () => {
  it('is a labelled dialog with the original element ids, filled from the saved settings', async () => {
    ctl.state = {
      form: { storageType: 's3', bucket: 'my-bucket', region: 'eu-west-1', endpoint: '', syncInterval: '30', exclusions: 'a, b', quietPeriod: '3', massDeleteThreshold: '50', autoSync: true },
      passwordSaved: true,
      configured: true,
      noSync: false,
      version: '1.2.3',
    };
    const modal = openSyncModal(document, ctl);
    await modal.ready;
    const dialog = $('[role="dialog"]')!;
    expect(dialog.getAttribute('aria-modal')).toBe('true');
    expect(document.getElementById(dialog.getAttribute('aria-labelledby')!)!.textContent).toBe('Cloud Sync');
    for (const id of ['storage-type-select', 'aws-bucket', 'aws-region', 'aws-access-key', 'aws-secret-key', 'aws-endpoint', 'google-client-id', 'google-auth-btn', 'sync-interval', 'encryption-key', 'sync-exclusions', 'auto-sync-toggle', 'console-logging-toggle', 'save-settings', 'sync-now', 'close-modal', 'last-sync-msg', 'action-msg', 'sync-diagnostics-header', 'provider-settings-content', 'common-settings-chevron']) {
      expect(document.getElementById(id), id).not.toBeNull();
    }
    expect(input('aws-bucket').value).toBe('my-bucket');
    expect(input('aws-region').value).toBe('eu-west-1');
    expect(input('sync-interval').value).toBe('30');
    expect(input('sync-exclusions').value).toBe('a, b');
    expect(input('encryption-key').value).toBe('');
    expect(input('encryption-key').placeholder).toMatch(/Leave empty to keep/);
    expect(input('auto-sync-toggle').checked).toBe(true);
    expect((document.getElementById('sync-now') as HTMLButtonElement).disabled).toBe(false);
    expect($('.cloud-sync-modal-footer')!.textContent).toContain('1.2.3');
    // Configured: diagnostics open, like the original.
    expect(document.getElementById('sync-diagnostics-content')!.hidden).toBe(false);
    expect(document.getElementById('provider-settings-content')!.hidden).toBe(true);
  });

  it('opens the provider settings first when nothing is configured, and focuses a field there', async () => {
    const modal = openSyncModal(document, ctl);
    await modal.ready;
    expect(document.getElementById('provider-settings-content')!.hidden).toBe(false);
    expect(document.getElementById('provider-settings-header')!.getAttribute('aria-expanded')).toBe('true');
    expect(document.getElementById('provider-settings-content')!.contains(document.activeElement)).toBe(true);
    expect((document.getElementById('sync-now') as HTMLButtonElement).disabled).toBe(true);
  });

  it('closes on Escape and gives focus back to the button that opened it', async () => {
    await openSyncModal(document, ctl).ready;
    expect(isModalOpen(document)).toBe(true);
    const e = key('Escape');
    expect(e.defaultPrevented).toBe(true);
    expect($('.tcs-overlay')).toBeNull();
    expect(isModalOpen(document)).toBe(false);
    expect(document.activeElement).toBe(opener);
    expect(ctl.listenerCount()).toBe(0);
  });

  it('closes on Close and on a click on the dark overlay, not on a click inside', async () => {
    await openSyncModal(document, ctl).ready;
    $('.cloud-sync-modal-content')!.dispatchEvent(new MouseEvent('click', { bubbles: true }));
    expect($('.tcs-overlay')).not.toBeNull();
    $('.tcs-overlay')!.dispatchEvent(new MouseEvent('click', { bubbles: true }));
    expect($('.tcs-overlay')).toBeNull();
    await openSyncModal(document, ctl).ready;
    document.getElementById('close-modal')!.click();
    expect($('.tcs-overlay')).toBeNull();
  });

  it('keeps Tab inside the dialog at both ends', async () => {
    await openSyncModal(document, ctl).ready;
    const dialog = $('[role="dialog"]')!;
    const close = document.getElementById('close-modal')!;
    close.focus();
    // Close is the last focusable control: Tab wraps to the first one (a section header).
    expect(key('Tab').defaultPrevented).toBe(true);
    expect(document.activeElement).toBe(document.getElementById('auto-sync-toggle'));
    expect(key('Tab', true).defaultPrevented).toBe(true);
    expect(document.activeElement).toBe(close);
    // Fields inside collapsed sections are not reachable.
    expect(dialog.contains(document.activeElement)).toBe(true);
  });

  it('shows each problem from Save under its field, marks it invalid, opens its section and focuses it', async () => {
    await openSyncModal(document, ctl).ready;
    ctl.saveOutcome = {
      ok: false,
      problems: [
        { field: 'bucket', message: 'Enter the name of your bucket.' },
        { field: 'syncInterval', message: 'Sync interval must be at least 15 seconds.' },
      ],
    };
    input('aws-region').value = ' us-east-1 ';
    input('sync-interval').value = '10';
    document.getElementById('save-settings')!.click();
    await flush();
    await flush();
    expect(ctl.saved).toHaveLength(1);
    expect(ctl.saved[0]).toMatchObject({ storageType: 's3', bucket: '', region: ' us-east-1 ', syncInterval: '10' });
    // Empty secret fields are left out: they keep what is saved.
    expect(ctl.saved[0]).not.toHaveProperty('password');
    expect(ctl.saved[0]).not.toHaveProperty('accessKeyId');
    expect(document.getElementById('aws-bucket-error')!.textContent).toBe('Enter the name of your bucket.');
    expect(input('aws-bucket').getAttribute('aria-invalid')).toBe('true');
    expect(input('aws-bucket').getAttribute('aria-describedby')).toContain('aws-bucket-error');
    expect(document.getElementById('sync-interval-error')!.textContent).toBe('Sync interval must be at least 15 seconds.');
    expect(document.getElementById('action-msg')!.textContent).toMatch(/^❌ Some settings need fixing/);
    expect(document.getElementById('action-msg')!.className).toBe('tcs-msg-error');
    expect(document.activeElement).toBe(input('aws-bucket'));
    expect(document.getElementById('provider-settings-content')!.hidden).toBe(false);
    expect((document.getElementById('save-settings') as HTMLButtonElement).textContent).toBe('Save');
    // The collapsed section with the other problem says so in its header.
    expect(document.getElementById('common-settings-content')!.hidden).toBe(true);
    expect(document.querySelector('#common-settings-header .tcs-section-badge')!.textContent).toBe('1 to fix');
    expect(document.querySelector('#provider-settings-header .tcs-section-badge')!.textContent).toBe('1 to fix');

    // Fixed and saved again: the old messages go away.
    ctl.saveOutcome = { ok: true, problems: [], probe: [{ label: 'List the bucket', state: 'ok' }, { label: 'Conditional writes', state: 'failed', message: 'not supported; using read-back checks' }] };
    ctl.state = { ...ctl.state, configured: true };
    input('aws-bucket').value = 'b';
    input('encryption-key').value = 'pw';
    document.getElementById('save-settings')!.click();
    await flush();
    await flush();
    expect(ctl.saved[1]).toMatchObject({ bucket: 'b', password: 'pw' });
    expect(document.getElementById('aws-bucket-error')!.textContent).toBe('');
    expect(input('aws-bucket').hasAttribute('aria-invalid')).toBe(false);
    expect(document.querySelector('.tcs-section-badge')).toBeNull();
    expect(document.getElementById('action-msg')!.textContent).toBe('✅ Saved.');
    const steps = [...document.querySelectorAll('#setup-check li')].map((li) => li.textContent);
    expect(steps).toEqual(['✓List the bucket (passed)', '✗Conditional writes (failed)Fix: not supported; using read-back checks']);
    expect(document.querySelector('#setup-check li[data-state="failed"] .tcs-probe-fix')!.textContent).toBe('Fix: not supported; using read-back checks');
    expect((document.getElementById('sync-now') as HTMLButtonElement).disabled).toBe(false);
  });

  it('switches between S3 and Google Drive fields; Sign in needs a client ID', async () => {
    await openSyncModal(document, ctl).ready;
    const select = document.getElementById('storage-type-select') as HTMLSelectElement;
    expect(document.getElementById('tcs-s3-fields')!.hidden).toBe(false);
    expect(document.getElementById('tcs-gdrive-fields')!.hidden).toBe(true);
    select.value = 'googleDrive';
    select.dispatchEvent(new Event('change'));
    expect(document.getElementById('tcs-s3-fields')!.hidden).toBe(true);
    expect(document.getElementById('tcs-gdrive-fields')!.hidden).toBe(false);
    const signIn = document.getElementById('google-auth-btn') as HTMLButtonElement;
    expect(signIn.disabled).toBe(true);
    input('google-client-id').value = 'x.apps.googleusercontent.com';
    input('google-client-id').dispatchEvent(new Event('input'));
    expect(signIn.disabled).toBe(false);
    ctl.signInOutcome = { ok: false, message: 'Auth failed: popup closed' };
    signIn.click();
    await flush();
    expect(document.getElementById('google-auth-status')!.textContent).toBe('❌ Auth failed: popup closed');
    expect(signIn.textContent).toBe('Sign in with Google');
  });

  it('shows "Syncing…" for as long as the sync really runs, then its result', async () => {
    ctl.state = { ...ctl.state, configured: true };
    await openSyncModal(document, ctl).ready;
    let release!: () => void;
    ctl.syncGate = new Promise((r) => (release = r));
    ctl.syncOutcome = { ok: false, message: 'The bucket was not found: check its name and region.' };
    const sync = document.getElementById('sync-now') as HTMLButtonElement;
    sync.click();
    await flush();
    expect(sync.textContent).toBe('Syncing…');
    expect(sync.disabled).toBe(true);
    release();
    await flush();
    await flush();
    expect(sync.textContent).toBe('Failed');
    expect(document.getElementById('action-msg')!.textContent).toBe('❌ The bucket was not found: check its name and region.');
  });

  it('in NoSync mode shows the banner, "Sync Off" and a disabled Auto-Sync', async () => {
    ctl.state = { ...ctl.state, configured: true, noSync: true };
    await openSyncModal(document, ctl).ready;
    expect($('.tcs-banner')!.hidden).toBe(false);
    expect(document.getElementById('sync-now')!.textContent).toBe('Sync Off');
    expect((document.getElementById('sync-now') as HTMLButtonElement).disabled).toBe(true);
    expect(input('auto-sync-toggle').disabled).toBe(true);
    expect(document.getElementById('last-sync-msg')!.textContent).toBe('NoSync Mode: Automatic sync operations disabled');
  });

  it('sends Auto-Sync and Console Logging changes at once', async () => {
    await openSyncModal(document, ctl).ready;
    const auto = input('auto-sync-toggle');
    auto.checked = false;
    auto.dispatchEvent(new Event('change'));
    expect(ctl.autoSync).toEqual([false]);
    expect(document.getElementById('last-sync-msg')!.textContent).toBe('Auto-Sync Disabled: Manual sync operations only');
    const log = input('console-logging-toggle');
    log.checked = true;
    log.dispatchEvent(new Event('change'));
    expect(ctl.logging).toEqual([true]);
  });

  it('accordion: one section open at a time; the open one closes on a second click', async () => {
    ctl.state = { ...ctl.state, configured: true };
    await openSyncModal(document, ctl).ready;
    const open = () => ['sync-diagnostics', 'provider-settings', 'common-settings'].filter((n) => !document.getElementById(`${n}-content`)!.hidden);
    expect(open()).toEqual(['sync-diagnostics']);
    document.getElementById('common-settings-header')!.click();
    expect(open()).toEqual(['common-settings']);
    document.getElementById('common-settings-header')!.click();
    expect(open()).toEqual([]);
  });

  it('updates the diagnostics live and shows text from the cloud as text, never markup', async () => {
    await openSyncModal(document, ctl).ready;
    ctl.emit({ state: 'error', lastSync: 0, pending: 2, leader: true, error: '<img src=x onerror="window.pwned=1"> bad' });
    const cells = [...document.querySelectorAll('#sync-diagnostics-body td')].map((td) => td.textContent);
    expect(cells).toContain('Last sync failed');
    expect(cells).toContain('2');
    expect(cells).toContain('<img src=x onerror="window.pwned=1"> bad');
    expect(document.querySelector('#sync-diagnostics-body img')).toBeNull();
    expect(document.getElementById('sync-overall-status')!.textContent).toBe('❌');
  });

  it('asks when the sync needs the user, with both answers one click away, and hides the question once answered', async () => {
    await openSyncModal(document, ctl).ready;
    const box = document.getElementById('sync-needs-you')!;
    expect(box.hidden).toBe(true);
    const reason = "This device's TypingMind data looks empty, so 13 deletion(s) were not synced.";
    ctl.emit({ state: 'needs-you', lastSync: 1, pending: 0, leader: true, error: reason, needs: { kind: 'deletions', count: 13, reason } });
    expect(box.hidden).toBe(false);
    expect(document.getElementById('sync-needs-you-reason')!.textContent).toBe(reason);
    expect(document.getElementById('sync-overall-status')!.textContent).toBe('✋');
    (document.getElementById('needs-restore-btn') as HTMLButtonElement).click();
    await flush();
    (document.getElementById('needs-delete-btn') as HTMLButtonElement).click();
    await flush();
    expect(ctl.answers).toEqual(['restore', 'delete']);
    expect(document.getElementById('action-msg')!.textContent).toContain('Deleted 2 item(s) everywhere.');
    ctl.emit({ state: 'success', lastSync: 2, pending: 0, leader: true });
    expect(box.hidden).toBe(true);
  });

  it('forgets the device only on a second click', async () => {
    await openSyncModal(document, ctl).ready;
    const forget = document.getElementById('forget-device') as HTMLButtonElement;
    forget.click();
    await flush();
    expect(ctl.forgotten).toBe(0);
    expect(forget.textContent).toBe('Click again to forget this device');
    forget.click();
    await flush();
    await flush();
    expect(ctl.forgotten).toBe(1);
    expect(document.getElementById('action-msg')!.textContent).toMatch(/no longer keeps/);
  });

  it('opens only once, and injects its stylesheet once', async () => {
    const a = openSyncModal(document, ctl);
    const b = openSyncModal(document, ctl);
    expect(b).toBe(a);
    await a.ready;
    a.close();
    await openSyncModal(document, ctl).ready;
    expect(document.querySelectorAll('#tcs-style')).toHaveLength(1);
    expect(document.querySelectorAll('[role="dialog"]')).toHaveLength(1);
  });

  it('says so when the saved settings cannot be read', async () => {
    ctl.load = async () => {
      throw new Error('IndexedDB is blocked');
    };
    await openSyncModal(document, ctl).ready;
    expect(document.getElementById('action-msg')!.textContent).toBe('❌ Could not read the saved settings: IndexedDB is blocked');
  });
});
