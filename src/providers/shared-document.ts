/**
 * The one way a document every device shares is written: metadata.json (by the sync engine and by restore)
 * and the backup index. A compare-and-swap where the store honours preconditions: `If-Match` the ETag it was
 * read with, or `If-None-Match: *` when there was none, and a 412 is a conflict the caller re-plans on. A plain
 * write where the store does not (s3rver, Backblaze B2, GCS's XML API): there a device that read an older copy
 * can still write over it later, which no read-back now could see; metadata.json is kept right by the sync
 * engine's commit journal (sync/commit-journal.ts), the backup index by its rebuild from the manifests.
 */
import { isCloudSyncError } from '../errors';
import type { CloudStore, RequestOptions } from './cloud-store';

export type SharedWrite = { kind: 'written'; etag: string } | { kind: 'conflict' };

export interface SharedWriteOptions extends RequestOptions {
  contentType?: string;
  cacheControl?: string;
}

export async function writeShared(store: CloudStore, key: string, body: Uint8Array, etag: string | null, options: SharedWriteOptions = {}): Promise<SharedWrite> {
  const { contentType = 'application/json', cacheControl = 'no-cache, no-store, max-age=0, must-revalidate', signal } = options;
  const put = { contentType, cacheControl, signal };
  if (!store.capabilities.conditionalPut) return { kind: 'written', etag: (await store.put(key, body, put)).etag };
  try {
    return { kind: 'written', etag: (await store.put(key, body, { ...put, ...(etag ? { ifMatch: etag } : { ifNoneMatch: '*' as const }) })).etag };
  } catch (e) {
    if (isCloudSyncError(e, 'precondition-failed')) return { kind: 'conflict' };
    // The answer may have been lost after the write took effect: look before calling it a failure.
    const back = await store.get(key, { signal }).catch(() => undefined);
    if (back?.kind === 'found' && sameBytes(back.body, body)) return { kind: 'written', etag: back.etag };
    throw e;
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}
