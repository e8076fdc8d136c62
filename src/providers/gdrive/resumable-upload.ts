import { CloudSyncError, isCloudSyncError } from '../../errors';
import type { DriveHttp } from './drive-http';
import type { Pacer } from './drive-pacer';

/**
 * Drive's resumable upload, for bodies too large for one multipart request (Drive caps those at
 * 5 MB): open a session with the metadata, then send the bytes in chunks; Drive answers 308 with
 * the `Range` it holds until the last chunk, then the file resource.
 * Chunks are a multiple of 256 KiB, as Drive requires of every chunk but the last.
 *
 * When a chunk fails (5xx, 429, dropped connection), Drive may hold part of it. As Drive's guide
 * says, we ask what it holds (`Content-Range: bytes * /total`) and resume from there, rather than
 * resending blindly.
 */
export const CHUNK_SIZE = 8 * 1024 * 1024;

export interface ResumableUpload {
  /** POST (new file) or PATCH (v3 update) or PUT (v2 update) on the upload URL, with `uploadType=resumable`. */
  method: string;
  url: string;
  metadata: object;
  mediaType: string;
  body: Uint8Array;
  /** Extra headers on the session request (If-Match for a conditional update). */
  headers?: Record<string, string>;
  /** Statuses the session request may answer that the caller handles (412). */
  accept?: number[];
  signal?: AbortSignal;
  context: string;
  chunkSize?: number;
  /** Turns the session request takes (a new file counts against Drive's create limit). */
  pace?: Pacer[];
}

/** Returns the final response (JSON file resource), or the session answer when it was an accepted non-2xx status. */
export async function resumableUpload(http: DriveHttp, up: ResumableUpload): Promise<Response> {
  const session = await http.send({
    method: up.method,
    url: up.url,
    headers: {
      ...up.headers,
      'Content-Type': 'application/json; charset=UTF-8',
      'X-Upload-Content-Type': up.mediaType,
      'X-Upload-Content-Length': String(up.body.length),
    },
    body: JSON.stringify(up.metadata),
    accept: up.accept,
    pace: up.pace,
    signal: up.signal,
    context: up.context,
  });
  if (!session.ok) return session;
  await session.body?.cancel();
  const location = session.headers.get('location');
  if (!location) {
    throw new CloudSyncError('provider-error', `Google Drive did not start the upload while ${up.context} (no session address). Try again.`);
  }
  const chunk = up.chunkSize ?? CHUNK_SIZE;
  const total = up.body.length;
  let offset = 0;
  let failures = 0;
  for (;;) {
    const end = Math.min(offset + chunk, total);
    let res: Response | undefined;
    let failure: unknown;
    try {
      res = await http.send({
        method: 'PUT',
        url: location,
        headers: { 'Content-Range': `bytes ${offset}-${end - 1}/${total}` },
        body: up.body.subarray(offset, end),
        accept: [308],
        retry: false,
        signal: up.signal,
        context: up.context,
      });
    } catch (e) {
      if (!isCloudSyncError(e, 'cors-or-network')) throw e;
      failure = e;
    }
    if (res && res.status !== 308 && res.status !== 429 && res.status < 500) return res;
    if (!res || res.status === 429 || res.status >= 500) {
      failures++;
      const retryAfter = res?.headers.get('retry-after') ?? null;
      await res?.body?.cancel();
      if (failures >= http.maxAttempts) {
        throw new CloudSyncError('provider-error', `Google Drive kept failing while ${up.context} (large upload). Try again later.`, {
          cause: failure,
          details: { status: res?.status, offset },
        });
      }
      await http.wait(http.backoff(failures), retryAfter, up.signal);
      const status = await http.send({
        method: 'PUT',
        url: location,
        headers: { 'Content-Range': `bytes */${total}` },
        accept: [308],
        signal: up.signal,
        context: up.context,
      });
      if (status.status !== 308) return status; // Drive already had everything: this is the file
      offset = heldBytes(status);
      await status.body?.cancel();
      continue;
    }
    // 308: Drive says how much it holds; continue from there (it may hold less than we sent).
    const held = heldBytes(res);
    await res.body?.cancel();
    if (held <= offset) {
      throw new CloudSyncError('provider-error', `Google Drive stopped accepting the upload while ${up.context}. Try again.`, {
        details: { offset, held },
      });
    }
    offset = held;
    if (offset >= total) {
      throw new CloudSyncError('provider-error', `Google Drive took all bytes but did not finish the upload while ${up.context}. Try again.`);
    }
  }
}

/** Bytes Drive holds, from a 308's `Range: bytes=0-N` (none: 0). */
function heldBytes(res: Response): number {
  const m = /bytes=0-(\d+)/.exec(res.headers.get('range') ?? '');
  return m ? Number(m[1]) + 1 : 0;
}
