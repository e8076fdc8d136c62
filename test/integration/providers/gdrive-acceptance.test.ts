import { describeCloudStore } from '../../support/cloud-store-acceptance';
import { startDriveEmulator } from '../../support/gdrive-emulator';
import { createDriveStore } from '../../../src/providers/gdrive';

// A fresh emulator per test. Drive's pages are capped at 25 files and the store yields 40 entries
// per page, so 120 keys cross several pages on both sides.
describeCloudStore(
  'google drive (Drive API emulator)',
  async () => {
    const emulator = await startDriveEmulator({ maxPageSize: 25 });
    const store = createDriveStore({
      getAccessToken: async () => 'test-token',
      apiBase: emulator.url,
      listPageSize: 40,
      retry: { baseDelayMs: 1 },
      pacing: { createIntervalMs: 0, copyIntervalMs: 0 }, // kept fast here; pacing is tested in gdrive-drive-limits
    });
    return { store, teardown: () => emulator.stop() };
  },
  { manyKeys: 120 },
);
