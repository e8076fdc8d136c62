/**
 * The settings fields of the modal: which element holds which setting (the original's ids, original-ui.md
 * §2.7–2.8, plus two new ones), reading them into a SettingsForm, filling them, and showing problems under
 * each field.
 */
import type { SettingsField, SettingsForm, SettingsProblem } from './controller';

export const FIELD_IDS: Record<SettingsField, string> = {
  storageType: 'storage-type-select',
  bucket: 'aws-bucket',
  region: 'aws-region',
  accessKeyId: 'aws-access-key',
  secretAccessKey: 'aws-secret-key',
  endpoint: 'aws-endpoint',
  googleClientId: 'google-client-id',
  password: 'encryption-key',
  syncInterval: 'sync-interval',
  exclusions: 'sync-exclusions',
  quietPeriod: 'quiet-period',
  massDeleteThreshold: 'mass-delete-threshold',
};

/** Fields whose saved value may be unknown to the modal: left empty, they keep what is saved. */
const KEEP_WHEN_EMPTY: SettingsField[] = ['password', 'accessKeyId', 'secretAccessKey'];

export const errorId = (field: SettingsField) => `${FIELD_IDS[field]}-error`;

function input(root: ParentNode, field: SettingsField): HTMLInputElement | HTMLSelectElement | null {
  return root.querySelector<HTMLInputElement | HTMLSelectElement>(`#${FIELD_IDS[field]}`);
}

/** Reads every field as typed. An empty secret field means "keep the saved one" (undefined). */
export function readForm(root: ParentNode): SettingsForm {
  const form: Record<string, string> = {};
  for (const field of Object.keys(FIELD_IDS) as SettingsField[]) {
    const el = input(root, field);
    if (!el) continue;
    if (KEEP_WHEN_EMPTY.includes(field) && el.value === '') continue;
    form[field] = el.value;
  }
  return form as SettingsForm;
}

/** Puts saved values into the fields (as .value, never markup). */
export function fillForm(root: ParentNode, form: SettingsForm): void {
  for (const field of Object.keys(FIELD_IDS) as SettingsField[]) {
    const el = input(root, field);
    const value = (form as Record<string, unknown>)[field];
    if (el && value !== undefined && value !== null) el.value = String(value);
  }
}

export function clearProblems(root: ParentNode): void {
  for (const field of Object.keys(FIELD_IDS) as SettingsField[]) {
    const el = input(root, field);
    el?.removeAttribute('aria-invalid');
    const err = root.querySelector(`#${errorId(field)}`);
    if (err) err.textContent = '';
  }
}

/** Shows each problem under its field; returns the first field with a problem (to focus it). */
export function showProblems(root: ParentNode, problems: SettingsProblem[]): HTMLElement | null {
  clearProblems(root);
  let first: HTMLElement | null = null;
  for (const p of problems) {
    const el = input(root, p.field);
    const err = root.querySelector(`#${errorId(p.field)}`);
    if (!el || !err) continue;
    el.setAttribute('aria-invalid', 'true');
    err.textContent = err.textContent ? `${err.textContent} ${p.message}` : p.message;
    first ??= el;
  }
  return first;
}
