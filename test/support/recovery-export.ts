/**
 * The recovery tool in tests: run `cloudsync-export` in-process (runCli) with captured output, read the folder
 * it wrote, and compare it with what a fixture bucket says each object holds (expected.json).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/export-main';
import { fromTagged } from '../../src/recovery/tagged-json';
import type { IndexRecord } from '../../src/recovery/export-item';
import { decodeTagged, readSeedBlob, taggedBlob, type FixtureBucket } from './fixture-bucket';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export function tempDir(prefix = 'cloudsync-export-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export async function runExportCli(argv: string[], env: Record<string, string | undefined> = {}, prompt?: (q: string) => Promise<string>): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    env,
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
    prompt,
  });
  return { code, stdout, stderr };
}

export interface ExportedItem {
  key: string;
  type: 'idb' | 'ls' | 'blob';
  value: unknown;
}

export interface ExportFolder {
  dir: string;
  index: { source: string; items: IndexRecord[]; summary: Record<string, unknown> };
  items: Map<string, ExportedItem>;
  typingmind: { data: { chats: Record<string, unknown>[]; [k: string]: unknown } };
  bytes(path: string): Buffer;
  /** Every file under the folder, relative, `/`-separated. */
  files(): string[];
}

export function readExportFolder(dir: string): ExportFolder {
  const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as ExportFolder['index'];
  const items = new Map<string, ExportedItem>();
  for (const r of index.items) {
    if (!r.file) continue;
    const item = JSON.parse(readFileSync(join(dir, r.file), 'utf8')) as ExportedItem;
    items.set(item.key, item);
  }
  const files = (): string[] => {
    const out: string[] = [];
    const walk = (rel: string) => {
      for (const e of readdirSync(join(dir, rel), { withFileTypes: true })) {
        const p = rel ? `${rel}/${e.name}` : e.name;
        if (e.isDirectory()) walk(p);
        else out.push(p);
      }
    };
    walk('');
    return out.sort();
  };
  return {
    dir,
    index,
    items,
    typingmind: JSON.parse(readFileSync(join(dir, 'typingmind-export.json'), 'utf8')),
    bytes: (p) => readFileSync(join(dir, p)),
    files,
  };
}

export const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** JSON equality, as the fixtures define "matches": JSON.parse(JSON.stringify(value)). */
const asJson = (v: unknown): unknown => JSON.parse(JSON.stringify(v) ?? 'null');

/**
 * Compares an export with expected.json's account of the fixture's objects in `folder` (null: the live data).
 * Returns the keys compared; throws (a test failure) at the first item that differs.
 */
export function compareWithFixture(fx: FixtureBucket, out: ExportFolder, folder: string | null, expectItem: (cond: boolean, what: string) => void): string[] {
  const prefix = folder === null ? '' : `${folder}/`;
  const metaBytes = fx.objects.get(`${prefix}metadata.json`)!;
  const meta = JSON.parse(Buffer.from(metaBytes).toString('utf8')) as { items: Record<string, { type: string; deleted?: number }> };
  const compared: string[] = [];
  for (const [key, entry] of Object.entries(meta.items)) {
    if (entry.deleted) {
      expectItem(!out.items.has(key), `${key} is deleted and not exported`);
      continue;
    }
    const objectKey = `${prefix}${entry.type === 'blob' ? `attachments/${key}.bin` : `items/${key}.json`}`;
    const expected = fx.expected.objects[objectKey];
    if (!expected) {
      expectItem(!out.items.has(key), `${key} has no object in the fixture and is skipped`);
      expectItem(out.index.items.some((r) => r.key === key && r.skipped), `${key} is listed as skipped`);
      continue;
    }
    const item = out.items.get(key);
    expectItem(item !== undefined, `${key} exported`);
    if (!item) continue;
    if (entry.type === 'blob') {
      const ref = (item.value as { $blob: { file: string; sha256: string; size: number; type: string } }).$blob;
      const bytes = out.bytes(ref.file);
      expectItem(sha256(bytes) === expected.sha256 && ref.sha256 === expected.sha256 && ref.size === expected.size, `${key}: attachment bytes`);
      const seed = taggedBlob(fx.seed.idb[key]);
      if (seed) {
        expectItem(Buffer.from(readSeedBlob(fx.dir, seed.file)).equals(bytes), `${key}: bytes equal the seeded file`);
        expectItem(ref.type === seed.type, `${key}: MIME type ${ref.type} = ${seed.type}`);
      }
    } else {
      const area = expected.area ?? (entry.type === 'ls' ? 'ls' : 'idb');
      const state = expected.matches === 'seed' ? fx.seed : expected.matches?.startsWith('final') ? fx.expected.expectedSynced : null;
      const want = state ? (area === 'ls' ? { key, value: state.ls[key] } : decodeTagged(state.idb[key], fx.dir)) : expected.value;
      const got = area === 'ls' ? { key, value: item.value } : fromTagged(item.value);
      expectItem(JSON.stringify(asJson(got)) === JSON.stringify(asJson(want)), `${key}: value equals the fixture's (${expected.matches ?? 'value'})`);
    }
    compared.push(key);
  }
  return compared;
}

export function folderIsEmptyOrMissing(dir: string): boolean {
  return !existsSync(dir) || readdirSync(dir).length === 0;
}
