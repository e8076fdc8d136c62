/**
 * Which keys are never synced (original-format.md §8.2, original-behaviour.md §2.3).
 * Pure: the user's list is passed in, so the same rules serve the store, the change feed and the engine.
 */

/** The original's fixed list: this extension's settings and state, plus host keys that must stay per-device. */
export const SYSTEM_EXCLUDED_KEYS: readonly string[] = Object.freeze([
  'tcs_storagetype',
  'tcs_aws_bucketname',
  'tcs_aws_accesskey',
  'tcs_aws_secretkey',
  'tcs_aws_region',
  'tcs_aws_endpoint',
  'tcs_google_clientid',
  'tcs_google_access_token',
  'tcs_google_token_expiry',
  'gsi_client_id',
  'tcs_encryptionkey',
  'tcs_last-cloud-sync',
  'tcs_last-daily-backup',
  'tcs_backup-size',
  'tcs_sync-exclusions',
  'tcs_local-metadata',
  'tcs_localMigrated',
  'tcs_migrationBackup',
  'tcs_last-tombstone-cleanup',
  'tcs_autosync_enabled',
  'referrer',
  'TM_useLastVerifiedToken',
  'TM_useStateUpdateHistory',
  'INSTANCE_ID',
  'eruda-console',
]);

const SYSTEM_SET: ReadonlySet<string> = new Set(SYSTEM_EXCLUDED_KEYS);

/**
 * True when `key` must never be synced: our own `tcs_` keys, Google sign-in's `gsi_` keys, anything of the
 * Eruda console, the system list, or the user's list (exact, case-sensitive names, no wildcards).
 * Unlike the original, this is applied to attachment (Blob) keys too.
 */
export function isExcludedKey(key: string, userList: readonly string[] = []): boolean {
  if (key.startsWith('tcs_') || key.startsWith('gsi_') || key.includes('eruda')) return true;
  if (SYSTEM_SET.has(key)) return true;
  return userList.includes(key);
}

/**
 * The user's exclusion setting (`tcs_sync-exclusions`, URL parameter `exclusions`): comma-separated names,
 * trimmed, empty entries dropped, duplicates dropped. Anything that is not a string yields an empty list,
 * so a damaged setting excludes nothing extra rather than failing the sync.
 */
export function parseExclusionList(text: unknown): string[] {
  if (typeof text !== 'string') return [];
  const seen = new Set<string>();
  for (const part of text.split(',')) {
    const name = part.trim();
    if (name) seen.add(name);
  }
  return [...seen];
}
