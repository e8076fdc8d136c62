/**
 * The commit journal: what this device wrote to metadata.json, kept until the bucket has shown that it stuck.
 *
 * Where the store honours no precondition (s3rver, Backblaze B2, GCS's XML API), a device that read an older
 * index can write it back seconds after we wrote ours, and our entries are gone: a deleted chat is live again,
 * an edit points at an object that no longer matches. A read-back right after the write cannot see a writer
 * that comes later. So every entry a cycle writes is journaled with the identity of the entry it replaced,
 * and each later read of the index judges it (docs/sync.md, "The commit path"):
 *
 * | the index now holds                                | verdict      | what the engine does                          |
 * |----------------------------------------------------|--------------|-----------------------------------------------|
 * | our entry, younger than the settle window          | `held`       | nothing; keep watching                        |
 * | our entry, older than the settle window            | `settled`    | forget it                                     |
 * | an entry written over ours (`tcsPrev` = ours)      | `superseded` | forget it; the planner takes the new entry    |
 * | the entry ours replaced (or none, where there was) | `lost`       | write ours again (a stale writer's lost update) |
 * | nothing, where ours was                            | `superseded` | forget it (a purge; the planner decides)       |
 * | a writer that names no predecessor (the original)  | `superseded` | trust it                                      |
 * | another entry, ours a tombstone                    | `superseded` | an edit elsewhere beats our delete            |
 * | another entry built on what ours replaced          | `concurrent` | plan the key as changed on both sides         |
 *
 * Pure: no I/O, no clock (pass `now`). Identities are short hashes of an entry's signature and `synced`, so a
 * stale writer's verbatim copy of an old entry is recognised, while a restore (fresh `synced`) is not taken for one.
 */
import { entryIdentity, entrySig, NO_PREDECESSOR } from '../cloud/entry-identity';
import { isTombstone, type MetadataEntry } from '../cloud/types';

export { entryIdentity, entrySig, NO_PREDECESSOR };

export interface PendingCommit {
  /** The entry this device wrote (or is about to write) for the key. */
  entry: MetadataEntry;
  /** Identity of the entry it replaced; null when the key had no entry. */
  replaced: string | null;
  /** When it was (last) written, epoch ms. */
  at: number;
  /**
   * False while the index write that carries it has not been confirmed (the cycle failed after the item
   * upload): then the entry only says which object this device uploaded, so its next upload may replace it.
   */
  committed: boolean;
}

export type Journal = Record<string, PendingCommit>;

export type Verdict = 'held' | 'settled' | 'superseded' | 'lost' | 'concurrent';

/** How long a committed entry is watched for a stale writer after it was written (ms). */
export const SETTLE_MS = 15 * 60_000;

/** Judges one journaled entry against what the index holds for its key now. */
export function judge(current: MetadataEntry | undefined, pending: PendingCommit, now: number, settleMs = SETTLE_MS): Verdict {
  const mine = entryIdentity(pending.entry);
  const currentId = current ? entryIdentity(current) : null;
  if (currentId === mine) return now - pending.at >= settleMs ? 'settled' : 'held';
  if (current && current.tcsPrev === mine) return 'superseded';
  if (currentId === pending.replaced) return 'lost';
  if (!current) return 'superseded';
  if (typeof current.tcsPrev !== 'string') return 'superseded';
  if (isTombstone(pending.entry)) return 'superseded';
  return 'concurrent';
}

export interface JournalReading {
  /** Entries to write again: ours, lost to a stale writer. */
  repairs: Record<string, MetadataEntry>;
  /** Keys written over by a writer that had not seen ours: both sides changed. */
  concurrent: Map<string, PendingCommit>;
  /** Keys whose journal record can go. */
  drop: string[];
}

/**
 * Reads the whole journal against a freshly read index. Only committed entries are judged: an uncommitted one
 * (its index write failed) was never in the index, so its absence there says nothing.
 */
export function readJournal(items: Record<string, MetadataEntry>, journal: Journal, now: number, settleMs = SETTLE_MS): JournalReading {
  const out: JournalReading = { repairs: {}, concurrent: new Map(), drop: [] };
  for (const [key, pending] of Object.entries(journal)) {
    if (!pending.committed) {
      if (now - pending.at >= settleMs) out.drop.push(key);
      continue;
    }
    const current = Object.prototype.hasOwnProperty.call(items, key) ? items[key] : undefined;
    switch (judge(current, pending, now, settleMs)) {
      case 'held':
        break;
      case 'lost':
        // An entry of ours that is simply gone (a stale writer from before we created it, or a user who dropped
        // it because its object was missing): the planner sees it vanished and uploads the value again, object
        // and all, which also heals a missing object. Anything else lost is written back as it was.
        if (current === undefined && !isTombstone(pending.entry)) out.drop.push(key);
        else out.repairs[key] = pending.entry;
        break;
      case 'concurrent':
        // Kept until the key's reconcile commits: dropped now, a failed reconcile would leave the base
        // saying "ours is in the index" and the next cycle would download theirs over our edit.
        out.concurrent.set(key, pending);
        break;
      default:
        out.drop.push(key);
    }
  }
  return out;
}
