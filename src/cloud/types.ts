/**
 * The bucket's plaintext index, `metadata.json`, as data (original-format.md §3, §4).
 * Field names are the original's; the `tcs*` fields are ours (the original ignores extra fields).
 */
import type { ItemType } from '../host/types';

export interface LiveEntry {
  type: ItemType;
  /** Epoch ms when this entry was written; 0 = never synced (the original re-uploads it). */
  synced: number;
  /** Version clock: epoch ms, or a chat's raw `updatedAt` (may be an ISO string), or 0. */
  lastModified: number | string;
  /** UTF-16 length of the JSON text (idb, ls wrapper) or byte length (blob). Absent on CHAT_ entries. */
  size?: number;
  /** CHAT_* only: `updatedAt|msgCount|lastMsgId|lastMsgTs`. */
  chatFingerprint?: string;
  /** blob only: MIME type, as the original computes it (the Blob's own, or sniffed when that says nothing). */
  blobType?: string;
  /**
   * Ours, blob only: the Blob's own type exactly ("" included), present when it is not `blobType`. A reader
   * gives the Blob exactly this type; without it, `blobType` is read as the original reads it (sniffed when
   * empty or application/octet-stream).
   */
  tcsBlobType?: string;
  /** Ours: keyed content hash (HMAC-SHA-256 with a key derived from the password), base64url. Never a bare hash. */
  tcsHash?: string;
  /**
   * Ours: the ETag of the item object this entry describes. The next writer of the key uploads with
   * If-Match on it, so two devices writing the same item at once cannot overwrite each other's object.
   */
  tcsEtag?: string;
  /** Ours: where the value held Date objects (paths, '*' for any array index), so a reader can restore them. */
  tcsDates?: string[];
  /** Unknown fields are kept as they are, so a rewrite never drops what another writer added. */
  [extra: string]: unknown;
}

export interface TombstoneEntry {
  type: ItemType;
  /** Epoch ms of the deletion. Authoritative over deletedAt. */
  deleted: number;
  deletedAt?: number;
  tombstoneVersion: number;
  synced: number;
  [extra: string]: unknown;
}

export type MetadataEntry = LiveEntry | TombstoneEntry;

export interface Metadata {
  lastSync: number;
  items: Record<string, MetadataEntry>;
}

export function isTombstone(entry: MetadataEntry | undefined): entry is TombstoneEntry {
  return !!entry && typeof (entry as TombstoneEntry).deleted === 'number' && (entry as TombstoneEntry).deleted > 0;
}
