/**
 * The benchmark's dataset: chats of about `chatBytes` of JSON each, shaped as TypingMind stores them (Dates at
 * the top level, messages with ISO strings, oldest first), attachments of `attachmentBytes` random bytes behind a
 * PNG signature (random, so they do not compress, like real images), a few TM_* settings in keyval and in
 * localStorage. Pure: the caller passes the random source and the clock, so two runs seed the same shapes.
 * Runs in the page (bundled into page/bench-page.ts) and in Node (unit tests).
 */

export interface DatasetSpec {
  chats: number;
  attachments: number;
  /** Target size of one chat's JSON (JSON.stringify), in bytes. */
  chatBytes: number;
  attachmentBytes: number;
}

export interface BenchChat {
  id: string;
  chatID: string;
  chatTitle: string;
  model: string;
  folderID: null;
  createdAt: Date;
  updatedAt: Date;
  messages: { id: string; role: 'user' | 'assistant'; content: string; createdAt: string }[];
}

/** The demo's PRNG (mulberry32): small, fast and deterministic; good enough to vary words and sizes. */
export { makeRandom } from '../../demo/seed.js';

// A vocabulary wide enough that deflate does not shrink chats far below what real prose gives (about 1/3).
const WORDS = (
  'the of and to in is for that with on as it be this are by from at an or not have can will you your we our ' +
  'sync cloud bucket device chat message model answer question prompt agent plugin folder title summary ' +
  'encrypt decrypt backup restore snapshot tombstone metadata upload download merge conflict leader tab ' +
  'function variable return value error result request response server client browser storage index query ' +
  'recipe garden travel budget report meeting schedule invoice landlord poem autumn winter summer spring ' +
  'explain compare describe suggest improve rewrite translate summarise outline draft review estimate ' +
  'quickly carefully clearly probably usually however therefore because although unless whether either ' +
  'table column number string object array promise stream buffer cache token limit timeout retry backoff'
).split(' ');

const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

export function makeId(rand: () => number, length = 10): string {
  let id = '';
  for (let i = 0; i < length; i++) id += ALPHABET[Math.floor(rand() * ALPHABET.length)];
  return id;
}

function prose(rand: () => number, words: number): string {
  const out: string[] = [];
  for (let i = 0; i < words; i++) {
    let w = WORDS[Math.floor(rand() * WORDS.length)];
    if (i === 0 || out[i - 1].endsWith('.')) w = w.charAt(0).toUpperCase() + w.slice(1);
    // Numbers and sentence ends, as answers have them.
    if (rand() < 0.04) w += String(Math.floor(rand() * 10_000));
    if (rand() < 0.08) w += '.';
    out.push(w);
  }
  return out.join(' ') + '.';
}

/** One chat whose JSON is `targetBytes` long, give or take one message (messages are added until it is reached). */
export function makeChat(rand: () => number, index: number, targetBytes: number, now: number): BenchChat {
  const id = makeId(rand);
  const created = now - 86_400_000 - Math.floor(rand() * 60 * 86_400_000);
  const chat: BenchChat = {
    id,
    chatID: id,
    chatTitle: `Benchmark chat ${index + 1}: ${prose(rand, 3 + Math.floor(rand() * 4)).slice(0, 60)}`,
    model: 'gpt-4o',
    folderID: null,
    createdAt: new Date(created),
    updatedAt: new Date(created),
    messages: [],
  };
  // The JSON length is tracked incrementally: re-serialising the chat after every message would be quadratic.
  let size = JSON.stringify(chat).length;
  let at = created;
  while (size < targetBytes) {
    const role = chat.messages.length % 2 === 0 ? 'user' : 'assistant';
    // Questions are short, answers long.
    const words = role === 'user' ? 8 + Math.floor(rand() * 40) : 60 + Math.floor(rand() * 240);
    at += 30_000 + Math.floor(rand() * 120_000);
    const message = { id: makeId(rand, 12), role, content: prose(rand, words), createdAt: new Date(at).toISOString() } as const;
    chat.messages.push(message);
    size += JSON.stringify(message).length + (chat.messages.length > 1 ? 1 : 0);
  }
  chat.updatedAt = new Date(at);
  return chat;
}

/** Random bytes behind a PNG signature: what an image attachment looks like to the extension. */
export function makeAttachmentBytes(rand: () => number, size: number): Uint8Array {
  const bytes = new Uint8Array(Math.max(size, 8));
  // Four random bytes per rand() call: filling 200 KB one byte per call is measurably slow for 5000 chats' worth.
  for (let i = 8; i < bytes.length; i += 4) {
    const v = Math.floor(rand() * 4294967296);
    bytes[i] = v & 255;
    if (i + 1 < bytes.length) bytes[i + 1] = (v >>> 8) & 255;
    if (i + 2 < bytes.length) bytes[i + 2] = (v >>> 16) & 255;
    if (i + 3 < bytes.length) bytes[i + 3] = (v >>> 24) & 255;
  }
  bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return bytes;
}

/** TypingMind settings that live in keyval besides chats. */
export function makeKeyvalSettings(rand: () => number): [string, unknown][] {
  return [
    ['TM_useUserCharacters', [{ id: makeId(rand), title: 'Editor', instruction: prose(rand, 40) }]],
    ['TM_useUserPrompts', Array.from({ length: 5 }, () => ({ id: makeId(rand), title: prose(rand, 3), content: prose(rand, 30) }))],
    ['TM_useInstalledPlugins', [{ id: 'web-search', title: 'Web Search', enabled: true }]],
  ];
}

/** localStorage settings (strings, JSON-encoded as TypingMind writes them). */
export function makeLocalSettings(firstChatId: string): [string, string][] {
  return [
    ['TM_useLastOpenedChatID', JSON.stringify(firstChatId)],
    ['TM_useTheme', JSON.stringify('dark')],
    ['TM_useFontSize', JSON.stringify(15)],
  ];
}
