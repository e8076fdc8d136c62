/**
 * Before a recovery writes its first file: is the password the one this data was encrypted with? A few small
 * objects are opened (JSON items before attachments, smallest first). One that opens proves it; when every
 * one found fails the way a wrong password fails, it is wrong. AES-GCM cannot tell a wrong key from a
 * damaged object, so one damaged object among the candidates is not taken for a wrong password.
 */
import type { LiveEntry } from '../cloud/types';
import { CloudSyncError, isCloudSyncError } from '../errors';
import type { CloudStore, GetResult, RequestOptions } from '../providers/cloud-store';
import { decodeObject, type SyncKeys } from '../sync/item-codec';
import { sourceObjectKey } from './source-index';

const CANDIDATES = 3;

export function wrongExportPassword(): CloudSyncError {
  return new CloudSyncError(
    'wrong-password',
    'The encryption password does not open the data in this bucket (or every object tried is damaged). Nothing was written. ' +
      'Use the encryption password from the extension\'s settings on your devices.',
  );
}

/**
 * Throws the wrong-password error, or returns the objects it read (by object key), so they need not be
 * downloaded again.
 */
export async function proveExportPassword(
  store: CloudStore,
  folder: string | null,
  entries: readonly (readonly [string, LiveEntry])[],
  keys: SyncKeys,
  options: RequestOptions = {},
): Promise<Map<string, GetResult>> {
  const read = new Map<string, GetResult>();
  const ordered = [...entries].sort(([, a], [, b]) => Number(a.type === 'blob') - Number(b.type === 'blob') || (a.size ?? 0) - (b.size ?? 0));
  let wrong = 0;
  let tried = 0;
  for (const [key, entry] of ordered) {
    if (tried >= CANDIDATES) break;
    const objectKey = sourceObjectKey(folder, key, entry.type);
    const res = await store.get(objectKey, options);
    read.set(objectKey, res);
    if (res.kind !== 'found') continue;
    tried++;
    try {
      await decodeObject(key, entry, res.body, keys, objectKey);
      return read;
    } catch (e) {
      if (isCloudSyncError(e, 'wrong-password')) wrong++;
    }
  }
  if (tried > 0 && wrong === tried) throw wrongExportPassword();
  return read;
}
