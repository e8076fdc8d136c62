/**
 * The one error base every layer throws. `code` is for programs (tests, the engine's decisions);
 * `message` is for a person: it says what happened and what to do, in plain words.
 */
export type ErrorCode =
  // crypto / format
  | 'wrong-password'
  | 'corrupt-object'
  | 'bad-metadata'
  // providers
  | 'bad-credentials'
  | 'expired-credentials'
  | 'bucket-not-found'
  | 'access-denied'
  | 'cors-or-network'
  | 'throttled'
  | 'precondition-failed'
  | 'not-found'
  /** An item whose key no object name of this provider can hold (too long, a broken character): that one item cannot sync. */
  | 'bad-key'
  | 'too-large'
  | 'quota-exceeded'
  | 'reconnect-required'
  | 'aborted'
  | 'provider-error'
  // config
  | 'invalid-settings'
  | 'not-configured'
  // sync
  | 'sync-conflict'
  | 'host-unavailable'
  // runtime (tabs, scheduler)
  | 'no-leader'
  | 'sync-disabled';

export class CloudSyncError extends Error {
  readonly code: ErrorCode;
  /** Extra facts for the log and the diagnostics panel (never secrets). */
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, options: { cause?: unknown; details?: Record<string, unknown> } = {}) {
    super(message);
    this.name = 'CloudSyncError';
    this.code = code;
    this.details = options.details ?? {};
    if (options.cause !== undefined) (this as { cause?: unknown }).cause = options.cause;
  }
}

export function isCloudSyncError(e: unknown, code?: ErrorCode): e is CloudSyncError {
  return e instanceof CloudSyncError && (code === undefined || e.code === code);
}
