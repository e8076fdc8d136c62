/**
 * The sync engine: runs one cycle of DESIGN.md's sync cycle against one bucket.
 *
 *   remote check (metadata.json, If-None-Match) → local states of the candidate keys → plan (pure) →
 *   password check before any write → downloads and local deletes → uploads → metadata.json by
 *   compare-and-swap (or write + read back) → base committed.
 *
 * It decides nothing itself: the planner (planner.ts) and the chat merge (chat-merge.ts) do. It owns the
 * order of effects, so that a failure anywhere leaves the base as it was and the next cycle redoes the work.
 */
import type { SyncReport } from '../api';
import {
  emptyMetadata,
  fingerprintsEquivalent,
  isChatItem,
  makeTombstone,
  METADATA_KEY,
  objectKeyFor,
  parseMetadata,
  pruneExpiredTombstones,
  TOMBSTONE_TTL_MS,
  serializeMetadata,
  chatFingerprint,
  toMillis,
} from '../cloud';
import { isTombstone, type LiveEntry, type Metadata, type MetadataEntry } from '../cloud/types';
import { keyedHash } from '../crypto';
import { CloudSyncError, isCloudSyncError } from '../errors';
import type { HostStore, ItemType, LocalItem, LocalKey } from '../host/types';
import type { CloudStore, GetResult } from '../providers/cloud-store';
import type { BaseRecord, BaseStore, ConflictRecord, SyncState } from './base-store';
import { isMergeableChat, mergeChats, messageId } from './chat-merge';
import { decodeObject, encodeItem, encryptEncoded, entryFor, toLocalItem, type Encoded, type SyncKeys } from './item-codec';
import { PasswordGate } from './password-gate';
import { plan as makePlan, type Action, type BaseState, type KeyInput, type LocalState, type RemoteState } from './planner';
import { NewItemWriter } from './new-item-writer';
import { mapPool } from './pool';
import { ReadAhead } from './read-ahead';

export interface EngineOptions {
  /** Parallel transfers (uploads and downloads each). */
  concurrency?: number;
  /** Fraction of known items a plan may delete without the user's confirmation. */
  massDeleteThreshold?: number;
  /** How long an entry whose object does not match its hash is taken as "being written" (ms). */
  inFluxMs?: number;
  /** Local reads per batch during a full scan (bounds memory). */
  scanBatch?: number;
  /**
   * Awaited between the batches of a full scan, so the start-up and backstop scans run in the page's idle
   * time instead of one long task (the app passes a requestIdleCallback-based wait).
   */
  betweenBatches?: () => Promise<void>;
}

export interface EngineDeps {
  store: CloudStore;
  host: HostStore;
  base: BaseStore;
  keys: SyncKeys;
  /** Identifies the bucket (provider + location); a different scope starts from an empty base. */
  scope: string;
  now?: () => number;
  options?: EngineOptions;
  onProgress?: (p: { phase: 'upload' | 'download'; done: number; total: number }) => void;
  /**
   * Awaited before the cycle's first write to the bucket. The app's capability probe (does the provider honour
   * conditional writes?) runs beside the cycle's reads and must be done before anything is written.
   */
  beforeWrites?: () => Promise<void>;
  log?: (level: 'debug' | 'info' | 'warn' | 'error', message: string, data?: Record<string, unknown>) => void;
}

export interface CycleRequest {
  /** Compare every key (start-up reconciliation, backstop scan, first sync). */
  full: boolean;
  /** Keys the change feed saw change, with when. */
  dirty?: ReadonlyMap<string, { area: 'idb' | 'ls'; at: number }>;
  /** Deletions the user confirmed after a guard held them. */
  confirmedDeletions?: ReadonlySet<string>;
}

export interface CycleResult extends SyncReport {
  /** Deletions held back by the guard, waiting for the user. */
  held: { key: string; kind: 'delete-local' | 'tombstone' }[];
  holdReason?: string;
  /** Keys that could not be synced this cycle (the caller keeps them dirty). */
  failedKeys: string[];
  /** True when the cycle cost one request and no local work (nothing changed anywhere). */
  idle: boolean;
}

const DEFAULTS: Required<EngineOptions> = { concurrency: 8, massDeleteThreshold: 0.5, inFluxMs: 120_000, scanBatch: 25, betweenBatches: async () => {} };
const MAX_ATTEMPTS = 4;

function wrongPasswordError(): CloudSyncError {
  return new CloudSyncError(
    'wrong-password',
    'The encryption password does not match the data in this bucket. Nothing was changed. Enter the password you used on your other devices.',
  );
}

/** The signature of a metadata entry: what the base remembers to tell "changed remotely" from "same". */
export function entrySig(entry: MetadataEntry): string {
  if (isTombstone(entry)) return `t:${entry.deleted}:${entry.tombstoneVersion ?? 1}`;
  const e = entry as LiveEntry;
  if (typeof e.tcsHash === 'string') return `h:${e.type}:${e.tcsHash}`;
  return `o:${JSON.stringify([e.type, e.synced, e.lastModified, e.size ?? null, e.chatFingerprint ?? null, e.blobType ?? null])}`;
}

function baseState(r: BaseRecord | undefined): BaseState {
  if (!r) return { kind: 'absent' };
  if (r.kind === 'tombstone') return { kind: 'tombstone', sig: r.sig };
  return { kind: 'live', hash: r.hash ?? '', sig: r.sig };
}

function remoteState(e: MetadataEntry | undefined): RemoteState {
  if (!e) return { kind: 'absent' };
  return isTombstone(e) ? { kind: 'tombstone', sig: entrySig(e) } : { kind: 'live', sig: entrySig(e) };
}

const utf8 = new TextDecoder();
const toBytes = (s: string) => new TextEncoder().encode(s);

interface LocalInfo {
  type: ItemType;
  hash: string;
  fingerprint?: string;
}

/** Work carried across compare-and-swap retries of one cycle, so a retry does not upload again. */
interface CycleMemo {
  uploaded: Map<string, { hash: string; entry: LiveEntry }>;
  report: CycleResult;
  /** Keys that failed in this cycle: transient (retry every cycle) or not (retry when the entry changes). */
  failures: Map<string, boolean>;
}

/** Failures of the object itself (damaged, wrong password, missing, bad index): retrying cannot help until its entry changes, so the key waits for that. */
const PERMANENT = new Set(['corrupt-object', 'wrong-password', 'not-found', 'bad-metadata']);

export class SyncEngine {
  private readonly opt: Required<EngineOptions>;
  private readonly now: () => number;
  private requests = 0;
  private lastParsed?: { etag: string; meta: Metadata };

  constructor(private readonly deps: EngineDeps) {
    this.opt = { ...DEFAULTS, ...deps.options };
    this.now = deps.now ?? Date.now;
  }

  private get store(): CloudStore {
    return this.deps.store;
  }

  /** Every request is counted for the report and the benchmarks. */
  private count<T>(p: Promise<T>): Promise<T> {
    this.requests++;
    return p;
  }

  private log(level: 'debug' | 'info' | 'warn' | 'error', message: string, data?: Record<string, unknown>) {
    this.deps.log?.(level, message, data);
  }

  async runCycle(req: CycleRequest): Promise<CycleResult> {
    const started = this.now();
    this.requests = 0;
    const memo: CycleMemo = {
      uploaded: new Map(),
      report: { uploaded: [], downloaded: [], deleted: [], conflicts: [], errors: [], requests: 0, durationMs: 0, held: [], failedKeys: [], idle: false },
      failures: new Map(),
    };
    for (let attempt = 1; ; attempt++) {
      try {
        await this.attempt(req, memo);
        break;
      } catch (e) {
        if (isCloudSyncError(e, 'precondition-failed') && attempt < MAX_ATTEMPTS) {
          this.log('info', 'metadata.json changed while this device was writing it; planning again', { attempt });
          continue;
        }
        throw e;
      }
    }
    const r = memo.report;
    r.requests = this.requests;
    r.durationMs = this.now() - started;
    return r;
  }

  private async attempt(req: CycleRequest, memo: CycleMemo): Promise<void> {
    const { base, host, keys } = this.deps;
    const report = memo.report;
    const now = this.now();

    // 1. Whose base is this? Another bucket (or a forgotten device) starts from nothing.
    let state = await base.state();
    if (state.scope !== this.deps.scope) {
      await base.clear();
      state = { etag: null, passwordCheck: null, scope: this.deps.scope, lastSync: 0 };
    }

    // 2. The remote check: one small request; 304 means nothing changed remotely. A full look (the first cycle
    //    after a page load) needs the whole base and the local listing whatever the index says: they are read
    //    while the request travels.
    const early = req.full ? this.readBaseAndListing() : undefined;
    const [remote, baseCount, known] = await Promise.all([this.readMetadata(state), base.count(), early]);
    const dirty = req.dirty ?? new Map();
    const retryKeys = Object.keys(state.retry ?? {});
    // Nothing changed remotely and nothing asked for a full look: only the dirty and retried keys' base
    // records are needed, so an idle cycle reads nothing but the state record.
    const full = req.full || baseCount === 0;
    // A full look the request did not ask for (an empty base) reads them now.
    const whole = known ?? (full ? await this.readBaseAndListing() : undefined);
    const baseMap = whole?.baseMap ?? (remote.changed ? await base.all() : await base.some([...dirty.keys(), ...retryKeys]));

    // 3. Which keys to look at.
    let localListing: LocalKey[] | undefined;
    const candidates = new Map<string, ItemType | undefined>();
    const add = (k: string, t?: ItemType) => {
      if (host.isExcluded(k)) return; // per-device exclusions never purge the shared index (W11)
      if (!candidates.has(k) || (t && !candidates.get(k))) candidates.set(k, t);
    };
    if (whole) {
      // The listing is typed from the base (readBaseAndListing); the values are read once, below, to hash them.
      localListing = whole.localListing;
      for (const l of localListing) add(l.key, l.type);
      for (const [k, r] of baseMap) add(k, r.type);
      for (const [k, e] of Object.entries(remote.meta.items)) add(k, e.type);
    } else {
      for (const [k, d] of dirty) add(k, d.area === 'ls' ? 'ls' : baseMap.get(k)?.type ?? (remote.meta.items[k]?.type === 'ls' ? 'idb' : remote.meta.items[k]?.type) ?? 'idb');
      if (remote.changed) {
        for (const [k, e] of Object.entries(remote.meta.items)) {
          const b = baseMap.get(k);
          if (!b || b.sig !== entrySig(e)) add(k, b?.type ?? e.type);
        }
        for (const [k, b] of baseMap) if (!(k in remote.meta.items)) add(k, b.type);
      }
    }
    for (const [k, r] of Object.entries(state.retry ?? {})) {
      const e = remote.meta.items[k];
      if (r.transient || (e ? entrySig(e) : null) !== r.sig) add(k, baseMap.get(k)?.type ?? e?.type);
    }
    const retry = this.nextRetry(state, candidates, remote.meta, memo);
    if (candidates.size === 0) {
      report.idle = !remote.changed;
      await this.commit({ ...state, retry }, remote, [], [], []);
      return;
    }

    // 4. Local states (hash only; values are read again when they are needed, to bound memory).
    const local = await this.readLocal([...candidates].map(([key, type]) => ({ key, type: type ?? 'idb' })), localListing);

    // 5. Plan.
    const inputs: KeyInput[] = [];
    for (const [key] of candidates) {
      const info = local.get(key);
      const remoteEntry = remote.meta.items[key];
      const l: LocalState = info ? { kind: 'present', hash: info.hash } : { kind: 'absent' };
      inputs.push({ key, base: baseState(baseMap.get(key)), local: l, remote: remoteState(remoteEntry), sameContent: sameContent(info, remoteEntry) });
    }
    // The guard's measure of "how much this device knows": live records when all were read, else all records.
    const liveBase = full || remote.changed ? [...baseMap.values()].filter((r) => r.kind === 'live').length : baseCount;
    let localCount = localListing?.length ?? -1;
    const wouldDelete = inputs.some((i) => i.local.kind === 'absent' || i.remote.kind === 'tombstone');
    if (localCount < 0) localCount = wouldDelete ? (await host.listKeys()).length : liveBase;
    const plan = makePlan(inputs, {
      baseCount: liveBase,
      localCount,
      threshold: this.opt.massDeleteThreshold,
      confirmed: req.confirmedDeletions,
    });
    report.held = plan.held.map((a) => ({ key: a.key, kind: a.kind as 'delete-local' | 'tombstone' }));
    report.holdReason = plan.holdReason;
    if (plan.holdReason) this.log('warn', plan.holdReason, { keys: plan.held.map((a) => a.key) });

    const byKind = (k: Action['kind']) => plan.actions.filter((a) => a.kind === k);
    const hasWrites = plan.actions.some((a) => a.kind !== 'noop' && a.kind !== 'forget' && a.kind !== 'adopt');

    // 6. A wrong password is found before anything is written, here or in the bucket. When this cycle downloads,
    //    its first downloads are the proof (password-gate.ts); otherwise one object is read for it.
    const pulls = plan.actions.filter((a) => a.kind === 'download' || a.kind === 'reconcile');
    let passwordCheck = state.passwordCheck;
    let gate: PasswordGate | undefined;
    const expected = hasWrites ? await keyedHash(keys.hashKey, `password-check\n${this.deps.scope}`) : undefined;
    if (expected !== undefined && state.passwordCheck !== expected) {
      if (pulls.length > 0) gate = new PasswordGate(Math.min(this.opt.concurrency, pulls.length), wrongPasswordError);
      else passwordCheck = await this.checkPassword(expected, remote.meta, plan.actions);
    }

    // 7. Cloud → local: downloads, reconciles, local deletions. Their base records are committed right away:
    //    they describe what the bucket already holds, whatever happens to our own uploads next.
    const basePut: BaseRecord[] = [];
    const baseRemove: string[] = [];
    const conflicts: ConflictRecord[] = [];
    const toUpload: Encoded[] = [];
    const uploadKeys = new Set<string>();

    for (const a of byKind('adopt')) {
      const e = remote.meta.items[a.key] as LiveEntry;
      basePut.push({ key: a.key, type: e.type, kind: 'live', hash: local.get(a.key)!.hash, sig: entrySig(e) });
    }
    for (const a of byKind('forget')) baseRemove.push(a.key);
    for (const a of plan.actions) {
      if (a.kind === 'noop' && a.remote === 'deleted-unknown') {
        const e = remote.meta.items[a.key];
        basePut.push({ key: a.key, type: e.type, kind: 'tombstone', sig: entrySig(e) });
      }
    }

    let pulled = 0;
    // Items new on this device are written in batches (new-item-writer.ts); all are written before the base
    // records that say so are committed below.
    const writer = host.putNewMany && pulls.length > 1 ? new NewItemWriter((items) => host.putNewMany!(items)) : undefined;
    const fail = (key: string, e: unknown) => this.fail(memo, key, e);
    await mapPool(pulls, this.opt.concurrency, async (a) => {
      const proving = (await gate?.enter()) ?? false;
      let decrypted = false;
      let error: unknown;
      try {
        const decoded = () => void (decrypted = true);
        await this.pull(a, remote.meta, local.get(a.key), dirty.get(a.key)?.at ?? 0, now, { basePut, conflicts, toUpload, report, writer, fail, decoded });
      } catch (e) {
        error = e;
        this.fail(memo, a.key, e);
      } finally {
        // Every download's word counts, not only the first wave's: a wave of missing objects lets the others go,
        // and those still tell.
        gate?.settle(decrypted ? 'decrypted' : isCloudSyncError(error, 'wrong-password') ? 'wrong-password' : 'other', proving);
      }
      this.deps.onProgress?.({ phase: 'download', done: ++pulled, total: pulls.length });
    });
    await writer?.drain();
    if (gate) {
      if (gate.proven) passwordCheck = expected!;
      else if (gate.wrong) throw wrongPasswordError();
      // Nothing decrypted either way (missing objects): proven as a cycle without downloads would be.
      else passwordCheck = await this.checkPassword(expected!, remote.meta, plan.actions);
    }

    for (const a of byKind('delete-local')) {
      const e = remote.meta.items[a.key];
      try {
        const still = await this.localHash(a.key, e.type);
        if (still !== local.get(a.key)?.hash) continue; // edited meanwhile: edit beats delete, next cycle
        await host.delete(a.key, e.type);
        basePut.push({ key: a.key, type: e.type, kind: 'tombstone', sig: entrySig(e) });
        report.deleted.push(a.key);
      } catch (err) {
        this.fail(memo, a.key, err);
      }
    }
    if (toUpload.length === 0 && byKind('upload').length === 0 && byKind('tombstone').length === 0) {
      // Nothing goes up: the base records, the state and the index in one transaction (the end of every cycle
      // that only brought changes in, a fresh device's first one among them).
      await this.commit({ ...state, passwordCheck, retry: this.nextRetry(state, candidates, remote.meta, memo) }, remote, basePut, baseRemove, conflicts);
      this.finishReport(report, []);
      return;
    }
    if (basePut.length || baseRemove.length || conflicts.length) {
      await base.commit({
        put: basePut.splice(0),
        remove: baseRemove.splice(0),
        state: { scope: this.deps.scope, passwordCheck, retry: this.nextRetry(state, candidates, remote.meta, memo) },
        conflicts: conflicts.splice(0),
      });
    }

    // 8. Local → cloud: item objects first.
    for (const a of byKind('upload')) uploadKeys.add(a.key);
    for (const e of toUpload) uploadKeys.delete(e.key);
    const newEntries: Record<string, MetadataEntry> = {};
    const uploadedRecords: BaseRecord[] = [];
    const uploads: (Encoded | string)[] = [...toUpload, ...uploadKeys];
    if (uploads.length || byKind('tombstone').length) await this.deps.beforeWrites?.();
    // The values to upload are read a batch per transaction, one batch ahead of the workers (read-ahead.ts).
    const readKeys = [...uploadKeys].map((key) => ({ key, type: local.get(key)!.type }));
    const reader = new ReadAhead(readKeys, 8, (keys) => this.getMany(keys));
    let pushed = 0;
    await mapPool(uploads, this.opt.concurrency, async (u, i) => {
      const key = typeof u === 'string' ? u : u.key;
      try {
        let encoded: Encoded | undefined = typeof u === 'string' ? await this.encodeTaken(reader, i - toUpload.length) : u;
        if (!encoded) return; // gone meanwhile: the next cycle sees a deletion
        const { type, hash } = encoded;
        const previous = remote.meta.items[key];
        const prevLive = previous && !isTombstone(previous) ? (previous as LiveEntry) : undefined;
        let entry: LiveEntry;
        const done = memo.uploaded.get(key);
        if (done && done.hash === hash) {
          entry = done.entry; // uploaded in an earlier attempt of this cycle
        } else {
          entry = entryFor(encoded, prevLive, now);
          const body = await encryptEncoded(encoded, this.deps.keys.contentKey);
          // The value and its text are not needed while the body travels: held across the request they would
          // outlive the young-generation collections and pile up as old garbage (the upload's heap peak).
          encoded = undefined;
          const etag = await this.putItem({ key, type, hash }, body, prevLive, now);
          if (etag) entry.tcsEtag = etag;
          memo.uploaded.set(key, { hash, entry });
        }
        newEntries[key] = entry;
        uploadedRecords.push({ key, type, kind: 'live', hash, sig: entrySig(entry) });
      } catch (e) {
        this.fail(memo, key, e);
      }
      this.deps.onProgress?.({ phase: 'upload', done: ++pushed, total: uploads.length });
    });
    for (const a of byKind('tombstone')) {
      const previous = remote.meta.items[a.key];
      const t = makeTombstone({ type: previous.type, deleted: now, synced: now, previous, withDeletedAt: true });
      newEntries[a.key] = t;
      uploadedRecords.push({ key: a.key, type: previous.type, kind: 'tombstone', sig: entrySig(t) });
    }

    // 9. The index, by compare-and-swap; then the base.
    if (Object.keys(newEntries).length === 0) {
      await this.commit({ ...state, passwordCheck, retry: this.nextRetry(state, candidates, remote.meta, memo) }, remote, [], [], []);
      this.finishReport(report, []);
      return;
    }
    const next: Metadata = pruneExpiredTombstones({ lastSync: now, items: { ...remote.meta.items, ...newEntries } }, now);
    next.lastSync = now;
    const written = await this.writeMetadata(next, remote.etag, newEntries);
    this.lastParsed = { etag: written.etag, meta: written.meta };
    await this.commit({ ...state, passwordCheck, retry: this.nextRetry(state, candidates, written.meta, memo) }, written, uploadedRecords, [], []);
    this.finishReport(report, uploadedRecords);
  }

  private finishReport(report: CycleResult, records: BaseRecord[]) {
    for (const r of records) {
      if (r.kind === 'live' && !report.uploaded.includes(r.key)) report.uploaded.push(r.key);
      if (r.kind === 'tombstone' && !report.deleted.includes(r.key)) report.deleted.push(r.key);
    }
    report.failedKeys = [...new Set(report.errors.map((e) => e.key))];
  }

  /** The retry list after this cycle: this cycle's failures, plus earlier ones it did not look at. */
  private nextRetry(state: SyncState, looked: Map<string, unknown>, meta: Metadata, memo: CycleMemo): SyncState['retry'] {
    const out: NonNullable<SyncState['retry']> = {};
    for (const [k, r] of Object.entries(state.retry ?? {})) if (!looked.has(k)) out[k] = r;
    for (const [k, transient] of memo.failures) {
      const e = meta.items[k];
      out[k] = { sig: e ? entrySig(e) : null, transient };
    }
    return out;
  }

  private fail(memo: CycleMemo, key: string, e: unknown) {
    const report = memo.report;
    const message = e instanceof Error ? e.message : String(e);
    report.errors.push({ key, message });
    memo.failures.set(key, !(isCloudSyncError(e) && PERMANENT.has(e.code)));
    this.log('warn', `Could not sync "${key}": ${message}`);
    // Provider-wide failures stop the cycle; a bad or missing object is skipped and shown, never deleted.
    if (isCloudSyncError(e) && ['bad-credentials', 'expired-credentials', 'bucket-not-found', 'access-denied', 'cors-or-network', 'reconnect-required', 'aborted', 'quota-exceeded'].includes(e.code)) {
      throw e;
    }
  }

  /**
   * Uploads one item object. When the entry we planned against names its object's ETag, the upload is
   * conditional on it: if another device rewrote the object since, we must not overwrite its edit, so the key
   * is reconciled on the next cycle instead. Returns the new object's ETag.
   */
  private async putItem(e: Pick<Encoded, 'key' | 'type' | 'hash'>, body: Uint8Array, planned: LiveEntry | undefined, now: number): Promise<string | undefined> {
    const objectKey = objectKeyFor(e.key, e.type);
    const conditional = this.store.capabilities.conditionalPut && typeof planned?.tcsEtag === 'string';
    try {
      return (await this.count(this.store.put(objectKey, body, conditional ? { ifMatch: planned!.tcsEtag } : {}))).etag;
    } catch (err) {
      if (!isCloudSyncError(err, 'precondition-failed')) throw err;
    }
    // The object is not the one the index describes. Ours, from a write whose answer was lost? Take it.
    const current = await this.count(this.store.get(objectKey));
    if (current.kind === 'found') {
      const held = await decodeObject(e.key, { ...planned!, type: e.type }, current.body, this.deps.keys, objectKey).catch(() => undefined);
      if (held?.hash === e.hash) return current.etag;
      // Left behind long ago by a writer that never finished: safe to replace. Written just now: in flux.
      if (now - Math.max(planned?.synced ?? 0, current.lastModified ?? 0) > this.opt.inFluxMs) {
        return (await this.count(this.store.put(objectKey, body, { ifMatch: current.etag }))).etag;
      }
    }
    throw new CloudSyncError('sync-conflict', `"${e.key}" is being written by another device; it will be reconciled on the next cycle.`);
  }

  /** The next upload's item from the read-ahead, encoded; the raw value is dropped as soon as it is encoded. */
  private async encodeTaken(reader: ReadAhead<LocalKey, LocalItem>, i: number): Promise<Encoded | undefined> {
    const item = await reader.take(i);
    return item ? encodeItem(item, this.deps.keys.hashKey) : undefined;
  }

  /** Items deleted within the tombstone window, newest first, from the index as last read (no request). */
  async recentlyDeleted(): Promise<{ key: string; type: ItemType; deletedAt: number }[]> {
    const state = await this.deps.base.state();
    if (state.scope !== this.deps.scope || !state.etag) return [];
    const cached = this.lastParsed?.etag === state.etag ? this.lastParsed.meta : undefined;
    const index = cached ? undefined : await this.deps.base.index();
    if (!cached && index?.etag !== state.etag) return [];
    const meta = cached ?? this.parsed(state.etag, index!.text);
    const now = this.now();
    return Object.entries(meta.items)
      .filter(([k, e]) => isTombstone(e) && now - e.deleted <= TOMBSTONE_TTL_MS && !this.deps.host.isExcluded(k))
      .map(([key, e]) => ({ key, type: e.type, deletedAt: (e as { deleted: number }).deleted }))
      .sort((a, b) => b.deletedAt - a.deletedAt);
  }

  /**
   * Brings deleted items back on this device from their objects, which deletion never removes (the original's
   * undo relies on that too). The caller marks the keys changed, so the next cycle uploads them and every
   * device gets them back (edit beats delete). Returns the keys restored; a missing or unreadable object is
   * reported, not fatal.
   */
  async restoreDeleted(keys: string[]): Promise<{ restored: string[]; errors: { key: string; message: string }[] }> {
    const deleted = new Map((await this.recentlyDeleted()).map((d) => [d.key, d]));
    const restored: string[] = [];
    const errors: { key: string; message: string }[] = [];
    for (const key of keys) {
      const d = deleted.get(key);
      try {
        if (!d) throw new CloudSyncError('not-found', `"${key}" is not among the recently deleted items.`);
        const objectKey = objectKeyFor(key, d.type);
        const res = await this.count(this.store.get(objectKey));
        if (res.kind !== 'found') throw new CloudSyncError('not-found', `The last version of "${key}" is no longer in the bucket.`);
        const e = await decodeObject(key, { type: d.type, synced: 0, lastModified: 0 }, res.body, this.deps.keys, objectKey);
        await this.deps.host.put(toLocalItem(e));
        restored.push(key);
      } catch (err) {
        errors.push({ key, message: err instanceof Error ? err.message : String(err) });
      }
    }
    return { restored, errors };
  }

  /** Conflicts resolved by past cycles, for the user to review. */
  conflicts(): Promise<ConflictRecord[]> {
    return this.deps.base.conflicts();
  }

  dismissConflict(id: number): Promise<void> {
    return this.deps.base.removeConflict(id);
  }

  /**
   * Puts the version a conflict discarded back on this device: the whole value, or for a chat the losing
   * version of one message. The caller marks the key changed so it syncs out like any edit.
   */
  async restoreConflict(id: number): Promise<{ key: string; type: ItemType }> {
    const c = (await this.deps.base.conflicts()).find((r) => r.id === id);
    if (!c) throw new CloudSyncError('not-found', 'That conflict is no longer on this device.');
    if (c.messageId !== undefined) {
      const item = await this.deps.host.get(c.key, 'idb');
      const chat = item?.value as { messages?: unknown[] } | undefined;
      if (!chat || !Array.isArray(chat.messages)) throw new CloudSyncError('not-found', `The chat "${c.key}" is no longer on this device.`);
      const at = chat.messages.findIndex((m) => messageId(m) === c.messageId);
      const messages = [...chat.messages];
      if (at >= 0) messages[at] = c.discarded;
      else messages.push(c.discarded);
      await this.deps.host.put({ key: c.key, type: 'idb', value: { ...chat, messages } });
    } else {
      await this.deps.host.put({ key: c.key, type: c.type, value: c.discarded });
    }
    await this.deps.base.removeConflict(id);
    return { key: c.key, type: c.type };
  }

  /** Reads metadata.json, conditionally when we hold a copy. */
  private async readMetadata(state: SyncState): Promise<{ meta: Metadata; etag: string | null; text: string | null; changed: boolean }> {
    // A conditional read needs the index the ETag stands for: in memory, or else the cached copy on disk.
    let known: Metadata | undefined;
    if (state.etag) {
      if (this.lastParsed?.etag === state.etag) known = this.lastParsed.meta;
      else {
        const index = await this.deps.base.index();
        if (index?.etag === state.etag) known = this.parsed(index.etag, index.text);
      }
    }
    const res: GetResult = await this.count(this.store.get(METADATA_KEY, known ? { ifNoneMatch: state.etag! } : {}));
    // text null: unchanged since it was cached, nothing to write back.
    if (res.kind === 'not-modified') return { meta: known!, etag: res.etag, text: null, changed: false };
    if (res.kind === 'not-found') return { meta: emptyMetadata(), etag: null, text: null, changed: state.etag !== null };
    const text = utf8.decode(res.body);
    return { meta: this.parsed(res.etag, text), etag: res.etag, text, changed: res.etag !== state.etag || !known };
  }

  /**
   * metadata.json parsed once per ETag: an idle cycle (a 304 every interval) must not re-parse an index that
   * can run to megabytes. The engine never mutates a parsed index (it builds the next one as a copy).
   */
  private parsed(etag: string, text: string): Metadata {
    if (this.lastParsed?.etag !== etag) this.lastParsed = { etag, meta: parseMetadata(text) };
    return this.lastParsed.meta;
  }

  /**
   * Writes metadata.json so that no other device's entries are lost; throws precondition-failed to re-plan.
   * Returns what the bucket holds under the new ETag — with a compare-and-swap exactly what we wrote; without,
   * what we read back, which may carry another writer's entries too.
   */
  private async writeMetadata(next: Metadata, etag: string | null, mine: Record<string, MetadataEntry>): Promise<{ etag: string; meta: Metadata; text: string }> {
    const text = serializeMetadata(next);
    const body = toBytes(text);
    const put = { contentType: 'application/json', cacheControl: 'no-cache, no-store, max-age=0, must-revalidate' };
    if (this.store.capabilities.conditionalPut) {
      const res = await this.count(this.store.put(METADATA_KEY, body, etag ? { ...put, ifMatch: etag } : { ...put, ifNoneMatch: '*' }));
      return { etag: res.etag, meta: next, text };
    }
    // No compare-and-swap here: write, read back, and make sure our entries survived a concurrent writer.
    await this.count(this.store.put(METADATA_KEY, body, put));
    const back = await this.count(this.store.get(METADATA_KEY));
    if (back.kind !== 'found') throw new CloudSyncError('precondition-failed', 'metadata.json vanished right after it was written.');
    const backText = utf8.decode(back.body);
    const seen = parseMetadata(backText);
    for (const [k, e] of Object.entries(mine)) {
      if (!seen.items[k] || entrySig(seen.items[k]) !== entrySig(e)) {
        throw new CloudSyncError('precondition-failed', 'Another device wrote metadata.json at the same moment; syncing again.');
      }
    }
    // Another writer's entries came along: forget the ETag, so the next cycle reads and plans the whole index
    // instead of trusting a 304 for entries this cycle never planned.
    return { etag: backText === text ? back.etag : '', meta: seen, text: backText };
  }

  private async commit(
    state: SyncState,
    remote: { meta: Metadata; etag: string | null; text: string | null },
    put: BaseRecord[],
    remove: string[],
    conflicts: ConflictRecord[],
  ) {
    await this.deps.base.commit({
      put,
      remove,
      conflicts,
      // The cached index changes only with a new text; a 304 leaves it alone, a missing index forgets it.
      index: remote.etag ? (remote.text !== null ? { etag: remote.etag, text: remote.text } : undefined) : null,
      state: { scope: this.deps.scope, etag: remote.etag, passwordCheck: state.passwordCheck, retry: state.retry, lastSync: this.now() },
    });
  }

  /** The whole base and the local listing (typed from the base, so Blobs need not be read to be told apart). */
  private async readBaseAndListing(): Promise<{ baseMap: Map<string, BaseRecord>; localListing: LocalKey[] }> {
    const baseMap = await this.deps.base.all();
    return { baseMap, localListing: await this.deps.host.listKeys({ typeHint: (k) => baseMap.get(k)?.type }) };
  }

  /** Hashes of the local items among `keys`, in bounded batches (values are not kept). */
  private async readLocal(keys: LocalKey[], listing?: LocalKey[]): Promise<Map<string, LocalInfo>> {
    const out = new Map<string, LocalInfo>();
    const listed = listing ? new Map(listing.map((l) => [l.key, l.type])) : undefined;
    const wanted = listed ? keys.filter((k) => listed.has(k.key)).map((k) => ({ key: k.key, type: listed.get(k.key)! })) : keys;
    for (let i = 0; i < wanted.length; i += this.opt.scanBatch) {
      if (i > 0) await this.opt.betweenBatches();
      const batch = wanted.slice(i, i + this.opt.scanBatch);
      const items = await this.getMany(batch);
      await Promise.all(
        items.map(async (item) => {
          if (!item) return;
          const e = await encodeItem(item, this.deps.keys.hashKey);
          out.set(item.key, { type: item.type, hash: e.hash, fingerprint: isChatItem(item.key, item.type) ? chatFingerprint(item.value) : undefined });
        }),
      );
    }
    return out;
  }

  private async getMany(keys: LocalKey[]): Promise<(LocalItem | undefined)[]> {
    const { host } = this.deps;
    const idbKeys = keys.map((k) => (k.type === 'ls' ? k : { key: k.key, type: 'idb' as ItemType }));
    const items = host.getMany ? await host.getMany(idbKeys) : await Promise.all(idbKeys.map((k) => host.get(k.key, k.type)));
    return items;
  }

  private async readEncoded(key: string, type: ItemType): Promise<Encoded | undefined> {
    const [item] = await this.getMany([{ key, type }]);
    return item ? encodeItem(item, this.deps.keys.hashKey) : undefined;
  }

  private async localHash(key: string, type: ItemType): Promise<string | undefined> {
    return (await this.readEncoded(key, type))?.hash;
  }

  /** Downloads one item and applies it, or reconciles it with a local edit. */
  private async pull(
    a: Action,
    meta: Metadata,
    localInfo: LocalInfo | undefined,
    localChangedAt: number,
    now: number,
    out: {
      basePut: BaseRecord[];
      conflicts: ConflictRecord[];
      toUpload: Encoded[];
      report: CycleResult;
      writer?: NewItemWriter;
      fail: (key: string, e: unknown) => void;
      /** Called once the object decrypted: the password is right (password-gate.ts). */
      decoded?: () => void;
    },
  ) {
    const { host, keys } = this.deps;
    const entry = meta.items[a.key] as LiveEntry;
    const objectKey = objectKeyFor(a.key, entry.type);
    const res = await this.count(this.store.get(objectKey));
    if (res.kind !== 'found') {
      throw new CloudSyncError('not-found', `The object ${objectKey} listed in metadata.json is missing from the bucket; "${a.key}" was left as it is.`);
    }
    const remote = await decodeObject(a.key, entry, res.body, keys, objectKey, res.etagOfBody ? res.etag : undefined);
    out.decoded?.();

    // An object that does not match its entry's hash is being rewritten by another device right now.
    if (typeof entry.tcsHash === 'string' && entry.tcsHash !== remote.hash) {
      if (now - Math.max(entry.synced || 0, res.lastModified ?? 0) < this.opt.inFluxMs) {
        throw new CloudSyncError('sync-conflict', `"${a.key}" is being written by another device; it will sync on the next cycle.`);
      }
      // Long settled: the object is the truth; republish its entry so every device converges on it.
      out.toUpload.push(remote);
    }

    const current = localInfo ? await this.readEncoded(a.key, localInfo.type) : undefined;
    if ((current?.hash ?? undefined) !== (localInfo?.hash ?? undefined)) {
      throw new CloudSyncError('sync-conflict', `"${a.key}" changed on this device during the sync; it will be reconciled on the next cycle.`);
    }

    const record = (e: Encoded): BaseRecord => ({ key: a.key, type: e.type, kind: 'live', hash: e.hash, sig: entrySig(entry) });

    // The original's first upload stored Blobs as "{}" (JSON.stringify of a Blob). Never let that replace the
    // real attachment this device holds: upload the bytes, which is what the original does on its next cycle.
    if (current?.type === 'blob' && remote.type === 'idb' && remote.text === '{}') {
      out.basePut.push(record(remote));
      out.toUpload.push(current);
      return;
    }

    // The same JSON, differing only in which strings were Dates: an entry the original wrote (it cannot record
    // Dates) for a value this device already holds. Keep the local value, with its Dates; nothing to transfer.
    if (current && current.type === remote.type && current.text !== undefined && current.text === remote.text && !entry.tcsDates) {
      out.basePut.push(record(current));
      return;
    }

    if (a.kind === 'download' || !current || current.hash === remote.hash) {
      if (!current && out.writer && remote.type !== 'ls') {
        // New here: written with others in one transaction, only if the key is still absent by then.
        await out.writer.add(toLocalItem(remote), {
          written: () => {
            out.report.downloaded.push(a.key);
            out.basePut.push(record(remote));
          },
          present: () =>
            out.fail(a.key, new CloudSyncError('sync-conflict', `"${a.key}" was created on this device during the sync; it will be reconciled on the next cycle.`)),
          failed: (e) => out.fail(a.key, e),
        });
        return;
      }
      if (!current || current.hash !== remote.hash) {
        await host.put(toLocalItem(remote));
        out.report.downloaded.push(a.key);
      }
      out.basePut.push(record(remote));
      return;
    }

    // Both sides changed (or both new): merge chats, otherwise keep the newer and record the other.
    if (isChatItem(a.key, current.type) && isMergeableChat(current.value) && isMergeableChat(remote.value)) {
      const merged = mergeChats(current.value, remote.value);
      const encoded = await encodeItem({ key: a.key, type: 'idb', value: merged.chat }, keys.hashKey);
      for (const c of merged.conflicts) {
        out.conflicts.push({ key: a.key, type: 'idb', at: now, kept: 'merged', discarded: c.discarded, messageId: c.id });
      }
      if (merged.conflicts.length) out.report.conflicts.push(a.key);
      if (encoded.hash !== current.hash) {
        await host.put(toLocalItem(encoded));
        out.report.downloaded.push(a.key);
      }
      // The base is the remote state we merged against; the merged value goes up as a local change.
      out.basePut.push(record(remote));
      if (encoded.hash !== remote.hash) out.toUpload.push(encoded);
      return;
    }
    const remoteTime = toMillis(entry.lastModified) || entry.synced || 0;
    const localWins = localChangedAt > remoteTime;
    out.report.conflicts.push(a.key);
    if (localWins) {
      out.conflicts.push({ key: a.key, type: remote.type, at: now, kept: 'local', discarded: remote.value });
      out.basePut.push(record(remote));
      out.toUpload.push(current);
    } else {
      out.conflicts.push({ key: a.key, type: current.type, at: now, kept: 'remote', discarded: current.value });
      await host.put(toLocalItem(remote));
      out.report.downloaded.push(a.key);
      out.basePut.push(record(remote));
    }
  }

  /**
   * Proves the password against the bucket before the first write: decrypting any object of it with the
   * content key succeeds only with the right password. Remembered per password and bucket, so it costs one
   * download once. An empty bucket needs no proof.
   */
  private async checkPassword(expected: string, meta: Metadata, actions: Action[]): Promise<string | null> {
    const live = Object.entries(meta.items).filter(([, e]) => !isTombstone(e)) as [string, LiveEntry][];
    if (live.length === 0) return expected;
    const planned = new Set(actions.filter((a) => a.kind === 'download' || a.kind === 'reconcile').map((a) => a.key));
    // Prefer what we download anyway, then small JSON items (attachments can be large).
    const candidates = live
      .sort(([ka, a], [kb, b]) => Number(planned.has(kb)) - Number(planned.has(ka)) || Number(a.type === 'blob') - Number(b.type === 'blob') || (a.size ?? 0) - (b.size ?? 0))
      .slice(0, 3);
    let wrong = 0;
    for (const [key, entry] of candidates) {
      const objectKey = objectKeyFor(key, entry.type);
      const res = await this.count(this.store.get(objectKey));
      if (res.kind !== 'found') continue;
      try {
        await decodeObject(key, entry, res.body, this.deps.keys, objectKey);
        return expected;
      } catch (e) {
        if (isCloudSyncError(e, 'wrong-password')) wrong++;
      }
    }
    if (wrong > 0) throw wrongPasswordError();
    return null; // nothing readable to prove it with (missing or damaged objects): carry on, check again next time
  }
}

/** Cheap proof that local content equals the remote entry, without a download. */
function sameContent(info: LocalInfo | undefined, e: MetadataEntry | undefined): boolean {
  if (!info || !e || isTombstone(e)) return false;
  const live = e as LiveEntry;
  if (live.type !== info.type) return false;
  if (typeof live.tcsHash === 'string') return live.tcsHash === info.hash;
  if (info.fingerprint !== undefined && typeof live.chatFingerprint === 'string' && live.chatFingerprint !== '') {
    return fingerprintsEquivalent(info.fingerprint, live.chatFingerprint);
  }
  return false;
}
