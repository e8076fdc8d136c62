/**
 * One item of a recovery: downloaded, decrypted with the project's own codec (item-codec.ts, which also reads
 * the original's quirks), and turned into the files it becomes: `items/<name>.json` (tagged JSON) and, for an
 * attachment, `attachments/<name>` (its exact bytes).
 */
import type { LiveEntry } from '../cloud/types';
import { bytesToHex, utf8Encode } from '../crypto';
import { isCloudSyncError } from '../errors';
import type { ItemType } from '../host/types';
import type { CloudStore, GetResult, RequestOptions } from '../providers/cloud-store';
import { decodeObject, type SyncKeys } from '../sync/item-codec';
import { sourceObjectKey } from './source-index';
import { blobTag, toTagged } from './tagged-json';

/** One line of index.json. */
export interface IndexRecord {
  key: string;
  type: ItemType;
  /** The object it was read from, in the bucket. */
  object: string;
  /** `items/<name>.json`, absent when skipped. */
  file?: string;
  /** Attachments: `attachments/<name>`. */
  attachment?: string;
  /** Attachments: the MIME type the Blob gets back. */
  mime?: string;
  /** Bytes of the content: the attachment's bytes, or the UTF-8 of the item's JSON text. */
  size?: number;
  /** SHA-256 (hex) of those bytes. */
  sha256?: string;
  /** The entry's keyed hash (ours), when it has one. */
  tcsHash?: string;
  lastModified: number | string;
  /** Set when the item could not be exported: why, in words. */
  skipped?: string;
}

export interface ItemFiles {
  record: IndexRecord;
  /** Files to write, path relative to the export folder → content. */
  files: [string, Uint8Array | string][];
  /** The value as TypingMind holds it (Dates revived; a Blob's bytes for attachments). */
  value?: unknown;
}

export interface ItemNames {
  item: string;
  attachment: string;
}

/** Errors that concern one object; anything else (credentials, network, cancel) stops the whole export. */
function isItemError(e: unknown): boolean {
  if (!isCloudSyncError(e)) return !(e instanceof DOMException && e.name === 'AbortError');
  return e.code === 'corrupt-object' || e.code === 'wrong-password' || e.code === 'bad-key' || e.code === 'provider-error' || e.code === 'too-large';
}

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  return bytesToHex(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>)));
}

function itemJson(key: string, type: ItemType, value: unknown): string {
  return JSON.stringify({ key, type, value }, null, 1) + '\n';
}

/** Reads and decodes one item into its files; an unreadable or missing object gives a record with `skipped`. */
export async function exportItem(
  store: CloudStore,
  folder: string | null,
  key: string,
  entry: LiveEntry,
  keys: SyncKeys,
  names: ItemNames,
  cached: GetResult | undefined,
  options: RequestOptions = {},
): Promise<ItemFiles> {
  const object = sourceObjectKey(folder, key, entry.type);
  const base: IndexRecord = { key, type: entry.type, object, lastModified: entry.lastModified, ...(typeof entry.tcsHash === 'string' ? { tcsHash: entry.tcsHash } : {}) };
  let res: GetResult;
  try {
    res = cached ?? (await store.get(object, options));
  } catch (e) {
    if (isItemError(e)) return { record: { ...base, skipped: `could not be downloaded: ${messageOf(e)}` }, files: [] };
    throw e;
  }
  if (res.kind !== 'found') return { record: { ...base, skipped: missingReason(folder, entry.type) }, files: [] };
  let decoded;
  try {
    decoded = await decodeObject(key, entry, res.body, keys, object);
  } catch (e) {
    if (!isItemError(e)) throw e;
    const why = isCloudSyncError(e, 'wrong-password') ? 'could not be decrypted: the object is damaged (the password opened other objects)' : `is unreadable: ${messageOf(e)}`;
    return { record: { ...base, skipped: why }, files: [] };
  }
  const itemFile = `items/${names.item}`;
  if (decoded.type === 'blob') {
    const bytes = decoded.bytes!;
    const sha256 = await sha256Hex(bytes);
    const attachment = `attachments/${names.attachment}`;
    const mime = decoded.mime ?? '';
    const tag = blobTag({ type: mime, size: bytes.length, sha256, file: attachment });
    return {
      record: { ...base, file: itemFile, attachment, mime, size: bytes.length, sha256 },
      files: [
        [attachment, bytes],
        [itemFile, itemJson(key, 'blob', tag)],
      ],
      value: decoded.value,
    };
  }
  const text = decoded.text ?? JSON.stringify(decoded.value);
  const bytes = utf8Encode(text);
  return {
    record: { ...base, file: itemFile, size: bytes.length, sha256: await sha256Hex(bytes) },
    files: [[itemFile, itemJson(key, decoded.type, toTagged(decoded.value))]],
    value: decoded.value,
  };
}

function missingReason(folder: string | null, type: ItemType): string {
  if (folder !== null && type === 'blob') {
    return 'is not in this backup (the original\'s snapshots leave attachments out); export the live data, or another backup, to get it';
  }
  return 'is listed in metadata.json but its object is missing from the bucket';
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
