/**
 * "Storage Provider Settings" (original-ui.md §2.7): the provider select and the S3 or Google Drive fields.
 * Both field groups are built once; switching the select shows one and hides the other, so nothing typed
 * is lost by switching back and forth.
 */
import { h } from '../dom';
import { buildSection, type Section } from '../section';
import { buildField } from './field';

export interface ProviderSettings {
  section: Section;
  select: HTMLSelectElement;
  googleButton: HTMLButtonElement;
  googleStatus: HTMLElement;
  /** Shows the fields of the selected provider. */
  sync(): void;
}

const GUIDE_STEPS = [
  'Open the Google Cloud Console and create a project (or pick one).',
  'Under "APIs & Services", enable the "Google Drive API".',
  'Configure the "OAuth consent screen": user type External, fill in the app name and contacts, and publish it.',
  'Go to "Credentials" > "Create credentials" > "OAuth client ID", application type "Web application".',
  'Under "Authorized JavaScript origins", add the address you use TypingMind at, e.g. https://www.typingmind.com (or http://localhost:3000).',
  'Create it and copy the "Client ID" (it ends with .apps.googleusercontent.com).',
  'Paste it above, then "Sign in with Google".',
  'Choose the same encryption key on every device, then Save.',
];

export function buildProviderSettings(doc: Document): ProviderSettings {
  const select = h(
    doc,
    'select',
    { id: 'storage-type-select', name: 'storageType' },
    h(doc, 'option', { value: 's3' }, 'Amazon S3 (or S3-Compatible)'),
    h(doc, 'option', { value: 'googleDrive' }, 'Google Drive'),
  );
  const s3 = h(
    doc,
    'div',
    { id: 'tcs-s3-fields', 'data-provider': 's3' },
    h(
      doc,
      'div',
      { class: 'tcs-row' },
      buildField(doc, { field: 'bucket', label: 'Bucket Name', required: true, wide: true }),
      buildField(doc, { field: 'region', label: 'Region', required: true, placeholder: 'us-east-1' }),
    ),
    buildField(doc, { field: 'accessKeyId', label: 'Access Key', type: 'password', required: true }),
    buildField(doc, { field: 'secretAccessKey', label: 'Secret Key', type: 'password', required: true }),
    buildField(doc, {
      field: 'endpoint',
      label: 'S3 Compatible Storage Endpoint',
      placeholder: 'Leave empty for AWS S3',
      hint: 'For Cloudflare R2, Wasabi, Backblaze B2, MinIO and others: the https address of the S3 API.',
    }),
  );
  const googleButton = h(doc, 'button', { type: 'button', id: 'google-auth-btn', class: 'tcs-btn tcs-btn-blue tcs-btn-wide', disabled: true }, 'Sign in with Google');
  const googleStatus = h(doc, 'div', { id: 'google-auth-status', role: 'status' }, 'Status: Client ID required.');
  const guide = h(
    doc,
    'div',
    { id: 'google-guide-content', class: 'tcs-guide', hidden: true },
    h(doc, 'strong', {}, 'Follow these steps to create your own Client ID:'),
    h(doc, 'ol', {}, ...GUIDE_STEPS.map((step) => h(doc, 'li', {}, step))),
  );
  const guideToggle = h(doc, 'button', { type: 'button', id: 'toggle-google-guide', class: 'tcs-link', 'aria-expanded': 'false', 'aria-controls': 'google-guide-content' }, 'How to get a Google Client ID?');
  guideToggle.addEventListener('click', () => {
    guide.hidden = !guide.hidden;
    guideToggle.setAttribute('aria-expanded', String(!guide.hidden));
  });
  const drive = h(
    doc,
    'div',
    { id: 'tcs-gdrive-fields', 'data-provider': 'googleDrive', hidden: true },
    buildField(doc, { field: 'googleClientId', label: 'Google Cloud Client ID', required: true }),
    googleButton,
    googleStatus,
    h(doc, 'div', { class: 'tcs-hint', style: 'text-align:center' }, guideToggle),
    guide,
  );
  const clientId = drive.querySelector<HTMLInputElement>('#google-client-id')!;
  const syncGoogleButton = () => {
    googleButton.disabled = clientId.value.trim() === '';
  };
  clientId.addEventListener('input', syncGoogleButton);

  const container = h(doc, 'div', { id: 'provider-settings-container' }, s3, drive);
  const section = buildSection(
    doc,
    'provider-settings',
    'Storage Provider Settings',
    null,
    h(doc, 'div', { class: 'tcs-field' }, h(doc, 'label', { for: 'storage-type-select', class: 'tcs-label-text' }, 'Storage Provider'), select, h(doc, 'p', { id: 'storage-type-select-error', class: 'tcs-error', role: 'alert' })),
    container,
  );
  const sync = () => {
    s3.hidden = select.value !== 's3';
    drive.hidden = select.value !== 'googleDrive';
    syncGoogleButton();
  };
  select.addEventListener('change', sync);
  return { section, select, googleButton, googleStatus, sync };
}
