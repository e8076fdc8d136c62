import { CloudSyncError } from '../../errors';

/**
 * Splits a logical key ("items/CHAT_1.json") into Drive folder names and the file name, the way
 * the original lays them out (original-format.md §6.2): every `/` is a folder level. Pure.
 */
export interface DrivePath {
  folders: string[];
  name: string;
}

export function splitKey(key: string): DrivePath {
  const parts = key.split('/');
  if (key === '' || parts.some((p) => p === '')) {
    throw new CloudSyncError(
      'provider-error',
      `The item name "${key}" cannot be stored on Google Drive: it is empty or has an empty folder level ("//", or a "/" at the start or end). Rename the item and sync again.`,
      { details: { key } },
    );
  }
  const name = parts.pop() as string;
  return { folders: parts, name };
}

/**
 * A list prefix: the folders that certainly exist for it, and the part of the last segment that
 * only narrows names ("backups/s-" → folders ["backups"], namePrefix "s-"). Pure.
 */
export function splitPrefix(prefix: string): { folders: string[]; namePrefix: string } {
  const parts = prefix.split('/');
  const namePrefix = parts.pop() as string;
  return { folders: parts.filter((p) => p !== ''), namePrefix };
}
