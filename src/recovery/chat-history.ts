/**
 * One chat back from any backup (issue 17): find a chat by title or text, list every version of it that the
 * live data and each backup or snapshot holds, and bring one back on this device, as that chat or as a copy
 * beside it, with the attachments it refers to. IO at the edges (the bucket, this device's store); what is
 * decided is pure (chat-summary.ts).
 *
 * Reading only what is needed: the list of backups once, then per backup its metadata.json and that one
 * chat's object; never whole backups. Writing only the chat (and attachments missing here) on this device:
 * the caller marks those keys changed, and the next sync cycle publishes them through the one commit path,
 * as any edit (edit beats delete, so a deleted chat comes back everywhere).
 */
import { backupFolderName, backupManifestKey, isChatKey, parseManifest } from '../cloud';
import { isTombstone, type LiveEntry, type Metadata } from '../cloud/types';
import { CloudSyncError } from '../errors';
import type { ChangedKey, HostStore } from '../host/types';
import type { CloudStore, RequestOptions } from '../providers/cloud-store';
import { mapPool } from '../runtime/pool';
import { decodeObject, type SyncKeys } from '../sync/item-codec';
import { chatMatches, chatTitle, referencedAttachments, summarizeChat, type ChatSummary } from './chat-summary';
import { listBackupsReadOnly, readSourceIndex, sourceObjectKey } from './source-index';

export interface ChatSource {
  /** `backups/<name>`, or null for the live data. */
  folder: string | null;
  /** What the person sees: "current cloud data", the snapshot's name, or "daily backup". */
  label: string;
  kind: 'live' | 'snapshot' | 'daily';
  /** When the source was made (the live data: its last sync). */
  created: number;
}

export interface ChatVersion extends ChatSummary {
  key: string;
  source: ChatSource;
  /** The keyed hash of the content: equal hashes are the same version. */
  hash: string;
  /** The source lists the chat as deleted; this is the last version it had. */
  deleted: boolean;
}

export interface ChatHit extends ChatSummary {
  key: string;
  /** On this device, or deleted (within the 30 days its tombstone lasts). */
  where: 'device' | 'deleted';
}

export interface ChatHistoryDeps {
  store: CloudStore;
  keys: SyncKeys;
  host: HostStore;
  now?: () => number;
  /** A new chat id for a copy (default: 12 random letters and digits, as TypingMind's ids look). */
  newChatId?: () => string;
  concurrency?: number;
}

export interface RestoredChat {
  key: string;
  mode: 'replace' | 'copy';
  /** Attachments brought back with it (they were missing on this device). */
  attachments: string[];
  /** Attachments it refers to that neither the backup nor the live data holds. */
  missingAttachments: string[];
  /** What the caller marks changed, so the next cycle syncs it out. */
  changes: ChangedKey[];
}

export interface ChatHistory {
  search(query: string, options?: RequestOptions): Promise<ChatHit[]>;
  versions(key: string, options?: RequestOptions): Promise<{ versions: ChatVersion[]; problems: string[] }>;
  /** `folder`: the version's source (`ChatVersion.source.folder`); null for the live data. */
  restore(key: string, folder: string | null, mode: 'replace' | 'copy', options?: RequestOptions): Promise<RestoredChat>;
}

const ID_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function randomChatId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return Array.from(bytes, (b) => ID_CHARS[b % ID_CHARS.length]).join('');
}

function liveEntry(meta: Metadata, key: string): LiveEntry | undefined {
  const e = meta.items[key];
  return e && !isTombstone(e) ? e : undefined;
}

/** An updatedAt of `now`, in the form the chat already uses (Date, epoch ms, or ISO text). */
function touched(value: unknown, now: number): unknown {
  if (value instanceof Date) return new Date(now);
  if (typeof value === 'number') return now;
  if (typeof value === 'string') return new Date(now).toISOString();
  return value;
}

export function createChatHistory(deps: ChatHistoryDeps): ChatHistory {
  const { store, keys, host } = deps;
  const now = deps.now ?? Date.now;
  const concurrency = Math.max(1, deps.concurrency ?? 4);

  /**
   * The chat as the source holds it. A deleted chat counts too: its index keeps a tombstone and its object stays
   * (deletion never removes objects, and a snapshot copies them), so its last version can come back.
   */
  async function readChat(folder: string | null, meta: Metadata, key: string, options: RequestOptions) {
    const e = meta.items[key];
    if (!e || e.type !== 'idb') return undefined;
    const deleted = isTombstone(e);
    const entry: LiveEntry = deleted ? { type: 'idb', synced: 0, lastModified: 0 } : e;
    const objectKey = sourceObjectKey(folder, key, entry.type);
    const res = await store.get(objectKey, options);
    if (res.kind !== 'found') return undefined;
    return { ...(await decodeObject(key, entry, res.body, keys, objectKey)), deleted };
  }

  async function sources(options: RequestOptions): Promise<{ list: ChatSource[]; warnings: string[] }> {
    const { backups, warnings } = await listBackupsReadOnly(store, options);
    const list: ChatSource[] = backups.map((b) => ({
      folder: b.folder,
      label: b.kind === 'snapshot' ? `snapshot "${b.name}"` : `daily backup ${backupFolderName(b.folder).replace(/^typingmind-backup-/, '')}`,
      kind: b.kind,
      created: b.created,
    }));
    return { list, warnings };
  }

  return {
    async search(query, options = {}) {
      const hits: ChatHit[] = [];
      const localKeys = (await host.listKeys()).filter((k) => k.type === 'idb' && isChatKey(k.key));
      const local = host.getMany ? await host.getMany(localKeys) : await Promise.all(localKeys.map((k) => host.get(k.key, k.type)));
      const onDevice = new Set<string>();
      for (const item of local) {
        if (!item) continue;
        onDevice.add(item.key);
        if (chatMatches(item.value, query)) hits.push({ key: item.key, where: 'device', ...summarizeChat(item.value) });
      }
      // Deleted chats: the live index still has their tombstones, and deletion never removes their objects.
      const { meta } = await readSourceIndex(store, null, options).catch(() => ({ meta: { lastSync: 0, items: {} } as Metadata }));
      const deleted = Object.entries(meta.items).filter(([k, e]) => isChatKey(k) && isTombstone(e) && e.type === 'idb' && !onDevice.has(k));
      await mapPool(deleted, concurrency, async ([key]) => {
        const res = await store.get(sourceObjectKey(null, key, 'idb'), options);
        if (res.kind !== 'found') return;
        try {
          const d = await decodeObject(key, { type: 'idb', synced: 0, lastModified: 0 }, res.body, keys, sourceObjectKey(null, key, 'idb'));
          if (chatMatches(d.value, query)) hits.push({ key, where: 'deleted', ...summarizeChat(d.value) });
        } catch {
          /* an unreadable object is not a hit; its versions in backups are still listed when asked by key */
        }
      });
      return hits.sort((a, b) => b.date - a.date || (a.key < b.key ? -1 : 1));
    },

    async versions(key, options = {}) {
      const { list, warnings } = await sources(options);
      const problems = [...warnings];
      const all: ChatSource[] = [{ folder: null, label: 'current cloud data', kind: 'live', created: 0 }, ...list];
      const found = await mapPool(all, concurrency, async (source): Promise<ChatVersion | undefined> => {
        try {
          const { meta } = await readSourceIndex(store, source.folder, options);
          const withTime = source.folder === null ? { ...source, created: meta.lastSync } : source;
          const d = await readChat(source.folder, meta, key, options);
          return d ? { key, source: withTime, hash: d.hash, deleted: d.deleted, ...summarizeChat(d.value) } : undefined;
        } catch (e) {
          problems.push(`${source.label}: ${e instanceof Error ? e.message : String(e)}`);
          return undefined;
        }
      });
      // Newest first: the live data, then backups by the time they were made.
      const versions = found.filter((v): v is ChatVersion => v !== undefined).sort((a, b) => Number(b.source.folder === null) - Number(a.source.folder === null) || b.source.created - a.source.created);
      return { versions, problems };
    },

    async restore(chatKey, folder, mode, options = {}) {
      const { meta } = await readSourceIndex(store, folder, options);
      const d = await readChat(folder, meta, chatKey, options);
      if (!d || d.value === null || typeof d.value !== 'object') {
        throw new CloudSyncError('not-found', `That version of the chat is no longer in ${folder === null ? 'the cloud data' : `the backup "${backupFolderName(folder)}"`}. Nothing was changed.`);
      }
      const at = now();
      const chat = d.value as Record<string, unknown>;
      // A new updatedAt: to every device (and the original extension, which compares it) this is the newest edit.
      let key = chatKey;
      let value: Record<string, unknown> = { ...chat, updatedAt: touched(chat.updatedAt ?? new Date(at), at) };
      if (mode === 'copy') {
        const id = (deps.newChatId ?? randomChatId)();
        key = `CHAT_${id}`;
        const when = new Date((await sourceTime(folder, meta, options)) || at).toISOString().slice(0, 10);
        value = { ...value, chatTitle: `${chatTitle(chat)} (restored from ${when})` };
        if ('id' in chat || !('chatID' in chat)) value.id = id;
        if ('chatID' in chat) value.chatID = id;
      }
      const blobKeys = Object.entries(meta.items).filter(([, e]) => !isTombstone(e) && e.type === 'blob').map(([k]) => k);
      const wanted = referencedAttachments(chat, blobKeys);
      const attachments: string[] = [];
      const missingAttachments: string[] = [];
      const liveMeta = folder === null ? meta : await readSourceIndex(store, null, options).then((r) => r.meta, () => undefined);
      const blobs = [];
      for (const a of wanted) {
        if (await host.get(a, 'blob')) continue; // here already: never replaced (another chat may use it)
        const blob = (await readBlob(folder, meta, a, options)) ?? (liveMeta && folder !== null ? await readBlob(null, liveMeta, a, options) : undefined);
        if (blob) blobs.push(blob);
        else missingAttachments.push(a);
      }
      // Attachments first: a chat is never back before what it shows.
      for (const b of blobs) {
        await host.put({ key: b.key, type: 'blob', value: b.value });
        attachments.push(b.key);
      }
      await host.put({ key, type: 'idb', value });
      const changes: ChangedKey[] = [...attachments, key].map((k) => ({ key: k, area: 'idb', at }));
      return { key, mode, attachments, missingAttachments, changes };
    },
  };

  /** When the source was made: a backup's manifest says it; the live data's is its last sync. */
  async function sourceTime(folder: string | null, meta: Metadata, options: RequestOptions): Promise<number> {
    if (folder === null) return meta.lastSync;
    const res = await store.get(backupManifestKey(folder), options);
    try {
      return res.kind === 'found' ? parseManifest(res.body, backupManifestKey(folder)).created : meta.lastSync;
    } catch {
      return meta.lastSync;
    }
  }

  async function readBlob(folder: string | null, meta: Metadata, key: string, options: RequestOptions) {
    const entry = liveEntry(meta, key);
    if (!entry || entry.type !== 'blob') return undefined;
    const objectKey = sourceObjectKey(folder, key, 'blob');
    const res = await store.get(objectKey, options);
    if (res.kind !== 'found') return undefined;
    try {
      return await decodeObject(key, entry, res.body, keys, objectKey);
    } catch {
      return undefined;
    }
  }
}
