export * from './types';
export { KEYVAL_DATABASE, KEYVAL_STORE } from './keyval-names';
export { SYSTEM_EXCLUDED_KEYS, isExcludedKey, parseExclusionList } from './exclusions';
export { GENERIC_MIME, needsSniffing, sniffMimeType } from './mime-sniff';
export { isBlobValue } from './blob-values';
export { createHostStore, type ClosableHostStore, type HostStoreOptions } from './host-store';
export type { WaitForDatabaseOptions } from './keyval-connection';
export { installChangeFeed, type ChangeFeedOptions, type ChangeFeedWindow } from './change-feed';
export { DEFAULT_QUIET_MS, DirtySet, type DirtyEntry, type DirtyRef } from './dirty-set';
