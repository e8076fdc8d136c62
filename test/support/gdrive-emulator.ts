/**
 * A small Google Drive API emulator over HTTP (port 0), implementing only what our Drive provider
 * uses, and strictly: anything else answers 400, so a provider that drifts from the real API fails
 * here rather than in a user's browser.
 *
 * Implemented:
 *  - v3 files.list: q = conjunction (" and ") of `name = '…'`, `'<id>' in parents`,
 *    `mimeType = '…'`, `trashed = false|true`; strings with \' and \\ escapes only. `fields` is
 *    checked against the fields we know; pageSize (1..1000, capped by `maxPageSize`) and pageToken.
 *  - v3 files.create (metadata only, for folders), files.get (metadata / alt=media), files.delete
 *    (a folder takes its subtree), files.copy.
 *  - v3 uploads: uploadType=multipart (multipart/related, JSON part then media part, ≤ 5 MiB) and
 *    uploadType=resumable (session, chunks in 256 KiB multiples, 308 + Range), create and update;
 *    `parents` is refused on update, as Drive does.
 *  - v2 files.get (fields etag, version, …) and v2 media/resumable update honouring If-Match on the
 *    file etag (412 conditionNotMet) — the one precondition real Drive honours. v3 ignores If-Match.
 *  - Bearer tokens (401 for unknown, revoked or expired), fault injection, a request log.
 *  - Google sign-in, as far as tests need it: `issueToken()` mints a token that expires after
 *    `tokenLifetimeMs` (real tokens: ~1 h), and `POST /__emulator/token` does the same over HTTP for the
 *    fake Google Identity Services a browser test installs (test/support/gdrive-browser.ts).
 *  - CORS as googleapis.com answers it: the page's Origin echoed, a fixed list of allowed request headers
 *    (a request header outside it fails the browser's preflight, as it would against Google).
 *  - Where real Drive is awkward, the emulator is too:
 *    - trash: `trash(id)` does what the Drive UI's "Move to trash" does. A trashed file (or one inside a
 *      trashed folder) still answers files.get and updates with 200 and `trashed: true`; only searches with
 *      `trashed = false` hide it, and a new file may be created inside a trashed folder (it is trashed too).
 *    - search lag: `searchLagMs` keeps a new file out of files.list results for that long (files.get by id
 *      sees it at once), as Drive's index lags behind writes.
 *    - rate limits: `createsPerSecond` (every request that makes a file: create, folder, copy) and
 *      `copiesPerSecond` (files.copy alone) answer 403 `userRateLimitExceeded` beyond the limit, counted over
 *      the last second.
 *    - `honourIfMatch = false`: the v2 update ignores If-Match, as Drive would if it stopped honouring it;
 *      `v2Gone = true`: every v2 endpoint answers 404, as if Google retired v2.
 *    - files.update (PATCH, metadata only): addParents / removeParents moves a file, `trashed` trashes it;
 *      modifiedTime changes on every metadata change unless the request sets it (Drive lets it be set).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash, randomBytes } from 'node:crypto';

export const FOLDER_MIME = 'application/vnd.google-apps.folder';
const MULTIPART_MAX = 5 * 1024 * 1024;
const CHUNK_UNIT = 256 * 1024;

export interface EmulatedFile {
  id: string;
  name: string;
  mimeType: string;
  parents: string[];
  content: Buffer;
  createdTime: number;
  modifiedTime: number;
  version: number;
  etag: string;
  /** Trashed itself (explicitly); see isTrashed for the effective state, which a trashed folder passes on. */
  trashed: boolean;
  /** Epoch ms (real time) of its creation: searches see it `searchLagMs` later (the lag in force when searching). */
  insertedAt: number;
}

export interface Fault {
  status: number;
  reason?: string;
  /** The error's message (default "Injected fault <status>"), e.g. Google's accessNotConfigured text. */
  message?: string;
  retryAfter?: string;
  /** How many matching requests fail (default 1). */
  times?: number;
  method?: string;
  /** Substring of the request path (and query) that must match. */
  pathIncludes?: string;
  /** Resumable chunk only: keep this many bytes of the chunk before failing (a connection cut mid-chunk). */
  partialBytes?: number;
  /** Let this many matching requests through before the fault starts. */
  skip?: number;
}

export interface LoggedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  status: number;
  ifMatch?: string;
  auth?: string;
}

export interface DriveEmulatorOptions {
  tokens?: string[];
  /** Lifetime of the tokens issueToken() and /__emulator/token mint (default 1 hour). */
  tokenLifetimeMs?: number;
  /** Caps the page size of files.list, so tests exercise paging with few files. */
  maxPageSize?: number;
  /** How long a new file stays out of search results (default 0). */
  searchLagMs?: number;
  /** Files made per second before 403 userRateLimitExceeded (default unlimited). */
  createsPerSecond?: number;
  /** files.copy calls per second before 403 userRateLimitExceeded (default unlimited). */
  copiesPerSecond?: number;
}

interface Session {
  apiVersion: 'v2' | 'v3';
  fileId?: string;
  metadata: Record<string, unknown>;
  fields?: string;
  total?: number;
  chunks: Buffer[];
  received: number;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

const V3_FILE_FIELDS = new Set([
  'kind', 'id', 'name', 'mimeType', 'parents', 'modifiedTime', 'createdTime', 'size', 'version', 'md5Checksum', 'trashed',
]);
const V2_FILE_FIELDS = new Set(['kind', 'id', 'etag', 'version', 'title', 'mimeType', 'modifiedDate', 'fileSize', 'md5Checksum', 'labels']);
const RATE_WINDOW_MS = 1000;

export class DriveEmulator {
  readonly files = new Map<string, EmulatedFile>();
  readonly requests: LoggedRequest[] = [];
  private readonly tokens: Set<string>;
  /** Minted tokens: when they stop working (epoch ms, real time). */
  private readonly expiries = new Map<string, number>();
  tokenLifetimeMs: number;
  private minted = 0;
  private readonly faults: (Fault & { left: number })[] = [];
  private readonly sessions = new Map<string, Session>();
  private readonly maxPageSize: number;
  private lastTime = 0;
  private clockOffset = 0;
  private nextId = 1;
  private server!: Server;
  url = '';
  searchLagMs: number;
  createsPerSecond: number;
  copiesPerSecond: number;
  honourIfMatch = true;
  /** true: every v2 endpoint answers 404, as if Google had retired the v2 API. */
  v2Gone = false;
  /** Answers 403 userRateLimitExceeded given so far (creates and copies). */
  rateLimited = 0;
  private readonly createTimes: number[] = [];
  private readonly copyTimes: number[] = [];

  constructor(opts: DriveEmulatorOptions = {}) {
    this.tokens = new Set(opts.tokens ?? ['test-token']);
    this.maxPageSize = opts.maxPageSize ?? 1000;
    this.tokenLifetimeMs = opts.tokenLifetimeMs ?? 3_600_000;
    this.searchLagMs = opts.searchLagMs ?? 0;
    this.createsPerSecond = opts.createsPerSecond ?? Infinity;
    this.copiesPerSecond = opts.copiesPerSecond ?? Infinity;
  }

  /** A fresh token, valid for `lifetimeMs` (default: tokenLifetimeMs), as Google's sign-in would grant. */
  issueToken(lifetimeMs = this.tokenLifetimeMs): { access_token: string; expires_in: number } {
    const token = `ya29.emulated-${++this.minted}-${randomBytes(6).toString('hex')}`;
    this.tokens.add(token);
    this.expiries.set(token, Date.now() + lifetimeMs);
    return { access_token: token, expires_in: lifetimeMs / 1000 };
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((e) => {
        if (!res.headersSent) this.sendError(res, req, 500, 'backendError', String(e));
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ------------------------------------------------------------ test controls

  addToken(token: string): void {
    this.tokens.add(token);
  }

  revokeToken(token: string): void {
    this.tokens.delete(token);
  }

  injectFault(fault: Fault): void {
    this.faults.push({ ...fault, left: fault.times ?? 1 });
  }

  /** "Move to trash" in the Drive UI: the file (a folder: with everything in it) leaves searches, not files.get. */
  trash(id: string): void {
    const file = this.files.get(id);
    if (!file) throw new Error(`no file ${id}`);
    file.trashed = true;
  }

  /** Trashed itself or inside a trashed folder (Drive's `trashed`). */
  isTrashed(file: EmulatedFile): boolean {
    const seen = new Set<string>();
    for (let f: EmulatedFile | undefined = file; f && !seen.has(f.id); f = this.files.get(f.parents[0])) {
      if (f.trashed) return true;
      seen.add(f.id);
    }
    return false;
  }

  /** Moves the emulator's clock (modifiedTime of later writes). */
  advanceClock(ms: number): void {
    this.clockOffset += ms;
  }

  seedFolder(name: string, parentId = 'root', opts: { modifiedTime?: number } = {}): string {
    return this.insert({ name, mimeType: FOLDER_MIME, parents: [parentId], content: Buffer.alloc(0), modifiedTime: opts.modifiedTime }).id;
  }

  seedFile(name: string, parentId: string, content: string | Uint8Array, opts: { mimeType?: string; modifiedTime?: number } = {}): string {
    return this.insert({
      name,
      mimeType: opts.mimeType ?? 'application/octet-stream',
      parents: [parentId],
      content: Buffer.from(content),
      modifiedTime: opts.modifiedTime,
    }).id;
  }

  /**
   * Writes `key` the way the original extension lays keys out on Drive: a folder per segment under
   * the root folder (reused when it exists), the file named by the last segment. Returns the file id.
   */
  seedPath(rootName: string, key: string, content: string | Uint8Array, opts: { mimeType?: string; modifiedTime?: number } = {}): string {
    const ensure = (name: string, parentId: string) =>
      [...this.files.values()].find((f) => f.name === name && f.mimeType === FOLDER_MIME && f.parents.includes(parentId))?.id ??
      this.seedFolder(name, parentId);
    let parent = ensure(rootName, 'root');
    const segments = key.split('/');
    const name = segments.pop() as string;
    for (const seg of segments) parent = ensure(seg, parent);
    return this.seedFile(name, parent, content, opts);
  }

  childrenOf(parentId: string): EmulatedFile[] {
    return [...this.files.values()].filter((f) => f.parents.includes(parentId));
  }

  /** Files at a path of names from My Drive ("TypingMind-Cloud-Sync/items/a.json"), all duplicates. */
  findPath(path: string): EmulatedFile[] {
    let level: string[] = ['root'];
    let found: EmulatedFile[] = [];
    for (const name of path.split('/')) {
      found = [...this.files.values()].filter((f) => f.name === name && f.parents.some((p) => level.includes(p)));
      level = found.map((f) => f.id);
    }
    return found;
  }

  // ------------------------------------------------------------ internals

  private now(): number {
    const t = Math.max(Date.now() + this.clockOffset, this.lastTime + 1);
    this.lastTime = t;
    return t;
  }

  private insert(init: { name: string; mimeType: string; parents: string[]; content: Buffer; modifiedTime?: number }): EmulatedFile {
    const now = this.now();
    const file: EmulatedFile = {
      id: `f${this.nextId++}${randomBytes(4).toString('hex')}`,
      name: init.name,
      mimeType: init.mimeType,
      parents: init.parents,
      content: init.content,
      createdTime: now,
      modifiedTime: init.modifiedTime ?? now,
      version: 1,
      etag: newEtag(),
      trashed: false,
      insertedAt: Date.now(),
    };
    this.files.set(file.id, file);
    return file;
  }

  private touch(file: EmulatedFile): void {
    file.modifiedTime = this.now();
    file.version += 1;
    file.etag = newEtag();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://emulator');
    const query = Object.fromEntries(url.searchParams.entries());
    const entry: LoggedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query,
      status: 0,
      ifMatch: header(req, 'if-match'),
      auth: header(req, 'authorization'),
    };
    this.requests.push(entry);
    const origin = header(req, 'origin');
    res.setHeader('Access-Control-Allow-Origin', origin ?? '*');
    res.setHeader('Vary', 'Origin');
    res.setHeader('Access-Control-Expose-Headers', 'Location, Range, Retry-After');
    if (req.method === 'OPTIONS') {
      res.setHeader('Access-Control-Allow-Methods', 'GET, POST, PUT, PATCH, DELETE');
      res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type, Content-Range, If-Match, X-Upload-Content-Type, X-Upload-Content-Length');
      entry.status = 204;
      res.writeHead(204).end();
      return;
    }
    const body = await readBody(req);
    if (url.pathname === '/__emulator/token' && req.method === 'POST') {
      // The stand-in for Google's sign-in popup (no Drive API: no auth, no faults).
      sendJson(res, 200, this.issueToken());
      entry.status = 200;
      return;
    }
    try {
      const isSession = query.upload_id !== undefined;
      if (!isSession) this.checkAuth(req);
      this.checkFaults(req.method ?? 'GET', `${url.pathname}${url.search}`, isSession ? { uploadId: query.upload_id, req, body } : undefined);
      await this.route(req, res, url, query, body, isSession);
    } catch (e) {
      if (e instanceof HttpError) this.sendError(res, req, e.status, e.reason, e.message, e.headers);
      else throw e;
    }
    entry.status = res.statusCode;
  }

  private checkAuth(req: IncomingMessage): void {
    const auth = header(req, 'authorization');
    const m = auth ? /^Bearer (\S+)$/.exec(auth) : null;
    const expiry = m ? this.expiries.get(m[1]) : undefined;
    if (m && expiry !== undefined && Date.now() >= expiry) this.tokens.delete(m[1]);
    if (!m || !this.tokens.has(m[1])) throw new HttpError(401, 'authError', 'Invalid Credentials', { 'WWW-Authenticate': 'Bearer realm="https://accounts.google.com/"' });
  }

  private checkFaults(method: string, pathAndQuery: string, chunk?: { uploadId: string; req: IncomingMessage; body: Buffer }): void {
    const fault = this.faults.find(
      (f) => f.left > 0 && (!f.method || f.method === method) && (!f.pathIncludes || pathAndQuery.includes(f.pathIncludes)),
    );
    if (!fault) return;
    if (fault.skip && fault.skip > 0) {
      fault.skip -= 1;
      return;
    }
    fault.left -= 1;
    const session = chunk && this.sessions.get(chunk.uploadId);
    if (fault.partialBytes !== undefined && session && chunk) {
      const m = /^bytes (\d+)-\d+\/\d+$/.exec(header(chunk.req, 'content-range') ?? '');
      if (m && Number(m[1]) === session.received) {
        const kept = chunk.body.subarray(0, fault.partialBytes);
        session.chunks.push(Buffer.from(kept));
        session.received += kept.length;
      }
    }
    const headers: Record<string, string> = fault.retryAfter !== undefined ? { 'Retry-After': fault.retryAfter } : {};
    throw new HttpError(fault.status, fault.reason ?? defaultReason(fault.status), fault.message ?? `Injected fault ${fault.status}`, headers);
  }

  private async route(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    query: Record<string, string>,
    body: Buffer,
    isSession: boolean,
  ): Promise<void> {
    const method = req.method ?? 'GET';
    const path = url.pathname;
    let m: RegExpExecArray | null;

    if (isSession && method === 'PUT' && /^\/upload\/drive\/v[23]\/files$/.test(path)) return this.sessionChunk(req, res, query, body);
    if (this.v2Gone && /^(\/upload)?\/drive\/v2\//.test(path)) throw new HttpError(404, 'notFound', 'Not Found');

    if (path === '/drive/v3/files') {
      if (method === 'GET') return this.list(res, query);
      if (method === 'POST') {
        this.rateLimit(this.createTimes, this.createsPerSecond);
        return this.createMetadataOnly(res, query, body, req);
      }
    }
    if ((m = /^\/drive\/v3\/files\/([^/]+)\/copy$/.exec(path)) && method === 'POST') {
      this.rateLimit(this.copyTimes, this.copiesPerSecond);
      this.rateLimit(this.createTimes, this.createsPerSecond);
      return this.copy(res, decodeURIComponent(m[1]), query, body, req);
    }
    if ((m = /^\/drive\/v3\/files\/([^/]+)$/.exec(path))) {
      const id = decodeURIComponent(m[1]);
      if (method === 'GET') return this.getFile(res, id, query);
      if (method === 'DELETE') return this.deleteFile(res, id);
      if (method === 'PATCH') return this.updateMetadata(res, id, query, body, req);
    }
    if (path === '/upload/drive/v3/files' && method === 'POST') {
      this.rateLimit(this.createTimes, this.createsPerSecond);
      return this.uploadV3(req, res, query, body, undefined);
    }
    if ((m = /^\/upload\/drive\/v3\/files\/([^/]+)$/.exec(path)) && method === 'PATCH') {
      return this.uploadV3(req, res, query, body, decodeURIComponent(m[1]));
    }
    if ((m = /^\/drive\/v2\/files\/([^/]+)$/.exec(path)) && method === 'GET') return this.getV2(res, decodeURIComponent(m[1]), query);
    if ((m = /^\/upload\/drive\/v2\/files\/([^/]+)$/.exec(path)) && method === 'PUT') {
      return this.uploadV2(req, res, query, body, decodeURIComponent(m[1]));
    }
    throw new HttpError(404, 'notFound', `No such endpoint: ${method} ${path}`);
  }

  /** Counts one more request of a limited kind, or refuses it as Drive does beyond the limit. */
  private rateLimit(times: number[], perSecond: number): void {
    if (perSecond === Infinity) return;
    const now = Date.now();
    while (times.length > 0 && times[0] <= now - RATE_WINDOW_MS) times.shift();
    if (times.length >= perSecond) {
      this.rateLimited++;
      throw new HttpError(403, 'userRateLimitExceeded', 'User Rate Limit Exceeded. Rate of requests for user exceed configured project quota.');
    }
    times.push(now);
  }

  // ------------------------------------------------------------ v3 endpoints

  private list(res: ServerResponse, query: Record<string, string>): void {
    allowParams(query, ['q', 'fields', 'pageSize', 'pageToken', 'spaces', 'orderBy']);
    if (query.spaces !== undefined && query.spaces !== 'drive') throw new HttpError(400, 'invalid', `Invalid spaces: ${query.spaces}`);
    const fileFields = parseListFields(query.fields);
    const filter = parseQuery(query.q ?? '');
    let pageSize = 100;
    if (query.pageSize !== undefined) {
      pageSize = Number(query.pageSize);
      if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 1000) throw new HttpError(400, 'invalid', `Invalid pageSize: ${query.pageSize}`);
    }
    pageSize = Math.min(pageSize, this.maxPageSize);
    const now = Date.now();
    const matches = [...this.files.values()]
      .filter((f) => f.insertedAt + this.searchLagMs <= now && filter(f, this.isTrashed(f)))
      .sort((a, b) => (a.id < b.id ? -1 : 1));
    let offset = 0;
    if (query.pageToken !== undefined) {
      const decoded = decodePageToken(query.pageToken);
      if (!decoded || decoded.q !== (query.q ?? '')) throw new HttpError(400, 'invalid', 'Invalid pageToken');
      offset = decoded.offset;
    }
    const page = matches.slice(offset, offset + pageSize);
    const out: Record<string, unknown> = {};
    if (fileFields.top.has('kind')) out.kind = 'drive#fileList';
    if (fileFields.top.has('files')) out.files = page.map((f) => this.v3Json(f, fileFields.files));
    if (fileFields.top.has('nextPageToken') && offset + pageSize < matches.length) {
      out.nextPageToken = encodePageToken({ q: query.q ?? '', offset: offset + pageSize });
    }
    sendJson(res, 200, out);
  }

  private createMetadataOnly(res: ServerResponse, query: Record<string, string>, body: Buffer, req: IncomingMessage): void {
    allowParams(query, ['fields']);
    requireJsonType(req);
    const metadata = parseJson(body);
    const file = this.createFromMetadata(metadata, Buffer.alloc(0));
    sendJson(res, 200, this.v3Json(file, parseFields(query.fields, V3_FILE_FIELDS)));
  }

  private createFromMetadata(metadata: Record<string, unknown>, content: Buffer): EmulatedFile {
    checkKnownKeys(metadata, ['name', 'mimeType', 'parents']);
    if (typeof metadata.name !== 'string' || metadata.name === '') throw new HttpError(400, 'required', 'A file name is required.');
    const parents = metadata.parents === undefined ? ['root'] : metadata.parents;
    if (!Array.isArray(parents) || parents.length !== 1 || typeof parents[0] !== 'string') {
      throw new HttpError(400, 'invalid', 'parents must be an array of one folder id.');
    }
    const parentId = parents[0] as string;
    if (parentId !== 'root') {
      const parent = this.files.get(parentId);
      // A trashed folder still takes new files (they are trashed with it): only a deleted one is missing.
      if (!parent) throw new HttpError(404, 'notFound', `File not found: ${parentId}.`);
      if (parent.mimeType !== FOLDER_MIME) throw new HttpError(400, 'invalidParent', 'The parent is not a folder.');
    }
    const mimeType = typeof metadata.mimeType === 'string' ? metadata.mimeType : 'application/octet-stream';
    return this.insert({ name: metadata.name, mimeType, parents: [parentId], content });
  }

  private getFile(res: ServerResponse, id: string, query: Record<string, string>): void {
    const file = this.existing(id);
    if (query.alt !== undefined) {
      allowParams(query, ['alt']);
      if (query.alt !== 'media') throw new HttpError(400, 'invalid', `Invalid alt: ${query.alt}`);
      if (file.mimeType === FOLDER_MIME) throw new HttpError(403, 'fileNotDownloadable', 'Only files with binary content can be downloaded.');
      res.writeHead(200, { 'Content-Type': file.mimeType, 'Content-Length': String(file.content.length) });
      res.end(file.content);
      return;
    }
    allowParams(query, ['fields']);
    sendJson(res, 200, this.v3Json(file, parseFields(query.fields, V3_FILE_FIELDS)));
  }

  /** files.update without media: move (addParents / removeParents), trash, rename, set modifiedTime. */
  private updateMetadata(res: ServerResponse, id: string, query: Record<string, string>, body: Buffer, req: IncomingMessage): void {
    allowParams(query, ['fields', 'addParents', 'removeParents']);
    requireJsonType(req, true);
    const file = this.existing(id);
    const metadata = body.length === 0 ? {} : parseJson(body);
    if ('parents' in metadata) checkUpdateMetadata(metadata);
    checkKnownKeys(metadata, ['name', 'trashed', 'modifiedTime']);
    if (query.addParents !== undefined) {
      const target = this.files.get(query.addParents);
      if (!target) throw new HttpError(404, 'notFound', `File not found: ${query.addParents}.`);
      if (target.mimeType !== FOLDER_MIME) throw new HttpError(400, 'invalidParent', 'The parent is not a folder.');
    }
    if (query.removeParents !== undefined && !file.parents.includes(query.removeParents)) {
      throw new HttpError(400, 'invalidParent', `The file is not in ${query.removeParents}.`);
    }
    // One parent per file, as Drive now requires: a move names both.
    if ((query.addParents === undefined) !== (query.removeParents === undefined)) {
      throw new HttpError(403, 'cannotAddParent', 'A file can only have one parent folder: move it with addParents and removeParents together.');
    }
    if (query.addParents !== undefined) file.parents = [query.addParents];
    if (typeof metadata.name === 'string') file.name = metadata.name;
    if (typeof metadata.trashed === 'boolean') file.trashed = metadata.trashed;
    file.version += 1;
    file.etag = newEtag();
    if (typeof metadata.modifiedTime === 'string') {
      const t = Date.parse(metadata.modifiedTime);
      if (Number.isNaN(t)) throw new HttpError(400, 'invalid', `Invalid modifiedTime: ${metadata.modifiedTime}`);
      file.modifiedTime = t;
    } else {
      file.modifiedTime = this.now();
    }
    sendJson(res, 200, this.v3Json(file, parseFields(query.fields, V3_FILE_FIELDS)));
  }

  private deleteFile(res: ServerResponse, id: string): void {
    const file = this.existing(id);
    const doomed = [file.id];
    for (let i = 0; i < doomed.length; i++) {
      for (const child of this.childrenOf(doomed[i])) doomed.push(child.id);
    }
    for (const d of doomed) this.files.delete(d);
    res.writeHead(204).end();
  }

  private copy(res: ServerResponse, id: string, query: Record<string, string>, body: Buffer, req: IncomingMessage): void {
    allowParams(query, ['fields']);
    requireJsonType(req);
    const source = this.existing(id);
    if (source.mimeType === FOLDER_MIME) throw new HttpError(403, 'cannotCopyFile', 'Folders cannot be copied.');
    const metadata = parseJson(body);
    checkKnownKeys(metadata, ['name', 'parents']);
    const file = this.createFromMetadata(
      { name: metadata.name ?? source.name, mimeType: source.mimeType, parents: metadata.parents ?? source.parents },
      Buffer.from(source.content),
    );
    sendJson(res, 200, this.v3Json(file, parseFields(query.fields, V3_FILE_FIELDS)));
  }

  private async uploadV3(req: IncomingMessage, res: ServerResponse, query: Record<string, string>, body: Buffer, id: string | undefined): Promise<void> {
    allowParams(query, ['uploadType', 'fields']);
    const fields = parseFields(query.fields, V3_FILE_FIELDS);
    const existing = id === undefined ? undefined : this.existing(id);
    if (query.uploadType === 'multipart') {
      const { metadata, media } = parseMultipart(header(req, 'content-type'), body);
      if (media.length > MULTIPART_MAX) throw new HttpError(413, 'uploadTooLarge', 'Multipart uploads are limited to 5 MB; use a resumable upload.');
      const file = existing ? this.updateFromMetadata(existing, metadata, media) : this.createFromMetadata(metadata, media);
      sendJson(res, 200, this.v3Json(file, fields));
      return;
    }
    if (query.uploadType === 'resumable') {
      requireJsonType(req, true);
      const metadata = body.length === 0 ? {} : parseJson(body);
      if (existing) checkUpdateMetadata(metadata);
      else checkKnownKeys(metadata, ['name', 'mimeType', 'parents']);
      this.startSession(res, 'v3', existing?.id, metadata, query.fields, req);
      return;
    }
    throw new HttpError(400, 'invalid', `Invalid uploadType: ${query.uploadType ?? '(none)'}`);
  }

  private updateFromMetadata(file: EmulatedFile, metadata: Record<string, unknown>, media: Buffer): EmulatedFile {
    checkUpdateMetadata(metadata);
    if (typeof metadata.name === 'string') file.name = metadata.name;
    if (typeof metadata.mimeType === 'string') file.mimeType = metadata.mimeType;
    file.content = media;
    this.touch(file);
    return file;
  }

  // ------------------------------------------------------------ v2 endpoints

  private getV2(res: ServerResponse, id: string, query: Record<string, string>): void {
    allowParams(query, ['fields']);
    const file = this.existing(id);
    sendJson(res, 200, this.v2Json(file, parseFields(query.fields, V2_FILE_FIELDS)));
  }

  private async uploadV2(req: IncomingMessage, res: ServerResponse, query: Record<string, string>, body: Buffer, id: string): Promise<void> {
    allowParams(query, ['uploadType', 'fields']);
    const fields = parseFields(query.fields, V2_FILE_FIELDS);
    const file = this.existing(id);
    this.checkIfMatch(req, file);
    if (query.uploadType === 'media') {
      if (body.length > MULTIPART_MAX) throw new HttpError(413, 'uploadTooLarge', 'Simple uploads are limited to 5 MB; use a resumable upload.');
      const type = header(req, 'content-type');
      if (type) file.mimeType = type;
      file.content = body;
      this.touch(file);
      sendJson(res, 200, this.v2Json(file, fields));
      return;
    }
    if (query.uploadType === 'resumable') {
      requireJsonType(req, true);
      const metadata = body.length === 0 ? {} : parseJson(body);
      checkUpdateMetadata(metadata);
      this.startSession(res, 'v2', file.id, metadata, query.fields, req);
      return;
    }
    throw new HttpError(400, 'invalid', `Invalid uploadType: ${query.uploadType ?? '(none)'}`);
  }

  private checkIfMatch(req: IncomingMessage, file: EmulatedFile): void {
    if (!this.honourIfMatch) return;
    const ifMatch = header(req, 'if-match');
    if (ifMatch !== undefined && ifMatch !== '*' && ifMatch !== file.etag) {
      throw new HttpError(412, 'conditionNotMet', 'Precondition Failed');
    }
  }

  // ------------------------------------------------------------ resumable sessions

  private startSession(
    res: ServerResponse,
    apiVersion: 'v2' | 'v3',
    fileId: string | undefined,
    metadata: Record<string, unknown>,
    fields: string | undefined,
    req: IncomingMessage,
  ): void {
    const lengthHeader = header(req, 'x-upload-content-length');
    const total = lengthHeader === undefined ? undefined : Number(lengthHeader);
    if (total !== undefined && (!Number.isInteger(total) || total < 0)) throw new HttpError(400, 'invalid', 'Invalid X-Upload-Content-Length');
    if (fileId === undefined) this.checkCreateParents(metadata);
    const uploadId = randomBytes(8).toString('hex');
    this.sessions.set(uploadId, { apiVersion, fileId, metadata, fields, total, chunks: [], received: 0 });
    const fieldsParam = fields === undefined ? '' : `&fields=${encodeURIComponent(fields)}`;
    res.writeHead(200, { Location: `${this.url}/upload/drive/${apiVersion}/files?uploadType=resumable&upload_id=${uploadId}${fieldsParam}` });
    res.end();
  }

  private checkCreateParents(metadata: Record<string, unknown>): void {
    const parents = metadata.parents;
    if (Array.isArray(parents) && typeof parents[0] === 'string' && parents[0] !== 'root') {
      const parent = this.files.get(parents[0]);
      if (!parent) throw new HttpError(404, 'notFound', `File not found: ${parents[0]}.`);
    }
  }

  private sessionChunk(req: IncomingMessage, res: ServerResponse, query: Record<string, string>, body: Buffer): void {
    const session = this.sessions.get(query.upload_id);
    if (!session) throw new HttpError(404, 'notFound', 'No such upload session.');
    const range = header(req, 'content-range');
    const m = range ? /^bytes (?:(\d+)-(\d+)|\*)\/(\d+|\*)$/.exec(range) : null;
    if (!m) throw new HttpError(400, 'badContent', `Invalid Content-Range: ${range ?? '(none)'}`);
    const total = m[3] === '*' ? undefined : Number(m[3]);
    if (session.total !== undefined && total !== undefined && total !== session.total) {
      throw new HttpError(400, 'badContent', 'Content-Range total differs from X-Upload-Content-Length.');
    }
    if (m[1] !== undefined) {
      const start = Number(m[1]);
      const end = Number(m[2]);
      if (end - start + 1 !== body.length) throw new HttpError(400, 'badContent', 'Content-Range does not match the body length.');
      // Strict: a chunk continues exactly where the received bytes end (a client that lost track
      // must ask with `bytes */total` first).
      if (start !== session.received) throw new HttpError(400, 'badContent', `Chunk starts at ${start}, but ${session.received} bytes were received.`);
      const isLast = total !== undefined && end + 1 === total;
      if (!isLast && body.length % CHUNK_UNIT !== 0) throw new HttpError(400, 'badContent', 'Chunks other than the last must be a multiple of 256 KiB.');
      session.chunks.push(Buffer.from(body));
      session.received += body.length;
    }
    if (total === undefined || session.received < total) {
      if (session.received > 0) res.setHeader('Range', `bytes=0-${session.received - 1}`);
      res.writeHead(308).end();
      return;
    }
    this.sessions.delete(query.upload_id);
    const content = Buffer.concat(session.chunks);
    const mimeType = typeof session.metadata.mimeType === 'string' ? session.metadata.mimeType : 'application/octet-stream';
    let file: EmulatedFile;
    if (session.fileId !== undefined) {
      file = this.existing(session.fileId);
      file.mimeType = mimeType;
      file.content = content;
      this.touch(file);
    } else {
      file = this.createFromMetadata({ ...session.metadata, mimeType }, content);
    }
    if (session.apiVersion === 'v2') sendJson(res, 200, this.v2Json(file, parseFields(session.fields, V2_FILE_FIELDS)));
    else sendJson(res, 200, this.v3Json(file, parseFields(session.fields, V3_FILE_FIELDS)));
  }

  // ------------------------------------------------------------ rendering

  /** By id, trashed or not (Drive answers a trashed file's id with 200 and trashed: true); 404 once deleted. */
  private existing(id: string): EmulatedFile {
    const file = this.files.get(id);
    if (!file) throw new HttpError(404, 'notFound', `File not found: ${id}.`);
    return file;
  }

  private v3Json(file: EmulatedFile, fields: Set<string> | undefined): Record<string, unknown> {
    const all: Record<string, unknown> = {
      kind: 'drive#file',
      id: file.id,
      name: file.name,
      mimeType: file.mimeType,
      parents: file.parents,
      modifiedTime: new Date(file.modifiedTime).toISOString(),
      createdTime: new Date(file.createdTime).toISOString(),
      version: String(file.version),
      trashed: this.isTrashed(file),
    };
    if (file.mimeType !== FOLDER_MIME) {
      all.size = String(file.content.length);
      all.md5Checksum = createHash('md5').update(file.content).digest('hex');
    }
    return pick(all, fields ?? new Set(['kind', 'id', 'name', 'mimeType']));
  }

  private v2Json(file: EmulatedFile, fields: Set<string> | undefined): Record<string, unknown> {
    const all: Record<string, unknown> = {
      kind: 'drive#file',
      id: file.id,
      etag: file.etag,
      version: String(file.version),
      title: file.name,
      mimeType: file.mimeType,
      modifiedDate: new Date(file.modifiedTime).toISOString(),
      labels: { trashed: this.isTrashed(file) },
    };
    if (file.mimeType !== FOLDER_MIME) {
      all.fileSize = String(file.content.length);
      all.md5Checksum = createHash('md5').update(file.content).digest('hex');
    }
    return pick(all, fields ?? new Set(Object.keys(all)));
  }

  private sendError(res: ServerResponse, req: IncomingMessage, status: number, reason: string, message: string, headers: Record<string, string> = {}): void {
    void req;
    const body = JSON.stringify({ error: { code: status, message, errors: [{ domain: 'global', reason, message }] } });
    res.writeHead(status, { 'Content-Type': 'application/json; charset=UTF-8', ...headers });
    res.end(body);
  }
}

export async function startDriveEmulator(opts: DriveEmulatorOptions = {}): Promise<DriveEmulator> {
  return new DriveEmulator(opts).start();
}

// -------------------------------------------------------------- parsing helpers

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=UTF-8' });
  res.end(JSON.stringify(value));
}

function newEtag(): string {
  return `"${randomBytes(9).toString('base64url')}"`;
}

function defaultReason(status: number): string {
  if (status === 403) return 'userRateLimitExceeded';
  if (status === 429) return 'rateLimitExceeded';
  if (status >= 500) return 'backendError';
  return 'error';
}

function pick(all: Record<string, unknown>, fields: Set<string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) if (all[f] !== undefined) out[f] = all[f];
  return out;
}

function allowParams(query: Record<string, string>, allowed: string[]): void {
  for (const k of Object.keys(query)) {
    if (!allowed.includes(k)) throw new HttpError(400, 'invalidParameter', `Unknown parameter: ${k}`);
  }
}

function requireJsonType(req: IncomingMessage, allowMissing = false): void {
  const type = header(req, 'content-type');
  if (type === undefined && allowMissing) return;
  if (!type || !/^application\/json\b/i.test(type)) throw new HttpError(400, 'badContent', `Expected a JSON body, got Content-Type ${type ?? '(none)'}.`);
}

function parseJson(body: Buffer): Record<string, unknown> {
  try {
    const v = JSON.parse(body.toString('utf8')) as unknown;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('not an object');
    return v as Record<string, unknown>;
  } catch {
    throw new HttpError(400, 'parseError', 'Parse Error: the body is not a JSON object.');
  }
}

function checkKnownKeys(metadata: Record<string, unknown>, allowed: string[]): void {
  for (const k of Object.keys(metadata)) {
    if (!allowed.includes(k)) throw new HttpError(400, 'invalid', `Unsupported file field in this emulator: ${k}`);
  }
}

function checkUpdateMetadata(metadata: Record<string, unknown>): void {
  if ('parents' in metadata) {
    throw new HttpError(403, 'fieldNotWritable', 'The parents field is not directly writable in update requests. Use the addParents and removeParents parameters instead.');
  }
  checkKnownKeys(metadata, ['name', 'mimeType']);
}

/** `a,b,c` against a known set; undefined = not given. */
function parseFields(fields: string | undefined, known: Set<string>): Set<string> | undefined {
  if (fields === undefined) return undefined;
  const out = new Set<string>();
  for (const raw of fields.split(',')) {
    const f = raw.trim();
    if (!known.has(f)) throw new HttpError(400, 'invalidParameter', `Invalid field selection ${f}`);
    out.add(f);
  }
  return out;
}

/** `nextPageToken,files(id,name)`: top-level names and the sub-selection of files. */
function parseListFields(fields: string | undefined): { top: Set<string>; files: Set<string> | undefined } {
  if (fields === undefined) return { top: new Set(['kind', 'files', 'nextPageToken']), files: undefined };
  const m = /^(.*?)files\(([^()]*)\)(.*)$/.exec(fields);
  const top = new Set<string>();
  let files: Set<string> | undefined;
  let rest = fields;
  if (m) {
    files = parseFields(m[2], V3_FILE_FIELDS);
    top.add('files');
    rest = `${m[1]}${m[3]}`;
  }
  for (const raw of rest.split(',')) {
    const f = raw.trim();
    if (f === '') continue;
    if (f === 'files') {
      top.add('files');
      continue;
    }
    if (!['nextPageToken', 'kind', 'incompleteSearch'].includes(f)) throw new HttpError(400, 'invalidParameter', `Invalid field selection ${f}`);
    top.add(f);
  }
  return { top, files };
}

/** The q forms the provider uses, and nothing else. */
export function parseQuery(q: string): (f: EmulatedFile, trashed?: boolean) => boolean {
  const tests: ((f: EmulatedFile, trashed: boolean) => boolean)[] = [];
  let i = 0;
  const fail = (why: string): never => {
    throw new HttpError(400, 'invalid', `Invalid Value: q (${why} at ${i})`);
  };
  const ws = () => {
    while (q[i] === ' ') i++;
  };
  const word = (w: string) => {
    if (q.startsWith(w, i)) {
      i += w.length;
      return true;
    }
    return false;
  };
  const str = (): string => {
    if (q[i] !== "'") fail('expected a quoted string');
    i++;
    let out = '';
    for (;;) {
      const c = q[i];
      if (c === undefined) fail('unterminated string');
      if (c === "'") {
        i++;
        return out;
      }
      if (c === '\\') {
        const n = q[i + 1];
        if (n !== "'" && n !== '\\') fail('bad escape');
        out += n;
        i += 2;
        continue;
      }
      out += c;
      i++;
    }
  };
  const eq = () => {
    ws();
    if (!word('=')) fail('expected =');
    ws();
  };
  if (q.trim() === '') return () => true;
  for (;;) {
    ws();
    if (word('name')) {
      eq();
      const name = str();
      tests.push((f) => f.name === name);
    } else if (word('mimeType')) {
      eq();
      const type = str();
      tests.push((f) => f.mimeType === type);
    } else if (word('trashed')) {
      eq();
      if (word('false')) tests.push((_f, trashed) => !trashed);
      else if (word('true')) tests.push((_f, trashed) => trashed);
      else fail('expected true or false');
    } else if (q[i] === "'") {
      const id = str();
      ws();
      if (!word('in')) fail('expected in');
      ws();
      if (!word('parents')) fail('expected parents');
      tests.push((f) => f.parents.includes(id));
    } else {
      fail('unsupported term');
    }
    ws();
    if (i >= q.length) break;
    if (!word('and ')) fail('expected and');
  }
  return (f, trashed = f.trashed) => tests.every((t) => t(f, trashed));
}

function encodePageToken(t: { q: string; offset: number }): string {
  return Buffer.from(JSON.stringify(t)).toString('base64url');
}

function decodePageToken(token: string): { q: string; offset: number } | undefined {
  try {
    const v = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { q: string; offset: number };
    return typeof v.q === 'string' && Number.isInteger(v.offset) ? v : undefined;
  } catch {
    return undefined;
  }
}

/** multipart/related: exactly a JSON metadata part then a media part. */
function parseMultipart(contentType: string | undefined, body: Buffer): { metadata: Record<string, unknown>; media: Buffer } {
  const m = contentType ? /^multipart\/related;\s*boundary=("?)([^";]+)\1\s*$/i.exec(contentType) : null;
  if (!m) throw new HttpError(400, 'badContent', `Expected multipart/related with a boundary, got ${contentType ?? '(none)'}.`);
  const delimiter = Buffer.from(`--${m[2]}`);
  const parts: Buffer[] = [];
  if (!body.subarray(0, delimiter.length).equals(delimiter)) throw new HttpError(400, 'badContent', 'Malformed multipart body: no opening boundary.');
  let pos = delimiter.length;
  const sep = Buffer.concat([Buffer.from('\r\n'), delimiter]);
  for (;;) {
    if (body.subarray(pos, pos + 2).toString() !== '\r\n') throw new HttpError(400, 'badContent', 'Malformed multipart body: boundary not followed by CRLF.');
    pos += 2;
    const next = body.indexOf(sep, pos);
    if (next < 0) throw new HttpError(400, 'badContent', 'Malformed multipart body: missing closing boundary.');
    parts.push(body.subarray(pos, next));
    pos = next + sep.length;
    if (body.subarray(pos, pos + 2).toString() === '--') break;
  }
  if (parts.length !== 2) throw new HttpError(400, 'badContent', `Malformed multipart body: expected 2 parts, got ${parts.length}.`);
  const split = (part: Buffer) => {
    const end = part.indexOf('\r\n\r\n');
    if (end < 0) throw new HttpError(400, 'badContent', 'Malformed multipart part: no header end.');
    const headers = part.subarray(0, end).toString('utf8');
    return { type: /content-type:\s*([^\r\n]+)/i.exec(headers)?.[1]?.trim(), content: part.subarray(end + 4) };
  };
  const meta = split(parts[0]);
  const media = split(parts[1]);
  if (!meta.type || !/^application\/json\b/i.test(meta.type)) throw new HttpError(400, 'badContent', 'The first multipart part must be application/json metadata.');
  if (!media.type) throw new HttpError(400, 'badContent', 'The media part needs a Content-Type.');
  return { metadata: parseJson(meta.content), media: Buffer.from(media.content) };
}
