import { CloudSyncError } from '../../errors';
import type { PutResult } from '../cloud-store';
import type { DriveHttp } from './drive-http';
import { etagOf } from './drive-file';
import { resumableUpload } from './resumable-upload';

/**
 * The one precondition Drive honours: the v2 API's file `etag` sent as `If-Match` on an update, answered
 * 412 `conditionNotMet` when the file moved on (see README, "Compare-and-swap").
 */
export interface V2Urls {
  api: string;
  upload: string;
}

export interface V2Update {
  key: string;
  fileId: string;
  body: Uint8Array;
  mediaType: string;
  /** The caller's etag (`<id>:<version>`). */
  expected: string;
  signal?: AbortSignal;
}

/**
 * Reads v2 `{etag, version, labels}`, refuses when the version is not the caller's, and writes with
 * `If-Match: etag`, so nothing slips between the check and the write. 'gone' when v2 answers 404 or the
 * file is in the trash (itself or through its folder).
 */
export async function v2ConditionalUpdate(
  http: DriveHttp,
  urls: V2Urls,
  limits: { multipartLimit: number; chunkSize: number },
  up: V2Update,
): Promise<PutResult | 'gone'> {
  const { key, fileId, body, mediaType, expected, signal } = up;
  const id = encodeURIComponent(fileId);
  // A 412 means the v2 etag moved between our read and our write; re-read once more: if the
  // version moved too, the caller's view is stale.
  for (let round = 0; round < 3; round++) {
    const head = await http.send({
      method: 'GET',
      url: `${urls.api}/drive/v2/files/${id}?fields=etag%2Cversion%2Clabels`,
      accept: [404],
      signal,
      context: `checking ${key} before saving`,
    });
    if (head.status === 404) {
      await head.body?.cancel();
      return 'gone';
    }
    const current = (await head.json()) as { etag: string; version: string; labels?: { trashed?: boolean } };
    if (current.labels?.trashed) return 'gone'; // in the trash (or its folder is): not where the key lives
    if (etagOf(fileId, current.version) !== expected) throw preconditionFailed(key, 'another device saved it first');
    const fields = 'fields=etag%2Cversion%2CmodifiedDate'; // v2 names: modifiedDate, not modifiedTime
    const res =
      body.length <= limits.multipartLimit
        ? await http.send({
            method: 'PUT',
            url: `${urls.upload}/upload/drive/v2/files/${id}?uploadType=media&${fields}`,
            headers: { 'If-Match': current.etag, 'Content-Type': mediaType },
            body,
            accept: [404, 412],
            signal,
            context: `saving ${key}`,
          })
        : await resumableUpload(http, {
            method: 'PUT',
            url: `${urls.upload}/upload/drive/v2/files/${id}?uploadType=resumable&${fields}`,
            metadata: { mimeType: mediaType },
            mediaType,
            body,
            headers: { 'If-Match': current.etag },
            accept: [404, 412],
            signal,
            context: `saving ${key}`,
            chunkSize: limits.chunkSize,
          });
    if (res.status === 412) {
      await res.body?.cancel();
      continue;
    }
    if (res.status === 404) {
      await res.body?.cancel();
      return 'gone';
    }
    const saved = (await res.json()) as { version: string | number };
    return { etag: etagOf(fileId, saved.version) };
  }
  throw preconditionFailed(key, 'it kept changing while we saved');
}

/**
 * Whether Drive itself refuses a v2 update whose If-Match is stale: writes `body` (the file's own bytes) back
 * under a made-up etag; a 412 means honoured.
 */
export async function v2RefusesStaleIfMatch(
  http: DriveHttp,
  upload: string,
  fileId: string,
  body: Uint8Array,
  mimeType: string,
  signal?: AbortSignal,
): Promise<boolean> {
  const res = await http.send({
    method: 'PUT',
    url: `${upload}/upload/drive/v2/files/${encodeURIComponent(fileId)}?uploadType=media&fields=version`,
    headers: { 'If-Match': '"tcs-probe-stale-etag"', 'Content-Type': mimeType },
    body,
    accept: [404, 412],
    signal,
    context: 'checking that Google Drive refuses a stale If-Match',
  });
  await res.body?.cancel();
  return res.status === 412;
}

export function preconditionFailed(key: string, why: string): CloudSyncError {
  return new CloudSyncError('precondition-failed', `${key} was not saved to Google Drive because ${why}. Sync will re-read it and try again.`, {
    details: { key },
  });
}
