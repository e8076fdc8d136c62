/**
 * Where TypingMind keeps its data (original-format.md §8.1): idb-keyval's default database and store.
 * The database is TypingMind's; this extension never creates or upgrades it.
 */
export const KEYVAL_DATABASE = 'keyval-store';
export const KEYVAL_STORE = 'keyval';
