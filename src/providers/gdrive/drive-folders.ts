import { isCloudSyncError } from '../../errors';
import type { DriveHttp } from './drive-http';
import type { DriveFile } from './drive-file';
import { buildQuery, FOLDER_MIME } from './drive-query';
import { listFiles } from './drive-listing';
import type { Pacer } from './drive-pacer';
import { pickFirstCreated } from './pick-newest';

/**
 * Folder paths → Drive folder ids, across duplicates. Drive lets several folders share one name in one
 * parent, and they happen: two devices starting at once each create `items`, or the original extension and
 * this build each create the root folder. Each such folder may hold files the other lacks, so:
 *
 *  - reads look in every folder of a path (`all`), at every level (duplicates under duplicates included);
 *  - writes go into one, the same on every device: the first created (then the lowest id), which never
 *    changes as files come and go (a "most recently modified" choice would flip between devices);
 *  - a write path that meets duplicates heals them: it moves every file and folder of the others into the
 *    chosen one (keeping each file's modifiedTime, so which of two same-named files is the newer does not
 *    change), then trashes a duplicate once it is empty. Two same-named files end up side by side; readers
 *    take the newer and nothing is deleted. A folder whose move fails stays and is still read.
 *
 * Ids are cached per path for `cacheTtlMs`, then looked up again: another device may have made a duplicate
 * meanwhile (its files must become visible here, and a write path must get to heal it). When a lookup finds
 * a different set than the cache held, `onChanged` is told, so file ids remembered under it are dropped.
 * `forget` drops a path at once (e.g. when Drive says the folder is gone or trashed).
 */
export interface FolderSet {
  /** Where new files go. */
  primary: string;
  /** Every folder at this path (primary included): where reads look. */
  all: string[];
  /** True when every level came from the cache (nothing was looked up just now). */
  fromCache: boolean;
}

export interface DriveFoldersDeps {
  http: DriveHttp;
  api: string;
  rootName: string;
  /** Taken before each folder creation (a folder is a new file for Drive's limits). */
  createPacer: Pacer;
  log?: (message: string) => void;
  now: () => number;
  /** How long a path's folder ids are trusted without a lookup. */
  cacheTtlMs: number;
  /** The folders at `path` are not the ones cached before (a duplicate appeared, or one went). */
  onChanged?: (path: string) => void;
}

interface CachedLevel {
  primary: string;
  all: string[];
  at: number;
}

export class DriveFolders {
  private readonly cache = new Map<string, CachedLevel>();
  /** The sets last seen per path, kept past expiry, to tell a change. */
  private readonly seen = new Map<string, string>();
  /** In-flight folder creations, so two calls in this tab never create the same folder twice. */
  private readonly creations = new Map<string, Promise<string>>();

  constructor(private readonly deps: DriveFoldersDeps) {}

  clear(): void {
    this.cache.clear();
  }

  /** Forgets a folder path, everything below it and the levels above it (they may be gone too). */
  forget(folders: string[]): void {
    const path = folders.join('/');
    for (const p of [...this.cache.keys()]) {
      if (p === '' || p === path || path.startsWith(`${p}/`) || p.startsWith(`${path}/`)) this.cache.delete(p);
    }
  }

  /** Remembers the folders a listing found at a path (so later calls need no lookup). */
  remember(path: string, found: { id: string; createdTime?: string }[]): void {
    if (found.length === 0) return;
    this.store(path, { primary: (pickFirstCreated(found) as { id: string }).id, all: found.map((f) => f.id), at: this.deps.now() });
  }

  async resolve(folders: string[], create: boolean, signal?: AbortSignal): Promise<FolderSet | undefined> {
    let fromCache = true;
    let level: { primary: string; all: string[] } | undefined;
    for (let depth = 0; depth <= folders.length; depth++) {
      const path = folders.slice(0, depth).join('/');
      const cached = this.cache.get(path);
      if (cached && this.deps.now() - cached.at <= this.deps.cacheTtlMs) {
        level = cached;
        // A read found the duplicates; this write path is the one that heals them.
        if (create && cached.all.length > 1) {
          level = await this.heal(path, cached.primary, cached.all.filter((id) => id !== cached.primary), signal);
          this.store(path, { ...level, at: cached.at });
        }
        continue;
      }
      fromCache = false;
      const name = depth === 0 ? this.deps.rootName : folders[depth - 1];
      // The root folder is looked up anywhere in My Drive, as the original does (§6.2).
      const found = await this.find(name, depth === 0 ? [undefined] : (level as { all: string[] }).all, signal);
      if (found.length === 0) {
        if (!create) return undefined;
        const id = await this.createOnce(path, name, level?.primary, signal);
        level = { primary: id, all: [id] };
        this.store(path, { ...level, at: this.deps.now() });
        continue;
      }
      const primary = pickFirstCreated(found) as DriveFile;
      level = { primary: primary.id, all: found.map((f) => f.id) };
      if (create && found.length > 1) level = await this.heal(path, primary.id, level.all.filter((id) => id !== primary.id), signal);
      this.store(path, { ...level, at: this.deps.now() });
    }
    const done = level as { primary: string; all: string[] };
    return { primary: done.primary, all: done.all, fromCache };
  }

  private store(path: string, level: CachedLevel): void {
    const signature = [...level.all].sort().join(',');
    const before = this.seen.get(path);
    this.seen.set(path, signature);
    this.cache.set(path, level);
    if (before !== undefined && before !== signature) this.deps.onChanged?.(path);
  }

  private async find(name: string, parents: (string | undefined)[], signal?: AbortSignal): Promise<DriveFile[]> {
    const out = new Map<string, DriveFile>();
    for (const parentId of parents) {
      const q = buildQuery({ name, parentId, foldersOnly: true });
      for (const f of await listFiles(this.deps.http, this.deps.api, q, signal, `looking for folder ${name}`)) {
        out.set(f.id, f);
      }
    }
    return [...out.values()];
  }

  /**
   * Moves the duplicates' children into `primary` and trashes each duplicate left empty. Returns the
   * folders still to read at this path. Levels below are forgotten: a merged sub-folder may now be a
   * duplicate of one the primary had, which the next write path below heals in turn.
   */
  private async heal(path: string, primary: string, others: string[], signal?: AbortSignal): Promise<{ primary: string; all: string[] }> {
    const remaining = [primary];
    for (const other of others) {
      try {
        const q = buildQuery({ parentId: other });
        for (const child of await listFiles(this.deps.http, this.deps.api, q, signal, `merging duplicate folders ${path || this.deps.rootName}`)) {
          const move = `addParents=${encodeURIComponent(primary)}&removeParents=${encodeURIComponent(other)}`;
          await this.patch(child.id, { modifiedTime: child.modifiedTime }, move, signal, `moving ${child.name} out of a duplicate folder`);
        }
        const left = await listFiles(this.deps.http, this.deps.api, q, signal, `merging duplicate folders ${path || this.deps.rootName}`);
        if (left.length > 0) {
          remaining.push(other); // written to meanwhile: keep reading it, heal it next time
          continue;
        }
        await this.patch(other, { trashed: true }, '', signal, 'trashing an empty duplicate folder');
        this.deps.log?.(`Google Drive: merged a duplicate "${path || this.deps.rootName}" folder into the first one and moved the empty copy to the trash.`);
      } catch (e) {
        if (isCloudSyncError(e) && (e.code === 'aborted' || e.code === 'reconnect-required')) throw e;
        remaining.push(other); // still read; tried again on the next write path that finds it
        this.deps.log?.(`Google Drive: could not merge a duplicate "${path || this.deps.rootName}" folder yet: ${isCloudSyncError(e) ? e.message : String(e)}`);
      }
    }
    for (const p of [...this.cache.keys()]) if (p.startsWith(path === '' ? '' : `${path}/`) && p !== path) this.cache.delete(p);
    return { primary, all: remaining };
  }

  private async patch(id: string, metadata: Record<string, unknown>, params: string, signal: AbortSignal | undefined, context: string): Promise<void> {
    const query = params ? `${params}&fields=id` : 'fields=id';
    const res = await this.deps.http.send({
      method: 'PATCH',
      url: `${this.deps.api}/drive/v3/files/${encodeURIComponent(id)}?${query}`,
      headers: { 'Content-Type': 'application/json; charset=UTF-8' },
      body: JSON.stringify(metadata),
      signal,
      context,
    });
    await res.body?.cancel();
  }

  private createOnce(path: string, name: string, parentId: string | undefined, signal?: AbortSignal): Promise<string> {
    const pending = this.creations.get(path);
    if (pending) return pending;
    const creation = (async () => {
      const done = this.cache.get(path);
      if (done && this.deps.now() - done.at <= this.deps.cacheTtlMs) return done.primary;
      const metadata: Record<string, unknown> = { name, mimeType: FOLDER_MIME };
      if (parentId) metadata.parents = [parentId];
      const folder = await this.deps.http.json<{ id: string }>({
        method: 'POST',
        url: `${this.deps.api}/drive/v3/files?fields=id`,
        headers: { 'Content-Type': 'application/json; charset=UTF-8' },
        body: JSON.stringify(metadata),
        pace: [this.deps.createPacer],
        signal,
        context: `creating folder ${path || name}`,
      });
      return folder.id;
    })();
    this.creations.set(path, creation);
    return creation.finally(() => this.creations.delete(path));
  }
}
