/**
 * A collapsible section of the modal with the original's ids (`<name>-header`, `<name>-content`,
 * `<name>-chevron`), and the accordion rule: at most one section open (original-ui.md §2.4).
 * The header is a real button with aria-expanded, so it works from the keyboard and with screen readers.
 */
import { chevronIcon, h, type Child } from './dom';

export interface Section {
  name: string;
  root: HTMLElement;
  header: HTMLButtonElement;
  body: HTMLElement;
}

export function buildSection(doc: Document, name: string, title: string, headerExtra: Child, ...content: Child[]): Section {
  const body = h(doc, 'div', { id: `${name}-content`, class: 'tcs-section-body', role: 'region', 'aria-labelledby': `${name}-header`, hidden: true }, ...content);
  const header = h(
    doc,
    'button',
    { type: 'button', id: `${name}-header`, class: 'tcs-section-header', 'aria-expanded': 'false', 'aria-controls': `${name}-content` },
    h(doc, 'span', { class: 'tcs-section-title' }, title, headerExtra ? ' ' : '', headerExtra),
    chevronIcon(doc, `${name}-chevron`),
  );
  const root = h(doc, 'div', { class: 'tcs-section', 'data-section': name }, header, body);
  return { name, root, header, body };
}

/** Opens `name` and closes every other section; null closes all. */
export function openOnly(sections: Section[], name: string | null): void {
  for (const s of sections) {
    const open = s.name === name;
    s.body.hidden = !open;
    s.header.setAttribute('aria-expanded', String(open));
  }
}

/** Wires the headers: a click on a closed section opens it alone; on the open one, closes it. */
export function wireAccordion(sections: Section[]): void {
  for (const s of sections) {
    s.header.addEventListener('click', () => openOnly(sections, s.body.hidden ? s.name : null));
  }
}
