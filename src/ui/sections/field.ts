/** One labelled input with its hint and its error line, linked for screen readers. */
import type { SettingsField } from '../controller';
import { h, type Attrs } from '../dom';
import { errorId, FIELD_IDS } from '../form-fields';

export interface FieldSpec {
  field: SettingsField;
  label: string;
  type?: 'text' | 'password' | 'number';
  required?: boolean;
  hint?: string;
  placeholder?: string;
  wide?: boolean;
  attrs?: Attrs;
}

export function buildField(doc: Document, spec: FieldSpec): HTMLElement {
  const id = FIELD_IDS[spec.field];
  const hintId = spec.hint ? `${id}-hint` : undefined;
  const input = h(doc, 'input', {
    id,
    name: spec.field,
    type: spec.type ?? 'text',
    placeholder: spec.placeholder,
    autocomplete: spec.type === 'password' ? 'new-password' : 'off',
    spellcheck: 'false',
    'aria-required': spec.required ? 'true' : undefined,
    'aria-describedby': [errorId(spec.field), hintId].filter(Boolean).join(' '),
    ...spec.attrs,
  });
  return h(
    doc,
    'div',
    { class: spec.wide ? 'tcs-field tcs-wide' : 'tcs-field' },
    h(doc, 'label', { for: id, class: 'tcs-label-text' }, spec.label, spec.required ? ' ' : '', spec.required ? h(doc, 'span', { class: 'tcs-required', 'aria-hidden': 'true' }, '*') : null),
    input,
    spec.hint ? h(doc, 'p', { id: hintId, class: 'tcs-hint' }, spec.hint) : null,
    h(doc, 'p', { id: errorId(spec.field), class: 'tcs-error', role: 'alert' }),
  );
}
