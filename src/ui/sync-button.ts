/**
 * The sidebar "Sync" button (original-ui.md §1.2–1.5): inserted right after TypingMind's Chat tab, with the
 * Settings tab's classes (minus its active/selected state), the sync icon, the label "Sync", and the status
 * dot `#sync-status-dot`. Icon-only when the sidebar is pinned (Settings has w-9 and h-9).
 *
 * Unlike the original, it keeps watching for as long as the page lives: if TypingMind re-renders the sidebar
 * away (or shows the Chat tab late), the button comes back, and the dot keeps its last colour.
 */
import type { SyncStatus } from '../api';
import { h, syncIcon } from './dom';
import { dotFor } from './status-dot';
import { ensureStyles } from './styles';

export const BUTTON_ID = 'workspace-tab-cloudsync';
const CHAT_SELECTOR = 'button[data-element-id="workspace-tab-chat"]';
const SETTINGS_SELECTOR = 'button[data-element-id="workspace-tab-settings"]';

/** The Settings tab's classes minus its state classes (active, selected, aria-*). Pure. */
export function copyableClasses(settingsClassName: string): string[] {
  return settingsClassName
    .split(/\s+/)
    .filter((c) => c !== '' && c !== 'active' && c !== 'selected' && !c.startsWith('aria-'));
}

/** Pinned (icon-only) sidebar: the Settings tab is a 36 px square. */
export function isPinned(classes: string[]): boolean {
  return classes.includes('w-9') && classes.includes('h-9');
}

export interface SyncButtonHandle {
  /** Shows a status on the dot (kept across re-insertions). */
  setStatus(status: SyncStatus): void;
  /** Stops watching the page and removes the button. */
  dispose(): void;
}

function buildContent(doc: Document, pinned: boolean): Node[] {
  const size = pinned ? 18 : 16;
  const wrap = h(
    doc,
    'div',
    { class: pinned ? 'tcs-icon-wrap relative w-[18px] h-[18px] flex-shrink-0' : 'tcs-icon-wrap relative w-4 h-4 flex-shrink-0' },
    syncIcon(doc, size, pinned ? 'w-[18px] h-[18px] flex-shrink-0' : 'w-4 h-4 flex-shrink-0'),
    h(doc, 'div', { id: 'sync-status-dot', 'aria-hidden': 'true' }),
  );
  if (pinned) return [wrap];
  return [
    wrap,
    h(doc, 'span', { class: 'tcs-label font-normal mx-auto self-stretch text-center text-xs leading-4 md:leading-none w-full md:w-[51px]' }, 'Sync'),
  ];
}

/**
 * Mounts the button and keeps it there. `onClick` opens the modal.
 * Returns a handle; the button can be mounted before the Chat tab exists.
 */
export function mountSyncButton(doc: Document, onClick: () => void): SyncButtonHandle {
  ensureStyles(doc);
  let lastStatus: SyncStatus | undefined;
  let renderedFor = '';

  const applyDot = (button: Element) => {
    const dot = button.querySelector<HTMLElement>('#sync-status-dot');
    if (!dot || !lastStatus) return;
    const look = dotFor(lastStatus);
    dot.style.backgroundColor = look.color;
    dot.style.display = look.visible ? 'block' : 'none';
    button.setAttribute('aria-label', `Cloud Sync: ${look.label}`);
  };

  const render = (button: HTMLButtonElement, settings: Element | null) => {
    const classes = settings ? copyableClasses(settings.className) : [];
    const pinned = isPinned(classes);
    const wanted = [...classes, 'tcs-sync-button', ...(pinned ? ['tcs-pinned'] : [])].join(' ');
    // Compare first: writing the same value would still be a mutation, and our observer would see it again.
    if (button.className !== wanted) button.className = wanted;
    const key = pinned ? 'pinned' : 'expanded';
    if (renderedFor !== key) {
      renderedFor = key;
      button.replaceChildren(...buildContent(doc, pinned));
      if (pinned) button.setAttribute('data-tooltip-content', 'Sync');
      else button.removeAttribute('data-tooltip-content');
      applyDot(button);
    }
  };

  let button: HTMLButtonElement | null = null;
  const ensure = () => {
    const chat = doc.querySelector(CHAT_SELECTOR);
    if (!chat || !chat.parentNode) return;
    const settings = doc.querySelector(SETTINGS_SELECTOR);
    if (!button) {
      button = h(doc, 'button', {
        type: 'button',
        'data-element-id': BUTTON_ID,
        'data-tooltip-id': 'global',
        'data-tooltip-place': 'right',
        'aria-haspopup': 'dialog',
        'aria-label': 'Cloud Sync',
      });
      button.addEventListener('click', (e) => {
        e.preventDefault();
        onClick();
      });
    }
    // Only when it is gone from the tab bar: never fight another script that also inserts after Chat.
    if (!button.isConnected || button.parentNode !== chat.parentNode) chat.parentNode.insertBefore(button, chat.nextSibling);
    render(button, settings);
  };

  ensure();
  const observer = new MutationObserver(ensure);
  const watch = () => {
    // Whole body: TypingMind may replace the tab bar, the Chat tab or the Settings tab at any time.
    observer.observe(doc.body, { childList: true, subtree: true, attributes: true, attributeFilter: ['class'] });
    ensure();
  };
  if (doc.body) watch();
  else doc.addEventListener('DOMContentLoaded', watch, { once: true });

  return {
    setStatus(status) {
      lastStatus = status;
      if (button) applyDot(button);
    },
    dispose() {
      observer.disconnect();
      button?.remove();
      button = null;
    },
  };
}
