/**
 * Force Export and Force Import as the user (or the API) runs them: first the automatic snapshot of what will be
 * overwritten, then the request for the next cycle of whichever tab leads, then the sync that carries it out
 * (sync/force-transfer.ts plans it; the cycle commits it through the one commit path).
 *
 * - Export: a server-side snapshot of the cloud, of exactly the index read here; the forced cycle stops before
 *   writing if the index changed since (what another device wrote meanwhile is in no snapshot).
 * - Import: a snapshot of this device's data, saved to the cloud like any snapshot (sync/local-snapshot.ts), so
 *   the usual Restore undoes the import on every device. Kept in the cloud rather than in this browser: this
 *   browser's storage is what the import overwrites, and a cloud snapshot is listed, restorable, and survives
 *   the browser's data being cleared.
 * A snapshot that could not copy everything stops the force before anything is changed.
 */
import type { ForceReport, ProgressEvent } from '../api';
import type { BackupService } from '../backup';
import { readLiveState } from '../backup/live-state';
import type { BackupOutcome } from '../backup/snapshot';
import { CloudSyncError } from '../errors';
import type { CloudStore } from '../providers/cloud-store';
import type { CycleResult } from '../sync/engine';
import type { ForceDirection } from '../sync/force-transfer';
import type { ActionOutcome } from '../ui/controller';

export interface ForceDeps {
  engine: {
    forceRefusal(direction: ForceDirection): Promise<string | undefined>;
    requestForce(direction: ForceDirection, basis?: string | null): Promise<string>;
    forcePending(id: string): Promise<boolean>;
    withdrawForce(id: string): Promise<void>;
    snapshotLocal(name: string, options: { onProgress?: (p: ProgressEvent) => void }): Promise<BackupOutcome>;
  };
  backups: Pick<BackupService, 'createSnapshot'>;
  store: CloudStore;
  /** A sync through the leading tab (runtime.syncNow). */
  syncNow(): Promise<CycleResult>;
  onProgress?(p: ProgressEvent): void;
  log?(level: 'info' | 'warn', message: string): void;
}

const WHAT = { export: 'Force Export', import: 'Force Import' } as const;

export async function forceTransfer(deps: ForceDeps, direction: ForceDirection): Promise<ForceReport> {
  const what = WHAT[direction];
  const refusal = await deps.engine.forceRefusal(direction);
  if (refusal) throw new CloudSyncError(direction === 'export' ? 'host-unavailable' : 'not-found', refusal);
  deps.log?.('info', `${what}: taking the automatic snapshot first`);
  let basis: string | null | undefined;
  let snapshot: BackupOutcome;
  if (direction === 'export') {
    const state = await readLiveState(deps.store, { tolerateDamaged: true });
    basis = state.etag;
    snapshot = await deps.backups.createSnapshot('before force export', { state, onProgress: deps.onProgress });
  } else {
    snapshot = await deps.engine.snapshotLocal('before force import', { onProgress: deps.onProgress });
  }
  if (snapshot.failed.length) {
    const f = snapshot.failed[0];
    throw new CloudSyncError(
      f.code ?? 'provider-error',
      `${what} did not start: the automatic snapshot could not save ${snapshot.failed.length} of ${snapshot.totalItems} item(s) (first: "${f.key}": ${f.message}). Nothing was changed; try again later.`,
      { details: { snapshot: snapshot.folder } },
    );
  }
  const id = await deps.engine.requestForce(direction, basis);
  let report: CycleResult | undefined;
  try {
    report = await deps.syncNow();
    // A cycle already under way when it was asked did not see it; the next one carries it out.
    if (report.forced?.id !== id && (await deps.engine.forcePending(id))) report = await deps.syncNow();
  } catch (e) {
    await deps.engine.withdrawForce(id).catch(() => undefined);
    throw e;
  }
  if (report.forced?.id !== id && (await deps.engine.forcePending(id))) {
    await deps.engine.withdrawForce(id);
    throw new CloudSyncError('sync-conflict', `${what} did not run: no sync carried it out. Nothing was changed; try again.`);
  }
  // (Not pending and not in this report: a cycle that started meanwhile carried it out, and its report went to the status.)
  deps.log?.('info', `${what} done: ${report.uploaded.length} uploaded, ${report.downloaded.length} downloaded, ${report.deleted.length} deleted, ${report.errors.length} failed`);
  const { copiedItems: _c, failed: _f, ...info } = snapshot;
  // The public report: SyncReport's fields (not the cycle's own bookkeeping) and the snapshot.
  const { held: _h, holdReason: _r, failedKeys: _k, idle: _i, dropped: _d, forced: _x, ...sync } = report;
  return { ...sync, snapshot: info };
}

/** One sentence for the action line about a finished (or failed) force. Never throws. */
export async function describeForce(run: () => Promise<ForceReport>, direction: ForceDirection): Promise<ActionOutcome> {
  const what = WHAT[direction];
  try {
    const r = await run();
    const snap = r.snapshot.folder.replace(/^backups\//, '');
    const failed = r.errors.length ? ` ${r.errors.length} item(s) could not be transferred (first: "${r.errors[0].key}": ${r.errors[0].message}); run it again to retry them.` : '';
    const message =
      direction === 'export'
        ? `${what} done: ${r.uploaded.length} item(s) sent, ${r.deleted.length} removed from the cloud (restorable from Recently Deleted). To undo, restore the snapshot "${snap}".${failed}`
        : `${what} done: ${r.downloaded.length} item(s) received, ${r.deleted.length} removed from this browser. Its data before the import is in the snapshot "${snap}".${failed} The page reloads in 3 s to show the imported data.`;
    return { ok: r.errors.length === 0, message };
  } catch (e) {
    return { ok: false, message: `${what} failed: ${e instanceof Error ? e.message : String(e)}` };
  }
}
