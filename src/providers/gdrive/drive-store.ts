import { CloudSyncError } from '../../errors';
import type {
  Capabilities,
  CloudStore,
  GetOptions,
  GetResult,
  ListEntry,
  PutOptions,
  PutResult,
  RequestOptions,
} from '../cloud-store';
import { splitKey, splitPrefix } from './drive-path';
import { buildQuery, FOLDER_MIME } from './drive-query';
import { mapPool } from '../../runtime/pool';
import { sleep as runtimeSleep, type Sleep } from '../../runtime/sleep';
import { DriveHttp } from './drive-http';
import { buildMultipartRelated, containsBytes, randomBoundary } from './multipart';
import { pickFirstCreated, pickNewest } from './pick-newest';
import { CHUNK_SIZE, resumableUpload } from './resumable-upload';

/**
 * CloudStore over the Google Drive REST API, in the original's layout (original-format.md §6.2):
 * a normal My Drive folder `TypingMind-Cloud-Sync`, each `/` of a key a nested folder, the last
 * segment the file name — so a bucket the original wrote is found and read as it is.
 *
 * ETags: Drive v3 has none, so our opaque etag is the file's id and `version` (a number Drive
 * raises on every change; the id too, because a file deleted and recreated by another device
 * starts counting again). Compare-and-swap rides on the one precondition Drive really honours: the v2
 * API's file `etag` sent as `If-Match` on an update, which Drive answers 412 `conditionNotMet`
 * when the file moved on. A conditional put reads `{etag, version}` (v2), refuses when the
 * version differs from the caller's, and writes with `If-Match: etag`, so nothing slips between
 * the check and the write. Conditional get has no Drive equivalent: we read the metadata
 * (1 request) and download only when the version differs (1 more).
 */
export interface DriveStoreOptions {
  /** interactive=false must not open a window; the store calls it with true only from `reconnect()`. */
  getAccessToken: (interactive: boolean) => Promise<string>;
  /** Told when Drive rejects a token, so the next getAccessToken(false) fetches a fresh one. */
  invalidateToken?: (token: string) => void;
  fetch?: typeof fetch;
  /** Origin of the metadata API (paths /drive/v3/…, /drive/v2/…). Default https://www.googleapis.com */
  apiBase?: string;
  /** Origin of the upload API (paths /upload/drive/…). Default: apiBase. */
  uploadBase?: string;
  rootFolderName?: string;
  retry?: { maxAttempts?: number; baseDelayMs?: number; maxDelayMs?: number };
  sleep?: Sleep;
  random?: () => number;
  now?: () => number;
  /** Bodies above this go through a resumable upload (Drive's multipart limit is 5 MB). */
  multipartLimit?: number;
  chunkSize?: number;
  /** Parallel requests in deleteMany. */
  concurrency?: number;
  /** Entries per page that list() yields (Drive's own pages are followed separately). Default 1000. */
  listPageSize?: number;
  /** What the setup check found (conditionalPut false: Drive stopped honouring v2 If-Match). */
  capabilities?: Partial<Capabilities>;
}

export interface DriveStore extends CloudStore {
  readonly kind: 'googleDrive';
  /** True after Drive rejected the sign-in twice; every call fails fast until `reconnect()`. */
  readonly needsReconnect: boolean;
  /** Call from a user's click: signs in interactively and leaves the reconnect state. */
  reconnect(): Promise<void>;
  /** Drops every cached name→id mapping (e.g. after the user deleted folders by hand). */
  forgetCachedIds(): void;
}

export const DEFAULT_ROOT_FOLDER = 'TypingMind-Cloud-Sync';
const MULTIPART_LIMIT = 5 * 1024 * 1024;
const FILE_FIELDS = 'id,name,mimeType,modifiedTime,createdTime,size,version';

interface DriveFile {
  id: string;
  name: string;
  mimeType: string;
  modifiedTime?: string;
  createdTime?: string;
  size?: string;
  version?: string;
}

interface FileList {
  files: DriveFile[];
  nextPageToken?: string;
}

export function createDriveStore(opts: DriveStoreOptions): DriveStore {
  return new DriveStoreImpl(opts);
}

class DriveStoreImpl implements DriveStore {
  readonly kind = 'googleDrive' as const;
  readonly capabilities: Capabilities;

  private readonly http: DriveHttp;
  private readonly api: string;
  private readonly upload: string;
  private readonly rootName: string;
  private readonly multipartLimit: number;
  private readonly chunkSize: number;
  private readonly concurrency: number;
  private readonly listPageSize: number;
  private readonly random: () => number;
  /** Folder path ('' = the root folder) → id. */
  private readonly folderIds = new Map<string, string>();
  /** In-flight folder creations, so two calls in this tab never create the same folder twice. */
  private readonly folderCreations = new Map<string, Promise<string>>();
  /** Key → the file we last saw for it. */
  private readonly fileIds = new Map<string, string>();

  constructor(opts: DriveStoreOptions) {
    const fetchFn = opts.fetch ?? globalThis.fetch.bind(globalThis);
    this.capabilities = { conditionalPut: true, conditionalGet: true, serverSideCopy: true, ...opts.capabilities };
    this.http = new DriveHttp({
      getAccessToken: opts.getAccessToken,
      invalidateToken: opts.invalidateToken,
      fetch: fetchFn,
      sleep: opts.sleep ?? runtimeSleep,
      maxAttempts: opts.retry?.maxAttempts ?? 5,
      baseDelayMs: opts.retry?.baseDelayMs ?? 1000,
      maxDelayMs: opts.retry?.maxDelayMs ?? 60_000,
      random: opts.random ?? Math.random,
      now: opts.now ?? Date.now,
    });
    this.api = (opts.apiBase ?? 'https://www.googleapis.com').replace(/\/$/, '');
    this.upload = (opts.uploadBase ?? this.api).replace(/\/$/, '');
    this.rootName = opts.rootFolderName ?? DEFAULT_ROOT_FOLDER;
    this.multipartLimit = opts.multipartLimit ?? MULTIPART_LIMIT;
    this.chunkSize = opts.chunkSize ?? CHUNK_SIZE;
    this.concurrency = opts.concurrency ?? 4;
    this.listPageSize = opts.listPageSize ?? 1000;
    this.random = opts.random ?? Math.random;
  }

  get needsReconnect(): boolean {
    return this.http.needsReconnect;
  }

  reconnect(): Promise<void> {
    return this.http.reconnect();
  }

  forgetCachedIds(): void {
    this.folderIds.clear();
    this.fileIds.clear();
  }

  // ---------------------------------------------------------------- get

  async get(key: string, options: GetOptions = {}): Promise<GetResult> {
    const { signal } = options;
    const file = await this.currentFile(key, signal);
    if (!file) return { kind: 'not-found' };
    const etag = etagOf(file.id, file.version);
    if (options.ifNoneMatch !== undefined && options.ifNoneMatch === etag) return { kind: 'not-modified', etag };
    // Metadata first, bytes second: if the file changes in between, the bytes are newer than the
    // etag we report, never older, so a later compare-and-swap can only fail safe.
    const res = await this.http.send({
      method: 'GET',
      url: `${this.api}/drive/v3/files/${encodeURIComponent(file.id)}?alt=media`,
      accept: [404],
      signal,
      context: `downloading ${key}`,
    });
    if (res.status === 404) {
      await res.body?.cancel();
      this.fileIds.delete(key);
      return { kind: 'not-found' };
    }
    const body = new Uint8Array(await res.arrayBuffer());
    return {
      kind: 'found',
      body,
      etag,
      contentType: file.mimeType,
      lastModified: file.modifiedTime ? Date.parse(file.modifiedTime) : undefined,
    };
  }

  /**
   * The file's current metadata: by cached id (1 request) or by a lookup in its folder.
   * `verify`: see findFiles.
   */
  private async currentFile(key: string, signal?: AbortSignal, verify = true): Promise<DriveFile | undefined> {
    const cachedId = this.fileIds.get(key);
    if (cachedId) {
      const res = await this.http.send({
        method: 'GET',
        url: `${this.api}/drive/v3/files/${encodeURIComponent(cachedId)}?fields=${encodeURIComponent(FILE_FIELDS + ',trashed')}`,
        accept: [404],
        signal,
        context: `reading ${key}`,
      });
      if (res.ok) {
        const file = (await res.json()) as DriveFile & { trashed?: boolean };
        if (!file.trashed) return file;
      } else {
        await res.body?.cancel();
      }
      this.fileIds.delete(key); // gone or trashed: find it again by name
    }
    const { files } = await this.findFiles(key, signal, verify);
    const newest = pickNewest(files);
    if (newest) this.fileIds.set(key, newest.id);
    return newest;
  }

  // ---------------------------------------------------------------- put

  async put(key: string, body: Uint8Array, options: PutOptions = {}): Promise<PutResult> {
    const { signal } = options;
    const mediaType = options.contentType ?? 'application/octet-stream';
    if (options.ifMatch !== undefined) {
      // With a cached id the v2 read inside conditionalUpdate is the existence check: 2 requests.
      const cachedId = this.fileIds.get(key);
      if (cachedId) {
        const result = await this.conditionalUpdate(key, cachedId, body, mediaType, options.ifMatch, signal);
        if (result !== 'gone') return result;
        this.fileIds.delete(key); // perhaps replaced by a file with a new id: look it up by name
      }
      const file = await this.currentFile(key, signal);
      if (!file) throw preconditionFailed(key, 'it no longer exists');
      const result = await this.conditionalUpdate(key, file.id, body, mediaType, options.ifMatch, signal);
      if (result === 'gone') {
        this.fileIds.delete(key);
        throw preconditionFailed(key, 'it was deleted');
      }
      return result;
    }
    if (options.ifNoneMatch === '*') return this.createIfAbsent(key, body, mediaType, signal);

    // No folder check on a miss here: creating in a deleted folder answers 404, handled in createFile.
    const file = await this.currentFile(key, signal, false);
    if (file) {
      const updated = await this.updateContent(file.id, body, mediaType, signal, `saving ${key}`);
      if (updated) return { etag: etagOf(updated.id, updated.version) };
      this.fileIds.delete(key); // deleted meanwhile: create it afresh below
    }
    const created = await this.createFile(key, body, mediaType, signal);
    return { etag: etagOf(created.id, created.version) };
  }

  /** 'gone' when the file id no longer exists. */
  private async conditionalUpdate(
    key: string,
    fileId: string,
    body: Uint8Array,
    mediaType: string,
    expected: string,
    signal?: AbortSignal,
  ): Promise<PutResult | 'gone'> {
    const id = encodeURIComponent(fileId);
    // A 412 means the v2 etag moved between our read and our write; re-read once more: if the
    // version moved too, the caller's view is stale.
    for (let round = 0; round < 3; round++) {
      const head = await this.http.send({
        method: 'GET',
        url: `${this.api}/drive/v2/files/${id}?fields=etag%2Cversion`,
        accept: [404],
        signal,
        context: `checking ${key} before saving`,
      });
      if (head.status === 404) {
        await head.body?.cancel();
        return 'gone';
      }
      const current = (await head.json()) as { etag: string; version: string };
      if (etagOf(fileId, current.version) !== expected) throw preconditionFailed(key, 'another device saved it first');
      const fields = 'fields=etag%2Cversion%2CmodifiedDate'; // v2 names: modifiedDate, not modifiedTime
      const res =
        body.length <= this.multipartLimit
          ? await this.http.send({
              method: 'PUT',
              url: `${this.upload}/upload/drive/v2/files/${id}?uploadType=media&${fields}`,
              headers: { 'If-Match': current.etag, 'Content-Type': mediaType },
              body,
              accept: [404, 412],
              signal,
              context: `saving ${key}`,
            })
          : await resumableUpload(this.http, {
              method: 'PUT',
              url: `${this.upload}/upload/drive/v2/files/${id}?uploadType=resumable&${fields}`,
              metadata: { mimeType: mediaType },
              mediaType,
              body,
              headers: { 'If-Match': current.etag },
              accept: [404, 412],
              signal,
              context: `saving ${key}`,
              chunkSize: this.chunkSize,
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
   * Drive cannot create "only if absent" atomically. We look, create, then look again: when two
   * writers raced, the first-created file wins and the loser removes its own copy and reports
   * precondition-failed, so both end up agreeing on one file.
   */
  private async createIfAbsent(key: string, body: Uint8Array, mediaType: string, signal?: AbortSignal): Promise<PutResult> {
    const before = await this.findFiles(key, signal);
    if (before.files.length > 0) throw preconditionFailed(key, 'it already exists');
    const created = await this.createFile(key, body, mediaType, signal);
    const after = await this.findFiles(key, signal, false);
    const winner = pickFirstCreated(after.files.some((f) => f.id === created.id) ? after.files : [...after.files, created]);
    if (winner && winner.id !== created.id) {
      await this.deleteById(created.id, signal, `withdrawing a duplicate ${key}`);
      this.fileIds.set(key, winner.id);
      throw preconditionFailed(key, 'another device created it at the same moment');
    }
    return { etag: etagOf(created.id, created.version) };
  }

  private async createFile(key: string, body: Uint8Array, mediaType: string, signal?: AbortSignal): Promise<DriveFile> {
    const { folders, name } = splitKey(key);
    for (let round = 0; ; round++) {
      const parent = await this.ensureFolder(folders, signal);
      const metadata = { name, mimeType: mediaType, parents: [parent.id] };
      const url = `${this.upload}/upload/drive/v3/files?fields=${encodeURIComponent(FILE_FIELDS)}`;
      const res = await this.sendUpload('POST', url, metadata, body, mediaType, signal, `saving ${key}`);
      if (res.status === 404 && round === 0) {
        // The cached folder was deleted (by another device or by hand): walk the path again, and
        // if the key exists in the folder that replaced it, write into that file instead.
        await res.body?.cancel();
        this.forgetFolders(folders);
        const existing = pickNewest((await this.findFiles(key, signal, false)).files);
        if (existing) {
          const updated = await this.updateContent(existing.id, body, mediaType, signal, `saving ${key}`);
          if (updated) {
            this.fileIds.set(key, updated.id);
            return updated;
          }
        }
        continue;
      }
      if (res.status === 404) {
        await res.body?.cancel();
        throw new CloudSyncError('not-found', `Could not save ${key}: its folder on Google Drive keeps disappearing. Try again.`);
      }
      const file = (await res.json()) as DriveFile;
      this.fileIds.set(key, file.id);
      return file;
    }
  }

  /** Replaces a file's bytes; undefined when the file no longer exists. */
  private async updateContent(
    id: string,
    body: Uint8Array,
    mediaType: string,
    signal: AbortSignal | undefined,
    context: string,
  ): Promise<DriveFile | undefined> {
    // No `parents` here: Drive refuses it on update.
    const url = `${this.upload}/upload/drive/v3/files/${encodeURIComponent(id)}?fields=${encodeURIComponent(FILE_FIELDS)}`;
    const res = await this.sendUpload('PATCH', url, { mimeType: mediaType }, body, mediaType, signal, context);
    if (res.status === 404) {
      await res.body?.cancel();
      return undefined;
    }
    return (await res.json()) as DriveFile;
  }

  /** Multipart for small bodies, resumable for large ones. `url` has a query already. */
  private sendUpload(
    method: string,
    url: string,
    metadata: object,
    body: Uint8Array,
    mediaType: string,
    signal: AbortSignal | undefined,
    context: string,
  ): Promise<Response> {
    if (body.length > this.multipartLimit) {
      return resumableUpload(this.http, {
        method,
        url: `${url}&uploadType=resumable`,
        metadata,
        mediaType,
        body,
        accept: [404],
        signal,
        context,
        chunkSize: this.chunkSize,
      });
    }
    // The boundary must not occur in the body; a counter guarantees progress even with a poor random.
    let boundary = randomBoundary(this.random);
    for (let n = 0; containsBytes(body, new TextEncoder().encode(boundary)); n++) boundary = `${randomBoundary(this.random)}${n}`;
    const multipart = buildMultipartRelated(metadata, body, mediaType, boundary);
    return this.http.send({
      method,
      url: `${url}&uploadType=multipart`,
      headers: { 'Content-Type': multipart.contentType },
      body: multipart.body,
      accept: [404],
      signal,
      context,
    });
  }

  // ---------------------------------------------------------------- list

  async *list(prefix: string, options: RequestOptions = {}): AsyncIterable<ListEntry[]> {
    const { signal } = options;
    const { folders, namePrefix } = splitPrefix(prefix);
    const start = await this.resolveFolder(folders, false, signal);
    if (!start) return;
    const page: ListEntry[] = [];
    const basePath = folders.length > 0 ? `${folders.join('/')}/` : '';
    for await (const entry of this.walk(start.id, basePath, namePrefix, signal)) {
      page.push(entry);
      if (page.length >= this.listPageSize) yield page.splice(0, page.length);
    }
    if (page.length > 0) yield page;
  }

  /**
   * Every file under a folder, recursively (the original listed direct children only, which
   * broke restore on Drive: W19, §5.6), in the byte order of the full keys, like S3. A folder's
   * keys all start with "name/", so visiting children sorted by that string keeps global order.
   * Duplicate names: the newest file / folder stands for the name.
   */
  private async *walk(folderId: string, path: string, namePrefix: string, signal?: AbortSignal): AsyncGenerator<ListEntry> {
    const children: DriveFile[] = [];
    for await (const batch of this.query(buildQuery({ parentId: folderId }), signal, `listing ${path || 'the sync folder'}`)) {
      for (const f of batch) if (f.name.startsWith(namePrefix)) children.push(f);
    }
    const byName = new Map<string, DriveFile[]>();
    for (const f of children) {
      const sortKey = f.mimeType === FOLDER_MIME ? `${f.name}/` : f.name;
      const list = byName.get(sortKey) ?? [];
      list.push(f);
      byName.set(sortKey, list);
    }
    const names = [...byName.keys()].sort(compareBytes);
    for (const sortKey of names) {
      const chosen = pickNewest(byName.get(sortKey) as DriveFile[]) as DriveFile;
      if (chosen.mimeType === FOLDER_MIME) {
        this.folderIds.set(`${path}${chosen.name}`, chosen.id);
        yield* this.walk(chosen.id, `${path}${chosen.name}/`, '', signal);
      } else {
        yield {
          key: `${path}${chosen.name}`,
          size: Number(chosen.size ?? 0),
          etag: etagOf(chosen.id, chosen.version),
          lastModified: chosen.modifiedTime ? Date.parse(chosen.modifiedTime) : undefined,
        };
      }
    }
  }

  // ---------------------------------------------------------------- copy

  async copy(from: string, to: string, options: RequestOptions = {}): Promise<void> {
    const { signal } = options;
    if (from === to) return;
    const source = await this.currentFile(from, signal);
    if (!source) {
      throw new CloudSyncError('not-found', `Could not copy ${from} on Google Drive: it does not exist (it may have been deleted from another device).`, {
        details: { from, to },
      });
    }
    const { folders, name } = splitKey(to);
    for (let round = 0; ; round++) {
      const existing = await this.findFiles(to, signal, false);
      const parent = await this.ensureFolder(folders, signal);
      const res = await this.http.send({
        method: 'POST',
        url: `${this.api}/drive/v3/files/${encodeURIComponent(source.id)}/copy?fields=${encodeURIComponent(FILE_FIELDS)}`,
        headers: { 'Content-Type': 'application/json; charset=UTF-8' },
        body: JSON.stringify({ name, parents: [parent.id] }),
        accept: [404],
        signal,
        context: `copying ${from} to ${to}`,
      });
      if (res.status === 404) {
        await res.body?.cancel();
        if (round === 0) {
          this.forgetFolders(folders);
          this.fileIds.delete(from);
          continue;
        }
        throw new CloudSyncError('not-found', `Could not copy ${from} to ${to} on Google Drive: the file or the target folder disappeared. Try again.`);
      }
      const copied = (await res.json()) as DriveFile;
      this.fileIds.set(to, copied.id);
      // Replace, not duplicate (the original left duplicates, §6.4): the old files go only after
      // the copy exists, so `to` is never missing in between.
      for (const old of existing.files) {
        if (old.id !== copied.id) await this.deleteById(old.id, signal, `replacing ${to}`);
      }
      return;
    }
  }

  // ---------------------------------------------------------------- delete

  async deleteMany(keys: string[], options: RequestOptions = {}): Promise<void> {
    const { signal } = options;
    await mapPool([...new Set(keys)], this.concurrency, (key) => this.deleteKey(key, signal));
  }

  private async deleteKey(key: string, signal?: AbortSignal): Promise<void> {
    let files: DriveFile[];
    try {
      files = (await this.findFiles(key, signal)).files;
    } catch (e) {
      // A key Drive could never hold (empty segment) cannot exist, so there is nothing to delete.
      if (e instanceof CloudSyncError && e.details.key === key && e.code === 'provider-error') return;
      throw e;
    }
    // Every duplicate goes, or the next newest would reappear as the key's content.
    for (const f of files) await this.deleteById(f.id, signal, `deleting ${key}`);
    this.fileIds.delete(key);
  }

  private async deleteById(id: string, signal: AbortSignal | undefined, context: string): Promise<void> {
    const res = await this.http.send({
      method: 'DELETE',
      url: `${this.api}/drive/v3/files/${encodeURIComponent(id)}`,
      accept: [404],
      signal,
      context,
    });
    await res.body?.cancel();
  }

  // ---------------------------------------------------------------- names → ids

  /**
   * All non-folder files named like the key's last segment in its folder (fresh, not cached).
   * `verify`: when nothing is found under a folder id we only remembered, check (1 request) that
   * the folder still exists; if it was deleted (and perhaps recreated by another device), walk the
   * path again. Reads and deletes verify, so "absent" is true; plain writes do not need to, since
   * Drive answers 404 when creating into a deleted folder.
   */
  private async findFiles(key: string, signal?: AbortSignal, verify = true): Promise<{ files: DriveFile[] }> {
    const { folders, name } = splitKey(key);
    for (let round = 0; ; round++) {
      const parent = await this.resolveFolder(folders, false, signal);
      if (!parent) return { files: [] };
      const files: DriveFile[] = [];
      for await (const batch of this.query(buildQuery({ name, parentId: parent.id }), signal, `looking for ${key}`)) {
        for (const f of batch) if (f.mimeType !== FOLDER_MIME) files.push(f);
      }
      if (verify && files.length === 0 && parent.fromCache && round === 0 && !(await this.folderExists(parent.id, signal))) {
        this.forgetFolders(folders);
        continue;
      }
      return { files };
    }
  }

  private async folderExists(id: string, signal?: AbortSignal): Promise<boolean> {
    const res = await this.http.send({
      method: 'GET',
      url: `${this.api}/drive/v3/files/${encodeURIComponent(id)}?fields=id%2Ctrashed`,
      accept: [404],
      signal,
      context: 'checking a folder',
    });
    if (res.status === 404) {
      await res.body?.cancel();
      return false;
    }
    return !((await res.json()) as { trashed?: boolean }).trashed;
  }

  /** The id of the folder at `folders` under the root folder; creates missing levels when asked. */
  private async resolveFolder(
    folders: string[],
    create: boolean,
    signal?: AbortSignal,
  ): Promise<{ id: string; fromCache: boolean } | undefined> {
    let fromCache = true;
    let parentId: string | undefined;
    for (let depth = 0; depth <= folders.length; depth++) {
      const path = folders.slice(0, depth).join('/');
      const cached = this.folderIds.get(path);
      if (cached) {
        parentId = cached;
        continue;
      }
      fromCache = false;
      const name = depth === 0 ? this.rootName : folders[depth - 1];
      const found = await this.findFolder(name, depth === 0 ? undefined : parentId, signal);
      if (found) {
        this.folderIds.set(path, found);
        parentId = found;
        continue;
      }
      if (!create) return undefined;
      parentId = await this.createFolderOnce(path, name, depth === 0 ? undefined : parentId, signal);
    }
    return { id: parentId as string, fromCache };
  }

  private async ensureFolder(folders: string[], signal?: AbortSignal): Promise<{ id: string; fromCache: boolean }> {
    return (await this.resolveFolder(folders, true, signal)) as { id: string; fromCache: boolean };
  }

  private async findFolder(name: string, parentId: string | undefined, signal?: AbortSignal): Promise<string | undefined> {
    // The root folder is looked up anywhere in My Drive, as the original does (§6.2).
    const found: DriveFile[] = [];
    for await (const batch of this.query(buildQuery({ name, parentId, foldersOnly: true }), signal, `looking for folder ${name}`)) {
      found.push(...batch);
    }
    return pickNewest(found)?.id;
  }

  private createFolderOnce(path: string, name: string, parentId: string | undefined, signal?: AbortSignal): Promise<string> {
    const pending = this.folderCreations.get(path);
    if (pending) return pending;
    const creation = (async () => {
      // Another call in this tab may have created it while we looked (then it is cached).
      const done = this.folderIds.get(path);
      if (done) return done;
      const metadata: Record<string, unknown> = { name, mimeType: FOLDER_MIME };
      if (parentId) metadata.parents = [parentId];
      const folder = await this.http.json<DriveFile>({
        method: 'POST',
        url: `${this.api}/drive/v3/files?fields=id`,
        headers: { 'Content-Type': 'application/json; charset=UTF-8' },
        body: JSON.stringify(metadata),
        signal,
        context: `creating folder ${path || name}`,
      });
      return folder.id;
    })();
    this.folderCreations.set(path, creation);
    return creation
      .then((id) => {
        this.folderIds.set(path, id);
        return id;
      })
      .finally(() => this.folderCreations.delete(path));
  }

  /** Forgets the cached ids of a folder path and everything below it. */
  private forgetFolders(folders: string[]): void {
    const path = folders.join('/');
    for (const p of [...this.folderIds.keys()]) {
      if (p === '' || p === path || path.startsWith(`${p}/`) || p.startsWith(`${path}/`)) this.folderIds.delete(p);
    }
  }

  /** files.list, one page per yield, following nextPageToken. */
  private async *query(q: string, signal: AbortSignal | undefined, context: string): AsyncGenerator<DriveFile[]> {
    let pageToken: string | undefined;
    do {
      const params = new URLSearchParams({
        q,
        fields: `nextPageToken,files(${FILE_FIELDS})`,
        spaces: 'drive',
        pageSize: '1000',
      });
      if (pageToken) params.set('pageToken', pageToken);
      const page = await this.http.json<FileList>({
        method: 'GET',
        url: `${this.api}/drive/v3/files?${params.toString()}`,
        signal,
        context,
      });
      yield page.files ?? [];
      pageToken = page.nextPageToken;
    } while (pageToken);
  }
}

/** Our opaque etag: which file, and which version of it. */
function etagOf(id: string, version: string | number | undefined): string {
  return `${id}:${version ?? 0}`;
}

function preconditionFailed(key: string, why: string): CloudSyncError {
  return new CloudSyncError('precondition-failed', `${key} was not saved to Google Drive because ${why}. Sync will re-read it and try again.`, {
    details: { key },
  });
}

/** Code-point order, which is UTF-8 byte order: the order S3 lists keys in. */
function compareBytes(a: string, b: string): number {
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
