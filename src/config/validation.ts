/**
 * Validation of every setting, with messages a person can act on. Pure: every function takes values and
 * returns problems (all of them, one per field at most), never throws, never touches storage.
 */
import { bucketNameProblem } from './bucket-name';
import { checkEndpoint, isAwsEndpoint, type Checked } from './endpoint';
import { isStorageType } from './stored-settings';
import {
  DEFAULTS,
  type SealedCredentials,
  type SettingsField,
  type SettingsForm,
  type SettingsProblem,
  type StorageType,
  type StoredSettings,
} from './settings-model';

export type { Checked } from './endpoint';

const GOOGLE_CLIENT_ID_SUFFIX = '.apps.googleusercontent.com';

function numberText(raw: string | number | undefined): string {
  return raw === undefined ? '' : String(raw).trim();
}

/** Seconds between syncs. Empty means the default (15), as in the original; anything else must be a whole number ≥ 15. */
export function checkSyncInterval(raw: string | number | undefined): Checked<number> {
  const text = numberText(raw);
  if (text === '') return { ok: true, value: DEFAULTS.syncIntervalS };
  if (!/^\d+$/.test(text)) {
    return { ok: false, message: `Sync interval must be a whole number of seconds, such as 15 or 60 ("${text}" is not).` };
  }
  const value = Number(text);
  if (value < DEFAULTS.minSyncIntervalS) return { ok: false, message: 'Sync interval must be at least 15 seconds.' };
  if (value > DEFAULTS.maxSyncIntervalS) {
    return { ok: false, message: `Sync interval can be at most ${DEFAULTS.maxSyncIntervalS} seconds (one day).` };
  }
  return { ok: true, value };
}

/** Seconds a changed item must stay unchanged before upload. Empty means the default (3). */
export function checkQuietPeriod(raw: string | number | undefined): Checked<number> {
  const text = numberText(raw);
  if (text === '') return { ok: true, value: DEFAULTS.quietPeriodS };
  const value = /^\d+(\.\d+)?$/.test(text) ? Number(text) : Number.NaN;
  if (!(value >= 0 && value <= DEFAULTS.maxQuietPeriodS)) {
    return {
      ok: false,
      message: `The quiet period before upload must be a number of seconds from 0 to ${DEFAULTS.maxQuietPeriodS} ("${text}" is not).`,
    };
  }
  return { ok: true, value };
}

/** Percent of synced items one sync may delete before it asks. Empty means the default (50). */
export function checkMassDeleteThreshold(raw: string | number | undefined): Checked<number> {
  const text = numberText(raw).replace(/\s*%$/, '');
  if (text === '') return { ok: true, value: DEFAULTS.massDeleteThresholdPct };
  const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!(value >= 1 && value <= 100)) {
    return { ok: false, message: `The mass-deletion threshold must be a whole percentage from 1 to 100 ("${text}" is not).` };
  }
  return { ok: true, value };
}

export function checkStorageType(raw: string): Checked<StorageType> {
  const text = raw.trim();
  if (isStorageType(text)) return { ok: true, value: text };
  return {
    ok: false,
    message: `Storage provider must be "s3" (Amazon S3 or S3-compatible) or "googleDrive" (Google Drive); "${text}" is not supported.`,
  };
}

export function checkRegion(raw: string): Checked<string> {
  const text = raw.trim();
  if (text === '') return { ok: false, message: "Enter the bucket's region, for example us-east-1 (Cloudflare R2 uses auto)." };
  if (!/^[A-Za-z0-9_-]+$/.test(text)) {
    return { ok: false, message: `A region is a short name such as us-east-1 or auto, without spaces or dots ("${text}" is not).` };
  }
  return { ok: true, value: text };
}

export function checkBucket(raw: string, endpoint: string): Checked<string> {
  const text = raw.trim();
  if (text === '') return { ok: false, message: 'Enter the name of your bucket.' };
  const problem = bucketNameProblem(text, { aws: isAwsEndpoint(endpoint) });
  return problem ? { ok: false, message: problem } : { ok: true, value: text };
}

function checkKeyText(raw: string, what: string, missing: string): Checked<string> {
  const text = raw.trim();
  if (text === '') return { ok: false, message: missing };
  if (/\s/.test(text)) return { ok: false, message: `The ${what} contains a space or a line break; copy it again without them.` };
  return { ok: true, value: text };
}

export function checkAccessKeyId(raw: string): Checked<string> {
  return checkKeyText(raw, 'access key', 'Enter the access key ID of a key that may read and write this bucket.');
}

export function checkSecretAccessKey(raw: string): Checked<string> {
  return checkKeyText(raw, 'secret key', 'Enter the secret access key that belongs to the access key.');
}

export function checkGoogleClientId(raw: string): Checked<string> {
  const text = raw.trim();
  if (text === '') {
    return { ok: false, message: 'Enter your Google Cloud OAuth client ID (see "How to get a Google Client ID?").' };
  }
  if (/\s/.test(text) || !text.endsWith(GOOGLE_CLIENT_ID_SUFFIX)) {
    return {
      ok: false,
      message: `A Google client ID ends with "${GOOGLE_CLIENT_ID_SUFFIX}"; copy the whole "Client ID" value from the Google Cloud console.`,
    };
  }
  return { ok: true, value: text };
}

export const PASSWORD_REQUIRED =
  'Enter the encryption password. Every device that shares this storage must use the same one; it is never sent or stored.';

interface CurrentState {
  settings: StoredSettings;
  credentials: SealedCredentials;
  /** Keys derived from a password are stored on this device. */
  hasKeys: boolean;
}

/**
 * Why the saved configuration cannot sync yet: required fields per provider (s3: bucket, region, access
 * key, secret key, password; googleDrive: client id, password) and stored values that are not valid.
 */
export function findConfigProblems(state: CurrentState): SettingsProblem[] {
  const { settings, credentials } = state;
  const problems: SettingsProblem[] = [];
  const add = (field: SettingsField, result: Checked<unknown>) => {
    if (!result.ok) problems.push({ field, message: result.message });
  };
  if (settings.unknownStorageType !== undefined) add('storageType', checkStorageType(settings.unknownStorageType));
  if (settings.storageType === 's3') {
    const endpoint = checkEndpoint(settings.endpoint);
    add('bucket', checkBucket(settings.bucket, endpoint.ok ? endpoint.value : settings.endpoint));
    add('region', checkRegion(settings.region));
    add('accessKeyId', checkAccessKeyId(credentials.accessKeyId ?? ''));
    add('secretAccessKey', checkSecretAccessKey(credentials.secretAccessKey ?? ''));
    add('endpoint', endpoint);
  } else {
    add('googleClientId', checkGoogleClientId(settings.googleClientId));
  }
  if (!state.hasKeys) problems.push({ field: 'password', message: PASSWORD_REQUIRED });
  return problems;
}

export interface CheckedForm {
  problems: SettingsProblem[];
  /** Non-secret settings to write (only those the form changed). */
  settings: Partial<StoredSettings>;
  /** The credentials after the form is applied (merged with the saved ones). */
  credentials: SealedCredentials;
  /** A newly typed password (trimmed, as the original's modal does), to derive keys from. */
  password?: string;
}

/**
 * Checks what the modal sends, field by field, then checks that the result is a complete configuration
 * for the chosen provider. Nothing is written unless `problems` is empty.
 */
export function checkSettingsForm(form: SettingsForm, current: CurrentState): CheckedForm {
  const problems: SettingsProblem[] = [];
  const settings: Partial<StoredSettings> = {};
  const credentials: SealedCredentials = { ...current.credentials };
  const take = <R, T>(field: SettingsField, raw: R | undefined, check: (raw: R) => Checked<T>, apply: (value: T) => void) => {
    if (raw === undefined) return;
    const result = check(raw);
    if (result.ok) apply(result.value);
    else problems.push({ field, message: result.message });
  };

  take('storageType', form.storageType, checkStorageType, (v) => (settings.storageType = v));
  const storageType = settings.storageType ?? current.settings.storageType;
  take('endpoint', form.endpoint, checkEndpoint, (v) => (settings.endpoint = v));
  const endpoint = settings.endpoint ?? current.settings.endpoint;
  // Fields of the provider not chosen are kept as typed when valid, and ignored (not blocking) when not:
  // a half-filled S3 form must not stop a Google Drive save.
  const forProvider = (provider: StorageType, field: SettingsField, raw: string | undefined, check: (s: string) => Checked<string>, apply: (v: string) => void) => {
    if (raw === undefined) return;
    if (provider !== storageType) {
      const r = check(raw);
      if (r.ok) apply(r.value);
      return;
    }
    take(field, raw, check, apply);
  };
  forProvider('s3', 'bucket', form.bucket, (s) => checkBucket(s, endpoint), (v) => (settings.bucket = v));
  forProvider('s3', 'region', form.region, checkRegion, (v) => (settings.region = v));
  forProvider('s3', 'accessKeyId', form.accessKeyId, checkAccessKeyId, (v) => (credentials.accessKeyId = v));
  forProvider('s3', 'secretAccessKey', form.secretAccessKey, checkSecretAccessKey, (v) => (credentials.secretAccessKey = v));
  forProvider('googleDrive', 'googleClientId', form.googleClientId, checkGoogleClientId, (v) => (settings.googleClientId = v));
  take('syncInterval', form.syncInterval, checkSyncInterval, (v) => (settings.syncIntervalS = v));
  take('quietPeriod', form.quietPeriod, checkQuietPeriod, (v) => (settings.quietPeriodS = v));
  take('massDeleteThreshold', form.massDeleteThreshold, checkMassDeleteThreshold, (v) => (settings.massDeleteThresholdPct = v));
  if (form.exclusions !== undefined) settings.exclusions = form.exclusions.trim();
  if (form.autoSync !== undefined) settings.autoSync = form.autoSync;
  if (form.logging !== undefined) settings.logging = form.logging;

  const password = form.password?.trim() ?? '';
  const merged: StoredSettings = { ...current.settings, ...settings };
  if (settings.storageType !== undefined) delete merged.unknownStorageType;
  const completeness = findConfigProblems({ settings: merged, credentials, hasKeys: current.hasKeys || password !== '' });
  const reported = new Set(problems.map((p) => p.field));
  for (const p of completeness) if (!reported.has(p.field)) problems.push(p);

  return { problems, settings, credentials, ...(password !== '' ? { password } : {}) };
}
