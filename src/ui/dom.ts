/**
 * Building DOM nodes without innerHTML: text is always set as text, so a chat id or a bucket name can never
 * become markup.
 */
export type Attrs = Record<string, string | number | boolean | undefined>;
export type Child = Node | string | null | undefined | false;

function applyAttrs(el: Element, attrs: Attrs): void {
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    el.setAttribute(name, value === true ? '' : String(value));
  }
}

function append(el: Element, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === 'string' ? el.ownerDocument.createTextNode(c) : c);
  }
}

/** An HTML element: h(doc, 'button', { id: 'save-settings', type: 'button' }, 'Save'). */
export function h<K extends keyof HTMLElementTagNameMap>(doc: Document, tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = doc.createElement(tag);
  applyAttrs(el, attrs);
  append(el, children);
  return el;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** An SVG element (icons). */
export function s(doc: Document, tag: string, attrs: Attrs = {}, ...children: Child[]): SVGElement {
  const el = doc.createElementNS(SVG_NS, tag) as SVGElement;
  applyAttrs(el, attrs);
  append(el, children);
  return el;
}

/** The original's sync glyph (original-ui.md §1.4): two arcs with arrow heads, drawn in currentColor. */
export function syncIcon(doc: Document, size: number, className: string): SVGElement {
  return s(
    doc,
    'svg',
    {
      class: className,
      width: size,
      height: size,
      viewBox: '0 0 18 18',
      fill: 'none',
      stroke: 'currentColor',
      'stroke-width': '1.5',
      'stroke-linecap': 'round',
      'stroke-linejoin': 'round',
      'aria-hidden': 'true',
      focusable: 'false',
    },
    s(doc, 'path', { d: 'M9 4.5A4.5 4.5 0 0114.5 9' }),
    s(doc, 'path', { d: 'M9 13.5A4.5 4.5 0 013.5 9' }),
    s(doc, 'polyline', { points: '9,2.5 9,4.5 11,4.5' }),
    s(doc, 'polyline', { points: '9,15.5 9,13.5 7,13.5' }),
  );
}

/** The accordion chevron (path M19 9l-7 7-7-7). */
export function chevronIcon(doc: Document, id: string): SVGElement {
  return s(
    doc,
    'svg',
    { id, class: 'tcs-chevron', width: 16, height: 16, viewBox: '0 0 24 24', fill: 'none', stroke: 'currentColor', 'stroke-width': '2', 'aria-hidden': 'true', focusable: 'false' },
    s(doc, 'path', { d: 'M19 9l-7 7-7-7', 'stroke-linecap': 'round', 'stroke-linejoin': 'round' }),
  );
}
