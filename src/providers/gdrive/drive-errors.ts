import { CloudSyncError, type ErrorCode } from '../../errors';

/**
 * Reads Drive's error answers and decides what they mean for us. Pure.
 * Drive answers `{"error":{"code":403,"message":"…","errors":[{"reason":"userRateLimitExceeded",…}]}}`.
 */
export interface DriveErrorInfo {
  status: number;
  reason?: string;
  message?: string;
}

export function parseDriveError(status: number, bodyText: string): DriveErrorInfo {
  try {
    const parsed = JSON.parse(bodyText) as { error?: { message?: string; errors?: { reason?: string }[] } };
    const err = parsed?.error;
    return { status, reason: err?.errors?.[0]?.reason, message: err?.message };
  } catch {
    return { status, message: bodyText.slice(0, 200) || undefined };
  }
}

const RATE_LIMIT_REASONS = new Set(['userRateLimitExceeded', 'rateLimitExceeded', 'sharingRateLimitExceeded']);

/** Worth trying again later: rate limits (403 with a rate reason, 429) and server trouble (5xx). */
export function isRetryable(info: DriveErrorInfo): boolean {
  if (info.status === 429 || info.status >= 500) return true;
  return info.status === 403 && info.reason !== undefined && RATE_LIMIT_REASONS.has(info.reason);
}

/**
 * `Retry-After` as milliseconds from `now`: either delay-seconds or an HTTP date. Undefined when
 * absent or unreadable (the caller then uses its own backoff).
 */
export function parseRetryAfter(header: string | null, now: number): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

/** The CloudSyncError a person sees for a Drive answer we will not (or no longer) retry. */
export function toCloudSyncError(info: DriveErrorInfo, context: string): CloudSyncError {
  const details = { status: info.status, reason: info.reason, driveMessage: info.message, context };
  const make = (code: ErrorCode, message: string) => new CloudSyncError(code, message, { details });
  if (info.status === 401) {
    return make('reconnect-required', 'Google Drive no longer accepts this sign-in. Click "Sign in with Google" to reconnect, then sync again.');
  }
  if (info.status === 403 && info.reason === 'storageQuotaExceeded') {
    return make('quota-exceeded', 'Your Google Drive is full. Free some space in Google Drive (or buy more storage), then sync again.');
  }
  if (info.status === 429 || (info.status === 403 && info.reason !== undefined && RATE_LIMIT_REASONS.has(info.reason))) {
    return make('throttled', 'Google Drive is limiting how fast we can send requests. Sync will try again later; nothing was lost.');
  }
  if (info.status === 403 && (info.reason === 'accessNotConfigured' || info.reason === 'SERVICE_DISABLED')) {
    // The most common setup slip: the Drive API is not enabled in the client ID's Cloud project. Google's own
    // message names the project and carries the link that enables it: pass both on (as text, for the modal).
    const link = enableApiLink(info.message);
    const err = make(
      'access-denied',
      `The Google Drive API is not enabled in the Google Cloud project of your client ID. Enable it${link ? ` at ${link}` : ' in the Google Cloud console (APIs & Services → Library → Google Drive API)'}, wait a minute, then try again.` +
        (info.message ? ` Google says: ${info.message}` : ''),
    );
    if (link) err.details.fixUrl = link;
    return err;
  }
  if (info.status === 403) {
    return make(
      'access-denied',
      `Google Drive refused access while ${context} (${info.reason ?? 'forbidden'}). Check that you signed in with the same Google account and OAuth client ID that created the "TypingMind-Cloud-Sync" folder.`,
    );
  }
  if (info.status === 404) {
    return make('not-found', `Google Drive could not find the file or folder while ${context}. It may have been deleted from another device.`);
  }
  if (info.status === 412) {
    return make('precondition-failed', `The file changed on Google Drive while ${context}; it was not overwritten. Sync will re-read it and try again.`);
  }
  if (info.status >= 500) {
    return make('provider-error', `Google Drive had a server problem while ${context} (HTTP ${info.status}). Try again in a few minutes.`);
  }
  return make(
    'provider-error',
    `Google Drive rejected a request while ${context} (HTTP ${info.status}${info.message ? `: ${info.message}` : ''}). Try again; if it keeps happening, copy the log from the diagnostics panel into a bug report.`,
  );
}

/** The https link in Google's message (the page that enables the API), without trailing punctuation. */
export function enableApiLink(message: string | undefined): string | undefined {
  const m = message ? /https:\/\/[^\s"'<>]+/.exec(message) : null;
  return m ? m[0].replace(/[.,;:)\]]+$/, '') : undefined;
}
