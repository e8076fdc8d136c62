import { CloudSyncError } from '../../errors';
import type { DriveHttp } from './drive-http';
import type { DriveFile } from './drive-file';
import { FILE_FIELDS } from './drive-file';

/**
 * files.list, every page of one query. Drive may reject a `pageToken` it handed out a moment ago (it
 * expires, or the index behind it changed); the answer is a 400 on the request that carried it. The listing
 * then starts again from the first page, a bounded number of times: a half listing must never pass for a
 * whole one (a missing file would look deleted). Duplicates across restarts are dropped by id.
 */
const MAX_RESTARTS = 3;

interface FileList {
  files?: DriveFile[];
  nextPageToken?: string;
}

export async function listFiles(http: DriveHttp, api: string, q: string, signal: AbortSignal | undefined, context: string): Promise<DriveFile[]> {
  for (let restart = 0; ; restart++) {
    const byId = new Map<string, DriveFile>();
    let pageToken: string | undefined;
    let rejected = false;
    do {
      const params = new URLSearchParams({ q, fields: `nextPageToken,files(${FILE_FIELDS})`, spaces: 'drive', pageSize: '1000' });
      if (pageToken) params.set('pageToken', pageToken);
      const res = await http.send({
        method: 'GET',
        url: `${api}/drive/v3/files?${params.toString()}`,
        // Only a request with a token may be answered "start again"; a 400 on the first page is a real error.
        accept: pageToken ? [400] : [],
        signal,
        context,
      });
      if (res.status === 400) {
        await res.body?.cancel();
        rejected = true;
        break;
      }
      const page = (await res.json()) as FileList;
      for (const f of page.files ?? []) byId.set(f.id, f);
      pageToken = page.nextPageToken;
    } while (pageToken);
    if (!rejected) return [...byId.values()];
    if (restart + 1 >= MAX_RESTARTS) {
      throw new CloudSyncError(
        'provider-error',
        `Google Drive kept refusing to continue a listing while ${context} (its page token was rejected ${MAX_RESTARTS} times). Try again in a minute.`,
      );
    }
  }
}
