/**
 * The settings as data: what is stored, what the modal sends, what the engine receives.
 */

export type StorageType = 's3' | 'googleDrive';
export const STORAGE_TYPES: readonly StorageType[] = ['s3', 'googleDrive'];

export const DEFAULTS = {
  storageType: 's3' as StorageType,
  /** Seconds; also the minimum (original-behaviour.md §2.4). */
  syncIntervalS: 15,
  minSyncIntervalS: 15,
  /** One day: longer than that is surely a typo, and a daily backup relies on regular cycles. */
  maxSyncIntervalS: 86_400,
  /** Seconds a key must stay unchanged before it is uploaded (DESIGN.md, the sync cycle, step 1). */
  quietPeriodS: 3,
  maxQuietPeriodS: 300,
  /** Percent of the synced items a single plan may delete before it asks the user. */
  massDeleteThresholdPct: 50,
} as const;

/** The non-secret settings, as kept in localStorage under the `tcs_*` keys. */
export interface StoredSettings {
  storageType: StorageType;
  /** Raw value of tcs_storagetype when it is not one we know (kept so the message can quote it). */
  unknownStorageType?: string;
  bucket: string;
  region: string;
  endpoint: string;
  googleClientId: string;
  syncIntervalS: number;
  /** Raw comma-separated list, as the original stores it. */
  exclusions: string;
  autoSync: boolean;
  logging: boolean;
  quietPeriodS: number;
  massDeleteThresholdPct: number;
}

/** Cloud credentials: kept only sealed with the device key. */
export interface SealedCredentials {
  accessKeyId?: string;
  secretAccessKey?: string;
  /** Google Identity Services token response plus `iat` (epoch ms), as the original keeps it. */
  googleToken?: GoogleToken;
}

export interface GoogleToken {
  access_token: string;
  expires_in?: number;
  scope?: string;
  token_type?: string;
  /** Epoch ms when the token was issued. */
  iat?: number;
  [extra: string]: unknown;
}

/** The names the modal's fields report problems under (one form field each). */
export type SettingsField =
  | 'storageType'
  | 'bucket'
  | 'region'
  | 'endpoint'
  | 'accessKeyId'
  | 'secretAccessKey'
  | 'googleClientId'
  | 'password'
  | 'syncInterval'
  | 'exclusions'
  | 'quietPeriod'
  | 'massDeleteThreshold';

export interface SettingsProblem {
  field: SettingsField;
  /** For a person: what is wrong and what to do. */
  message: string;
}

/**
 * What the settings modal sends on Save. Text fields carry what the user typed (they are trimmed here).
 * A field left `undefined` keeps its saved value. `password` empty or undefined keeps the keys derived
 * earlier (the password itself is never stored, so the modal cannot show it).
 */
export interface SettingsForm {
  storageType?: string;
  bucket?: string;
  region?: string;
  endpoint?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  googleClientId?: string;
  password?: string;
  /** Seconds, as typed. */
  syncInterval?: string | number;
  /** Comma-separated key names. */
  exclusions?: string;
  autoSync?: boolean;
  logging?: boolean;
  /** Seconds, as typed. */
  quietPeriod?: string | number;
  /** Percent (1–100), as typed. */
  massDeleteThreshold?: string | number;
}

export interface ContentKeys {
  /** AES-GCM key of the original's format (non-extractable). */
  contentKey: CryptoKey;
  /** HMAC key for keyed content hashes in metadata (non-extractable). */
  hashKey: CryptoKey;
}

export interface S3Config {
  bucket: string;
  region: string;
  /** Normalised https URL (or http on localhost); absent for AWS itself. */
  endpoint?: string;
  accessKeyId: string;
  secretAccessKey: string;
}

/** What the engine and the app receive from loadConfig / saveSettings. */
export interface ResolvedConfig {
  storageType: StorageType;
  s3?: S3Config;
  googleClientId?: string;
  googleToken?: GoogleToken;
  syncIntervalMs: number;
  quietPeriodMs: number;
  /** Fraction of synced items (0 < t ≤ 1, default 0.5) a plan may delete without the user's confirmation. */
  massDeleteThreshold: number;
  userExclusions: string[];
  autoSync: boolean;
  logging: boolean;
  noSync: boolean;
  keys: ContentKeys | null;
  /** Why the extension cannot sync yet, per field; empty when configured. */
  problems: SettingsProblem[];
  configured: boolean;
  /** URL parameters that were rejected (their values were not applied); the rest were applied. */
  urlProblems: SettingsProblem[];
  /** A config URL parameter (or `config`/`autoconfig`) asked for the modal to open. */
  openModal: boolean;
  /** The saved values, to fill the settings modal (no password: it is never stored). */
  form: SettingsForm;
}

/** What loadConfig and friends need from the page. Passed in so tests can give doubles. */
export interface ConfigEnv {
  localStorage: Storage;
  indexedDB: IDBFactory;
  location?: Location;
  history?: History;
}
