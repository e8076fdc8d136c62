/**
 * Reads an object that may well not exist, without a failed request: on S3, a GET of a missing key is a 404,
 * which the browser prints as a red "Failed to load resource" line in the console whatever the code makes of
 * it (about ten of them on an empty bucket's first sync). A listing of exactly that key answers 200 either way,
 * so the GET is sent only when the key is there. It costs one small request more when the object exists: use
 * it only where absence is likely (no copy known yet), not on the hot path.
 *
 * Only for S3: its listings are strongly consistent. Google Drive's name searches lag behind its writes, so a
 * listing there could call a fresh object absent; its reads go straight to get.
 */
import type { CloudStore, GetOptions, GetResult } from './cloud-store';

/** The store's listings show every write at once (S3 and S3-compatibles). */
export function listingIsConsistent(store: CloudStore): boolean {
  return store.kind === 's3';
}

export async function listedGet(store: CloudStore, key: string, options: GetOptions = {}): Promise<GetResult> {
  if (!listingIsConsistent(store) || options.ifNoneMatch !== undefined) return store.get(key, options);
  if (!(await isListed(store, key, options))) return { kind: 'not-found' };
  return store.get(key, options);
}

/** True when a listing shows `key` itself (not only keys that start with it). */
export async function isListed(store: CloudStore, key: string, options: { signal?: AbortSignal } = {}): Promise<boolean> {
  // Keys are listed in byte order, so the key itself comes before any longer key that starts with it.
  for await (const page of store.list(key, options)) return page.some((e) => e.key === key);
  return false;
}
