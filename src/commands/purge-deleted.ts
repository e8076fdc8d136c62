/**
 * The app's side of "permanently delete" (Recently Deleted): the engine removes the item's object and marks its
 * tombstone (sync/purge-deleted.ts); a sync follows, as in the original, so the list read from the index
 * afterwards no longer shows it. Never throws: the outcome is a sentence for the action line.
 */
import type { ActionOutcome } from '../ui/controller';

interface Purger {
  engine: { purgeDeleted(keys: string[]): Promise<{ purged: string[]; errors: { key: string; message: string }[] }> };
}

export async function purgeDeletedItem(session: () => Purger, syncNow: () => Promise<unknown>, key: string): Promise<ActionOutcome> {
  try {
    const out = await session().engine.purgeDeleted([key]);
    if (out.purged.length) await syncNow().catch(() => undefined); // its outcome shows in the status
    if (out.errors.length) return { ok: false, message: out.errors[0].message };
    return { ok: true, message: `"${key}" was deleted permanently; it can no longer be restored.` };
  } catch (e) {
    return { ok: false, message: e instanceof Error ? e.message : String(e) };
  }
}
