/**
 * Today's daily backup, after an automatic cycle in the leader. The day it was made is remembered in
 * tcs_last-daily-backup (the original's key), so the check costs no request once it is done; the backup
 * service itself skips a day another device already claimed. One attempt at a time in this tab: cycles that
 * end while it runs share it instead of claiming the day again.
 */
import type { BackupInfo, ProgressEvent } from '../api';
import { describeBackupOutcome, type BackupService } from '../backup';
import type { Log } from '../runtime';

export const DAILY_KEY = 'tcs_last-daily-backup';

/** The UTC day as the original names it: YYYYMMDD. Pure. */
export function utcDay(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10).replace(/-/g, '');
}

export type DailyBackupTrigger = (backups: BackupService) => Promise<BackupInfo | null>;

export function createDailyBackupTrigger(deps: { storage: Storage; progress: (p: ProgressEvent) => void; log: Log; now?: () => number }): DailyBackupTrigger {
  const now = deps.now ?? Date.now;
  let inFlight: Promise<BackupInfo | null> | undefined;

  async function make(backups: BackupService): Promise<BackupInfo | null> {
    const today = utcDay(now());
    if (deps.storage.getItem(DAILY_KEY) === today) return null;
    try {
      const r = await backups.runDailyBackup({ onProgress: deps.progress });
      // Another device still making it ('in-progress') may fail: look again next cycle.
      if (r.backup || r.skipped === 'exists') deps.storage.setItem(DAILY_KEY, today);
      if (r.backup) deps.log.info(describeBackupOutcome(r.backup));
      return r.backup;
    } catch (e) {
      deps.log.warn(`The daily backup failed: ${e instanceof Error ? e.message : String(e)}`);
      throw e;
    }
  }

  return (backups) => {
    inFlight ??= make(backups).finally(() => (inFlight = undefined));
    return inFlight;
  };
}
