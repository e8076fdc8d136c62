/**
 * Restore (original-format.md §5.6, W7), authoritative and convergent:
 * 1. check the backup (manifest, format, its metadata.json) before anything is written;
 * 2. take an automatic snapshot of the current cloud state (the way back);
 * 3. copy the backup's objects over the live ones (the original's daily-backup attachments are decrypted with
 *    the quirk recovery and encrypted again with the bytes codec);
 * 4. write a new metadata.json (compare-and-swap where the provider honours it): the backup's entries with
 *    fresh `synced`, tombstones for every other live key (restore-plan.ts).
 * TypingMind's local data is never touched here: each device's sync engine applies the new state.
 * If a copy fails, the objects already overwritten are put back from the automatic snapshot and the live
 * metadata.json is left as it was.
 */
import {
  backupFolderName,
  backupManifestKey,
  backupMetadataKey,
  backupObjectKeyFor,
  ATTACHMENTS_PREFIX,
  isRestorable,
  isTombstone,
  ITEMS_PREFIX,
  manifestVariant,
  METADATA_KEY,
  objectKeyFor,
  parseManifest,
  parseMetadata,
  serializeMetadata,
  type BackupManifest,
  type LiveEntry,
  type Metadata,
  type MetadataEntry,
  entryIdentity,
} from '../cloud';
import { decryptBytes, encryptBytes } from '../crypto';
import { CloudSyncError, isCloudSyncError } from '../errors';
import type { ListEntry } from '../providers/cloud-store';
import { writeShared, type SharedWrite } from '../providers/shared-document';
import type { BackupDeps, RunOptions } from './backup-deps';
import { normaliseBackupFolder } from './backup-folder';
import { describeError, runCopies, type CopyJob, type CopyRun } from './copy-objects';
import { deleteFolder, listFolder } from './folder-store';
import { readLiveState, type LiveState } from './live-state';
import { isInProgress } from './manifest-index-store';
import { changedKeys, planRestore, type RestoreCopy, type RestorePlan } from './restore-plan';
import { takeSnapshot, writeManifestAndIndex, type BackupOutcome } from './snapshot';

export interface RestoreOutcome {
  folder: string;
  name: string;
  /** The snapshot of the cloud as it was just before; restoring it undoes this restore. */
  autoSnapshot: BackupOutcome;
  /** Keys live again with the backup's content. */
  restored: string[];
  /** Keys that were live and are not in the backup: now tombstones, deleted on every device by the next sync. */
  tombstoned: string[];
  /** Keys the backup lists without their object (the original's snapshots hold no attachments): kept as they were. */
  kept: string[];
  /** Keys the backup lists without their object that are not in the cloud now either. */
  unavailable: string[];
  /** Objects copied back (re-encoded attachments included). */
  copied: number;
  /** Attachments decrypted and encrypted again because the original stored them with the JSON codec. */
  reencoded: number;
  /**
   * The entries this restore wrote, each with the identity of the entry it replaced: the device that ran it
   * journals them like its own commits, so a device that writes back an older metadata.json cannot undo the
   * restore where the store ignores preconditions (sync/commit-journal.ts).
   */
  committed: { key: string; entry: MetadataEntry; replaced: string | null }[];
}

/** How many times the metadata write is re-planned when another device writes metadata.json meanwhile. */
const MAX_METADATA_ATTEMPTS = 4;

const enc = new TextEncoder();

async function loadBackup(deps: BackupDeps, folder: string, label: string, options: RunOptions) {
  const manifestKey = backupManifestKey(folder);
  const mres = await deps.store.get(manifestKey, options);
  if (mres.kind !== 'found') {
    const objects = await listFolder(deps.store, folder, options);
    if (objects.size === 0) {
      throw new CloudSyncError('not-found', `The backup "${label}" is not in the cloud storage any more (it may have been deleted from another device). Nothing was changed. Reload the list of backups and choose another one.`, {
        details: { folder },
      });
    }
    throw new CloudSyncError('corrupt-object', `The backup "${label}" is incomplete: it has no backup-manifest.json (it may still be being written, or its upload stopped half-way). Nothing was changed.`, {
      details: { folder },
    });
  }
  const manifest = parseManifest(mres.body, manifestKey);
  if (!isRestorable(manifest)) {
    throw new CloudSyncError('corrupt-object', `The backup "${label}" has the format "${manifest.format || 'none'}", which cannot be restored. Nothing was changed.`, {
      details: { folder, format: manifest.format },
    });
  }
  if (isInProgress(manifest)) {
    throw new CloudSyncError('sync-conflict', `The backup "${label}" is still being written by a device. Try again in a few minutes. Nothing was changed.`, {
      details: { folder },
    });
  }
  const metaKey = backupMetadataKey(folder);
  const bres = await deps.store.get(metaKey, options);
  if (bres.kind !== 'found') {
    throw new CloudSyncError('corrupt-object', `The backup "${label}" is incomplete: its metadata.json is missing, so what it holds is unknown. Nothing was changed.`, {
      details: { folder },
    });
  }
  let metadata: Metadata;
  try {
    metadata = parseMetadata(bres.body);
  } catch (cause) {
    throw new CloudSyncError('corrupt-object', `The backup "${label}" is damaged: its metadata.json is not valid JSON. Nothing was changed.`, {
      cause,
      details: { folder, objectKey: metaKey },
    });
  }
  const objects = await listFolder(deps.store, folder, options);
  return { manifest, metadata, objects };
}

/**
 * Opens one of the backup's objects before anything is written: a backup made under another encryption password
 * would otherwise be found out half-way (re-encoding attachments) or, worse, copied back unreadable.
 */
async function checkPassword(deps: BackupDeps, backup: Metadata, objects: ReadonlyMap<string, unknown>, folder: string, label: string, options: RunOptions) {
  // GCM cannot tell a wrong key from a damaged object: refuse only when several objects all fail.
  let refused: { cause: unknown; objectKey: string } | undefined;
  let tried = 0;
  for (const [key, entry] of Object.entries(backup.items)) {
    if (tried === 3) break;
    if (isTombstone(entry)) continue;
    const objectKey = backupObjectKeyFor(folder, key, entry.type);
    if (!objects.has(objectKey)) continue;
    const res = await deps.store.get(objectKey, options);
    if (res.kind !== 'found') continue;
    tried++;
    try {
      await decryptBytes(deps.keys.contentKey, res.body, objectKey);
      return;
    } catch (cause) {
      if (!isCloudSyncError(cause, 'wrong-password')) return;
      refused ??= { cause, objectKey };
    }
  }
  if (refused) {
    throw new CloudSyncError(
      'wrong-password',
      `The backup "${label}" cannot be opened with this device's encryption password, so it cannot be restored. ` +
        'Check the encryption key in the settings (it must be the one the backup was made with). Nothing was changed.',
      { cause: refused.cause, details: { folder, objectKey: refused.objectKey } },
    );
  }
}

/** The original's export-style daily backups pushed attachment bytes through the JSON codec (§1.6). */
function needsReencode(m: BackupManifest): boolean {
  const v = manifestVariant(m);
  return v === 'export-upload-daily' || v === 'export-style-daily';
}

/** ETags of the live objects, so restored entries name them (tcsEtag) for the engine's conditional uploads. */
async function liveEtags(deps: BackupDeps, options: RunOptions): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const prefix of [ITEMS_PREFIX, ATTACHMENTS_PREFIX]) {
    for await (const page of deps.store.list(prefix, options)) for (const e of page as ListEntry[]) if (e.etag) out.set(e.key, e.etag);
  }
  return out;
}

export async function restoreBackup(deps: BackupDeps, folderInput: string, options: RunOptions = {}): Promise<RestoreOutcome> {
  const { store } = deps;
  const folder = normaliseBackupFolder(folderInput);
  const label = backupFolderName(folder);
  const backup = await loadBackup(deps, folder, label, options);
  const reencode = needsReencode(backup.manifest);
  await checkPassword(deps, backup.metadata, backup.objects, folder, label, options);

  // The way back: a snapshot of exactly the state this restore replaces.
  let state: LiveState = await readLiveState(store, { ...options, tolerateDamaged: true });
  const snapshotState = state;
  const snap = await takeSnapshot(deps, `before restore of ${label}`, { state, signal: options.signal, onProgress: options.onProgress });
  if (snap.copy.failed.length) {
    await deleteFolder(store, snap.manifest.backupFolder).catch(() => undefined);
    const first = snap.copy.failed[0];
    throw new CloudSyncError(
      first.code ?? 'provider-error',
      `The restore did not start: the automatic snapshot of the current cloud state could not copy ${snap.copy.failed.length} object(s) ` +
        `(first: "${first.key}": ${first.message}). Nothing was changed; try again later.`,
      { details: { folder, failed: snap.copy.failed } },
    );
  }
  const snapFolder = snap.manifest.backupFolder;
  try {
    await writeManifestAndIndex(deps, snap.manifest, options);
  } catch (e) {
    // Nothing was restored yet; an automatic snapshot no list shows would only take space.
    await deleteFolder(store, snapFolder).catch(() => undefined);
    throw e;
  }

  const attempted = new Map<string, RestoreCopy>();
  const putEtags = new Map<string, string>();
  const done = new Set<string>();
  let reencoded = 0;

  const perform = async (job: CopyJob) => {
    const copy = attempted.get(job.to)!;
    if (!copy.reencode) return store.copy(job.from, job.to, { signal: options.signal });
    const res = await store.get(job.from, options);
    if (res.kind !== 'found') throw new CloudSyncError('not-found', `The backup's object "${job.from}" disappeared during the restore.`);
    const bytes = await decryptBytes(deps.keys.contentKey, res.body, job.from);
    const put = await store.put(job.to, await encryptBytes(deps.keys.contentKey, bytes), { contentType: 'application/octet-stream', signal: options.signal });
    putEtags.set(job.to, put.etag);
    reencoded++;
  };

  /** Puts back, from the automatic snapshot, every live object this restore may have overwritten. */
  const rollback = async (): Promise<string[]> => {
    const jobs: CopyJob[] = [];
    for (const c of attempted.values()) {
      const before = snapshotState.metadata.items[c.key];
      if (!before || isTombstone(before) || objectKeyFor(c.key, before.type) !== c.to) continue;
      jobs.push({ key: c.key, from: backupObjectKeyFor(snapFolder, c.key, before.type), to: c.to });
    }
    try {
      const run = await runCopies(store, jobs, { concurrency: deps.concurrency });
      return run.failed.map((f) => f.key);
    } catch {
      return jobs.map((j) => j.key);
    }
  };

  const failWithRollback = async (what: string, cause: unknown, code: CloudSyncError['code']): Promise<never> => {
    const notBack = await rollback();
    const after =
      notBack.length === 0
        ? 'The cloud was put back as it was; nothing changed on your devices. Try again later.'
        : `${notBack.length} object(s) could not be put back either: the automatic snapshot "${snap.outcome.name}" holds the cloud as it was before — restore it to undo.`;
    deps.log('error', `Restore of ${label} failed: ${what}`);
    throw new CloudSyncError(code, `Restoring "${label}" stopped: ${what}. ${after}`, { cause, details: { folder, autoSnapshot: snapFolder, notPutBack: notBack } });
  };

  let plan: RestorePlan = planRestore({ folder, backup: backup.metadata, backupObjects: new Set(backup.objects.keys()), current: state.metadata, now: deps.now(), reencodeAttachments: reencode });
  let pending = plan.copies;
  for (let attempt = 0; attempt < MAX_METADATA_ATTEMPTS; attempt++) {
    for (const c of pending) attempted.set(c.to, c);
    let run: CopyRun;
    try {
      run = await runCopies(store, pending.map((c) => ({ key: c.key, from: c.from, to: c.to })), {
        concurrency: deps.concurrency,
        signal: options.signal,
        perform,
        onProgress: (d, total) => options.onProgress?.({ phase: 'restore', done: d, total }),
      });
    } catch (e) {
      return failWithRollback(describeError(e), e, isCloudSyncError(e) ? e.code : 'provider-error');
    }
    if (run.failed.length) {
      const f = run.failed[0];
      return failWithRollback(`${run.failed.length} of ${pending.length} objects could not be copied back (first: "${f.key}": ${f.message})`, undefined, f.code ?? 'provider-error');
    }
    for (const c of pending) done.add(c.to);

    if (plan.copies.length) {
      const listed = await liveEtags(deps, options).catch(() => new Map<string, string>());
      for (const c of plan.copies) {
        const entry = plan.metadata.items[c.key] as LiveEntry;
        const etag = putEtags.get(c.to) ?? listed.get(c.to);
        if (etag) entry.tcsEtag = etag;
      }
    }

    let written: SharedWrite;
    try {
      written = await writeShared(store, METADATA_KEY, enc.encode(serializeMetadata(plan.metadata)), state.etag, { signal: options.signal });
    } catch (e) {
      return failWithRollback(`the new metadata.json could not be written (${describeError(e)})`, e, isCloudSyncError(e) ? e.code : 'provider-error');
    }
    if (written.kind === 'written') {
      deps.log('info', `Restored ${label}: ${plan.restored.length} items back, ${plan.tombstoned.length} later items deleted.`);
      return {
        folder,
        name: backup.manifest.name,
        autoSnapshot: snap.outcome,
        restored: plan.restored,
        tombstoned: plan.tombstoned,
        kept: plan.kept,
        unavailable: plan.unavailable,
        copied: done.size,
        reencoded,
        committed: [...plan.restored, ...plan.tombstoned].map((key) => {
          const before = Object.prototype.hasOwnProperty.call(state.metadata.items, key) ? state.metadata.items[key] : undefined;
          return { key, entry: plan.metadata.items[key], replaced: before ? entryIdentity(before) : null };
        }),
      };
    }
    // Another device wrote metadata.json meanwhile: plan again on what it wrote, and copy again any object
    // whose entry it changed (its upload may have replaced the object we had just copied back).
    const next = await readLiveState(store, { ...options, tolerateDamaged: true });
    const changed = changedKeys(state.metadata, next.metadata);
    state = next;
    plan = planRestore({ folder, backup: backup.metadata, backupObjects: new Set(backup.objects.keys()), current: state.metadata, now: deps.now(), reencodeAttachments: reencode });
    pending = plan.copies.filter((c) => changed.has(c.key) || !done.has(c.to));
  }
  return failWithRollback('other devices kept changing the cloud index (metadata.json) while it was being replaced', undefined, 'sync-conflict');
}
