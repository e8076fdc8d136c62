/**
 * The restore decision, as a pure function (W7): from the backup's metadata, the objects its folder holds
 * and the current live metadata, the new live metadata and the copies that make the cloud equal to the
 * backup in a way every device converges to.
 *
 * - Each live entry of the backup whose object is in the folder comes back with a fresh `synced`, so every
 *   device sees the entry changed and downloads it (an unsynced local edit there is reconciled, not lost).
 * - Every key live now but not restored becomes a TOMBSTONE (version + 1), so other devices delete it through
 *   the normal sync instead of uploading it again as "new".
 * - A backup entry whose object is missing from the folder (the original's snapshots hold no attachments)
 *   cannot be restored: the current entry, if any, is kept as it is rather than deleted.
 * - Current tombstones of keys the backup does not bring back are kept (still deleted); a backup tombstone of a
 *   key the live metadata does not mention is carried over.
 */
import { backupObjectKeyFor, entryIdentity, isTombstone, makeTombstone, NO_PREDECESSOR, objectKeyFor, type LiveEntry, type Metadata, type MetadataEntry } from '../cloud';
import type { ItemType } from '../host/types';

export interface RestoreCopy {
  key: string;
  type: ItemType;
  from: string;
  to: string;
  /**
   * The object must be decrypted and encrypted again with the bytes codec: attachments of the original's
   * export-style daily backups went through the JSON codec (original-format.md §1.6 quirk).
   */
  reencode: boolean;
}

export interface RestorePlan {
  metadata: Metadata;
  copies: RestoreCopy[];
  /** Keys live in the new metadata because the backup holds them (copied or already identical). */
  restored: string[];
  /** Keys whose live object already holds the backup's content (same keyed hash): nothing to copy. */
  unchanged: string[];
  /** Keys live now and not in the backup: tombstoned. */
  tombstoned: string[];
  /** Keys the backup lists but whose object it lacks; their current live entry is kept. */
  kept: string[];
  /** Keys the backup lists but whose object it lacks, and that are not live now: they cannot come back. */
  unavailable: string[];
}

export interface RestorePlanInput {
  folder: string;
  backup: Metadata;
  /** Object keys present in the backup folder. */
  backupObjects: ReadonlySet<string>;
  current: Metadata;
  now: number;
  reencodeAttachments: boolean;
}

function setEntry(items: Record<string, MetadataEntry>, key: string, entry: MetadataEntry): void {
  // defineProperty, not assignment: a key named "__proto__" must stay an ordinary key.
  Object.defineProperty(items, key, { value: entry, enumerable: true, writable: true, configurable: true });
}

function sameContent(a: LiveEntry, b: MetadataEntry | undefined): boolean {
  if (!b || isTombstone(b)) return false;
  const c = b as LiveEntry;
  return a.type === c.type && typeof a.tcsHash === 'string' && a.tcsHash === c.tcsHash;
}

export function planRestore(input: RestorePlanInput): RestorePlan {
  const { folder, backup, backupObjects, current, now } = input;
  const items: Record<string, MetadataEntry> = {};
  const plan: RestorePlan = { metadata: { lastSync: now, items }, copies: [], restored: [], unchanged: [], tombstoned: [], kept: [], unavailable: [] };
  const handled = new Set<string>();

  for (const key of Object.keys(backup.items)) {
    const be = backup.items[key];
    if (isTombstone(be)) {
      // Deleted in the backup and unknown now (pruned, or the live index is damaged): keep it deleted.
      if (!Object.prototype.hasOwnProperty.call(current.items, key)) {
        setEntry(items, key, be);
        handled.add(key);
      }
      continue;
    }
    const entry = be as LiveEntry;
    const from = backupObjectKeyFor(folder, key, entry.type);
    const ce = current.items[key];
    if (!backupObjects.has(from)) {
      if (ce && !isTombstone(ce)) {
        setEntry(items, key, ce);
        plan.kept.push(key);
        handled.add(key);
      } else {
        plan.unavailable.push(key);
      }
      continue;
    }
    // Written over the live entry, having seen it (commit-journal.ts): a device whose own write it replaces
    // takes the restore's value, it does not merge its own back in.
    const restored: LiveEntry = { ...entry, synced: now, tcsPrev: ce ? entryIdentity(ce) : NO_PREDECESSOR };
    delete restored.tcsEtag;
    if (sameContent(entry, ce)) {
      const etag = (ce as LiveEntry).tcsEtag;
      if (typeof etag === 'string') restored.tcsEtag = etag;
      plan.unchanged.push(key);
    } else {
      plan.copies.push({ key, type: entry.type, from, to: objectKeyFor(key, entry.type), reencode: input.reencodeAttachments && entry.type === 'blob' });
    }
    setEntry(items, key, restored);
    plan.restored.push(key);
    handled.add(key);
  }

  for (const key of Object.keys(current.items)) {
    if (handled.has(key)) continue;
    const ce = current.items[key];
    if (isTombstone(ce)) {
      setEntry(items, key, ce);
      continue;
    }
    setEntry(items, key, { ...makeTombstone({ type: ce.type, deleted: now, synced: now, previous: ce }), tcsPrev: entryIdentity(ce) });
    plan.tombstoned.push(key);
  }
  return plan;
}

/** Keys whose entry differs between two reads of the live metadata (another device wrote meanwhile). */
export function changedKeys(before: Metadata, after: Metadata): Set<string> {
  const out = new Set<string>();
  for (const key of new Set([...Object.keys(before.items), ...Object.keys(after.items)])) {
    const a = Object.prototype.hasOwnProperty.call(before.items, key) ? before.items[key] : undefined;
    const b = Object.prototype.hasOwnProperty.call(after.items, key) ? after.items[key] : undefined;
    if (JSON.stringify(a) !== JSON.stringify(b)) out.add(key);
  }
  return out;
}
