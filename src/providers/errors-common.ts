/**
 * Provider errors every CloudStore words the same way, whatever the backend.
 */
import { CloudSyncError } from '../errors';

export function abortedError(cause?: unknown): CloudSyncError {
  return new CloudSyncError('aborted', 'The request was cancelled before it finished. Nothing is lost; it will run again on the next sync.', {
    cause,
  });
}

export function preconditionFailed(key: string, cause?: unknown): CloudSyncError {
  return new CloudSyncError(
    'precondition-failed',
    `"${key}" changed in the cloud while this device was writing it (another device synced at the same time). The sync will re-read it and try again.`,
    { cause, details: { key } },
  );
}

export function notFoundForCopy(key: string, cause?: unknown): CloudSyncError {
  return new CloudSyncError('not-found', `Could not copy "${key}": it is not in the cloud storage (it may have been deleted by another device).`, {
    cause,
    details: { key },
  });
}
