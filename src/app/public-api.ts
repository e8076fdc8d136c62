/**
 * `window.typingMindCloudSync` (src/api.ts) over the app, plus the two lookups every use case needs: the
 * running session, and the backups of this page (the session's, or NoSync's backups-only service).
 */
import type { ApiEvent, CloudSyncApi } from '../api';
import { describeBackupOutcome, type BackupOutcome, type BackupService } from '../backup';
import { CloudSyncError } from '../errors';
import type { ChangedKey } from '../host/types';
import type { AppContext, Session } from './context';
import { createHistoryApi } from './history-api';
import { forceTransfer, type ForceDeps } from '../commands/force-transfer';

export function requireSession(ctx: AppContext): Session {
  if (ctx.session) return ctx.session;
  if (ctx.config?.noSync) throw new CloudSyncError('sync-disabled', 'Sync is turned off on this page (the URL has ?nosync).');
  throw new CloudSyncError('not-configured', 'Cloud Sync is not configured yet: open Sync to enter your storage settings and password.');
}

/** What Force Export and Import use of the running session (commands/force-transfer.ts). */
function forceDeps(ctx: AppContext): ForceDeps {
  const s = requireSession(ctx);
  return { engine: s.engine, backups: s.backups, store: s.provider.store, syncNow: () => s.runtime.syncNow(), onProgress: ctx.progress, log: (level, m) => ctx.log[level](m) };
}

export function backupService(ctx: AppContext): BackupService {
  return ctx.backupsOnly ?? requireSession(ctx).backups;
}

/** A named snapshot; a syncing page syncs first, so it holds this device's latest edits too (as the original). */
export async function takeSnapshot(ctx: AppContext, name: string): Promise<BackupOutcome> {
  const backups = backupService(ctx);
  // In NoSync mode it is taken of the cloud as it is.
  if (ctx.session) await ctx.session.runtime.syncNow().catch((e) => ctx.log.warn(`Sync before the snapshot failed: ${e instanceof Error ? e.message : String(e)}`));
  const outcome = await backups.createSnapshot(name, { onProgress: ctx.progress }).finally(() => ctx.store.endProgress('backup'));
  ctx.log.info(describeBackupOutcome(outcome));
  return outcome;
}

/**
 * One chat back from any backup, over the session's history: the restored keys are marked changed and synced,
 * like any edit, so they go out through the one commit path.
 */
export function historyApiOf(ctx: AppContext): ReturnType<typeof createHistoryApi> {
  return createHistoryApi(() => {
    const s = requireSession(ctx);
    const publish = async (changes: ChangedKey[]) => {
      ctx.dirty.mark(changes);
      s.runtime.noteLocalChange(changes);
      await s.runtime.syncNow().catch(() => {}); // its outcome is reported through the status
    };
    return { history: s.history, publish };
  });
}

export function createPublicApi(ctx: AppContext, ready: Promise<void>, history = historyApiOf(ctx)): CloudSyncApi {
  return {
    findChats: history.findChats,
    chatVersions: history.chatVersions,
    restoreChatVersion: history.restoreChatVersion,
    version: __CLOUDSYNC_VERSION__,
    ready,
    get status() {
      return { ...ctx.store.status() };
    },
    async syncNow() {
      return requireSession(ctx).runtime.syncNow();
    },
    async answerHeldDeletions(answer: 'delete' | 'restore') {
      const s = requireSession(ctx);
      // Recorded in the sync state, where the cycle of whichever tab leads reads it.
      await s.engine.answerHeld(answer);
      return s.runtime.syncNow();
    },
    forceExport: () => forceTransfer(forceDeps(ctx), 'export'),
    forceImport: () => forceTransfer(forceDeps(ctx), 'import'),
    async runDailyBackup() {
      return ctx.dailyBackup(requireSession(ctx).backups); // no daily backups in NoSync mode, as the original
    },
    createSnapshot: (name: string) => takeSnapshot(ctx, name),
    async listBackups() {
      return backupService(ctx).listBackups();
    },
    on(event: ApiEvent, listener: (payload: unknown) => void) {
      return ctx.bus.on(event, listener as never);
    },
  };
}
