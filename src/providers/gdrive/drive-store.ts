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
import { etagOf, FILE_FIELDS, type DriveFile } from './drive-file';
import { sendUpload } from './drive-upload';
import { preconditionFailed, v2ConditionalUpdate, v2RefusesStaleIfMatch } from './drive-v2';
import { compareBytes, listEntryOf, walkFolders, type WalkDeps } from './drive-walk';
import { DriveFolders } from './drive-folders';
import { listFiles } from './drive-listing';
import { Pacer } from './drive-pacer';
import { pickFirstCreated, pickNewest } from './pick-newest';
import { CHUNK_SIZE } from './resumable-upload';

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
 *
 * Where Drive stops honouring v2 If-Match (the setup check finds it: `capabilities.conditionalPut` false) or
 * stops answering v2 at all (found at write time: v2 says 404 for a file v3 has), a conditional put becomes a
 * checked write: the version is compared right before a plain v3 write. That is not atomic; the sync's commit
 * journal repairs what a racing device overwrote, as on any store without preconditions.
 *
 * Real Drive's awkward parts, and how the store meets them: duplicate folders (drive-folders.ts: read across,
 * write into one, heal); name searches that lag behind writes (ids already known are read with files.get, our
 * own recent writes are added to listings that miss them, and a write never creates a second copy of a file
 * it knows); a trashed folder (a write whose answer says `trashed` is redone outside the trash); page tokens
 * Drive rejects (drive-listing.ts restarts); rate limits (drive-pacer.ts, and drive-http.ts's back-off).
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
  /**
   * Least time between two requests that make a file (create, folder, copy), and between two copies. Drive
   * allows about 2 new files per second and limits files.copy on its own. Default 500 ms each; 0 = no pacing.
   */
  pacing?: { createIntervalMs?: number; copyIntervalMs?: number };
  /** How long a file this store wrote is added to listings whose search does not show it yet. Default 5 min. */
  searchLagToleranceMs?: number;
  /** How long folder ids are used without looking them up again (another device may add a duplicate). Default 5 min. */
  folderCacheTtlMs?: number;
  /** Told about repairs (duplicate folders merged, the If-Match fallback). */
  log?: (message: string) => void;
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
  private readonly now: () => number;
  private readonly log: (message: string) => void;
  private readonly folders: DriveFolders;
  private readonly createPacer: Pacer;
  private readonly copyPacer: Pacer;
  private readonly lagToleranceMs: number;
  /** Key → the file we last saw for it. */
  private readonly fileIds = new Map<string, string>();
  /** Key → a file this store wrote, and when: a search may not show it yet. */
  private readonly recentWrites = new Map<string, { id: string; at: number }>();
  private readonly walkDeps: WalkDeps;

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
    this.now = opts.now ?? Date.now;
    this.log = opts.log ?? (() => undefined);
    const sleep = opts.sleep ?? runtimeSleep;
    this.createPacer = new Pacer(opts.pacing?.createIntervalMs ?? 500, this.now, sleep);
    this.copyPacer = new Pacer(opts.pacing?.copyIntervalMs ?? 500, this.now, sleep);
    this.lagToleranceMs = opts.searchLagToleranceMs ?? 5 * 60_000;
    this.walkDeps = { http: this.http, api: this.api, remember: (path, found) => this.folders.remember(path, found) };
    this.folders = new DriveFolders({
      http: this.http,
      api: this.api,
      rootName: this.rootName,
      createPacer: this.createPacer,
      log: this.log,
      now: this.now,
      cacheTtlMs: opts.folderCacheTtlMs ?? 5 * 60_000,
      // A duplicate folder appeared (or went) at `path`: a file id remembered there may be the wrong one of two.
      onChanged: (path) => {
        for (const key of [...this.fileIds.keys()]) {
          const dir = splitKey(key).folders.join('/');
          if (path === '' || dir === path || dir.startsWith(`${path}/`)) this.fileIds.delete(key);
        }
      },
    });
  }

  get needsReconnect(): boolean {
    return this.http.needsReconnect;
  }

  reconnect(): Promise<void> {
    return this.http.reconnect();
  }

  forgetCachedIds(): void {
    this.folders.clear();
    this.fileIds.clear();
    this.recentWrites.clear();
  }

  /** A file this store just made or changed: known by id from now on, and listed even before searches see it. */
  private wrote(key: string, id: string): void {
    this.fileIds.set(key, id);
    this.recentWrites.set(key, { id, at: this.now() });
  }

  private forgetKey(key: string): void {
    this.fileIds.delete(key);
    this.recentWrites.delete(key);
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
      this.forgetKey(key);
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
    // No request while the folder ids are fresh. Once they expire this looks them up again, and if another
    // device merged a duplicate folder meanwhile, the ids cached under it go (onChanged): a cached id may be
    // the older of two files that now share a folder, which this device alone would go on reading.
    if (this.fileIds.has(key)) await this.folders.resolve(splitKey(key).folders, false, signal);
    const cachedId = this.fileIds.get(key);
    if (cachedId) {
      const res = await this.http.send({
        method: 'GET',
        url: `${this.api}/drive/v3/files/${encodeURIComponent(cachedId)}?fields=${encodeURIComponent(FILE_FIELDS)}`,
        accept: [404],
        signal,
        context: `reading ${key}`,
      });
      if (res.ok) {
        // Drive answers a trashed file's id with 200 and trashed: true (trashed itself or in a trashed folder).
        const file = (await res.json()) as DriveFile;
        if (!file.trashed) return file;
        this.folders.forget(splitKey(key).folders);
      } else {
        await res.body?.cancel();
      }
      this.forgetKey(key); // gone or trashed: find it again by name
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
      if (!this.capabilities.conditionalPut) return this.checkedWrite(key, body, mediaType, options.ifMatch, signal);
      // With a cached id the v2 read inside conditionalUpdate is the existence check: 2 requests.
      const cachedId = this.fileIds.get(key);
      if (cachedId) {
        const result = await this.conditionalUpdate(key, cachedId, body, mediaType, options.ifMatch, signal);
        if (result !== 'gone') return result;
        this.forgetKey(key); // perhaps replaced by a file with a new id: look it up by name
      }
      const file = await this.currentFile(key, signal);
      if (!file) throw preconditionFailed(key, 'it no longer exists');
      if (file.id === cachedId) return this.v2Unavailable(key, body, mediaType, options.ifMatch, signal);
      const result = await this.conditionalUpdate(key, file.id, body, mediaType, options.ifMatch, signal);
      if (result === 'gone') {
        const again = await this.currentFile(key, signal);
        if (again?.id === file.id) return this.v2Unavailable(key, body, mediaType, options.ifMatch, signal);
        this.forgetKey(key);
        throw preconditionFailed(key, 'it was deleted');
      }
      return result;
    }
    if (options.ifNoneMatch === '*') return this.createIfAbsent(key, body, mediaType, signal);

    // No folder check on a miss here: creating in a deleted folder answers 404, handled in createFile.
    const file = await this.currentFile(key, signal, false);
    if (file) {
      const updated = await this.updateContent(file.id, body, mediaType, signal, `saving ${key}`);
      if (updated) {
        this.wrote(key, updated.id);
        return { etag: etagOf(updated.id, updated.version) };
      }
      this.forgetKey(key); // deleted or trashed meanwhile: create it afresh below
    }
    const created = await this.createFile(key, body, mediaType, signal);
    return { etag: etagOf(created.id, created.version) };
  }

  /**
   * Drive answers v2 with 404 for a file v3 has: the v2 API is gone (retired, or blocked). Compare-and-swap
   * cannot be had any more; turning it off (so the sync journals its commits, as on other stores without
   * preconditions) beats failing every index write from now on.
   */
  private v2Unavailable(key: string, body: Uint8Array, mediaType: string, expected: string, signal?: AbortSignal): Promise<PutResult> {
    this.capabilities.conditionalPut = false;
    this.log('Google Drive no longer answers its v2 API, which compare-and-swap relies on: index writes are now checked by version instead.');
    return this.checkedWrite(key, body, mediaType, expected, signal);
  }

  /** The fallback for If-Match: compare the version right before a plain write (not atomic; see the class comment). */
  private async checkedWrite(key: string, body: Uint8Array, mediaType: string, expected: string, signal?: AbortSignal): Promise<PutResult> {
    const file = await this.currentFile(key, signal);
    if (!file) throw preconditionFailed(key, 'it no longer exists');
    if (etagOf(file.id, file.version) !== expected) throw preconditionFailed(key, 'another device saved it first');
    const updated = await this.updateContent(file.id, body, mediaType, signal, `saving ${key}`);
    if (!updated) {
      this.forgetKey(key);
      throw preconditionFailed(key, 'it was deleted');
    }
    this.wrote(key, updated.id);
    return { etag: etagOf(updated.id, updated.version) };
  }

  /**
   * Whether Drive itself refuses a v2 update whose If-Match is stale (the store's own version check cannot
   * tell: it refuses a stale etag before Drive sees it). Writes the same bytes back under a made-up etag:
   * a 412 means honoured. For the setup check, on its own test file.
   */
  async checkPreconditions(key: string, signal?: AbortSignal): Promise<boolean> {
    const file = await this.currentFile(key, signal);
    if (!file) return false;
    const got = await this.get(key, { signal });
    if (got.kind !== 'found') return false;
    return v2RefusesStaleIfMatch(this.http, this.upload, file.id, got.body, file.mimeType, signal);
  }

  /** v2 compare-and-swap (drive-v2.ts); 'gone' when the file no longer exists or is in the trash. */
  private async conditionalUpdate(
    key: string,
    fileId: string,
    body: Uint8Array,
    mediaType: string,
    expected: string,
    signal?: AbortSignal,
  ): Promise<PutResult | 'gone'> {
    const limits = { multipartLimit: this.multipartLimit, chunkSize: this.chunkSize };
    const result = await v2ConditionalUpdate(this.http, { api: this.api, upload: this.upload }, limits, { key, fileId, body, mediaType, expected, signal });
    if (result !== 'gone') this.wrote(key, fileId);
    return result;
  }

  /**
   * Drive cannot create "only if absent" atomically. We look, create, then look again: when two
   * writers raced, the first-created file wins and the loser removes its own copy and reports
   * precondition-failed, so both end up agreeing on one file.
   */
  private async createIfAbsent(key: string, body: Uint8Array, mediaType: string, signal?: AbortSignal): Promise<PutResult> {
    // currentFile, not a bare search: a file we wrote a moment ago may not be searchable yet.
    if (await this.currentFile(key, signal)) throw preconditionFailed(key, 'it already exists');
    const created = await this.createFile(key, body, mediaType, signal);
    const after = await this.findFiles(key, signal, false);
    const winner = pickFirstCreated(after.files.some((f) => f.id === created.id) ? after.files : [...after.files, created]);
    if (winner && winner.id !== created.id) {
      await this.deleteById(created.id, signal, `withdrawing a duplicate ${key}`);
      this.recentWrites.delete(key);
      this.fileIds.set(key, winner.id);
      throw preconditionFailed(key, 'another device created it at the same moment');
    }
    return { etag: etagOf(created.id, created.version) };
  }

  private async createFile(key: string, body: Uint8Array, mediaType: string, signal?: AbortSignal): Promise<DriveFile> {
    const { folders, name } = splitKey(key);
    for (let round = 0; ; round++) {
      const parent = await this.ensureFolder(folders, signal);
      const metadata = { name, mimeType: mediaType, parents: [parent.primary] };
      const url = `${this.upload}/upload/drive/v3/files?fields=${encodeURIComponent(FILE_FIELDS)}`;
      const res = await this.sendUpload('POST', url, metadata, body, mediaType, signal, `saving ${key}`, [this.createPacer]);
      let file: DriveFile | undefined;
      if (res.status !== 404) {
        file = (await res.json()) as DriveFile;
        if (!file.trashed) {
          this.wrote(key, file.id);
          return file;
        }
        // Drive took it, into a folder someone moved to the trash: take it back out of there and write
        // into a live folder instead (the trashed folder must not keep receiving the user's data).
        await this.deleteById(file.id, signal, `withdrawing ${key} from a trashed folder`);
      } else {
        await res.body?.cancel();
      }
      if (round > 0) {
        throw new CloudSyncError('not-found', `Could not save ${key}: its folder on Google Drive keeps disappearing or going to the trash. Try again.`);
      }
      // The cached folder was deleted or trashed (by another device or by hand): walk the path again, and
      // if the key exists in the folder that replaced it, write into that file instead.
      this.folders.forget(folders);
      const existing = pickNewest((await this.findFiles(key, signal, false)).files);
      if (existing) {
        const updated = await this.updateContent(existing.id, body, mediaType, signal, `saving ${key}`);
        if (updated) {
          this.wrote(key, updated.id);
          return updated;
        }
      }
    }
  }

  /** Replaces a file's bytes; undefined when the file no longer exists or lives in the trash. */
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
    const file = (await res.json()) as DriveFile;
    return file.trashed ? undefined : file;
  }

  /** Multipart for small bodies, resumable for large ones (drive-upload.ts). `url` has a query already. */
  private sendUpload(
    method: string,
    url: string,
    metadata: object,
    body: Uint8Array,
    mediaType: string,
    signal: AbortSignal | undefined,
    context: string,
    pace?: Pacer[],
  ): Promise<Response> {
    const limits = { multipartLimit: this.multipartLimit, chunkSize: this.chunkSize, random: this.random };
    return sendUpload(this.http, { method, url, metadata, body, mediaType, signal, context, pace }, limits);
  }

  // ---------------------------------------------------------------- list

  async *list(prefix: string, options: RequestOptions = {}): AsyncIterable<ListEntry[]> {
    const { signal } = options;
    const { folders, namePrefix } = splitPrefix(prefix);
    let start = await this.folders.resolve(folders, false, signal);
    const basePath = folders.length > 0 ? `${folders.join('/')}/` : '';
    let entries: ListEntry[] = [];
    if (start) entries = await walkFolders(this.walkDeps, start.all, basePath, namePrefix, signal);
    if (start && entries.length === 0 && start.fromCache && !(await this.allFoldersLive(start.all, signal))) {
      // A remembered folder was deleted or trashed since: look the path up again.
      this.folders.forget(folders);
      start = await this.folders.resolve(folders, false, signal);
      entries = start ? await walkFolders(this.walkDeps, start.all, basePath, namePrefix, signal) : [];
    }
    entries = await this.addRecentWrites(entries, prefix, signal);
    entries.sort((a, b) => compareBytes(a.key, b.key));
    for (let i = 0; i < entries.length; i += this.listPageSize) yield entries.slice(i, i + this.listPageSize);
  }

  /**
   * Drive's search lags behind its writes: a file this store wrote moments ago may be missing from the
   * listing. Each such file under the prefix is checked by id (files.get sees it at once) and listed when it
   * is still there and not trashed; otherwise it is forgotten.
   */
  private async addRecentWrites(entries: ListEntry[], prefix: string, signal?: AbortSignal): Promise<ListEntry[]> {
    const listed = new Set(entries.map((e) => e.key));
    const now = this.now();
    const extra: ListEntry[] = [];
    for (const [key, w] of [...this.recentWrites]) {
      if (now - w.at > this.lagToleranceMs) {
        this.recentWrites.delete(key);
        continue;
      }
      if (!key.startsWith(prefix) || listed.has(key)) continue;
      const file = await this.currentFile(key, signal, false);
      if (!file) continue;
      extra.push(listEntryOf(key, file));
    }
    return extra.length ? [...entries, ...extra] : entries;
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
      const existing = await this.filesOf(to, signal);
      const parent = await this.ensureFolder(folders, signal);
      const res = await this.http.send({
        method: 'POST',
        url: `${this.api}/drive/v3/files/${encodeURIComponent(source.id)}/copy?fields=${encodeURIComponent(FILE_FIELDS)}`,
        headers: { 'Content-Type': 'application/json; charset=UTF-8' },
        body: JSON.stringify({ name, parents: [parent.primary] }),
        accept: [404],
        pace: [this.copyPacer, this.createPacer],
        signal,
        context: `copying ${from} to ${to}`,
      });
      let copied: DriveFile | undefined;
      if (res.status === 404) await res.body?.cancel();
      else copied = (await res.json()) as DriveFile;
      if (copied?.trashed) await this.deleteById(copied.id, signal, `withdrawing ${to} from a trashed folder`);
      if (!copied || copied.trashed) {
        if (round === 0) {
          this.folders.forget(folders);
          this.forgetKey(from);
          continue;
        }
        throw new CloudSyncError('not-found', `Could not copy ${from} to ${to} on Google Drive: the file or the target folder disappeared. Try again.`);
      }
      this.wrote(to, copied.id);
      // Replace, not duplicate (the original left duplicates, §6.4): the old files go only after
      // the copy exists, so `to` is never missing in between.
      for (const old of existing) {
        if (old !== copied.id) await this.deleteById(old, signal, `replacing ${to}`);
      }
      return;
    }
  }

  /** Ids of every file at a key: what a search finds, plus the one we know (a search may not show it yet). */
  private async filesOf(key: string, signal?: AbortSignal): Promise<string[]> {
    const ids = new Set((await this.findFiles(key, signal, false)).files.map((f) => f.id));
    const known = this.fileIds.get(key);
    if (known && !ids.has(known)) {
      const file = await this.currentFile(key, signal, false);
      if (file) ids.add(file.id);
    }
    return [...ids];
  }

  // ---------------------------------------------------------------- delete

  async deleteMany(keys: string[], options: RequestOptions = {}): Promise<void> {
    const { signal } = options;
    await mapPool([...new Set(keys)], this.concurrency, (key) => this.deleteKey(key, signal));
  }

  private async deleteKey(key: string, signal?: AbortSignal): Promise<void> {
    let ids: string[];
    try {
      ids = await this.filesOf(key, signal);
      if (ids.length === 0) ids = (await this.findFiles(key, signal)).files.map((f) => f.id);
    } catch (e) {
      // A key Drive could never hold (empty segment) cannot exist, so there is nothing to delete.
      if (e instanceof CloudSyncError && e.details.key === key && e.code === 'provider-error') return;
      throw e;
    }
    // Every duplicate goes, or the next newest would reappear as the key's content.
    for (const id of ids) await this.deleteById(id, signal, `deleting ${key}`);
    this.forgetKey(key);
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
   * All non-folder files named like the key's last segment in its folder and the folder's duplicates
   * (fresh, not cached). `verify`: when nothing is found under folder ids we only remembered, check
   * that they still exist and are not trashed; if one was deleted or trashed (and perhaps recreated by
   * another device), walk the path again. Reads and deletes verify, so "absent" is true; plain writes
   * do not need to, since Drive's answer to a create says when the folder is gone or trashed.
   */
  private async findFiles(key: string, signal?: AbortSignal, verify = true): Promise<{ files: DriveFile[] }> {
    const { folders, name } = splitKey(key);
    for (let round = 0; ; round++) {
      const parent = await this.folders.resolve(folders, false, signal);
      if (!parent) return { files: [] };
      const files: DriveFile[] = [];
      for (const id of parent.all) {
        for (const f of await listFiles(this.http, this.api, buildQuery({ name, parentId: id }), signal, `looking for ${key}`)) {
          if (f.mimeType !== FOLDER_MIME) files.push(f);
        }
      }
      if (verify && files.length === 0 && parent.fromCache && round === 0 && !(await this.allFoldersLive(parent.all, signal))) {
        this.folders.forget(folders);
        continue;
      }
      return { files };
    }
  }

  private async allFoldersLive(ids: string[], signal?: AbortSignal): Promise<boolean> {
    for (const id of ids) {
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
      if (((await res.json()) as { trashed?: boolean }).trashed) return false;
    }
    return true;
  }

  private async ensureFolder(folders: string[], signal?: AbortSignal) {
    return (await this.folders.resolve(folders, true, signal)) as { primary: string; all: string[]; fromCache: boolean };
  }
}
