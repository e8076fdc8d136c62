/**
 * The "Cloud Sync" modal (original-ui.md §2): header with Auto-Sync, the sections, Console Logging, Save,
 * Sync, Close, and the message lines, with the original's element ids. Unlike the original it is a real
 * dialog: role="dialog", Escape closes it, Tab stays inside, focus returns to where it was; Save shows each
 * problem under its field; the Sync button's text follows the real sync, not a timer.
 */
import type { ModalState, ProbeStep, UiController, UiSnapshot } from './controller';
import { h } from './dom';
import { focusableIn, trapTab } from './focus-trap';
import { FIELD_IDS, clearProblems, fillForm, readForm, showProblems } from './form-fields';
import { confirmTwice } from './confirm-twice';
import { buildNeedsYou } from './sections/needs-you';
import { buildBackups } from './sections/backups';
import { buildCommonSettings } from './sections/common-settings';
import { buildConflicts } from './sections/conflicts';
import { buildDeletedItems } from './sections/deleted-items';
import { buildHistory } from './sections/history';
import { buildLogViewer } from './sections/log-viewer';
import { buildDiagnostics } from './sections/diagnostics';
import { buildForceButtons } from './sections/force-buttons';
import { buildProgress } from './sections/progress';
import { buildProviderSettings } from './sections/provider-settings';
import { openOnly, wireAccordion, type Section } from './section';
import { ensureStyles } from './styles';

export const OVERLAY_CLASS = 'tcs-overlay';

export interface ModalHandle {
  overlay: HTMLElement;
  dialog: HTMLElement;
  /** Settles once the saved settings are in the fields. */
  ready: Promise<void>;
  close(): void;
}

type Tone = 'info' | 'ok' | 'error';

const open = new WeakMap<Document, ModalHandle>();

export function isModalOpen(doc: Document): boolean {
  return open.has(doc);
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export function openSyncModal(doc: Document, controller: UiController): ModalHandle {
  const existing = open.get(doc);
  if (existing && existing.overlay.isConnected) return existing;
  // Removed by someone else (e.g. the page replaced <body>): forget it and build a new one.
  existing?.close();
  ensureStyles(doc);
  const previousFocus = doc.activeElement as HTMLElement | null;
  const cleanups: (() => void)[] = [];

  // ---- header
  const autoSync = h(doc, 'input', { type: 'checkbox', id: 'auto-sync-toggle' });
  const noSyncBanner = h(doc, 'div', { class: 'tcs-banner', role: 'note', hidden: true }, '🚫 NoSync Mode Active - Only snapshot functionality available');
  const header = h(
    doc,
    'div',
    { class: 'cloud-sync-modal-header' },
    h(doc, 'div', { class: 'tcs-title-row' }, h(doc, 'h2', { id: 'tcs-modal-title', class: 'tcs-title' }, 'Cloud Sync'), h(doc, 'label', { class: 'tcs-toggle' }, 'Auto-Sync', autoSync)),
    noSyncBanner,
  );

  // ---- sections (backups, deleted items and the log only when the app provides them)
  const say = (text: string, tone: Tone) => {
    actionMsg.textContent = text;
    actionMsg.className = `tcs-msg-${tone}`;
  };
  const diagnostics = buildDiagnostics(doc);
  const force = controller.force ? buildForceButtons(doc, controller.force, say) : undefined;
  if (force) diagnostics.section.body.append(force.element);
  const progressView = buildProgress(doc);
  const backups = controller.backups ? buildBackups(doc, controller.backups, say, () => {}) : undefined;
  const provider = buildProviderSettings(doc);
  const common = buildCommonSettings(doc);
  const deleted = controller.deleted ? buildDeletedItems(doc, controller.deleted, say) : undefined;
  const conflicts = controller.conflicts ? buildConflicts(doc, controller.conflicts, say) : undefined;
  const history = controller.history ? buildHistory(doc, controller.history, say) : undefined;
  const log = controller.logLines ? buildLogViewer(doc, () => controller.logLines!()) : undefined;
  const sections: Section[] = [diagnostics.section, backups?.section, provider.section, common.section, deleted?.section, conflicts?.section, history?.section, log?.section].filter(
    (x): x is Section => x !== undefined,
  );
  wireAccordion(sections);
  // Lists that cost a request load when their section is opened, not on every open of the modal.
  const loadOnOpen = (section: Section | undefined, load: () => void) =>
    section?.header.addEventListener('click', () => {
      if (!section.body.hidden) load();
    });
  loadOnOpen(backups?.section, () => void backups!.reload(state?.configured ?? false));
  loadOnOpen(deleted?.section, () => void deleted!.reload(state?.configured ?? false));
  loadOnOpen(conflicts?.section, () => void conflicts!.reload());
  loadOnOpen(history?.section, () => history!.reload(state?.configured ?? false));

  // ---- bottom
  const logging = h(doc, 'input', { type: 'checkbox', id: 'console-logging-toggle' });
  const saveButton = h(doc, 'button', { type: 'button', id: 'save-settings', class: 'tcs-btn tcs-btn-blue' }, 'Save');
  const syncButton = h(doc, 'button', { type: 'button', id: 'sync-now', class: 'tcs-btn tcs-btn-green' }, 'Sync');
  const closeButton = h(doc, 'button', { type: 'button', id: 'close-modal', class: 'tcs-btn tcs-btn-red' }, 'Close');
  const snapshotButton = backups ? h(doc, 'button', { type: 'button', id: 'create-snapshot', class: 'tcs-btn tcs-btn-blue', disabled: true }, 'Snapshot') : null;
  const lastSyncMsg = h(doc, 'span', { id: 'last-sync-msg' });
  const actionMsg = h(doc, 'div', { id: 'action-msg', role: 'status', 'aria-live': 'polite' });
  const probeList = h(doc, 'ul', { id: 'setup-check', class: 'tcs-probe', 'aria-label': 'Setup check', hidden: true });

  const needsYou = buildNeedsYou(doc, (a) => controller.answerHeld(a), say, () => controller.signInWithGoogle(''));
  const content = h(
    doc,
    'div',
    { class: 'cloud-sync-modal-content' },
    needsYou.element,
    ...sections.map((s) => s.root),
    h(doc, 'div', { class: 'tcs-logging-row' }, h(doc, 'label', { class: 'tcs-toggle' }, 'Console Logging', logging)),
    h(doc, 'div', { class: 'tcs-actions' }, saveButton, h(doc, 'div', { class: 'tcs-actions-right' }, syncButton, snapshotButton, closeButton)),
    lastSyncMsg,
    progressView.element,
    actionMsg,
    probeList,
  );
  const footerVersion = h(doc, 'span', {}, '');
  const footer = h(doc, 'div', { class: 'cloud-sync-modal-footer modal-footer' }, 'TypingMind Cloud Sync ', footerVersion, ' · after the extension by Thomas @ ITCON, AU');

  const dialog = h(doc, 'div', { class: 'cloud-sync-modal', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': 'tcs-modal-title', tabindex: '-1' }, header, content, footer);
  const blurPane = (side: string) => h(doc, 'div', { class: `tcs-blur tcs-blur-${side}`, 'aria-hidden': 'true' });
  const overlay = h(
    doc,
    'div',
    { class: `${OVERLAY_CLASS} modal-overlay` },
    blurPane('top'),
    blurPane('left'),
    blurPane('right'),
    blurPane('bottom'),
    dialog,
  );

  // ---- behaviour
  let state: ModalState | undefined;
  let closed = false;

  // The setup check as a list: ✓ / ✗ / – per step, and under a failed step what to fix.
  const showProbe = (steps: ProbeStep[] | undefined) => {
    const mark = { ok: '✓', failed: '✗', skipped: '–' } as const;
    const said = { ok: 'passed', failed: 'failed', skipped: 'not supported here, not needed' } as const;
    probeList.replaceChildren(
      ...(steps ?? []).map((step) =>
        h(
          doc,
          'li',
          { class: `tcs-probe-${step.state}`, 'data-state': step.state },
          h(doc, 'span', { class: `tcs-probe-${step.state}`, 'aria-hidden': 'true' }, mark[step.state]),
          h(
            doc,
            'span',
            {},
            h(doc, 'span', { class: 'tcs-probe-label' }, `${step.label} (${said[step.state]})`),
            step.message ? h(doc, 'span', { class: step.state === 'failed' ? 'tcs-probe-fix' : 'tcs-hint' }, step.state === 'failed' ? `Fix: ${step.message}` : step.message) : null,
          ),
        ),
      ),
    );
    probeList.hidden = !steps || steps.length === 0;
  };

  const applyState = (s: ModalState) => {
    state = s;
    fillForm(dialog, s.form);
    provider.select.value = s.form.storageType === 'googleDrive' ? 'googleDrive' : 's3';
    provider.sync();
    const password = dialog.querySelector<HTMLInputElement>(`#${FIELD_IDS.password}`)!;
    password.value = '';
    password.placeholder = s.passwordSaved ? 'Saved. Leave empty to keep it' : 'The same on every device';
    autoSync.checked = s.form.autoSync !== false && !s.noSync;
    autoSync.disabled = s.noSync;
    logging.checked = s.form.logging === true;
    noSyncBanner.hidden = !s.noSync;
    syncButton.textContent = s.noSync ? 'Sync Off' : 'Sync';
    syncButton.disabled = s.noSync || !s.configured;
    if (snapshotButton) snapshotButton.disabled = !s.configured;
    force?.setEnabled(s.configured && !s.noSync);
    syncButton.title = s.noSync ? 'Remove ?nosync from the address to sync' : s.configured ? '' : 'Save your settings first';
    lastSyncMsg.textContent = s.noSync ? 'NoSync Mode: Automatic sync operations disabled' : autoSync.checked ? '' : 'Auto-Sync Disabled: Manual sync operations only';
    footerVersion.textContent = s.version;
  };

  // A collapsed section with a problem inside says so in its header, so no message stays out of sight.
  const markSections = () => {
    for (const sec of sections) {
      const count = sec.body.querySelectorAll('[aria-invalid="true"]').length;
      sec.header.querySelector('.tcs-section-badge')?.remove();
      if (count > 0) {
        sec.header.querySelector('.tcs-section-title')!.append(h(doc, 'span', { class: 'tcs-section-badge' }, count === 1 ? '1 to fix' : `${count} to fix`));
      }
    }
  };

  const close = () => {
    if (closed) return;
    closed = true;
    open.delete(doc);
    for (const c of cleanups) c();
    overlay.remove();
    if (previousFocus && previousFocus.isConnected) previousFocus.focus();
  };

  overlay.addEventListener('click', (e) => {
    // The dark area around the dialog: the overlay itself or one of its blur panes.
    if (!dialog.contains(e.target as Node)) close();
  });
  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      close();
    } else trapTab(dialog, e);
  };
  // On the document, capturing: Escape must work even if focus somehow left the dialog.
  doc.addEventListener('keydown', onKey, true);
  cleanups.push(() => doc.removeEventListener('keydown', onKey, true));
  closeButton.addEventListener('click', close);
  overlay.addEventListener('tcs-open-section', (e) => openOnly(sections, (e as CustomEvent<string>).detail));
  snapshotButton?.addEventListener('click', async () => {
    snapshotButton.disabled = true;
    try {
      await backups!.snapshot();
    } finally {
      snapshotButton.disabled = !state?.configured;
    }
  });
  if (backups) cleanups.push(backups.cleanup);
  if (force) cleanups.push(force.cleanup);

  autoSync.addEventListener('change', () => {
    lastSyncMsg.textContent = autoSync.checked ? '' : 'Auto-Sync Disabled: Manual sync operations only';
    controller.setAutoSync(autoSync.checked).catch((e) => say(`❌ Could not change Auto-Sync: ${errorText(e)}`, 'error'));
  });
  logging.addEventListener('change', () => {
    controller.setLogging(logging.checked).catch((e) => say(`❌ Could not change Console Logging: ${errorText(e)}`, 'error'));
  });

  saveButton.addEventListener('click', async () => {
    saveButton.disabled = true;
    saveButton.textContent = 'Verifying...';
    clearProblems(dialog);
    markSections();
    showProbe(undefined);
    say('Checking your settings and the connection…', 'info');
    try {
      const outcome = await controller.save(readForm(dialog));
      if (closed) return;
      showProbe(outcome.probe);
      if (outcome.ok) {
        say(outcome.message ?? '✅ Saved.', 'ok');
        applyState(await controller.load());
      } else {
        const first = showProblems(dialog, outcome.problems);
        markSections();
        const text = outcome.message ?? (outcome.problems.length === 1 ? outcome.problems[0].message : 'Some settings need fixing: see the messages under the fields.');
        say(`❌ ${text}`, 'error');
        if (first) {
          const owner = sections.find((s) => s.body.contains(first));
          if (owner) openOnly(sections, owner.name);
          first.focus();
        }
      }
    } catch (e) {
      say(`❌ Saving failed: ${errorText(e)}`, 'error');
    } finally {
      saveButton.disabled = false;
      saveButton.textContent = 'Save';
    }
  });

  syncButton.addEventListener('click', async () => {
    syncButton.disabled = true;
    syncButton.textContent = 'Syncing…';
    say('Syncing…', 'info');
    let text = 'Sync';
    try {
      const outcome = await controller.syncNow();
      say(outcome.ok ? `✅ ${outcome.message}` : `❌ ${outcome.message}`, outcome.ok ? 'ok' : 'error');
      text = outcome.ok ? 'Done!' : 'Failed';
    } catch (e) {
      say(`❌ Sync failed: ${errorText(e)}`, 'error');
      text = 'Failed';
    }
    if (closed) return;
    syncButton.textContent = text;
    const timer = setTimeout(() => {
      syncButton.textContent = state?.noSync ? 'Sync Off' : 'Sync';
      syncButton.disabled = !state || state.noSync || !state.configured;
    }, 2000);
    cleanups.push(() => clearTimeout(timer));
  });

  provider.googleButton.addEventListener('click', async () => {
    const clientId = dialog.querySelector<HTMLInputElement>(`#${FIELD_IDS.googleClientId}`)!.value.trim();
    provider.googleButton.disabled = true;
    provider.googleButton.textContent = 'Authenticating...';
    provider.googleStatus.textContent = 'Please follow the Google sign-in prompt...';
    try {
      const outcome = await controller.signInWithGoogle(clientId);
      provider.googleStatus.textContent = outcome.ok ? `✅ ${outcome.message}` : `❌ ${outcome.message}`;
      provider.googleStatus.style.color = outcome.ok ? '#22c55e' : '#ef4444';
      provider.googleButton.textContent = outcome.ok ? 'Re-authenticate' : 'Sign in with Google';
    } catch (e) {
      provider.googleStatus.textContent = `❌ Auth failed: ${errorText(e)}`;
      provider.googleButton.textContent = 'Sign in with Google';
    } finally {
      provider.googleButton.disabled = false;
    }
  });

  cleanups.push(
    confirmTwice(common.forgetButton, { idle: 'Forget this device', armed: 'Click again to forget this device', timeoutMs: 5000 }, async () => {
      try {
        await controller.forgetDevice();
        say('✅ This device no longer keeps any Cloud Sync keys or settings.', 'ok');
        applyState(await controller.load());
      } catch (e) {
        say(`❌ Could not forget this device: ${errorText(e)}`, 'error');
      }
    }),
  );

  const render = (snap: UiSnapshot) => {
    diagnostics.update(snap);
    needsYou.update(snap.status);
    progressView.update(snap.progress);
  };
  render(controller.snapshot());
  cleanups.push(controller.subscribe(render));
  // Counts are made from this device's data; opening the section asks for fresh ones (no request to the cloud).
  const recount = () => void controller.refreshCounts?.().catch(() => {});
  diagnostics.section.header.addEventListener('click', () => {
    if (!diagnostics.section.body.hidden) recount();
  });
  if (controller.watchCounts) cleanups.push(controller.watchCounts());
  else recount();

  (doc.body ?? doc.documentElement).append(overlay);
  openOnly(sections, 'sync-diagnostics');
  dialog.focus();

  const ready = controller
    .load()
    .then((s) => {
      if (closed) return;
      applyState(s);
      if (!s.configured) openOnly(sections, 'provider-settings');
      // First field a person needs: the first one of the open section.
      const target = focusableIn(dialog).find((el) => sections.some((sec) => !sec.body.hidden && sec.body.contains(el)));
      (target ?? closeButton).focus();
    })
    .catch((e) => {
      say(`❌ Could not read the saved settings: ${errorText(e)}`, 'error');
    });

  const handle: ModalHandle = { overlay, dialog, ready, close };
  open.set(doc, handle);
  return handle;
}
