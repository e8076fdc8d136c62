/**
 * The progress bar and its line ("Downloading 3 of 10…"): a view of the snapshot's `progress`, shown while
 * long work runs and gone as soon as it ends. It has its own line, so the action line keeps what the user's
 * last click said and no progress text outlives the work.
 */
import type { ProgressEvent } from '../../api';
import { h } from '../dom';

const PHASE_TEXT: Record<ProgressEvent['phase'], string> = { upload: 'Uploading', download: 'Downloading', backup: 'Backing up', restore: 'Restoring' };

/** "Uploading 3 of 10…" for work still running; '' otherwise. Pure. */
export function progressText(p: ProgressEvent | undefined): string {
  if (!p || p.total <= 0 || p.done >= p.total) return '';
  return `${PHASE_TEXT[p.phase] ?? p.phase} ${p.done} of ${p.total}…`;
}

export interface ProgressView {
  element: HTMLElement;
  update(p: ProgressEvent | undefined): void;
}

export function buildProgress(doc: Document): ProgressView {
  const bar = h(doc, 'progress', { id: 'sync-progress', max: 1, value: 0 });
  const text = h(doc, 'span', { id: 'sync-progress-text' });
  const element = h(doc, 'div', { class: 'tcs-progress', role: 'status', 'aria-live': 'polite', hidden: true }, bar, text);
  return {
    element,
    update(p) {
      const line = progressText(p);
      element.hidden = line === '';
      text.textContent = line;
      if (!p || line === '') return;
      bar.max = Math.max(1, p.total);
      bar.value = Math.min(p.done, p.total);
      bar.setAttribute('aria-label', `${PHASE_TEXT[p.phase] ?? p.phase}: ${p.done} of ${p.total}`);
    },
  };
}
