/**
 * Listing and deleting one backup folder in the bucket. The folder must already be checked by
 * normaliseBackupFolder: these functions work on `<folder>/` and nothing above it.
 */
import type { CloudStore, ListEntry, RequestOptions } from '../providers/cloud-store';

/** S3's DeleteObjects takes at most 1,000 keys per request. */
export const DELETE_CHUNK = 1000;

/** Every object under `<folder>/`, by object key. */
export async function listFolder(store: CloudStore, folder: string, options: RequestOptions = {}): Promise<Map<string, ListEntry>> {
  const out = new Map<string, ListEntry>();
  for await (const page of store.list(folder + '/', options)) for (const e of page) out.set(e.key, e);
  return out;
}

/** Deletes every object under `<folder>/`; returns how many there were. */
export async function deleteFolder(store: CloudStore, folder: string, options: RequestOptions = {}): Promise<number> {
  const keys = [...(await listFolder(store, folder, options)).keys()];
  for (let i = 0; i < keys.length; i += DELETE_CHUNK) await store.deleteMany(keys.slice(i, i + DELETE_CHUNK), options);
  return keys.length;
}
