/**
 * What the user brings back by hand, outside any cycle: items deleted within the tombstone window (from
 * their objects, which deletion never removes; the original's undo relies on that too), and the version a
 * conflict discarded. Each is put on this device; the caller marks the key changed, so the next cycle syncs
 * it out like any edit (edit beats delete).
 */
import { isPurged, objectKeyFor, readBackEntry, TOMBSTONE_TTL_MS } from '../cloud';
import { isTombstone, type TombstoneEntry } from '../cloud/types';
import { CloudSyncError } from '../errors';
import type { ItemType } from '../host/types';
import { messageId } from './chat-merge';
import type { EngineEnv } from './engine-types';
import { decodeObject, toLocalItem } from './item-codec';

export interface DeletedItem {
  key: string;
  type: ItemType;
  deletedAt: number;
  /** The tombstone as the index holds it (it says how to read the object back: readBackEntry). */
  tombstone: TombstoneEntry;
}

/** Items deleted within the tombstone window and not purged, newest first, from the index as last read (no request). */
export async function recentlyDeleted(env: EngineEnv): Promise<DeletedItem[]> {
  const { base, host, scope } = env.deps;
  const state = await base.state();
  if (state.scope !== scope || !state.etag) return [];
  const cached = env.index.get(state.etag);
  const index = cached ? undefined : await base.index();
  if (!cached && index?.etag !== state.etag) return [];
  const meta = cached ?? env.index.parse(state.etag, index!.text);
  const now = env.now();
  return Object.entries(meta.items)
    .filter((kv): kv is [string, TombstoneEntry] => isTombstone(kv[1]) && !isPurged(kv[1]) && now - kv[1].deleted <= TOMBSTONE_TTL_MS && !host.isExcluded(kv[0]))
    .map(([key, e]) => ({ key, type: e.type, deletedAt: e.deleted, tombstone: e }))
    .sort((a, b) => b.deletedAt - a.deletedAt);
}

/** Brings deleted items back on this device. Returns the keys restored; a missing or unreadable object is reported, not fatal. */
export async function restoreDeleted(env: EngineEnv, keys: string[]): Promise<{ restored: string[]; errors: { key: string; message: string }[] }> {
  const deleted = new Map((await recentlyDeleted(env)).map((d) => [d.key, d]));
  const restored: string[] = [];
  const errors: { key: string; message: string }[] = [];
  for (const key of keys) {
    const d = deleted.get(key);
    try {
      if (!d) throw new CloudSyncError('not-found', `"${key}" is not among the recently deleted items.`);
      const objectKey = objectKeyFor(key, d.type);
      const res = await env.count(env.deps.store.get(objectKey));
      if (res.kind !== 'found') throw new CloudSyncError('not-found', `The last version of "${key}" is no longer in the bucket.`);
      // Read as its live entry described it: a chat's Dates come back as Dates, an attachment with its own type.
      const e = await decodeObject(key, readBackEntry(d.tombstone), res.body, env.deps.keys, objectKey);
      await env.deps.host.put(toLocalItem(e));
      restored.push(key);
    } catch (err) {
      errors.push({ key, message: err instanceof Error ? err.message : String(err) });
    }
  }
  return { restored, errors };
}

/** Puts the version a conflict discarded back on this device: the whole value, or for a chat the losing version of one message. */
export async function restoreConflict(env: EngineEnv, id: number): Promise<{ key: string; type: ItemType }> {
  const { base, host } = env.deps;
  const c = (await base.conflicts()).find((r) => r.id === id);
  if (!c) throw new CloudSyncError('not-found', 'That conflict is no longer on this device.');
  if (c.messageId !== undefined) {
    const item = await host.get(c.key, 'idb');
    const chat = item?.value as { messages?: unknown[] } | undefined;
    if (!chat || !Array.isArray(chat.messages)) throw new CloudSyncError('not-found', `The chat "${c.key}" is no longer on this device.`);
    const at = chat.messages.findIndex((m) => messageId(m) === c.messageId);
    const messages = [...chat.messages];
    if (at >= 0) messages[at] = c.discarded;
    else messages.push(c.discarded);
    await host.put({ key: c.key, type: 'idb', value: { ...chat, messages } });
  } else {
    await host.put({ key: c.key, type: c.type, value: c.discarded });
  }
  await base.removeConflict(id);
  return { key: c.key, type: c.type };
}
