/**
 * What a person needs to tell versions of a chat apart, from the chat's value: title, message count, last
 * message, date; the search over chats by title or text; and the attachments a chat refers to. Pure.
 *
 * TypingMind's chat shape is not documented (original-format.md §8.1): titles are read from `chatTitle`,
 * then `title`, then `preview`; messages from `messages` (or the older `messagesArray`); a message's text
 * from `content` as a string or as parts with `text`.
 */

export interface ChatSummary {
  title: string;
  messageCount: number;
  /** The last message's text, shortened. */
  lastMessage: string;
  /** The chat's updatedAt (or createdAt) as epoch ms; 0 when it has none. */
  date: number;
}

const PREVIEW_LENGTH = 140;

function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

export function chatMessages(chat: unknown): unknown[] {
  const c = record(chat);
  if (Array.isArray(c.messages)) return c.messages;
  if (Array.isArray(c.messagesArray)) return c.messagesArray;
  return [];
}

/** The text of one message: a string content, or the text parts of a multi-part one. */
export function messageText(message: unknown): string {
  const content = record(message).content;
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((p) => (typeof p === 'string' ? p : typeof record(p).text === 'string' ? (record(p).text as string) : ''))
      .filter(Boolean)
      .join(' ');
  }
  return '';
}

export function chatTitle(chat: unknown): string {
  const c = record(chat);
  for (const f of ['chatTitle', 'title', 'preview']) if (typeof c[f] === 'string' && (c[f] as string).trim()) return (c[f] as string).trim();
  return '(untitled chat)';
}

export function toMillis(v: unknown): number {
  const t = v instanceof Date ? v.getTime() : typeof v === 'string' ? Date.parse(v) : typeof v === 'number' ? v : NaN;
  return Number.isFinite(t) ? t : 0;
}

function shorten(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= PREVIEW_LENGTH ? flat : flat.slice(0, PREVIEW_LENGTH - 1) + '…';
}

export function summarizeChat(chat: unknown): ChatSummary {
  const messages = chatMessages(chat);
  const last = messages.length ? messageText(messages[messages.length - 1]) : '';
  const c = record(chat);
  return { title: chatTitle(chat), messageCount: messages.length, lastMessage: shorten(last), date: toMillis(c.updatedAt) || toMillis(c.createdAt) };
}

/** Does the chat's title or any message hold every word of `query` (case- and accent-insensitive)? */
export function chatMatches(chat: unknown, query: string): boolean {
  const words = fold(query).split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const haystack = fold([chatTitle(chat), ...chatMessages(chat).map(messageText)].join('\n'));
  return words.every((w) => haystack.includes(w));
}

function fold(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}

/**
 * Attachment keys (of `blobKeys`) the chat refers to: the key itself, or what follows `ATTACHMENT_` when that is
 * long enough not to be a common word, appearing anywhere in the chat's JSON text. TypingMind's way of naming
 * a chat's attachments is not documented, so this looks for the name rather than for one field.
 */
export function referencedAttachments(chat: unknown, blobKeys: Iterable<string>): string[] {
  const text = JSON.stringify(chat) ?? '';
  const out: string[] = [];
  for (const key of blobKeys) {
    const id = key.startsWith('ATTACHMENT_') ? key.slice('ATTACHMENT_'.length) : '';
    if (text.includes(key) || (id.length >= 8 && text.includes(id))) out.push(key);
  }
  return out.sort();
}
