import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  buildDailyManifest,
  buildSnapshotManifest,
  dailyBackupFolder,
  DAILY_BACKUP_TTL_MS,
  hasDailyBackupFor,
  isRestorable,
  manifestVariant,
  manifestKind,
  parseManifest,
  parseManifestIndex,
  removeFromManifestIndex,
  selectExpiredDailyBackups,
  serializeManifest,
  serializeManifestIndex,
  snapshotFolder,
  upsertManifestIndex,
  type BackupManifest,
} from '../../../src/cloud';
import { CloudSyncError, isCloudSyncError } from '../../../src/errors';

const SNAP =
  '{"type":"server-side-snapshot","name":"Lab snapshot A","created":1795314002660,"totalItems":24,"copiedItems":24,"format":"server-side","version":"3.0","backupFolder":"backups/s-Lab-snapshot-A-20261122T022002"}';
const DAILY =
  '{"type":"daily-backup","name":"daily-auto","created":1795314002988,"totalItems":23,"copiedItems":23,"format":"export-upload","version":"3.1","backupFolder":"backups/typingmind-backup-20261122"}';
const V3_DAILY =
  '{"type":"server-side-daily-backup","name":"daily-auto","created":1795314055704,"totalItems":24,"copiedItems":24,"format":"server-side","version":"3.0","backupFolder":"backups/typingmind-backup-20261122"}';
const EXPORT_STYLE =
  '{"type":"daily-backup","name":"daily-auto","created":1795314055704,"totalItems":3,"copiedItems":3,"format":"export-style","version":"3.1","backupFolder":"backups/typingmind-backup-20260115"}';

describe('manifest builders write exactly what the original writes', () => {
  it('snapshot', () => {
    const created = 1795314002660;
    const m = buildSnapshotManifest({
      name: 'Lab snapshot A',
      created,
      totalItems: 24,
      copiedItems: 24,
      backupFolder: snapshotFolder('Lab snapshot A', new Date(created)),
    });
    expect(serializeManifest(m)).toBe(SNAP);
  });
  it('daily', () => {
    const created = 1795314002988;
    const m = buildDailyManifest({ created, totalItems: 23, copiedItems: 23, backupFolder: dailyBackupFolder(new Date(created)) });
    expect(serializeManifest(m)).toBe(DAILY);
  });
});

describe('parseManifest', () => {
  it('reads all four variants, all restorable, with the right kind', () => {
    const kinds = [SNAP, DAILY, V3_DAILY, EXPORT_STYLE].map((t) => {
      const m = parseManifest(t);
      expect(isRestorable(m)).toBe(true);
      return manifestKind(m);
    });
    expect(kinds).toEqual(['snapshot', 'daily', 'daily', 'daily']);
  });

  it('tells the four variants apart', () => {
    expect([SNAP, V3_DAILY, EXPORT_STYLE, DAILY].map((t) => manifestVariant(parseManifest(t)))).toEqual([
      'server-side-snapshot',
      'server-side-daily',
      'export-style-daily',
      'export-upload-daily',
    ]);
    expect(manifestVariant(parseManifest(SNAP.replace('"server-side"', '"zip"')))).toBe('unknown');
  });

  it('keeps unknown fields and round-trips the original bytes', () => {
    expect(serializeManifest(parseManifest(SNAP))).toBe(SNAP);
    expect(parseManifest(SNAP.replace('}', ',"extra":[1]}')).extra).toEqual([1]);
  });

  it('fills a missing backupFolder from the object key it was read from, and defaults other fields', () => {
    const m = parseManifest('{"type":"server-side-snapshot"}', 'backups/s-x-20250102T030405/backup-manifest.json');
    expect(m).toMatchObject({ backupFolder: 'backups/s-x-20250102T030405', name: 's-x-20250102T030405', created: 0, totalItems: 0, format: '' });
    expect(isRestorable(m)).toBe(false);
    expect(manifestKind(m)).toBe('snapshot');
  });

  it('damaged manifests are a typed error naming the file', () => {
    for (const t of ['', '{', '[]', '5', '{"type":"x"}']) {
      let err: unknown;
      try {
        parseManifest(t, 'backups/manifest-less');
      } catch (e) {
        err = e;
      }
      expect(isCloudSyncError(err, 'corrupt-object'), t).toBe(true);
      expect((err as Error).message).toContain('backups/manifest-less');
    }
  });
});

describe('manifest index', () => {
  it('parses the array and drops elements that are not manifests', () => {
    const index = parseManifestIndex(`[${SNAP},null,5,{"type":"x"},${DAILY}]`);
    expect(index.map((m) => m.type)).toEqual(['server-side-snapshot', 'daily-backup']);
  });

  it('anything but a JSON array is a typed error telling the caller to rebuild', () => {
    for (const t of ['', 'nope', '{}', SNAP, 'null']) {
      let err: unknown;
      try {
        parseManifestIndex(t);
      } catch (e) {
        err = e;
      }
      expect(isCloudSyncError(err, 'corrupt-object'), t).toBe(true);
      expect((err as CloudSyncError).details.rebuild).toBe(true);
    }
  });

  it('upsert replaces the entry of the same folder in place, or appends; the input is not changed', () => {
    const index = [parseManifest(SNAP), parseManifest(DAILY)];
    const newer = { ...parseManifest(DAILY), created: 5 };
    const up = upsertManifestIndex(index, newer);
    expect(up.map((m) => m.created)).toEqual([1795314002660, 5]);
    expect(index[1].created).toBe(1795314002988);
    const other = { ...parseManifest(SNAP), backupFolder: 'backups/s-y-1' };
    expect(upsertManifestIndex(index, other)).toHaveLength(3);
    expect(serializeManifestIndex(index)).toBe(`[${SNAP},${DAILY}]`);
  });

  it('retention selects only daily backups older than 30 days, both daily types', () => {
    const now = 100 * DAILY_BACKUP_TTL_MS;
    const mk = (type: string, created: number, folder: string): BackupManifest =>
      ({ ...parseManifest(DAILY), type, created, backupFolder: folder });
    const index = [
      mk('daily-backup', now - DAILY_BACKUP_TTL_MS - 1, 'backups/typingmind-backup-1'),
      mk('server-side-daily-backup', now - DAILY_BACKUP_TTL_MS - 1, 'backups/typingmind-backup-2'),
      mk('daily-backup', now - DAILY_BACKUP_TTL_MS, 'backups/typingmind-backup-3'),
      mk('server-side-snapshot', 0, 'backups/s-old-1'),
    ];
    const expired = selectExpiredDailyBackups(index, now).map((m) => m.backupFolder);
    expect(expired).toEqual(['backups/typingmind-backup-1', 'backups/typingmind-backup-2']);
    expect(removeFromManifestIndex(index, expired).map((m) => m.backupFolder)).toEqual(['backups/typingmind-backup-3', 'backups/s-old-1']);
  });

  it("today's daily backup counts only as type daily-backup with today's UTC date", () => {
    const today = new Date('2026-11-22T12:00:00Z');
    expect(hasDailyBackupFor([parseManifest(DAILY)], today)).toBe(true);
    expect(hasDailyBackupFor([parseManifest(V3_DAILY)], today)).toBe(false);
    expect(hasDailyBackupFor([parseManifest(DAILY)], new Date('2026-11-23T00:00:00Z'))).toBe(false);
  });

  it('fuzz: any JSON gives manifests or a CloudSyncError', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const text = JSON.stringify(v) ?? '';
        for (const run of [() => parseManifest(text, 'backups/f/backup-manifest.json'), () => parseManifestIndex(text)]) {
          try {
            run();
          } catch (e) {
            if (!(e instanceof CloudSyncError)) return false;
          }
        }
        return true;
      }),
      { numRuns: 500 },
    );
  });
});
