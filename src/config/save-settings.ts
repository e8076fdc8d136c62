/**
 * saveSettings: what the modal's Save does with the settings. Everything is validated first and nothing is
 * written when a field is wrong (the original wrote the exclusions before checking, §2.11), and nothing
 * until the caller says the new settings work (prepareSettings, then commit). Checking the
 * connection itself (listing the bucket, signing in to Google) is the setup check's job, not this one.
 */
import { planLegacyImport } from './legacy-import';
import { readResolved } from './load-config';
import { buildResolvedConfig } from './resolve-config';
import { SecretStore } from './secret-store';
import type { ConfigEnv, GoogleToken, ResolvedConfig, SettingsForm, SettingsProblem } from './settings-model';
import { LS } from './storage-keys';
import { deriveKeys, importFromOriginal, mergeCredentials } from './store-secrets';
import { readStoredSettings, settingsEntries } from './stored-settings';
import { parseConfigUrl } from './url-params';
import { checkSettingsForm } from './validation';

export type SaveResult = { ok: true; config: ResolvedConfig } | { ok: false; problems: SettingsProblem[] };

/**
 * Settings checked and ready to store: `config` is what they would be, built in memory (keys derived from a
 * typed password included), so the connection can be checked before anything is written; `commit` writes
 * them. Nothing is written until `commit` is called: a failing setup never replaces a working one.
 */
export type PreparedSave = { ok: true; config: ResolvedConfig; commit(): Promise<ResolvedConfig> } | { ok: false; problems: SettingsProblem[] };

/**
 * Validates the form and builds the configuration it would give, without writing anything. Throws
 * CloudSyncError only when the browser's storage cannot be read.
 */
export async function prepareSettings(env: ConfigEnv, form: SettingsForm): Promise<PreparedSave> {
  const storage = env.localStorage;
  const secrets = new SecretStore(env.indexedDB);
  const get = (k: string) => storage.getItem(k);
  const [keys, creds] = await Promise.all([secrets.readKeys(), secrets.readCredentials()]);

  // Credentials the original obfuscated, still waiting for a password: the typed one can read them now.
  const typed = form.password?.trim() ?? '';
  const waiting = typed !== '' ? planLegacyImport(get, typed).credentials : {};
  const current = {
    settings: readStoredSettings(get),
    credentials: { ...creds.credentials, ...waiting },
    hasKeys: keys !== null,
  };

  const checked = checkSettingsForm(form, current);
  if (checked.problems.length > 0) return { ok: false, problems: checked.problems };

  const newKeys = checked.password !== undefined ? await deriveKeys(checked.password) : undefined;
  const page = env.location ? parseConfigUrl(env.location.search) : parseConfigUrl('');
  const pageFlags = { noSync: page.noSync, urlLog: page.log, urlProblems: [], openModal: false };
  const merged = { ...current.settings, ...checked.settings };
  if (checked.settings.storageType !== undefined) delete merged.unknownStorageType;
  const config = buildResolvedConfig({ settings: merged, credentials: checked.credentials, credentialsUnreadable: false, keys: newKeys ?? keys, ...pageFlags });

  const commit = async () => {
    if (newKeys) await secrets.writeKeys(newKeys);
    await mergeCredentials(secrets, changedCredentials(creds.credentials, checked.credentials));
    for (const [key, value] of settingsEntries(checked.settings)) storage.setItem(key, value);
    // Removes any plaintext the original left behind, now that its contents are sealed.
    await importFromOriginal(storage, secrets, checked.password);
    return readResolved(env, secrets, pageFlags);
  };
  return { ok: true, config, commit };
}

/**
 * Validates the form; derives and stores the keys when a password was typed; seals the credentials;
 * writes the other settings to their `tcs_*` keys. Returns the new configuration, or every problem found.
 * Throws CloudSyncError only when the browser's storage fails. (The modal's Save checks the connection
 * between prepareSettings and its commit instead.)
 */
export async function saveSettings(env: ConfigEnv, form: SettingsForm): Promise<SaveResult> {
  const prepared = await prepareSettings(env, form);
  if (!prepared.ok) return prepared;
  return { ok: true, config: await prepared.commit() };
}

function changedCredentials<T extends object>(before: T, after: T): Partial<T> {
  const out: Partial<T> = {};
  for (const key of Object.keys(after) as (keyof T)[]) {
    if (JSON.stringify(after[key]) !== JSON.stringify(before[key])) out[key] = after[key];
  }
  return out;
}

/** The Auto-Sync checkbox: stored at once, as in the original. */
export function setAutoSync(storage: Storage, enabled: boolean): void {
  storage.setItem(LS.autoSync, enabled ? 'true' : 'false');
}

/**
 * Keeps (or, with null, forgets) the Google sign-in token, sealed like the other credentials, so a reload
 * does not ask to sign in again while the token is valid. For the Google Drive provider.
 */
export async function saveGoogleToken(env: Pick<ConfigEnv, 'indexedDB'>, token: GoogleToken | null): Promise<void> {
  const secrets = new SecretStore(env.indexedDB);
  const current = await secrets.readCredentials();
  const next = { ...current.credentials };
  if (token) next.googleToken = token;
  else delete next.googleToken;
  await secrets.writeCredentials(next);
}

/**
 * The Console Logging checkbox, remembered on this device (the original kept it only as `?log` in the
 * address). `?log` in the address still turns logging on for that page load.
 */
export function setLogging(storage: Storage, enabled: boolean): void {
  storage.setItem(LS.logging, enabled ? 'true' : 'false');
}
