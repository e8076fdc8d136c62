/**
 * "Conflicts": when both devices changed the same item, the sync keeps one version (or merges a chat) and
 * records the other here, so nothing is lost silently. The person can bring the other version back, or
 * dismiss the record. Values are shown as short text previews, never markup.
 */
import type { ConflictItem, ConflictsController } from '../controller';
import { h } from '../dom';
import { buildSection, type Section } from '../section';

type Say = (text: string, tone: 'info' | 'ok' | 'error') => void;

/** A one-line preview of the version that was not kept: a message's content, a string, or compact JSON. Pure. */
export function previewOf(value: unknown, max = 120): string {
  let text: string;
  if (typeof value === 'string') text = value;
  else if (value && typeof value === 'object' && typeof (value as { content?: unknown }).content === 'string') text = (value as { content: string }).content;
  else if (value && typeof value === 'object' && typeof (value as { chatTitle?: unknown }).chatTitle === 'string') text = `Chat "${(value as { chatTitle: string }).chatTitle}"`;
  else if (value instanceof Blob) text = `File (${value.type || 'unknown type'}, ${value.size} bytes)`;
  else {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = String(value);
    }
  }
  text = text.replace(/\s+/g, ' ').trim();
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

const KEPT: Record<ConflictItem['kept'], string> = {
  local: 'kept this device’s version',
  remote: 'kept the other device’s version',
  merged: 'merged; one message differed',
};

export interface ConflictsSection {
  section: Section;
  reload(): Promise<void>;
}

export function buildConflicts(doc: Document, conflicts: ConflictsController, say: Say): ConflictsSection {
  const list = h(doc, 'ul', { id: 'conflicts-list', class: 'tcs-probe', style: 'margin-top:.25rem' });
  const section = buildSection(
    doc,
    'conflicts',
    'Conflicts',
    null,
    h(doc, 'p', { class: 'tcs-hint' }, 'When two devices changed the same item, one version was kept and the other is listed here. Bring it back, or dismiss it.'),
    list,
  );
  const note = (text: string) => list.replaceChildren(h(doc, 'li', {}, text));

  const act = async (button: HTMLButtonElement, work: () => Promise<{ ok: boolean; message: string }>) => {
    button.disabled = true;
    try {
      const o = await work();
      say(o.ok ? `✅ ${o.message}` : `❌ ${o.message}`, o.ok ? 'ok' : 'error');
      if (o.ok) await reload();
    } catch (e) {
      say(`❌ ${e instanceof Error ? e.message : String(e)}`, 'error');
    } finally {
      button.disabled = false;
    }
  };

  const row = (c: ConflictItem) => {
    const restore = h(doc, 'button', { type: 'button', class: 'tcs-btn tcs-btn-green', 'data-action': 'restore', 'data-id': c.id }, 'Use this version');
    const dismiss = h(doc, 'button', { type: 'button', class: 'tcs-btn tcs-btn-plain', 'data-action': 'dismiss', 'data-id': c.id }, 'Dismiss');
    restore.addEventListener('click', () => void act(restore, () => conflicts.restore(c.id)));
    dismiss.addEventListener('click', () => void act(dismiss, () => conflicts.dismiss(c.id)));
    return h(
      doc,
      'li',
      { 'data-conflict-id': c.id, style: 'display:block;padding:.4rem 0;border-bottom:1px solid #3f3f46' },
      h(doc, 'div', { style: 'font-family:ui-monospace,monospace' }, c.key),
      h(doc, 'div', { class: 'tcs-hint' }, `${new Date(c.at).toLocaleString()}: ${KEPT[c.kept] ?? c.kept}`),
      h(doc, 'div', { class: 'tcs-conflict-preview', style: 'margin:.25rem 0;color:#d4d4d8' }, `Other version: ${previewOf(c.discarded)}`),
      h(doc, 'div', { style: 'display:flex;gap:.5rem;justify-content:flex-end' }, dismiss, restore),
    );
  };

  const reload = async () => {
    note('Loading…');
    try {
      const items = [...(await conflicts.list())].sort((a, b) => b.at - a.at);
      if (items.length === 0) note('No conflicts. Every change so far fitted together.');
      else list.replaceChildren(...items.map(row));
    } catch (e) {
      note(`Error loading conflicts: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
  return { section, reload };
}
