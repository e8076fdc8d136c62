/**
 * "Needs you": shown while the sync waits for the user. Held deletions (the mass-deletion guard): says what is
 * asked and offers both ways out, one click each. An expired Google sign-in: says so and offers the sign-in
 * (the click itself is the gesture Google's popup needs). Hidden otherwise. A view of the status, nothing more.
 */
import type { SyncStatus } from '../../api';
import type { ActionOutcome } from '../controller';
import { h } from '../dom';

export interface NeedsYou {
  element: HTMLElement;
  update(status: SyncStatus): void;
}

export function buildNeedsYou(
  doc: Document,
  answer: (a: 'delete' | 'restore') => Promise<ActionOutcome>,
  say: (text: string, tone: 'info' | 'ok' | 'error') => void,
  reconnect?: () => Promise<ActionOutcome>,
): NeedsYou {
  const reason = h(doc, 'p', { id: 'sync-needs-you-reason' }, '');
  const remove = h(doc, 'button', { type: 'button', id: 'needs-delete-btn', class: 'tcs-btn tcs-btn-red' }, 'Delete them everywhere');
  const restore = h(doc, 'button', { type: 'button', id: 'needs-restore-btn', class: 'tcs-btn tcs-btn-blue' }, 'Bring them back');
  const signIn = h(doc, 'button', { type: 'button', id: 'needs-reconnect-google-btn', class: 'tcs-btn tcs-btn-blue', hidden: true }, 'Sign in with Google');
  const element = h(
    doc,
    'div',
    { id: 'sync-needs-you', role: 'alert', class: 'tcs-needs-you', hidden: true },
    h(doc, 'strong', {}, 'Sync needs you'),
    reason,
    h(doc, 'div', { class: 'tcs-actions-right' }, restore, remove, signIn),
  );
  signIn.addEventListener('click', async () => {
    if (!reconnect) return;
    signIn.disabled = true;
    try {
      const o = await reconnect();
      say(o.ok ? `✅ ${o.message}` : `❌ ${o.message}`, o.ok ? 'ok' : 'error');
    } finally {
      signIn.disabled = false;
    }
  });
  const run = (a: 'delete' | 'restore') => async () => {
    remove.disabled = restore.disabled = true;
    try {
      const o = await answer(a);
      say(o.ok ? `✅ ${o.message}` : `❌ ${o.message}`, o.ok ? 'ok' : 'error');
    } finally {
      remove.disabled = restore.disabled = false;
    }
  };
  remove.addEventListener('click', run('delete'));
  restore.addEventListener('click', run('restore'));
  return {
    element,
    update(status) {
      const asked = status.state === 'needs-you' ? status.needs : undefined;
      element.hidden = !asked;
      reason.textContent = asked ? asked.reason : '';
      const google = asked?.kind === 'reconnect-google';
      remove.hidden = restore.hidden = google;
      signIn.hidden = !google || !reconnect;
    },
  };
}
