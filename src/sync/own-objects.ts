/**
 * Which item objects in the bucket are this device's own, uncommitted: an upload whose answer was lost, or
 * whose index write failed, left our object behind, and our next upload may replace it (item-upload.ts); an
 * object of ours found under another device's entry is published again (pull.ts).
 */
import { isTombstone } from '../cloud/types';
import type { Journal } from './commit-journal';

/** Hashes of the item objects this page uploaded per key, until a commit records one. */
export class SentObjects {
  private readonly byKey = new Map<string, Set<string>>();

  add(key: string, hash: string): void {
    let s = this.byKey.get(key);
    if (!s) this.byKey.set(key, (s = new Set()));
    s.add(hash);
  }

  has(key: string, hash: string): boolean {
    return this.byKey.get(key)?.has(hash) ?? false;
  }

  /** The index now names these keys' objects: nothing of ours is left behind for them. */
  forget(keys: Iterable<string>): void {
    for (const k of keys) this.byKey.delete(k);
  }
}

/** Whether an object of `key` with this hash is one this device uploaded and has not committed yet. */
export function isOwnObject(sent: SentObjects, journal: Journal | undefined, key: string, hash: string): boolean {
  if (sent.has(key, hash)) return true;
  const p = journal?.[key];
  return !!p && !isTombstone(p.entry) && p.entry.tcsHash === hash;
}
