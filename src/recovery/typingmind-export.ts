/**
 * The `typingmind-export.json` of a recovery: the chats, and the settings it can place, in the shape of
 * TypingMind's own export, `{"data": {"chats": [...], ...}}`. Pure.
 *
 * `data.chats` is the part this shape is known by: the original's legacy backup manager reads it
 * (original-ui.md §5), and so do third-party importers of TypingMind exports. The other fields are placed
 * from the keyval items whose TypingMind key names them (TM_useFolderList → folders, …); that TypingMind's
 * own Import takes them is not verified, so they are also in items/ exactly (docs: README "Recovering your data").
 */
import { isChatItem } from '../cloud/entry-fields';
import type { ItemType } from '../host/types';

export interface ExportedValue {
  key: string;
  type: ItemType;
  value: unknown;
}

/** TypingMind keyval keys placed beside the chats, and the field each goes to. */
export const PLACED_SETTINGS: Readonly<Record<string, string>> = {
  TM_useFolderList: 'folders',
  TM_useUserPrompts: 'userPrompts',
  TM_useUserCharacters: 'userCharacters',
};

export interface TypingMindExport {
  data: { chats: unknown[]; [field: string]: unknown };
}

/** Chats newest first (by updatedAt, then key), as TypingMind lists them; settings by PLACED_SETTINGS. */
export function buildTypingMindExport(items: readonly ExportedValue[]): TypingMindExport {
  const chats = items
    .filter((i) => isChatItem(i.key, i.type) && i.value !== null && typeof i.value === 'object')
    .map((i) => ({ key: i.key, chat: i.value as Record<string, unknown> }))
    .sort((a, b) => updatedAt(b.chat) - updatedAt(a.chat) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map((c) => c.chat);
  const data: TypingMindExport['data'] = { chats };
  for (const i of items) {
    const field = PLACED_SETTINGS[i.key];
    if (field && i.type === 'idb') data[field] = i.value;
  }
  return { data };
}

function updatedAt(chat: Record<string, unknown>): number {
  const v = chat.updatedAt ?? chat.createdAt;
  const t = v instanceof Date ? v.getTime() : typeof v === 'string' ? Date.parse(v) : typeof v === 'number' ? v : NaN;
  return Number.isFinite(t) ? t : 0;
}
