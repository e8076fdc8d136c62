/**
 * The original's URL parameters (original-behaviour.md §1.3, original-ui.md §2.16), parsed the same way.
 * Pure: `parseConfigUrl` reads a query string, `stripConfigParams` computes the cleaned address; the one
 * function with effects, `takeConfigFromUrl`, reads and cleans the real address bar.
 */

/** Config values a URL may carry, named as the settings form names them. */
export interface UrlValues {
  storageType?: string;
  bucket?: string;
  region?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  endpoint?: string;
  password?: string;
  syncInterval?: string;
  exclusions?: string;
  googleClientId?: string;
}

export interface UrlConfig {
  values: UrlValues;
  /** At least one config value was given. */
  hasConfigParams: boolean;
  /** Open the settings modal (any config value, or `config` / `autoconfig`). */
  openModal: boolean;
  /** `log` present with any value: console logging for this page load. Stays in the URL. */
  log: boolean;
  /** `nosync` present with any value: no automatic sync for this page load. Stays in the URL. */
  noSync: boolean;
  /** Sensitive values that could not be decoded (they are not applied). */
  undecodable: (keyof UrlValues)[];
}

/** Plain parameters: read with URLSearchParams, like the original's `get()` (a `+` becomes a space). */
const PLAIN: [param: string, field: keyof UrlValues][] = [
  ['storagetype', 'storageType'],
  ['bucket', 'bucket'],
  ['bucketname', 'bucket'],
  ['region', 'region'],
  ['endpoint', 'endpoint'],
  ['syncinterval', 'syncInterval'],
  ['exclusions', 'exclusions'],
  ['googleclientid', 'googleClientId'],
];

/** Secrets are re-read from the raw query with decodeURIComponent, so a `+` in a key stays a `+`. */
const SENSITIVE: [param: string, field: keyof UrlValues][] = [
  ['accesskey', 'accessKeyId'],
  ['secretkey', 'secretAccessKey'],
  ['encryptionkey', 'password'],
];

/** Removed from the address bar once read; `log` and `nosync` stay, as in the original. */
export const STRIPPED_PARAMS: readonly string[] = [
  'storagetype',
  'bucket',
  'bucketname',
  'region',
  'accesskey',
  'secretkey',
  'endpoint',
  'encryptionkey',
  'syncinterval',
  'exclusions',
  'googleclientid',
  'config',
  'autoconfig',
];

/** First raw (still percent-encoded) value of `name` in the query, or undefined. */
function rawParam(search: string, name: string): string | undefined {
  for (const part of search.replace(/^\?/, '').split('&')) {
    const eq = part.indexOf('=');
    const key = eq === -1 ? part : part.slice(0, eq);
    if (key === name) return eq === -1 ? '' : part.slice(eq + 1);
  }
  return undefined;
}

export function parseConfigUrl(search: string): UrlConfig {
  const params = new URLSearchParams(search);
  const values: UrlValues = {};
  const undecodable: (keyof UrlValues)[] = [];
  for (const [param, field] of PLAIN) {
    const value = params.get(param);
    // The first non-empty one wins (`bucket` before its alias `bucketname`); an empty value sets nothing.
    if (value && values[field] === undefined) values[field] = value;
  }
  for (const [param, field] of SENSITIVE) {
    const raw = rawParam(search, param);
    if (!raw) continue;
    try {
      values[field] = decodeURIComponent(raw);
    } catch {
      undecodable.push(field);
    }
  }
  const hasConfigParams = Object.keys(values).length > 0 || undecodable.length > 0;
  return {
    values,
    hasConfigParams,
    openModal: hasConfigParams || params.has('config') || params.has('autoconfig'),
    log: params.has('log'),
    noSync: params.has('nosync'),
    undecodable,
  };
}

/** The address without the config parameters, or null when there is nothing to remove. */
export function stripConfigParams(href: string): string | null {
  const url = new URL(href);
  const params = new URLSearchParams(url.search);
  if (!STRIPPED_PARAMS.some((p) => params.has(p))) return null;
  for (const p of STRIPPED_PARAMS) params.delete(p);
  // URLSearchParams re-encodes what it keeps; `log`/`nosync` have no meaningful value, so that is harmless.
  const query = params.toString();
  url.search = query === '' ? '' : `?${query}`;
  return url.toString();
}

/**
 * Reads the config parameters and removes them from the address bar at once, so a password or secret key
 * does not linger in the URL (or get copied, bookmarked or synced as history) while the rest starts up.
 */
export function takeConfigFromUrl(location: Location, history?: History): UrlConfig {
  const config = parseConfigUrl(location.search);
  const cleaned = stripConfigParams(location.href);
  if (cleaned !== null && history) history.replaceState(history.state, '', cleaned);
  return config;
}
