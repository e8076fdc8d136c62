/**
 * "Common Settings" (original-ui.md §2.8): interval, encryption key, exclusions; plus the two settings this
 * rebuild adds (quiet period before upload, mass-deletion threshold) and "Forget this device".
 */
import { h } from '../dom';
import { buildSection, type Section } from '../section';
import { buildField } from './field';

export interface CommonSettings {
  section: Section;
  forgetButton: HTMLButtonElement;
}

export function buildCommonSettings(doc: Document): CommonSettings {
  const forgetButton = h(doc, 'button', { type: 'button', id: 'forget-device', class: 'tcs-btn tcs-btn-plain' }, 'Forget this device');
  const section = buildSection(
    doc,
    'common-settings',
    'Common Settings',
    null,
    h(
      doc,
      'div',
      { class: 'tcs-row' },
      buildField(doc, { field: 'syncInterval', label: 'Sync Interval (sec)', type: 'number', attrs: { min: 15, step: 1, inputmode: 'numeric' } }),
      buildField(doc, { field: 'password', label: 'Encryption Key', type: 'password', required: true }),
    ),
    buildField(doc, { field: 'exclusions', label: 'Exclusions (Comma separated)', placeholder: 'e.g., my-setting, another-setting' }),
    h(
      doc,
      'div',
      { class: 'tcs-row' },
      buildField(doc, { field: 'quietPeriod', label: 'Wait before upload (sec)', type: 'number', hint: 'A chat must stop changing this long before it is uploaded.', attrs: { min: 0, step: 1 } }),
      buildField(doc, { field: 'massDeleteThreshold', label: 'Ask before deleting (%)', type: 'number', hint: 'A sync that would delete more than this share of your items asks first.', attrs: { min: 1, max: 100, step: 1 } }),
    ),
    h(
      doc,
      'div',
      { class: 'tcs-danger-zone' },
      forgetButton,
      h(doc, 'p', { class: 'tcs-hint' }, "Removes this extension's keys, credentials and settings from this browser. Your chats and the cloud stay as they are."),
    ),
  );
  return { section, forgetButton };
}
