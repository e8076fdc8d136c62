/**
 * Turning browser storage failures into errors a person can act on. Pure.
 */
import { CloudSyncError } from '../errors';

function errorName(e: unknown): string {
  if (e && typeof e === 'object' && 'name' in e && typeof (e as { name: unknown }).name === 'string') {
    return (e as { name: string }).name;
  }
  return '';
}

function errorText(e: unknown): string {
  if (e instanceof Error || (e && typeof e === 'object' && 'message' in e)) {
    const name = errorName(e);
    const message = String((e as { message: unknown }).message ?? '');
    return [name, message].filter(Boolean).join(': ') || 'unknown error';
  }
  return String(e);
}

/** Browsers name a full disk differently: Chrome/Safari QuotaExceededError (code 22), old Firefox NS_ERROR_DOM_QUOTA_REACHED (1014). */
export function isQuotaError(e: unknown): boolean {
  const name = errorName(e);
  if (name === 'QuotaExceededError' || name === 'NS_ERROR_DOM_QUOTA_REACHED') return true;
  const code = e && typeof e === 'object' ? (e as { code?: unknown }).code : undefined;
  return code === 22 || code === 1014;
}

export function isInvalidStateError(e: unknown): boolean {
  return errorName(e) === 'InvalidStateError';
}

export function quotaExceeded(key: string, cause: unknown): CloudSyncError {
  return new CloudSyncError(
    'quota-exceeded',
    `The browser has no room left for TypingMind's data, so "${key}" was not saved (nothing was half-written). ` +
      'Free some space (delete old chats or attachments, or allow this site more storage), then sync again.',
    { cause, details: { key } },
  );
}

export function hostUnavailable(what: string, cause: unknown): CloudSyncError {
  return new CloudSyncError(
    'host-unavailable',
    `Could not ${what} in TypingMind's storage (${errorText(cause)}). Nothing was changed; reload the page and sync again.`,
    { cause },
  );
}

export function excludedKey(key: string): CloudSyncError {
  return new CloudSyncError(
    'access-denied',
    `"${key}" is excluded from sync on this device (it is this extension's own setting or on your exclusion list), ` +
      "so it was not changed in TypingMind's storage.",
    { details: { key } },
  );
}

export function badValue(key: string, expected: string, got: unknown): CloudSyncError {
  const kind = got === null ? 'null' : Array.isArray(got) ? 'array' : typeof got;
  return new CloudSyncError(
    'corrupt-object',
    `The value for "${key}" should be ${expected} but is ${kind}, so it was not written to TypingMind's storage. ` +
      'The copy in the cloud may be damaged; the local copy was kept.',
    { details: { key, expected, got: kind } },
  );
}
