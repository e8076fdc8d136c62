/**
 * loadConfig: the configuration at page load, in the original's order (original-behaviour.md §1.2–§1.3)
 * with our fixes: the URL's secrets leave the address bar before anything else runs, the original's
 * plaintext secrets are taken over into the secrets database, and bad URL values are rejected, not applied.
 */
import { SecretStore } from './secret-store';
import { buildResolvedConfig } from './resolve-config';
import type { ConfigEnv, ResolvedConfig, SettingsProblem } from './settings-model';
import { deriveKeys, importFromOriginal, mergeCredentials } from './store-secrets';
import { readStoredSettings, settingsEntries } from './stored-settings';
import { checkUrlValues } from './url-apply';
import { parseConfigUrl, takeConfigFromUrl, type UrlConfig } from './url-params';

const NO_URL: UrlConfig = parseConfigUrl('');

export async function loadConfig(env: ConfigEnv): Promise<ResolvedConfig> {
  // Synchronously, before the first await: nothing else on the page gets to see the secrets in the URL.
  const url = env.location ? takeConfigFromUrl(env.location, env.history) : NO_URL;
  const storage = env.localStorage;
  const secrets = new SecretStore(env.indexedDB);

  await importFromOriginal(storage, secrets, url.values.password);
  const urlProblems = await applyUrlConfig(storage, secrets, url);

  return readResolved(env, secrets, { noSync: url.noSync, urlLog: url.log, urlProblems, openModal: url.openModal });
}

async function applyUrlConfig(storage: Storage, secrets: SecretStore, url: UrlConfig): Promise<SettingsProblem[]> {
  if (!url.hasConfigParams) return [];
  const changes = checkUrlValues(url, readStoredSettings((k) => storage.getItem(k)));
  // Side by side: the key derivation (PBKDF2, on the browser's crypto thread) and the sealing of the credentials
  // (a handful of database round trips) touch different secrets, and a URL-configured first load waits for both.
  await Promise.all([
    changes.password !== undefined ? deriveKeys(changes.password).then((keys) => secrets.writeKeys(keys)) : undefined,
    mergeCredentials(secrets, changes.credentials),
  ]);
  for (const [key, value] of settingsEntries(changes.settings)) storage.setItem(key, value);
  return changes.problems;
}

/** Reads everything stored and builds the engine's view of it. */
export async function readResolved(
  env: Pick<ConfigEnv, 'localStorage' | 'indexedDB'>,
  secrets: SecretStore,
  page: { noSync: boolean; urlLog: boolean; urlProblems: SettingsProblem[]; openModal: boolean },
): Promise<ResolvedConfig> {
  const [keys, creds] = await Promise.all([secrets.readKeys(), secrets.readCredentials()]);
  return buildResolvedConfig({
    settings: readStoredSettings((k) => env.localStorage.getItem(k)),
    credentials: creds.credentials,
    credentialsUnreadable: creds.unreadable,
    keys,
    ...page,
  });
}
