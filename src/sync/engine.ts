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
import { writeShared } from '../providers/shared-document';
import type { BaseRecord, BaseStore, ConflictRecord, JournalRecord, RetryRecord, SyncState } from './base-store';
import { entryIdentity, entrySig, NO_PREDECESSOR, readJournal, type Journal, type PendingCommit } from './commit-journal';
import { isMergeableChat, mergeChats, messageId } from './chat-merge';
import { decodeObject, encodeItem, encryptEncoded, entryFor, toLocalItem, type Encoded, type SyncKeys } from './item-codec';
import { PasswordGate } from './password-gate';
import { plan as makePlan, type Action, type BaseState, type GuardOptions, type KeyInput, type LocalState, type RemoteState } from './planner';
import { NewItemWriter } from './new-item-writer';
import { mapPool } from '../runtime/pool';
import { ReadAhead } from './read-ahead';
import { selectCandidates } from './cycle-candidates';
import { readCycle } from './cycle-read';
import { planCycle } from './cycle-plan';
import { concludeProof, provePassword } from './cycle-password';
import { getMany, localHash, readCandidates, readEncoded } from './local-read';
import { ofKind } from './plan-inputs';
import { pullPhase } from './cycle-pull';
import { DEFAULTS, type CycleMemo, type CycleRequest, type CycleResult, type EngineDeps, type EngineEnv, type EngineOptions, type LocalInfo } from './engine-types';
import { ParsedIndex } from './parsed-index';
import { isOwnObject, SentObjects } from './own-objects';
import { classifyFailure, nextRetry, replanAfter, retryDue } from './retry';

export type { CycleRequest, CycleResult, EngineDeps, EngineOptions } from './engine-types';

export { entrySig };

const toBytes = (s: string) => new TextEncoder().encode(s);

export class SyncEngine {
  private readonly opt: Required<EngineOptions>;
  private readonly now: () => number;
  private requests = 0;
  private readonly env: EngineEnv;

  constructor(private readonly deps: EngineDeps) {
    this.opt = { ...DEFAULTS, ...deps.options };
    this.now = deps.now ?? Date.now;
    this.env = {
      deps,
      opt: this.opt,
      now: this.now,
      count: (p) => this.count(p),
      log: (level, message, data) => this.log(level, message, data),
      index: new ParsedIndex(),
      sent: new SentObjects(),
    };
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
      report: { uploaded: [], downloaded: [], deleted: [], conflicts: [], errors: [], requests: 0, durationMs: 0, held: [], failedKeys: [], idle: false, dropped: [] },
      failures: new Map(),
      waiting: new Set(),
    };
    for (let attempt = 1; ; attempt++) {
      try {
        await this.attempt(req, memo);
        break;
      } catch (e) {
        if (replanAfter(e, attempt)) {
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
    // 1-2. The read phase (cycle-read.ts).
    const cycle = await readCycle(this.env, req, memo);
    const { now, remote, repairs, concurrent, baseMap, baseCount, full, dirty, heldBefore, answer } = cycle;
    let { state, journal } = cycle;
    const repairKeys = Object.keys(repairs);
    const judged = { drop: cycle.out.journalDone };
    const whole = cycle.listing ? { localListing: cycle.listing } : undefined;

    // 3. Which keys to look at (cycle-candidates.ts).
    const localListing: LocalKey[] | undefined = whole?.localListing;
    const candidates = (cycle.candidates = selectCandidates({
      listing: localListing,
      baseMap,
      items: remote.meta.items,
      changed: remote.changed,
      dirty,
      retry: state.retry,
      pointed: [...repairKeys, ...concurrent.keys(), ...heldBefore, ...(state.drop ?? [])],
      now,
      isExcluded: (k) => host.isExcluded(k),
    }));
    const retry = this.nextRetry(state, candidates, remote.meta, memo);
    if (candidates.size === 0) {
      report.idle = !remote.changed;
      await this.commit({ ...state, retry }, remote, [], [], [], { put: [], remove: judged?.drop ?? [] });
      this.finishReport(report, [], retry);
      return;
    }

    // 4. Local states (local-read.ts). 5. Plan (cycle-plan.ts).
    const planned = await planCycle(this.env, cycle, await readCandidates(this.env, cycle));
    const { local, pulls, dropKeys } = planned;
    state = cycle.state;
    const byKind = (k: Action['kind']) => ofKind(planned.actions, k);

    // 6. The password (cycle-password.ts).
    const proof = await provePassword(this.env, cycle, planned);

    // 7. Cloud → local (cycle-pull.ts).
    await pullPhase(this.env, cycle, planned, proof);
    const passwordCheck = cycle.passwordCheck;
    const { basePut, baseRemove, conflicts, toUpload, republish } = cycle.out;
    const uploadKeys = new Set<string>();
    const resolved = cycle.out.journalDone;
    if (toUpload.length === 0 && byKind('upload').length === 0 && byKind('tombstone').length === 0 && repairKeys.length === 0 && republish.size === 0 && dropKeys.size === 0) {
      // Nothing goes up: the base records, the state and the index in one transaction (the end of every cycle
      // that only brought changes in, a fresh device's first one among them).
      const retryAfter = this.nextRetry(state, candidates, remote.meta, memo);
      await this.commit({ ...state, passwordCheck, retry: retryAfter }, remote, basePut, baseRemove, conflicts, { put: [], remove: resolved });
      this.finishReport(report, [], retryAfter);
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
    const newEntries: Record<string, MetadataEntry> = { ...repairs };
    const uploadedRecords: BaseRecord[] = [];
    for (const [key, r] of republish) {
      newEntries[key] = r.entry;
      uploadedRecords.push(r.record);
    }
    const uploads: (Encoded | string)[] = [...toUpload, ...uploadKeys];
    if (uploads.length || byKind('tombstone').length || repairKeys.length || republish.size || dropKeys.size) await this.deps.beforeWrites?.();
    // Our own objects left by an earlier cycle that did not commit may be replaced (putItem).
    if (uploads.length) journal ??= await base.journal();
    // The values to upload are read a batch per transaction, one batch ahead of the workers (read-ahead.ts).
    const readKeys = [...uploadKeys].map((key) => ({ key, type: local.get(key)!.type }));
    const reader = new ReadAhead(readKeys, 8, (keys) => getMany(this.env, keys));
    let pushed = 0;
    await mapPool(uploads, this.opt.concurrency, async (u, i) => {
      const key = typeof u === 'string' ? u : u.key;
      try {
        let encoded: Encoded | undefined = typeof u === 'string' ? await this.encodeTaken(reader, i - toUpload.length) : u;
        if (!encoded) return; // gone meanwhile: the next cycle sees a deletion
        const { type, hash, dates } = encoded;
        const previous = remote.meta.items[key];
        const prevLive = previous && !isTombstone(previous) ? (previous as LiveEntry) : undefined;
        let entry: LiveEntry;
        const done = memo.uploaded.get(key);
        if (done && done.hash === hash) {
          entry = { ...done.entry }; // uploaded in an earlier attempt of this cycle
        } else {
          entry = entryFor(encoded, prevLive, now);
          const body = await encryptEncoded(encoded, this.deps.keys.contentKey);
          // The value and its text are not needed while the body travels: held across the request they would
          // outlive the young-generation collections and pile up as old garbage (the upload's heap peak).
          encoded = undefined;
          this.env.sent.add(key, hash);
          const etag = await this.putItem({ key, type, hash, dates }, body, previous, now, journal);
          if (etag) entry.tcsEtag = etag;
          memo.uploaded.set(key, { hash, entry });
        }
        // Names the entry it replaces, so a reader tells a writer that saw it from one that did not.
        entry.tcsPrev = previous ? entryIdentity(previous) : NO_PREDECESSOR;
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
      t.tcsPrev = entryIdentity(previous);
      newEntries[a.key] = t;
      uploadedRecords.push({ key: a.key, type: previous.type, kind: 'tombstone', sig: entrySig(t) });
    }

    // 9. The index, by compare-and-swap; then the base.
    if (Object.keys(newEntries).length === 0 && dropKeys.size === 0) {
      const retryAfter = this.nextRetry(state, candidates, remote.meta, memo);
      await this.commit({ ...state, passwordCheck, retry: retryAfter }, remote, [], [], [], { put: [], remove: resolved });
      this.finishReport(report, [], retryAfter);
      return;
    }
    const next: Metadata = pruneExpiredTombstones({ lastSync: now, items: { ...remote.meta.items, ...newEntries } }, now);
    next.lastSync = now;
    for (const k of dropKeys) {
      delete next.items[k];
      report.dropped.push(k);
    }
    // Journaled before the index write (uncommitted: they name the objects we uploaded), confirmed with the base.
    const entries: JournalRecord[] = Object.entries(newEntries).map(([key, entry]) => {
      const before = Object.prototype.hasOwnProperty.call(remote.meta.items, key) ? remote.meta.items[key] : undefined;
      const replaced = key in repairs ? journal![key].replaced : before ? entryIdentity(before) : null;
      return { key, entry, replaced, at: now, committed: false };
    });
    await base.journalPut(entries);
    const written = await this.writeMetadata(next, remote.etag);
    this.env.index.set(written.etag, written.meta);
    this.env.sent.forget(Object.keys(newEntries));
    const retryAfter = this.nextRetry(state, candidates, written.meta, memo);
    for (const k of dropKeys) delete retryAfter?.[k];
    await this.commit({ ...state, passwordCheck, retry: retryAfter, drop: undefined }, written, uploadedRecords, [...dropKeys], [], {
      put: entries.map((r) => ({ ...r, committed: true })),
      remove: resolved,
    });
    this.finishReport(report, uploadedRecords, retryAfter);
  }

  private finishReport(report: CycleResult, records: BaseRecord[], retry?: SyncState['retry']) {
    for (const r of records) {
      if (r.kind === 'live' && !report.uploaded.includes(r.key)) report.uploaded.push(r.key);
      if (r.kind === 'tombstone' && !report.deleted.includes(r.key)) report.deleted.push(r.key);
    }
    report.failedKeys = [...new Set(report.errors.map((e) => e.key))];
    // Keys that failed before and were not tried this cycle are still failing: said again, so the status does
    // not turn green over a device that is silently stale.
    for (const [key, r] of Object.entries(retry ?? {})) {
      if (!report.errors.some((e) => e.key === key)) report.errors.push({ key, message: r.message ?? `"${key}" could not be synced yet.` });
    }
  }

  /** The retry list after this cycle: this cycle's failures, plus earlier ones it did not look at. */
  private nextRetry(state: SyncState, looked: Map<string, unknown>, meta: Metadata, memo: CycleMemo): SyncState['retry'] {
    return nextRetry(state.retry, looked, meta.items, memo.failures, memo.waiting, this.now());
  }

  private fail(memo: CycleMemo, key: string, e: unknown) {
    const { failure, stopsCycle } = classifyFailure(e);
    memo.report.errors.push({ key, message: failure.message });
    memo.failures.set(key, failure);
    this.log('warn', `Could not sync "${key}": ${failure.message}`);
    // Provider-wide failures stop the cycle; a bad or missing object is skipped and shown, never deleted.
    if (stopsCycle) throw e;
  }

  /**
   * Uploads one item object. Where the store honours preconditions the upload is conditional: on the ETag the
   * planned entry names (another device may have rewritten the object since; we must not overwrite its edit),
   * or on absence for a key that has no entry at all (two devices creating it at once). Returns the new ETag.
   */
  private async putItem(
    e: Pick<Encoded, 'key' | 'type' | 'hash' | 'dates'>,
    body: Uint8Array,
    previous: MetadataEntry | undefined,
    now: number,
    journal: Journal | undefined,
  ): Promise<string | undefined> {
    const objectKey = objectKeyFor(e.key, e.type);
    const planned = previous && !isTombstone(previous) ? (previous as LiveEntry) : undefined;
    const conditions = !this.store.capabilities.conditionalPut
      ? {}
      : typeof planned?.tcsEtag === 'string'
        ? { ifMatch: planned.tcsEtag }
        : previous === undefined
          ? { ifNoneMatch: '*' as const }
          : {};
    try {
      return (await this.count(this.store.put(objectKey, body, conditions))).etag;
    } catch (err) {
      if (!isCloudSyncError(err, 'precondition-failed')) throw err;
    }
    // The object is not the one the index describes. Ours, from a write whose answer was lost or whose cycle
    // did not commit? Take it, or replace it.
    const current = await this.count(this.store.get(objectKey));
    if (current.kind === 'found') {
      // Read as if it held our value's Dates: where it holds our value, it then hashes as ours.
      const held = await decodeObject(e.key, { synced: 0, lastModified: 0, type: e.type, tcsDates: e.dates }, current.body, this.deps.keys, objectKey).catch(() => undefined);
      if (held?.hash === e.hash) return current.etag;
      // Left by this device, or long ago by a writer that never finished: safe to replace. Written just now by
      // another device: in flux, reconciled once its entry is published.
      if ((held && isOwnObject(this.env.sent, journal, e.key, held.hash)) || now - Math.max(planned?.synced ?? 0, current.lastModified ?? 0) > this.opt.inFluxMs) {
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
    const cached = this.env.index.get(state.etag);
    const index = cached ? undefined : await this.deps.base.index();
    if (!cached && index?.etag !== state.etag) return [];
    const meta = cached ?? this.env.index.parse(state.etag, index!.text);
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

  /**
   * The user's answer to the deletions the guard holds: 'delete' lets them go through everywhere, 'restore'
   * brings them back (downloaded to this device, or uploaded again). Recorded for the next cycle of whichever
   * tab of this browser leads; the caller then asks for a sync.
   */
  answerHeld(answer: 'delete' | 'restore'): Promise<void> {
    return this.deps.base.answerHeld(answer);
  }

  /**
   * Drops, at the next cycle, the index entries of these keys when their objects are missing from the bucket
   * (their last failure said so and the entry did not change since). A device that still holds such an item
   * then publishes it again (an entry that vanished is uploaded by whoever has the value).
   */
  async dropMissing(keys: string[]): Promise<void> {
    await this.deps.base.setDrop(keys);
  }

  /**
   * Journals entries another part of this device wrote to metadata.json (a restore), as if a cycle had
   * committed them: where the store ignores preconditions, a stale writer's copy over them is repaired.
   */
  async adoptCommits(commits: { key: string; entry: MetadataEntry; replaced: string | null }[]): Promise<void> {
    const at = this.now();
    await this.deps.base.journalPut(commits.map((c) => ({ ...c, at, committed: true })));
  }

  /** Keys that keep failing, with the last reason (from the sync state; no request). */
  async failing(): Promise<{ key: string; message: string; missing: boolean }[]> {
    const state = await this.deps.base.state();
    return Object.entries(state.retry ?? {}).map(([key, r]) => ({ key, message: r.message ?? '', missing: r.code === 'not-found' }));
  }

  /** The deletions held for the user's answer, and why (from the last cycle; no request). */
  async held(): Promise<{ keys: { key: string; kind: 'delete-local' | 'tombstone' }[]; reason?: string }> {
    const state = await this.deps.base.state();
    return { keys: state.held ?? [], reason: state.holdReason };
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

  /**
   * Writes metadata.json: a compare-and-swap where the store honours it (throws precondition-failed to re-plan),
   * a plain write where it does not. There, a writer that read an older index may still write over ours
   * later, which no read-back right now could see: the commit journal finds and repairs it on a later read.
   */
  private async writeMetadata(next: Metadata, etag: string | null): Promise<{ etag: string; meta: Metadata; text: string }> {
    const text = serializeMetadata(next);
    const res = await this.count(writeShared(this.store, METADATA_KEY, toBytes(text), etag));
    if (res.kind === 'conflict') throw new CloudSyncError('precondition-failed', 'Another device wrote metadata.json at the same moment; planning again.');
    return { etag: res.etag, meta: next, text };
  }

  private async commit(
    state: SyncState,
    remote: { meta: Metadata; etag: string | null; text: string | null },
    put: BaseRecord[],
    remove: string[],
    conflicts: ConflictRecord[],
    journal?: { put: JournalRecord[]; remove: string[] },
  ) {
    await this.deps.base.commit({
      put,
      remove,
      conflicts,
      journal,
      // The cached index changes only with a new text; a 304 leaves it alone, a missing index forgets it.
      index: remote.etag ? (remote.text !== null ? { etag: remote.etag, text: remote.text } : undefined) : null,
      state: {
        scope: this.deps.scope,
        etag: remote.etag,
        passwordCheck: state.passwordCheck,
        retry: state.retry,
        lastSync: this.now(),
        held: state.held,
        holdReason: state.holdReason,
        answer: state.answer,
        drop: state.drop,
      },
    });
  }
}
