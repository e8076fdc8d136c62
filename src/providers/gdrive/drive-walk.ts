import type { ListEntry } from '../cloud-store';
import type { DriveHttp } from './drive-http';
import { etagOf, type DriveFile } from './drive-file';
import { listFiles } from './drive-listing';
import { buildQuery, FOLDER_MIME } from './drive-query';
import { pickNewest } from './pick-newest';

export interface WalkDeps {
  http: DriveHttp;
  api: string;
  /** Told the folders found at each path below the start (so later calls need no lookup). */
  remember: (path: string, found: DriveFile[]) => void;
}

/**
 * Every file under a set of same-named folders, recursively (the original listed direct children only, which
 * broke restore on Drive: W19, §5.6). Duplicate folders are read together, so a file in either is listed; of
 * duplicate files, the newest stands for the name. Unsorted: the caller sorts.
 */
export async function walkFolders(deps: WalkDeps, folderIds: string[], path: string, namePrefix: string, signal?: AbortSignal): Promise<ListEntry[]> {
  const subfolders = new Map<string, DriveFile[]>();
  const files = new Map<string, DriveFile[]>();
  for (const id of folderIds) {
    for (const f of await listFiles(deps.http, deps.api, buildQuery({ parentId: id }), signal, `listing ${path || 'the sync folder'}`)) {
      if (!f.name.startsWith(namePrefix)) continue;
      const group = f.mimeType === FOLDER_MIME ? subfolders : files;
      group.set(f.name, [...(group.get(f.name) ?? []), f]);
    }
  }
  const out: ListEntry[] = [];
  for (const [name, group] of files) out.push(listEntryOf(`${path}${name}`, pickNewest(group) as DriveFile));
  for (const [name, group] of subfolders) {
    deps.remember(`${path}${name}`, group);
    out.push(...(await walkFolders(deps, group.map((f) => f.id), `${path}${name}/`, '', signal)));
  }
  return out;
}

export function listEntryOf(key: string, file: DriveFile): ListEntry {
  return {
    key,
    size: Number(file.size ?? 0),
    etag: etagOf(file.id, file.version),
    lastModified: file.modifiedTime ? Date.parse(file.modifiedTime) : undefined,
  };
}

/** Code-point order, which is UTF-8 byte order: the order S3 lists keys in. */
export function compareBytes(a: string, b: string): number {
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const ca = ia.next();
    const cb = ib.next();
    if (ca.done || cb.done) return ca.done && cb.done ? 0 : ca.done ? -1 : 1;
    const d = (ca.value.codePointAt(0) as number) - (cb.value.codePointAt(0) as number);
    if (d !== 0) return d;
  }
}
