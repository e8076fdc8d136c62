/**
 * "One chat back from any backup" on the public API and in the modal: thin adapters over the recovery module
 * (src/recovery/chat-history.ts), so the app only hands over the session's history and how to publish.
 */
import type { ChatMatch, ChatVersionInfo, RestoredChatInfo } from '../api';
import type { ChangedKey } from '../host/types';
import type { ChatHistory, ChatVersion, RestoredChat } from '../recovery/chat-history';
import type { HistoryController } from '../ui/controller';

export interface HistoryAccess {
  history: ChatHistory;
  /** Marks the keys changed on this device and syncs, so the restored chat goes out through the one commit path. */
  publish(changes: ChangedKey[]): Promise<void>;
}

export interface HistoryApi {
  findChats(query: string): Promise<ChatMatch[]>;
  chatVersions(key: string): Promise<ChatVersionInfo[]>;
  restoreChatVersion(key: string, folder: string | null, mode?: 'replace' | 'copy'): Promise<RestoredChatInfo>;
}

export function versionInfo(v: ChatVersion): ChatVersionInfo {
  const { source, ...rest } = v;
  return { ...rest, folder: source.folder, source: source.label, kind: source.kind, created: source.created };
}

/** `access` throws when there is no sync session (not configured, NoSync): the history needs this device's store. */
export function createHistoryApi(access: () => HistoryAccess): HistoryApi & { versionsWithProblems(key: string): Promise<{ versions: ChatVersionInfo[]; problems: string[] }>; restore(key: string, folder: string | null, mode: 'replace' | 'copy'): Promise<RestoredChat> } {
  const versionsWithProblems = async (key: string) => {
    const r = await access().history.versions(key);
    return { versions: r.versions.map(versionInfo), problems: r.problems };
  };
  const restore = async (key: string, folder: string | null, mode: 'replace' | 'copy') => {
    const a = access();
    const r = await a.history.restore(key, folder, mode);
    await a.publish(r.changes);
    return r;
  };
  return {
    findChats: (query) => access().history.search(query),
    chatVersions: async (key) => (await versionsWithProblems(key)).versions,
    async restoreChatVersion(key, folder, mode = 'replace') {
      const r = await restore(key, folder, mode);
      return { key: r.key, attachments: r.attachments, missingAttachments: r.missingAttachments };
    },
    versionsWithProblems,
    restore,
  };
}

/** One line for the modal's action area about a restored chat. */
export function describeRestoredChat(r: RestoredChat): string {
  const what = r.mode === 'copy' ? `A copy of the chat is back as "${r.key}"` : 'The chat is back as it was';
  const att = r.attachments.length ? `, with ${r.attachments.length} attachment(s)` : '';
  const missing = r.missingAttachments.length ? ` ${r.missingAttachments.length} attachment(s) it refers to are in no backup: ${r.missingAttachments.join(', ')}.` : '';
  return `${what}${att}; it syncs to your other devices. Reload the page to see it.${missing}`;
}

export function createHistoryController(api: ReturnType<typeof createHistoryApi>): HistoryController {
  return {
    search: (q) => api.findChats(q),
    versions: (key) => api.versionsWithProblems(key),
    async restore(key, folder, mode) {
      try {
        return { ok: true, message: describeRestoredChat(await api.restore(key, folder, mode)) };
      } catch (e) {
        return { ok: false, message: e instanceof Error ? e.message : String(e) };
      }
    },
  };
}
