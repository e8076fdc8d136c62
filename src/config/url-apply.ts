/**
 * Deciding which URL-parameter values to apply. Pure. Unlike the original, each value is validated first:
 * a bad one (say `syncinterval=abc`, which made the original sync in a tight loop) is not applied and is
 * reported; the saved value stays. Valid values are applied, as the original does.
 */
import { checkEndpoint } from './endpoint';
import type { SealedCredentials, SettingsField, SettingsProblem, StoredSettings } from './settings-model';
import type { UrlConfig, UrlValues } from './url-params';
import {
  checkAccessKeyId,
  checkBucket,
  checkGoogleClientId,
  checkRegion,
  checkSecretAccessKey,
  checkStorageType,
  checkSyncInterval,
  type Checked,
} from './validation';

/** The URL parameter each field came from, for messages. */
const PARAM_OF: Record<keyof UrlValues, string> = {
  storageType: 'storagetype',
  bucket: 'bucket',
  region: 'region',
  accessKeyId: 'accesskey',
  secretAccessKey: 'secretkey',
  endpoint: 'endpoint',
  password: 'encryptionkey',
  syncInterval: 'syncinterval',
  exclusions: 'exclusions',
  googleClientId: 'googleclientid',
};

const FIELD_OF: Record<keyof UrlValues, SettingsField> = {
  storageType: 'storageType',
  bucket: 'bucket',
  region: 'region',
  accessKeyId: 'accessKeyId',
  secretAccessKey: 'secretAccessKey',
  endpoint: 'endpoint',
  password: 'password',
  syncInterval: 'syncInterval',
  exclusions: 'exclusions',
  googleClientId: 'googleClientId',
};

export interface UrlChanges {
  settings: Partial<StoredSettings>;
  credentials: SealedCredentials;
  /** Exactly as given (the original does not trim a URL password, and the key must match its derivation). */
  password?: string;
  problems: SettingsProblem[];
}

export function checkUrlValues(url: UrlConfig, current: StoredSettings): UrlChanges {
  const { values } = url;
  const out: UrlChanges = { settings: {}, credentials: {}, problems: [] };
  const reject = (name: keyof UrlValues, message: string) =>
    out.problems.push({
      field: FIELD_OF[name],
      message: `The "${PARAM_OF[name]}" value in the page address was not applied: ${message}`,
    });
  const take = <T>(name: keyof UrlValues, check: (raw: string) => Checked<T>, apply: (v: T) => void) => {
    const raw = values[name];
    if (raw === undefined) return;
    const result = check(raw);
    if (result.ok) apply(result.value);
    else reject(name, result.message);
  };

  take('storageType', checkStorageType, (v) => (out.settings.storageType = v));
  take('endpoint', checkEndpoint, (v) => (out.settings.endpoint = v));
  const endpoint = out.settings.endpoint ?? current.endpoint;
  take('bucket', (s) => checkBucket(s, endpoint), (v) => (out.settings.bucket = v));
  take('region', checkRegion, (v) => (out.settings.region = v));
  take('syncInterval', checkSyncInterval, (v) => (out.settings.syncIntervalS = v));
  take('googleClientId', checkGoogleClientId, (v) => (out.settings.googleClientId = v));
  take('accessKeyId', checkAccessKeyId, (v) => (out.credentials.accessKeyId = v));
  take('secretAccessKey', checkSecretAccessKey, (v) => (out.credentials.secretAccessKey = v));
  // The original writes the exclusions as given; there is nothing to check in a comma-separated list.
  if (values.exclusions !== undefined) out.settings.exclusions = values.exclusions;
  if (values.password !== undefined) out.password = values.password;
  for (const name of url.undecodable) {
    reject(name, 'it is not valid URL encoding (a "%" not followed by two hex digits). Enter it in the Cloud Sync settings instead.');
  }
  return out;
}
