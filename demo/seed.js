// Seed data for the stand-in TypingMind page, shaped as TypingMind stores it:
// chats under CHAT_<id> with Date objects for createdAt/updatedAt and ISO strings inside messages,
// TM_* settings in IndexedDB, Blob attachments, and TM_* strings in localStorage.
// Pure: the caller passes the random source and the clock, so a seed is reproducible.

/** mulberry32: a tiny deterministic PRNG, enough to vary sizes and words. */
export function makeRandom(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = (
  'sync cloud bucket device chat message model answer question prompt agent plugin folder title summary ' +
  'encrypt decrypt backup restore snapshot tombstone metadata upload download merge conflict leader tab ' +
  'the a of to and in is for that with on as it be this are by from at an or not have can will'
).split(' ');

const TITLES = ['Trip planning', 'Refactor the parser', 'Recipe ideas', 'Quarterly report', 'Learning Rust',
  'Birthday gift', 'SQL index help', 'Poem about autumn', 'Email to landlord', 'Garden layout'];

function sentence(rand, words) {
  const out = [];
  for (let i = 0; i < words; i++) out.push(WORDS[Math.floor(rand() * WORDS.length)]);
  const s = out.join(' ');
  return s.charAt(0).toUpperCase() + s.slice(1) + '.';
}

/** A short id like TypingMind's nanoid-style chat ids (letters and digits). */
export function makeId(rand, length = 10) {
  const abc = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  let id = '';
  for (let i = 0; i < length; i++) id += abc[Math.floor(rand() * abc.length)];
  return id;
}

export function makeMessage(rand, role, at) {
  return { id: makeId(rand, 12), role, content: sentence(rand, 6 + Math.floor(rand() * 60)), createdAt: new Date(at).toISOString() };
}

/** One chat as TypingMind keeps it in keyval: Dates at the top level, messages oldest first. */
export function makeChat(rand, { id, title, now, messageCount }) {
  // Ends before `now`: a chat whose last message is in the future would confuse newest-wins comparisons.
  const created = now - messageCount * 60_000 - Math.floor(rand() * 30 * 86_400_000);
  const messages = [];
  for (let i = 0; i < messageCount; i++) {
    messages.push(makeMessage(rand, i % 2 === 0 ? 'user' : 'assistant', created + i * 60_000));
  }
  const updated = created + messageCount * 60_000;
  return {
    id,
    chatID: id,
    chatTitle: title,
    model: 'gpt-4o',
    folderID: null,
    createdAt: new Date(created),
    updatedAt: new Date(updated),
    messages,
  };
}

/** Bytes that start with the PNG signature, so the attachment looks like the image it claims to be. */
export function makePngBytes(rand, size) {
  const bytes = new Uint8Array(Math.max(size, 8));
  bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  for (let i = 8; i < bytes.length; i++) bytes[i] = Math.floor(rand() * 256);
  return bytes;
}

/**
 * Everything one device starts with.
 * @param {{ chats: number, rand: () => number, now: number }} options
 * @returns {{ keyval: Array<[string, unknown]>, localStorage: Array<[string, string]> }}
 */
export function makeSeed({ chats, rand, now }) {
  const keyval = [];
  const local = [];
  if (chats <= 0) return { keyval, localStorage: local };
  let firstId = '';
  for (let i = 0; i < chats; i++) {
    const id = makeId(rand);
    if (i === 0) firstId = id;
    const title = `${TITLES[i % TITLES.length]}${i >= TITLES.length ? ` #${Math.floor(i / TITLES.length) + 1}` : ''}`;
    keyval.push([`CHAT_${id}`, makeChat(rand, { id, title, now, messageCount: 2 + Math.floor(rand() * 19) })]);
  }
  keyval.push(['TM_useUserCharacters', [{ id: makeId(rand), title: 'Editor', instruction: 'You are a careful copy editor.' }]]);
  keyval.push(['TM_useUserPrompts', [{ id: makeId(rand), title: 'Summarise', content: 'Summarise this in three bullet points.' }]]);
  keyval.push(['TM_useInstalledPlugins', [{ id: 'web-search', title: 'Web Search', enabled: true }]]);
  // One attachment per ten chats (at least one), a few KB each.
  const attachments = Math.max(1, Math.floor(chats / 10));
  for (let i = 0; i < attachments; i++) {
    keyval.push([`ATTACHMENT_${makeId(rand)}`, new Blob([makePngBytes(rand, 2048 + Math.floor(rand() * 8192))], { type: 'image/png' })]);
  }
  local.push(['TM_useLastOpenedChatID', JSON.stringify(firstId)]);
  local.push(['TM_useTheme', JSON.stringify('dark')]);
  // Excluded from sync by the extension: seeded to show that it stays on this device.
  local.push(['TM_useLastVerifiedToken', JSON.stringify('demo-token-not-synced')]);
  return { keyval, localStorage: local };
}
