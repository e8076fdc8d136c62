// The stand-in TypingMind page: seeds TypingMind's storage (once per device), then loads the extension the
// way TypingMind loads extensions, after the app has booted. Shows the chats and lets a person (or a test,
// through window.demo) create, edit and delete them and watch the sync.
//
// Query parameters (the extension's own ones, storagetype=… etc., are read and removed by the extension):
//   ?seed=N      number of chats seeded on first load of this device (default 3; 0 = an empty device)
//   ?noext       do not load the extension (a baseline for benchmarks)
//   ?pinned      start with the icon-only sidebar
//   ?refresh=MS  how often the chat list re-reads the store (default 2000; 0 = never, for benchmarks)
import { makeRandom, makeSeed, makeChat, makeMessage, makeId, makePngBytes } from './seed.js';
import { openKeyval, putMany, get, del, entries } from './keyval.js';
import { toTagged } from './tagged-json.js';

const params = new URLSearchParams(location.search);
const SEEDED_MARKER = 'tcs_fakehost_seeded'; // tcs_ prefix: the extension never syncs it
const SCRIPT_URL = new URL('/dist/cloudsync.js', location.href).href;
const EXPANDED = 'text-white/70 sm:hover:bg-white/20 inline-flex rounded-xl px-0.5 py-1.5 flex-col justify-start items-center gap-1.5 flex-1 md:flex-none md:w-full min-w-[58px] md:min-w-0 h-12 md:min-h-[50px] md:h-fit shrink-0 transition-colors cursor-default focus:outline-0';
const PINNED = 'text-white/70 sm:hover:bg-white/20 flex rounded-[10px] w-9 h-9 items-center justify-center shrink-0 transition-colors cursor-default focus:outline-0';

function seedCount() {
  if (!params.has('seed')) return 3;
  const n = Number.parseInt(params.get('seed') ?? '', 10);
  return Number.isFinite(n) && n >= 0 ? Math.min(n, 20000) : 3;
}

// A random number per device, so two devices seeded with the same ?seed get different chat ids.
const rand = makeRandom(crypto.getRandomValues(new Uint32Array(1))[0]);
let dbPromise;
const db = () => (dbPromise ??= openKeyval());

async function seedOnce() {
  const handle = await db();
  if (localStorage.getItem(SEEDED_MARKER) === '1') return { seededNow: false, chats: 0 };
  const chats = seedCount();
  const seed = makeSeed({ chats, rand, now: Date.now() });
  await putMany(handle, seed.keyval);
  for (const [k, v] of seed.localStorage) localStorage.setItem(k, v);
  localStorage.setItem(SEEDED_MARKER, '1');
  return { seededNow: true, chats };
}

function loadExtension() {
  return new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = SCRIPT_URL;
    script.onload = () => resolve(SCRIPT_URL);
    script.onerror = () => reject(new Error(`Could not load ${SCRIPT_URL}: run "npm run build" (or npm start), then reload.`));
    document.head.append(script);
  });
}

// ---- storage actions (also the test hooks) ----

async function listChats(all) {
  all ??= await entries(await db());
  return all
    .filter(([k, v]) => typeof k === 'string' && k.startsWith('CHAT_') && v && typeof v === 'object')
    .map(([key, chat]) => ({
      key,
      id: chat.id ?? key.slice(5),
      title: chat.chatTitle ?? '(untitled)',
      messages: Array.isArray(chat.messages) ? chat.messages.length : 0,
      lastMessage: Array.isArray(chat.messages) && chat.messages.length ? String(chat.messages[chat.messages.length - 1].content ?? '') : '',
      updatedAt: chat.updatedAt instanceof Date ? chat.updatedAt.toISOString() : String(chat.updatedAt ?? ''),
    }))
    .sort((a, b) => (a.updatedAt < b.updatedAt ? 1 : a.updatedAt > b.updatedAt ? -1 : 0));
}

async function createChat(title) {
  const id = makeId(rand);
  const chat = makeChat(rand, { id, title: title || `New chat ${new Date().toLocaleTimeString()}`, now: Date.now(), messageCount: 2 });
  // A brand-new chat is created now, not at a random time in the past.
  chat.createdAt = new Date();
  chat.updatedAt = new Date();
  await putMany(await db(), [[`CHAT_${id}`, chat]]);
  await render();
  return id;
}

async function editChat(id, text) {
  const handle = await db();
  const key = `CHAT_${id}`;
  const chat = await get(handle, key);
  if (!chat) throw new Error(`There is no chat with id ${id} on this device.`);
  const message = makeMessage(rand, chat.messages.length % 2 === 0 ? 'user' : 'assistant', Date.now());
  if (typeof text === 'string') message.content = text;
  chat.messages.push(message);
  chat.updatedAt = new Date();
  await putMany(handle, [[key, chat]]);
  await render();
  return message.id;
}

async function deleteChat(id) {
  await del(await db(), `CHAT_${id}`);
  await render();
}

async function addAttachment(key) {
  const k = key || `ATTACHMENT_${makeId(rand)}`;
  await putMany(await db(), [[k, new Blob([makePngBytes(rand, 4096)], { type: 'image/png' })]]);
  await render();
  return k;
}

/** Everything in keyval and localStorage, in tagged JSON (see tagged-json.js), keys sorted. */
async function dump() {
  const keyval = {};
  for (const [k, v] of await entries(await db())) keyval[String(k)] = await toTagged(v);
  const local = {};
  for (const k of Object.keys(localStorage).sort()) local[k] = localStorage.getItem(k);
  return { keyval, localStorage: local };
}

async function resetDevice() {
  localStorage.clear();
  sessionStorage.clear();
  if (dbPromise) (await dbPromise).close();
  dbPromise = undefined;
  // Every database of this origin: TypingMind's and the extension's own.
  const dbs = indexedDB.databases ? await indexedDB.databases() : [{ name: 'keyval-store' }];
  await Promise.all(dbs.map(({ name }) => name && new Promise((r) => {
    const req = indexedDB.deleteDatabase(name);
    req.onsuccess = req.onerror = req.onblocked = () => r();
  })));
}

// ---- rendering (DOM nodes only: chat titles are data, never markup) ----

function cell(text, className) {
  const td = document.createElement('td');
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

function button(label, onClick) {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = label;
  b.addEventListener('click', () => void onClick().catch(showError));
  return b;
}

async function render() {
  const all = await entries(await db());
  const chats = await listChats(all);
  const tbody = document.querySelector('#chat-list tbody');
  const rows = chats.map((c) => {
    const tr = document.createElement('tr');
    tr.dataset.chatId = c.id;
    tr.append(cell(c.title), cell(String(c.messages)), cell(c.lastMessage, 'preview'), cell(c.updatedAt ? new Date(c.updatedAt).toLocaleString() : ''));
    const actions = cell('', 'actions');
    actions.append(button('Add message', () => editChat(c.id)), button('Delete', () => deleteChat(c.id)));
    tr.append(actions);
    return tr;
  });
  if (rows.length === 0) {
    const tr = document.createElement('tr');
    const td = cell('No chats on this device yet.');
    td.colSpan = 5;
    tr.append(td);
    rows.push(tr);
  }
  tbody.replaceChildren(...rows);
  document.getElementById('store-summary').textContent =
    `This device: ${chats.length} chats, ${all.length} keyval items, ${localStorage.length} localStorage keys.`;
}

function showError(err) {
  console.error(err);
  const state = document.getElementById('extension-state');
  state.textContent = `Error: ${err && err.message ? err.message : String(err)}`;
}

function setPinned(pinned) {
  const settings = document.querySelector('button[data-element-id="workspace-tab-settings"]');
  settings.className = pinned ? PINNED : EXPANDED;
  document.getElementById('toggle-pinned').textContent = pinned ? 'Expanded sidebar' : 'Pinned sidebar';
}

// ---- start ----

const seeded = seedOnce();
const extension = seeded.then(() => (params.has('noext') ? null : loadExtension()));

window.demo = {
  seeded,
  extension,
  createChat,
  editChat,
  deleteChat,
  addAttachment,
  listChats: () => listChats(),
  dump,
  resetDevice,
  render,
  setPinned,
};

document.getElementById('new-chat').addEventListener('click', () => void createChat().catch(showError));
document.getElementById('add-attachment').addEventListener('click', () => void addAttachment().catch(showError));
document.getElementById('toggle-theme').addEventListener('click', () => {
  const dark = localStorage.getItem('TM_useTheme') !== JSON.stringify('light');
  localStorage.setItem('TM_useTheme', JSON.stringify(dark ? 'light' : 'dark'));
  void render();
});
document.getElementById('toggle-pinned').addEventListener('click', () => {
  const settings = document.querySelector('button[data-element-id="workspace-tab-settings"]');
  setPinned(!settings.classList.contains('w-9'));
});
document.getElementById('refresh').addEventListener('click', () => void render().catch(showError));
document.getElementById('reset-device').addEventListener('click', () => {
  if (!confirm('Delete every chat and setting on this device (the cloud is not touched) and reload?')) return;
  void resetDevice().then(() => location.reload(), showError);
});
if (params.has('pinned')) setPinned(true);

seeded
  .then(render)
  .then(() => extension)
  .then((url) => {
    const api = window.typingMindCloudSync;
    const state = document.getElementById('extension-state');
    if (!url) {
      state.textContent = 'Extension not loaded (?noext).';
      return;
    }
    const loaded = `Cloud Sync ${api && api.version ? api.version : ''} loaded from ${url}. Use the Sync button in the sidebar.`;
    state.textContent = loaded;
    if (!api || typeof api.on !== 'function') return;
    // Show what the extension is doing, and the chats a sync brought in, without waiting for the next refresh.
    const show = (s) => {
      if (!s || typeof s !== 'object') return;
      const last = s.lastSync ? `, last sync ${new Date(s.lastSync).toLocaleTimeString()}` : '';
      state.textContent = `${loaded} Status: ${s.state}${last}${s.error ? ` (${s.error})` : ''}.`;
    };
    show(api.status);
    api.on('status', show);
    api.on('synced', () => void render().catch(() => {}));
  })
  .catch(showError);

// Sync writes straight into IndexedDB, as it does under TypingMind; refresh the list now and then to show it.
const refreshMs = params.has('refresh') ? Number.parseInt(params.get('refresh') ?? '', 10) : 2000;
if (Number.isFinite(refreshMs) && refreshMs > 0) {
  setInterval(() => {
    if (document.visibilityState === 'visible') void render().catch(() => {});
  }, Math.max(250, refreshMs));
}
