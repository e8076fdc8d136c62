/**
 * The UI controller's lists: "Available Backups" (and the snapshot), "Recently Deleted Items" and
 * "Conflicts", over the session's engine and backup service.
 */
import { describeBackupOutcome, describeRestoreOutcome } from '../backup';
import type { ChangedKey } from '../host/types';
import type { BackupsController, ConflictsController, DeletedController } from '../ui/controller';
import type { AppContext } from './context';
import type { CloudSyncApi } from '../api';
import { backupService, requireSession, takeSnapshot } from './public-api';
import { purgeDeletedItem } from '../commands/purge-deleted';

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Our own writes are not echoed by the change feed: mark them, so the next cycle publishes them. */
function markChanged(ctx: AppContext, changes: ChangedKey[]): void {
  const s = requireSession(ctx);
  ctx.dirty.mark(changes);
  s.runtime.noteLocalChange(changes);
  s.runtime.scheduler.noteChange();
}

export function backupsController(ctx: AppContext, api: CloudSyncApi): BackupsController {
  return {
    list: () => (ctx.session || ctx.backupsOnly ? backupService(ctx).listBackups() : Promise.resolve([])),
    async createSnapshot(name) {
      try {
        const o = await takeSnapshot(ctx, name);
        return { ok: o.failed.length === 0, message: describeBackupOutcome(o) };
      } catch (e) {
        return { ok: false, message: errorText(e) };
      }
    },
    async restore(folder) {
      try {
        const o = await backupService(ctx)
          .restoreBackup(folder, { onProgress: ctx.progress })
          .finally(() => ctx.store.endProgress('restore'));
        const s = ctx.session;
        // Journaled as this device's own commits: a stale writer's copy over them is repaired, and the
        // deletions the user asked for here are not held by the mass-deletion guard (cycle-plan.ts).
        await s?.engine.adoptCommits(o.committed);
        if (s) await api.syncNow().catch(() => {});
        return { ok: true, message: describeRestoreOutcome(o) };
      } catch (e) {
        return { ok: false, message: errorText(e) };
      }
    },
    async delete(folder) {
      try {
        await backupService(ctx).deleteBackup(folder);
        return { ok: true, message: 'The backup was deleted.' };
      } catch (e) {
        return { ok: false, message: errorText(e) };
      }
    },
  };
}

export function conflictsController(ctx: AppContext): ConflictsController {
  return {
    async list() {
      if (!ctx.session) return [];
      return (await ctx.session.engine.conflicts()).filter((c): c is typeof c & { id: number } => c.id !== undefined);
    },
    async restore(id) {
      try {
        const { key, type } = await requireSession(ctx).engine.restoreConflict(id);
        markChanged(ctx, [{ key, area: type === 'ls' ? 'ls' : 'idb', at: Date.now() }]);
        return { ok: true, message: `The other version of "${key}" is back on this device and will sync out. Reload to see it.` };
      } catch (e) {
        return { ok: false, message: errorText(e) };
      }
    },
    async dismiss(id) {
      await ctx.session?.engine.dismissConflict(id);
      return { ok: true, message: 'Dismissed.' };
    },
  };
}

export function deletedController(ctx: AppContext, api: CloudSyncApi): DeletedController {
  return {
    async list() {
      if (!ctx.session) return [];
      return (await ctx.session.engine.recentlyDeleted()).map((d) => ({ key: d.key, deletedAt: d.deletedAt }));
    },
    async restore(keys) {
      try {
        const s = requireSession(ctx);
        const types = new Map((await s.engine.recentlyDeleted()).map((d) => [d.key, d.type]));
        const { restored, errors } = await s.engine.restoreDeleted(keys);
        markChanged(ctx, restored.map((key) => ({ key, area: types.get(key) === 'ls' ? 'ls' : 'idb', at: Date.now() })));
        if (restored.length) await api.syncNow().catch(() => {});
        const msg = `Restored ${restored.length} item(s).` + (errors.length ? ` ${errors.length} could not be restored: ${errors[0].message}` : '');
        return { ok: errors.length === 0, message: restored.length ? `${msg} Reload to see them.` : msg };
      } catch (e) {
        return { ok: false, message: errorText(e) };
      }
    },
    purge: (key) => purgeDeletedItem(() => requireSession(ctx), () => api.syncNow(), key),
  };
}
