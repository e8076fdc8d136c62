/**
 * The export folder on disk (Node only). It must be new or empty: an export never overwrites a file, so a
 * second run cannot replace a first run's files with less. Files are created exclusively ("wx").
 */
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';
import { CloudSyncError } from '../errors';
import type { ExportSink } from '../recovery/export-run';

export function createFolderSink(dir: string): ExportSink {
  const root = resolve(dir);
  const made = new Set<string>();
  return {
    async open() {
      await mkdir(root, { recursive: true });
      const present = await readdir(root);
      if (present.length > 0) {
        throw new CloudSyncError('invalid-settings', `The folder ${root} already holds files. Choose a new or empty folder for the export; nothing was written.`);
      }
    },
    async write(path, data) {
      const target = resolve(root, ...path.split('/'));
      // The names are made safe (safe-names.ts); this only guards against a mistake there.
      if (!target.startsWith(root + sep) || path.split('/').some((s) => s === '' || s === '.' || s === '..')) {
        throw new Error(`Refusing to write outside the export folder: ${path}`);
      }
      const parent = dirname(target);
      if (!made.has(parent)) {
        await mkdir(parent, { recursive: true });
        made.add(parent);
      }
      await writeFile(target, data, { flag: 'wx' });
    },
  };
}
