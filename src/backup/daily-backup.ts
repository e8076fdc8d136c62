/**
 * The daily backup (original-format.md §5.2, behaviour §7.1): once per UTC day, server-side copies of the live
 * objects into `backups/typingmind-backup-<YYYYMMDD>/` (not the original's full re-upload, W13), then
 * retention. Two devices (or an original and us) are kept from doing it at once by claiming the day with a
 * conditional create of the manifest (W17).
 *
 * Manifest choice: `type "daily-backup"`, `format "export-upload"`, `version "3.1"` — the current original's
 * own values, so the original (a) sees that today's backup exists and does not make another one, (b) lists it
 * as a daily backup, (c) restores it (it copies items/, attachments/ and metadata.json back; our attachments
 * use the bytes codec, so its restore even gets them right), and (d) deletes it after 30 days.
 * `tcsCopy: "server-side"` records for people reading the bucket that it was made by copying.
 *
 * After the backup and its retention, the same run collects the bucket's garbage (garbage.ts): the device that
 * made the day's backup is the one that cleans up, so it happens once a day per bucket, whichever device runs.
 */
import { backupManifestKey, buildDailyManifest, dailyBackupFolder, hasDailyBackupFor, parseManifest, serializeManifest, upsertManifestIndex, type BackupManifest } from '../cloud';
import { isCloudSyncError } from '../errors';
import type { BackupDeps, RunOptions } from './backup-deps';
import { describeError } from './copy-objects';
import { copyRemaining, dailyBackupState } from './daily-resume';
import { collectGarbage, type GarbageOutcome } from './garbage';
import { isInProgress, readManifestIndex, updateManifestIndex } from './manifest-index-store';
import { applyRetention, type RetentionResult } from './retention';
import { deleteFolder } from './folder-store';
import { failureFields, outcomeOf, type BackupOutcome } from './snapshot';

/** A claim older than this is from a device that stopped half-way (closed tab): another may take over. */
export const DAILY_CLAIM_TTL_MS = 30 * 60 * 1000;

export type DailySkipReason = 'exists' | 'in-progress';

export interface DailyOutcome {
  /** The backup made, or null when today's backup already exists or another device is making it. */
  backup: BackupOutcome | null;
  skipped?: DailySkipReason;
  retention: RetentionResult | null;
  /**
   * The garbage collection that follows a backup made now (absent when the day was skipped). A failure there
   * does not fail the backup: it is reported here (`message`) and logged, and tried again the next day.
   */
  garbage?: GarbageOutcome;
}

const enc = new TextEncoder();
const JSON_PUT = { contentType: 'application/json' };

function claimManifest(folder: string, created: number): BackupManifest {
  return { ...buildDailyManifest({ created, totalItems: 0, copiedItems: 0, backupFolder: folder }), tcsInProgress: true };
}

type Claim = { kind: 'claimed'; etag: string } | { kind: 'skip'; reason: DailySkipReason; existing?: BackupManifest };

/** Claims today's folder by creating its manifest only if none exists (where the provider honours it). */
async function claimDay(deps: BackupDeps, folder: string, now: number, options: RunOptions): Promise<Claim> {
  const key = backupManifestKey(folder);
  const body = enc.encode(serializeManifest(claimManifest(folder, now)));
  const put = { ...JSON_PUT, signal: options.signal };
  if (deps.store.capabilities.conditionalPut) {
    try {
      return { kind: 'claimed', etag: (await deps.store.put(key, body, { ...put, ifNoneMatch: '*' })).etag };
    } catch (e) {
      if (!isCloudSyncError(e, 'precondition-failed')) throw e;
    }
  }
  const res = await deps.store.get(key, options);
  if (res.kind === 'found') {
    let existing: BackupManifest | null = null;
    try {
      existing = parseManifest(res.body, key);
    } catch {
      // A damaged manifest for today: ours to replace.
    }
    if (existing && !isInProgress(existing)) return { kind: 'skip', reason: 'exists', existing };
    if (existing && now - existing.created < DAILY_CLAIM_TTL_MS) return { kind: 'skip', reason: 'in-progress' };
    // A stale claim: take it over, conditionally so only one device does.
    try {
      const cas = deps.store.capabilities.conditionalPut ? { ifMatch: res.etag } : {};
      return { kind: 'claimed', etag: (await deps.store.put(key, body, { ...put, ...cas })).etag };
    } catch (e) {
      if (isCloudSyncError(e, 'precondition-failed')) return { kind: 'skip', reason: 'in-progress' };
      throw e;
    }
  }
  return { kind: 'claimed', etag: (await deps.store.put(key, body, put)).etag };
}

export async function runDailyBackup(deps: BackupDeps, options: RunOptions = {}): Promise<DailyOutcome> {
  const now = deps.now();
  const today = new Date(now);
  const { index } = await readManifestIndex(deps.store, options);
  if (hasDailyBackupFor(index, today)) return { backup: null, skipped: 'exists', retention: null };

  const folder = dailyBackupFolder(today);
  const claim = await claimDay(deps, folder, now, options);
  if (claim.kind === 'skip') {
    // Done by another device whose index update was lost: repair the index instead of backing up again (W17).
    if (claim.existing) await updateManifestIndex(deps.store, (i) => upsertManifestIndex(i, claim.existing!), options);
    return { backup: null, skipped: claim.reason, retention: null };
  }

  let copy;
  let manifest: BackupManifest;
  try {
    // Resumes what an attempt stopped by a rate limit left (daily-resume.ts).
    const { state } = await dailyBackupState(deps.store, folder, options);
    copy = await copyRemaining(deps.store, state, folder, {
      concurrency: deps.concurrency,
      signal: options.signal,
      onProgress: (done, total) => options.onProgress?.({ phase: 'backup', done, total }),
    });
    manifest = {
      ...buildDailyManifest({ created: now, totalItems: copy.totalItems, copiedItems: copy.copied.length, backupFolder: folder }),
      tcsCopy: 'server-side',
      ...failureFields(copy.failed),
    };
    // Until this write lands the folder's manifest is the "in progress" claim.
    await deps.store.put(backupManifestKey(folder), enc.encode(serializeManifest(manifest)), { ...JSON_PUT, signal: options.signal });
  } catch (e) {
    // Give the day back at once rather than making other devices wait 30 minutes for the claim to go stale.
    // Stopped by the provider's rate limit, the copies and the recorded state stay (unlisted: no manifest), so
    // the next attempt resumes where this one stopped (daily-resume.ts); any other failure takes the copies
    // made so far with it. Best effort, without the signal (it may be why we stopped); a claim left anyway
    // still goes stale.
    const giveBack = () => deps.store.deleteMany([backupManifestKey(folder)]).catch(() => undefined);
    if (isCloudSyncError(e, 'throttled')) await giveBack();
    else await deleteFolder(deps.store, folder).catch(giveBack);
    throw e;
  }
  await updateManifestIndex(deps.store, (i) => upsertManifestIndex(i, manifest), options);
  if (copy.failed.length) deps.log('warn', `Daily backup: ${copy.failed.length} of ${copy.totalItems} objects could not be copied.`);
  const retention = await applyRetention(deps, options);
  const garbage = await collectGarbageAfterBackup(deps, options);
  return { backup: outcomeOf(manifest, copy), retention, garbage };
}

async function collectGarbageAfterBackup(deps: BackupDeps, options: RunOptions): Promise<GarbageOutcome> {
  try {
    return await collectGarbage(deps, options);
  } catch (e) {
    const message = `Garbage collection failed: ${describeError(e)}. Nothing more was deleted; it is tried again with the next daily backup.`;
    deps.log('warn', message);
    return { removed: 0, bytes: 0, keys: [], young: 0, failed: 0, message };
  }
}
