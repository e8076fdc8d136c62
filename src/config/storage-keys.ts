/**
 * Where settings live. The non-secret settings keep the original extension's localStorage keys
 * (original-format.md §1.8, original-behaviour.md §2.1–§2.2), so a user's existing settings are picked up on
 * first run and still read by the original if the user switches back. Keys of our own settings carry the
 * same `tcs_` prefix, so every exclusion rule (`tcs_` is never synced) and forgetDevice cover them.
 */
export const LS = {
  // The original's keys.
  storageType: 'tcs_storagetype',
  syncInterval: 'tcs_aws_syncinterval',
  bucket: 'tcs_aws_bucketname',
  region: 'tcs_aws_region',
  endpoint: 'tcs_aws_endpoint',
  googleClientId: 'tcs_google_clientid',
  exclusions: 'tcs_sync-exclusions',
  autoSync: 'tcs_autosync_enabled',
  // The original's secret keys: read once, moved into sealed storage, then removed (legacy-import.ts).
  legacyPassword: 'tcs_encryptionkey',
  legacyAccessKey: 'tcs_aws_accesskey',
  legacySecretKey: 'tcs_aws_secretkey',
  legacyGoogleToken: 'tcs_google_access_token',
  // Ours.
  quietPeriod: 'tcs_quiet_period_s',
  massDeleteThreshold: 'tcs_mass_delete_threshold_pct',
  logging: 'tcs_console_logging',
  /** The first-time notice was dismissed on this device. */
  setupNoticeDismissed: 'tcs_setup_notice_dismissed',
} as const;

/** Every localStorage key this extension (or the original) owns starts with this. */
export const OWN_KEY_PREFIX = 'tcs_';

/** Our own IndexedDB databases all start with this; forgetDevice deletes every one of them. */
export const OWN_DB_PREFIX = 'tcs-cloudsync';

/** The database that holds the non-extractable keys and the sealed credentials. */
export const SECRETS_DB = 'tcs-cloudsync-secrets';
