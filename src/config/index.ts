export { loadConfig } from './load-config';
export { prepareSettings, saveSettings, saveGoogleToken, setAutoSync, setLogging, type PreparedSave, type SaveResult } from './save-settings';
export { forgetDevice, type ForgetResult } from './forget-device';
export {
  DEFAULTS,
  STORAGE_TYPES,
  type ConfigEnv,
  type ContentKeys,
  type GoogleToken,
  type ResolvedConfig,
  type S3Config,
  type SettingsField,
  type SettingsForm,
  type SettingsProblem,
  type StorageType,
} from './settings-model';
export { checkSettingsForm, findConfigProblems } from './validation';
export { parseConfigUrl, takeConfigFromUrl, STRIPPED_PARAMS, type UrlConfig } from './url-params';
export { parseExclusions } from './stored-settings';
export { LS as SETTINGS_KEYS, OWN_DB_PREFIX, OWN_KEY_PREFIX, SECRETS_DB } from './storage-keys';
