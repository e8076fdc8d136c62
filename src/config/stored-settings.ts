/**
 * Reading and writing the non-secret settings in localStorage, with the original's parsing rules
 * (original-behaviour.md §1.2, §2.1), so a value the original wrote means the same here. Pure: the caller
 * passes the getter and applies the entries.
 */
import { DEFAULTS, STORAGE_TYPES, type StorageType, type StoredSettings } from './settings-model';
import { LS } from './storage-keys';

type Get = (key: string) => string | null;

export function isStorageType(value: string): value is StorageType {
  return (STORAGE_TYPES as readonly string[]).includes(value);
}

export function readStoredSettings(get: Get): StoredSettings {
  const rawType = get(LS.storageType) ?? '';
  const storageType = isStorageType(rawType) ? rawType : DEFAULTS.storageType;
  const quiet = Number.parseFloat(get(LS.quietPeriod) ?? '');
  const threshold = Number.parseInt(get(LS.massDeleteThreshold) ?? '', 10);
  return {
    storageType,
    ...(rawType !== '' && !isStorageType(rawType) ? { unknownStorageType: rawType } : {}),
    bucket: get(LS.bucket) ?? '',
    region: get(LS.region) ?? '',
    endpoint: get(LS.endpoint) ?? '',
    googleClientId: get(LS.googleClientId) ?? '',
    // The original's rule, kept so its stored values read the same: parseInt(v) || 15. The minimum is
    // applied when the interval is used (resolve-config.ts), as the original's Math.max does.
    syncIntervalS: Number.parseInt(get(LS.syncInterval) ?? '', 10) || DEFAULTS.syncIntervalS,
    exclusions: get(LS.exclusions) ?? '',
    // Only the exact string 'true' is on, but a missing key means on (original-behaviour.md §1.2).
    autoSync: (get(LS.autoSync) ?? 'true') === 'true',
    logging: get(LS.logging) === 'true',
    quietPeriodS: Number.isFinite(quiet) && quiet >= 0 && quiet <= DEFAULTS.maxQuietPeriodS ? quiet : DEFAULTS.quietPeriodS,
    massDeleteThresholdPct: threshold >= 1 && threshold <= 100 ? threshold : DEFAULTS.massDeleteThresholdPct,
  };
}

/** The localStorage writes for a set of changed settings (only the given fields). */
export function settingsEntries(changes: Partial<StoredSettings>): [key: string, value: string][] {
  const out: [string, string][] = [];
  const put = (key: string, value: string | number | boolean | undefined) => {
    if (value !== undefined) out.push([key, String(value)]);
  };
  put(LS.storageType, changes.storageType);
  put(LS.bucket, changes.bucket);
  put(LS.region, changes.region);
  put(LS.endpoint, changes.endpoint);
  put(LS.googleClientId, changes.googleClientId);
  put(LS.syncInterval, changes.syncIntervalS);
  put(LS.exclusions, changes.exclusions);
  put(LS.autoSync, changes.autoSync);
  put(LS.logging, changes.logging);
  put(LS.quietPeriod, changes.quietPeriodS);
  put(LS.massDeleteThreshold, changes.massDeleteThresholdPct);
  return out;
}

/** The original's exclusion list format: comma-separated, trimmed, empty entries dropped (§2.3). */
export function parseExclusions(raw: string): string[] {
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}
