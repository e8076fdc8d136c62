/**
 * Builds what the engine receives from what is stored. Pure.
 */
import { checkEndpoint } from './endpoint';
import { parseExclusions } from './stored-settings';
import { DEFAULTS, type ContentKeys, type ResolvedConfig, type SealedCredentials, type SettingsForm, type SettingsProblem, type StoredSettings } from './settings-model';
import { findConfigProblems } from './validation';

export interface ResolveInput {
  settings: StoredSettings;
  credentials: SealedCredentials;
  /** Sealed credentials exist but could not be opened on this device. */
  credentialsUnreadable: boolean;
  keys: ContentKeys | null;
  noSync: boolean;
  /** `log` in the page address. */
  urlLog: boolean;
  urlProblems: SettingsProblem[];
  openModal: boolean;
}

const UNREADABLE =
  'The access keys saved on this device could not be read (the browser may have cleared part of the site data). Enter them again and Save.';

export function buildResolvedConfig(input: ResolveInput): ResolvedConfig {
  const { settings, credentials } = input;
  const problems = findConfigProblems({ settings, credentials, hasKeys: input.keys !== null }).map((p) =>
    input.credentialsUnreadable && (p.field === 'accessKeyId' || p.field === 'secretAccessKey') ? { ...p, message: UNREADABLE } : p,
  );
  const endpoint = checkEndpoint(settings.endpoint);
  const s3Ready =
    settings.storageType === 's3' &&
    settings.bucket !== '' &&
    settings.region !== '' &&
    endpoint.ok &&
    !!credentials.accessKeyId &&
    !!credentials.secretAccessKey;

  return {
    storageType: settings.storageType,
    ...(s3Ready
      ? {
          s3: {
            bucket: settings.bucket,
            region: settings.region,
            ...(endpoint.ok && endpoint.value !== '' ? { endpoint: endpoint.value } : {}),
            accessKeyId: credentials.accessKeyId!,
            secretAccessKey: credentials.secretAccessKey!,
          },
        }
      : {}),
    ...(settings.googleClientId !== '' ? { googleClientId: settings.googleClientId } : {}),
    ...(credentials.googleToken ? { googleToken: credentials.googleToken } : {}),
    // The original's runtime rule Math.max(interval, 15 s), without its NaN: the stored value is parsed with a fallback.
    syncIntervalMs: Math.max(settings.syncIntervalS, DEFAULTS.minSyncIntervalS) * 1000,
    quietPeriodMs: Math.round(settings.quietPeriodS * 1000),
    massDeleteThreshold: settings.massDeleteThresholdPct / 100,
    userExclusions: parseExclusions(settings.exclusions),
    autoSync: settings.autoSync,
    logging: input.urlLog || settings.logging,
    noSync: input.noSync,
    keys: input.keys,
    problems,
    configured: problems.length === 0,
    urlProblems: input.urlProblems,
    openModal: input.openModal,
    form: formValues(settings, credentials),
  };
}

/** The saved values, to fill the settings modal (never the password: it is not stored). */
export function formValues(settings: StoredSettings, credentials: SealedCredentials): SettingsForm {
  return {
    storageType: settings.unknownStorageType ?? settings.storageType,
    bucket: settings.bucket,
    region: settings.region,
    endpoint: settings.endpoint,
    accessKeyId: credentials.accessKeyId ?? '',
    secretAccessKey: credentials.secretAccessKey ?? '',
    googleClientId: settings.googleClientId,
    syncInterval: String(Math.max(settings.syncIntervalS, DEFAULTS.minSyncIntervalS)),
    exclusions: settings.exclusions,
    autoSync: settings.autoSync,
    logging: settings.logging,
    quietPeriod: String(settings.quietPeriodS),
    massDeleteThreshold: String(settings.massDeleteThresholdPct),
  };
}
