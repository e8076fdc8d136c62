/**
 * The recovery export: the live data or one backup, decrypted, written as files (docs: README "Recovering
 * your data"). Only reads the bucket. IO at the edges: the bucket is a CloudStore, the folder an ExportSink.
 *
 * Order, so that a wrong password writes nothing: read the index, prove the password on a few objects, and
 * only then open the folder and write. Every other item is read and written as it comes (a few at a time),
 * so a large bucket never sits in memory; only the chats are kept, for typingmind-export.json at the end.
 */
import { backupFolderName } from '../cloud';
import { isTombstone, type LiveEntry } from '../cloud/types';
import { deriveHashKey, importContentKey } from '../crypto';
import { normaliseBackupFolder } from '../backup/backup-folder';
import type { CloudStore, RequestOptions } from '../providers/cloud-store';
import { mapPool } from '../runtime/pool';
import { isChatItem } from '../cloud/entry-fields';
import { exportItem, type IndexRecord } from './export-item';
import { extensionForMime } from './mime-extension';
import { proveExportPassword } from './password-proof';
import { escapeKey, safeFileNames } from './safe-names';
import { findBackup, listBackupsReadOnly, readSourceIndex, sourceObjectKey } from './source-index';
import { buildTypingMindExport, PLACED_SETTINGS, type ExportedValue } from './typingmind-export';

export interface ExportSink {
  /** Called once, after the password is proven, before the first write. May refuse (a folder with files in it). */
  open(): Promise<void>;
  /** `path` is relative to the export folder, `/`-separated, made only of safe names. */
  write(path: string, data: Uint8Array | string): Promise<void>;
}

export interface ExportProgress {
  done: number;
  total: number;
  bytes: number;
}

export interface ExportRunOptions extends RequestOptions {
  store: CloudStore;
  password: string;
  /** A backup's folder or name; absent for the live data. */
  backup?: string;
  sink: ExportSink;
  concurrency?: number;
  onProgress?: (p: ExportProgress) => void;
  /** For index.json's `exportedAt`. */
  now?: () => number;
}

export interface ExportSummary {
  /** `live`, or the backup folder's name. */
  source: string;
  items: number;
  attachments: number;
  chats: number;
  /** Bytes of exported content (attachment bytes, item JSON text). */
  bytes: number;
  /** Deleted items the index still lists (not exported: their tombstones say they are gone). */
  deleted: number;
  skipped: { key: string; reason: string }[];
}

/** The backup folder to read: by folder or name from the list, or a folder the list lost but the bucket has. */
async function resolveFolder(store: CloudStore, wanted: string, options: RequestOptions): Promise<string> {
  const { backups } = await listBackupsReadOnly(store, options);
  try {
    return findBackup(backups, wanted).folder;
  } catch (e) {
    let folder: string;
    try {
      folder = normaliseBackupFolder(wanted);
    } catch {
      throw e;
    }
    // The index can miss a backup (the original overwrites it blindly): a folder with its own metadata.json is one.
    const direct = await readSourceIndex(store, folder, options).catch(() => null);
    if (direct) return folder;
    throw e;
  }
}

export async function runExport(opts: ExportRunOptions): Promise<ExportSummary> {
  const { store, sink, signal } = opts;
  const options: RequestOptions = { signal };
  const keys = { contentKey: await importContentKey(opts.password), hashKey: await deriveHashKey(opts.password) };
  const folder = opts.backup === undefined ? null : await resolveFolder(store, opts.backup, options);
  const { meta } = await readSourceIndex(store, folder, options);
  const all = Object.entries(meta.items).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const live = all.filter(([, e]) => !isTombstone(e)) as [string, LiveEntry][];
  const cached = await proveExportPassword(store, folder, live, keys, options);

  await sink.open();
  const itemNames = safeFileNames(live.map(([k]) => k));
  const entries = new Map(live);
  const attachmentExt = (key: string): string => {
    const e = entries.get(key)!;
    const ext = extensionForMime(typeof e.blobType === 'string' ? e.blobType : typeof e.tcsBlobType === 'string' ? e.tcsBlobType : '');
    // "photo.jpg" stays photo.jpg, not photo.jpg.jpg; safeFileNames keeps names unique all the same.
    return escapeKey(key).toLowerCase().endsWith(ext) ? '' : ext;
  };
  const attachmentNames = safeFileNames(live.filter(([, e]) => e.type === 'blob').map(([k]) => k), attachmentExt);

  const records: IndexRecord[] = [];
  const kept: ExportedValue[] = [];
  const progress: ExportProgress = { done: 0, total: live.length, bytes: 0 };
  opts.onProgress?.({ ...progress });
  await mapPool(live, Math.max(1, opts.concurrency ?? 8), async ([key, entry]) => {
    const names = { item: itemNames.get(key)!, attachment: attachmentNames.get(key) ?? '' };
    const object = cached.get(sourceObjectKey(folder, key, entry.type));
    const out = await exportItem(store, folder, key, entry, keys, names, object, options);
    for (const [path, data] of out.files) await sink.write(path, data);
    records.push(out.record);
    if (out.value !== undefined && (isChatItem(key, entry.type) || (entry.type === 'idb' && PLACED_SETTINGS[key]))) kept.push({ key, type: entry.type, value: out.value });
    progress.done++;
    progress.bytes += out.record.size ?? 0;
    opts.onProgress?.({ ...progress });
  });
  records.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));

  const source = folder === null ? 'live' : backupFolderName(folder);
  const summary: ExportSummary = {
    source,
    items: records.filter((r) => !r.skipped).length,
    attachments: records.filter((r) => !r.skipped && r.attachment).length,
    chats: kept.filter((k) => isChatItem(k.key, k.type)).length,
    bytes: progress.bytes,
    deleted: all.length - live.length,
    skipped: records.filter((r) => r.skipped).map((r) => ({ key: r.key, reason: r.skipped! })),
  };
  const exportedAt = new Date((opts.now ?? Date.now)()).toISOString();
  await sink.write('index.json', JSON.stringify({ source, exportedAt, metadataLastSync: meta.lastSync, summary: { ...summary, skipped: summary.skipped.length }, items: records }, null, 1) + '\n');
  await sink.write('typingmind-export.json', JSON.stringify(buildTypingMindExport(kept)) + '\n');
  return summary;
}
