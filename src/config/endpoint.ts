/**
 * The S3-compatible endpoint: must be https, except on the user's own machine. Pure.
 */

export type Checked<T> = { ok: true; value: T } | { ok: false; message: string };

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Normalises an endpoint to `scheme://host[:port][/path]` with no trailing slash. A bare host name
 * ("s3.example.com") is read as https, because the original handed the value to an SDK that did the same:
 * existing users keep working. Empty means "no endpoint" (AWS itself).
 */
export function checkEndpoint(raw: string): Checked<string> {
  const text = raw.trim();
  if (text === '') return { ok: true, value: '' };
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return {
      ok: false,
      message: `"${text}" is not a web address. Enter the endpoint as https://host, for example https://<account-id>.r2.cloudflarestorage.com.`,
    };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return { ok: false, message: `The endpoint must start with https:// ("${url.protocol}" is not supported).` };
  }
  if (url.protocol === 'http:' && !LOOPBACK_HOSTS.has(url.hostname)) {
    return {
      ok: false,
      message:
        'The endpoint must use https://, so your keys and data are not sent in the clear. ' +
        'Plain http:// is only allowed for a server on this computer (localhost, 127.0.0.1 or [::1]).',
    };
  }
  if (url.username !== '' || url.password !== '') {
    return { ok: false, message: 'Remove the user name and password from the endpoint address; enter the keys in their own fields.' };
  }
  if (url.search !== '' || url.hash !== '') {
    return { ok: false, message: 'The endpoint is only the server address: remove everything after "?" or "#".' };
  }
  const path = url.pathname.replace(/\/+$/, '');
  return { ok: true, value: `${url.protocol}//${url.host}${path}` };
}

/** True when the endpoint is AWS S3 itself (no endpoint, or an amazonaws.com host), where AWS's bucket rules apply in full. */
export function isAwsEndpoint(endpoint: string): boolean {
  if (endpoint === '') return true;
  try {
    const host = new URL(endpoint).hostname;
    return host === 'amazonaws.com' || host.endsWith('.amazonaws.com');
  } catch {
    return false;
  }
}

/**
 * The wire protocol a storage endpoint speaks to a browser, as far as it is known: Cloudflare R2 and Google's
 * storage and Drive APIs answer over HTTP/2; AWS S3 (its REST endpoints speak HTTP/1.1 only) and every
 * endpoint not known here are taken as HTTP/1.1, the safe choice (its 6 connections are what any server takes).
 */
export function endpointProtocol(endpoint: string): 'http/1.1' | 'h2' {
  if (endpoint === '') return 'http/1.1';
  try {
    const host = new URL(endpoint).hostname;
    const h2 = ['r2.cloudflarestorage.com', 'storage.googleapis.com', 'googleapis.com'];
    return h2.some((d) => host === d || host.endsWith(`.${d}`)) ? 'h2' : 'http/1.1';
  } catch {
    return 'http/1.1';
  }
}
