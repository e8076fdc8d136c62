/**
 * The recovery tool on Google Drive (the emulator): the bucket the original V4.2 wrote, laid out in Drive as
 * the original lays it out, exported with an access token; a token Google refuses is said in plain words.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createDriveStore } from '../../../src/providers/gdrive';
import { loadFixtureBucket, seedStoreFromFixture } from '../../support/fixture-bucket';
import { startDriveEmulator, type DriveEmulator } from '../../support/gdrive-emulator';
import { compareWithFixture, folderIsEmptyOrMissing, readExportFolder, runExportCli, tempDir } from '../../support/recovery-export';

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (stops.length) await stops.pop()!();
});

async function seededDrive(): Promise<DriveEmulator> {
  const emulator = await startDriveEmulator();
  stops.push(() => emulator.stop());
  // Seeding is the test's set-up, not what it measures: Drive's pacing of new files is off for it.
  const store = createDriveStore({ getAccessToken: async () => 'test-token', apiBase: emulator.url, retry: { baseDelayMs: 1 }, pacing: { createIntervalMs: 0, copyIntervalMs: 0 } });
  await seedStoreFromFixture(store, loadFixtureBucket('v4.2'));
  emulator.requests.length = 0; // from here on, only what the tool sends
  return emulator;
}

const check = (cond: boolean, what: string) => expect(cond, what).toBe(true);

describe('cloudsync-export on Google Drive (emulator)', () => {
  it('exports the live data and the daily backup the original V4.2 wrote, every item as the fixture holds it', async () => {
    const fx = loadFixtureBucket('v4.2');
    const emulator = await seededDrive();
    const env = { CLOUDSYNC_DRIVE_TOKEN: 'test-token', CLOUDSYNC_PASSWORD: fx.password };

    const list = await runExportCli(['--drive-api', emulator.url, '--list-backups'], env);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toContain('typingmind-backup-20261122\tdaily');
    expect(list.stdout).toContain('s-Lab-snapshot-A-20261122T022002\tsnapshot');

    const live = join(tempDir(), 'live');
    const run = await runExportCli(['--drive-api', emulator.url, '--out', live], env);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(compareWithFixture(fx, readExportFolder(live), null, check).length).toBe(23);

    const daily = join(tempDir(), 'daily');
    const byName = await runExportCli(['--drive-api', emulator.url, '--backup', 'typingmind-backup-20261122', '--out', daily], env);
    expect(byName.code, byName.stdout + byName.stderr).toBe(0);
    const folder = readExportFolder(daily);
    expect(compareWithFixture(fx, folder, 'backups/typingmind-backup-20261122', check).length).toBe(folder.index.items.length);
    // Nothing was written to Drive: a recovery only reads.
    expect(emulator.requests.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path}`)).toEqual([]);
  });

  it('a token Google refuses: exit 1, what to do, nothing written', async () => {
    const fx = loadFixtureBucket('v4.2');
    const emulator = await seededDrive();
    const out = join(tempDir(), 'out');
    const run = await runExportCli(['--drive-api', emulator.url, '--drive-token', 'expired-token', '--out', out], { CLOUDSYNC_PASSWORD: fx.password });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Google Drive refused the access token');
    expect(folderIsEmptyOrMissing(out)).toBe(true);
  });
});
