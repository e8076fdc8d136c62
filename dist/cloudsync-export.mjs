#!/usr/bin/env node

// src/cli/hidden-prompt.ts
function promptHidden(question, { input, output }) {
  return new Promise((resolvePrompt, reject) => {
    output.write(question);
    let value = "";
    const wasRaw = input.isRaw;
    input.setRawMode?.(true);
    input.resume();
    input.setEncoding("utf8");
    const done = (err) => {
      input.off("data", onData);
      input.setRawMode?.(wasRaw);
      input.pause();
      output.write("\n");
      if (err) reject(err);
      else resolvePrompt(value);
    };
    const onData = (chunk) => {
      for (const ch of chunk) {
        if (ch === "\r" || ch === "\n") return done();
        if (ch === "" || ch === "") return done(new Error("Cancelled."));
        if (ch === "" || ch === "\b") value = value.slice(0, -1);
        else value += ch;
      }
    };
    input.on("data", onData);
  });
}

// src/cloud/types.ts
function isTombstone(entry) {
  return !!entry && typeof entry.deleted === "number" && entry.deleted > 0;
}

// src/cloud/paths.ts
var METADATA_KEY = "metadata.json";
var ITEMS_PREFIX = "items/";
var ATTACHMENTS_PREFIX = "attachments/";
var ITEM_SUFFIX = ".json";
var ATTACHMENT_SUFFIX = ".bin";
var BACKUPS_PREFIX = "backups/";
var MANIFEST_INDEX_KEY = "backups/manifest-index.json";
var BACKUP_MANIFEST_NAME = "backup-manifest.json";
var SNAPSHOT_FOLDER_PREFIX = "s-";
var DAILY_FOLDER_PREFIX = "typingmind-backup-";
function itemObjectKey(key) {
  return ITEMS_PREFIX + key + ITEM_SUFFIX;
}
function attachmentObjectKey(key) {
  return ATTACHMENTS_PREFIX + key + ATTACHMENT_SUFFIX;
}
function objectKeyFor(key, type) {
  return type === "blob" ? attachmentObjectKey(key) : itemObjectKey(key);
}
function backupObjectKeyFor(folder, key, type) {
  return `${folder}/${objectKeyFor(key, type)}`;
}
function backupMetadataKey(folder) {
  return `${folder}/${METADATA_KEY}`;
}
function backupFolderName(folder) {
  return folder.startsWith(BACKUPS_PREFIX) ? folder.slice(BACKUPS_PREFIX.length) : folder;
}
function backupFolderKind(folder) {
  const name = backupFolderName(folder);
  if (name.startsWith(SNAPSHOT_FOLDER_PREFIX)) return "snapshot";
  if (name.startsWith(DAILY_FOLDER_PREFIX)) return "daily";
  return "unknown";
}

// src/errors.ts
var CloudSyncError = class extends Error {
  constructor(code2, message, options = {}) {
    super(message);
    this.name = "CloudSyncError";
    this.code = code2;
    this.details = options.details ?? {};
    if (options.cause !== void 0) this.cause = options.cause;
  }
};
function isCloudSyncError(e, code2) {
  return e instanceof CloudSyncError && (code2 === void 0 || e.code === code2);
}

// src/cloud/metadata.ts
function emptyMetadata() {
  return { lastSync: 0, items: {} };
}
function isPlainObject(v) {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}
function finiteOr(v, fallback) {
  return typeof v === "number" && Number.isFinite(v) ? v : fallback;
}
var TYPES = /* @__PURE__ */ new Set(["idb", "ls", "blob"]);
var isFiniteNumber = (v) => typeof v === "number" && Number.isFinite(v);
function normaliseEntryInPlace(entry) {
  if (!(typeof entry.type === "string" && TYPES.has(entry.type))) entry.type = "idb";
  if (!isFiniteNumber(entry.synced)) entry.synced = 0;
  if ("deleted" in entry && isFiniteNumber(entry.deleted) && entry.deleted > 0) {
    if (!(isFiniteNumber(entry.tombstoneVersion) && entry.tombstoneVersion >= 1)) entry.tombstoneVersion = 1;
    if ("deletedAt" in entry && !isFiniteNumber(entry.deletedAt)) delete entry.deletedAt;
    return entry;
  }
  if (!isFiniteNumber(entry.lastModified) && typeof entry.lastModified !== "string") entry.lastModified = 0;
  if ("size" in entry && !isFiniteNumber(entry.size)) delete entry.size;
  if ("chatFingerprint" in entry && typeof entry.chatFingerprint !== "string") delete entry.chatFingerprint;
  if ("blobType" in entry && typeof entry.blobType !== "string") delete entry.blobType;
  if ("tcsBlobType" in entry && typeof entry.tcsBlobType !== "string") delete entry.tcsBlobType;
  if ("tcsHash" in entry && typeof entry.tcsHash !== "string") delete entry.tcsHash;
  if ("tcsDates" in entry && !(Array.isArray(entry.tcsDates) && entry.tcsDates.every((p) => typeof p === "string"))) {
    delete entry.tcsDates;
  }
  return entry;
}
function buildMetadata(value, owned) {
  if (!isPlainObject(value)) return emptyMetadata();
  const items = {};
  const rawItems = value.items;
  if (isPlainObject(rawItems)) {
    for (const key of Object.keys(rawItems)) {
      const raw = rawItems[key];
      if (!isPlainObject(raw)) continue;
      const entry = normaliseEntryInPlace(owned ? raw : { ...raw });
      if (key === "__proto__") {
        Object.defineProperty(items, key, { value: entry, enumerable: true, writable: true, configurable: true });
      } else {
        items[key] = entry;
      }
    }
  }
  return { lastSync: finiteOr(value.lastSync, 0), items };
}
function parseMetadata(input) {
  const text = typeof input === "string" ? input : new TextDecoder().decode(input);
  let value;
  try {
    value = JSON.parse(text.trim());
  } catch (cause) {
    throw new CloudSyncError(
      "bad-metadata",
      'The cloud index file "metadata.json" is damaged: it is not valid JSON. Sync stopped so that nothing is deleted or overwritten by mistake. Restore a backup from the Backups section, or delete metadata.json in the bucket to rebuild it from this device.',
      { cause, details: { objectKey: "metadata.json", length: text.length } }
    );
  }
  return buildMetadata(value, true);
}

// src/cloud/entry-fields.ts
var CHAT_KEY_PREFIX = "CHAT_";
function isChatKey(key) {
  return key.startsWith(CHAT_KEY_PREFIX);
}
function isChatItem(key, type) {
  return type === "idb" && isChatKey(key);
}

// src/cloud/cloud-value.ts
function escapeSegment(key) {
  if (key === "*") return "~2";
  return key.replace(/~/g, "~0").replace(/\//g, "~1");
}
function unescapeSegment(seg) {
  if (seg === "~2") return "*";
  return seg.replace(/~1/g, "/").replace(/~0/g, "~");
}
var OMIT = /* @__PURE__ */ Symbol("omit");
function unstorable(what, path) {
  return new CloudSyncError(
    "corrupt-object",
    `This item cannot be stored in the cloud: it contains ${what} at "${path || "/"}", which has no JSON form. It was left out of the sync; the local copy is unchanged.`,
    { details: { path } }
  );
}
function walk(value, key, path, stack) {
  if (value instanceof Date) {
    const t = value.getTime();
    return Number.isFinite(t) ? { json: value.toISOString(), dates: [""] } : { json: null, dates: [] };
  }
  if (value !== null && typeof value === "object" && typeof value.toJSON === "function") {
    return walk(value.toJSON(key), key, path, stack);
  }
  switch (typeof value) {
    case "string":
    case "boolean":
      return { json: value, dates: [] };
    case "number":
      return { json: Number.isFinite(value) ? value : null, dates: [] };
    case "undefined":
    case "function":
    case "symbol":
      return OMIT;
    case "bigint":
      throw unstorable("a BigInt", path);
  }
  if (value === null) return { json: null, dates: [] };
  const obj = value;
  if (stack.has(obj)) throw unstorable("a circular reference", path);
  stack.add(obj);
  try {
    if (Array.isArray(obj)) {
      const json2 = new Array(obj.length);
      const childDates = new Array(obj.length);
      for (let i = 0; i < obj.length; i++) {
        const w = walk(obj[i], String(i), `${path}/${i}`, stack);
        json2[i] = w === OMIT ? null : w.json;
        childDates[i] = w === OMIT ? [] : w.dates;
      }
      return { json: json2, dates: compactArrayDates(childDates) };
    }
    const json = {};
    const dates = [];
    for (const k of Object.keys(obj)) {
      const w = walk(obj[k], k, `${path}/${escapeSegment(k)}`, stack);
      if (w === OMIT) continue;
      Object.defineProperty(json, k, { value: w.json, enumerable: true, writable: true, configurable: true });
      const seg = "/" + escapeSegment(k);
      for (const d of w.dates) dates.push(seg + d);
    }
    return { json, dates };
  } finally {
    stack.delete(obj);
  }
}
function compactArrayDates(childDates) {
  if (childDates.length === 0) return [];
  const signature = childDates[0].join("\n");
  const uniform = childDates[0].length > 0 && childDates.every((d) => d.join("\n") === signature);
  if (uniform) return childDates[0].map((d) => "/*" + d);
  const out = [];
  childDates.forEach((d, i) => {
    for (const p of d) out.push(`/${i}${p}`);
  });
  return out;
}
function toCloudValue(value) {
  const w = walk(value, "", "", /* @__PURE__ */ new Set());
  if (w === OMIT) return { json: void 0 };
  return w.dates.length > 0 ? { json: w.json, dates: w.dates } : { json: w.json };
}
function cloudText(value) {
  const state = { exotic: false, segments: [], stack: /* @__PURE__ */ new Set() };
  const dates = findDates(value, state);
  if (state.exotic) {
    const cv = toCloudValue(value);
    const exact = cv.json === void 0 ? void 0 : JSON.stringify(cv.json);
    return cv.dates ? { text: exact, dates: cv.dates } : { text: exact };
  }
  const text = JSON.stringify(value);
  return dates.length > 0 ? { text, dates: [...dates] } : { text };
}
var NO_DATES = Object.freeze([]);
var HERE = Object.freeze([""]);
function pathOf(segments) {
  return segments.map((s) => `/${typeof s === "number" ? s : escapeSegment(s)}`).join("");
}
function findDates(value, st) {
  if (value instanceof Date) return Number.isFinite(value.getTime()) ? HERE : NO_DATES;
  switch (typeof value) {
    case "bigint":
      throw unstorable("a BigInt", pathOf(st.segments));
    case "object":
      break;
    default:
      return NO_DATES;
  }
  if (value === null) return NO_DATES;
  if (typeof value.toJSON === "function" || value instanceof String || value instanceof Number || value instanceof Boolean) {
    st.exotic = true;
    return NO_DATES;
  }
  const obj = value;
  if (st.stack.has(obj)) throw unstorable("a circular reference", pathOf(st.segments));
  st.stack.add(obj);
  try {
    if (Array.isArray(obj)) {
      let childDates;
      for (let i = 0; i < obj.length; i++) {
        st.segments.push(i);
        const d = findDates(obj[i], st);
        st.segments.pop();
        if (d.length > 0 && !childDates) childDates = new Array(obj.length).fill(NO_DATES);
        if (childDates) childDates[i] = d;
      }
      return childDates ? compactArrayDates(childDates) : NO_DATES;
    }
    let dates;
    for (const k of Object.keys(obj)) {
      st.segments.push(k);
      const d = findDates(obj[k], st);
      st.segments.pop();
      if (d.length === 0) continue;
      const seg = "/" + escapeSegment(k);
      dates ??= [];
      for (const p of d) dates.push(seg + p);
    }
    return dates ?? NO_DATES;
  } finally {
    st.stack.delete(obj);
  }
}
var ISO_DATE = /^[+-]?\d{4,6}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
function reviveAt(node, segments, i, set) {
  if (i === segments.length) {
    if (typeof node === "string" && ISO_DATE.test(node)) {
      const d = new Date(node);
      if (Number.isFinite(d.getTime())) set(d);
    }
    return;
  }
  if (node === null || typeof node !== "object") return;
  const seg = segments[i];
  if (Array.isArray(node)) {
    if (seg === "*") {
      for (let j2 = 0; j2 < node.length; j2++) reviveAt(node[j2], segments, i + 1, (v) => node[j2] = v);
      return;
    }
    if (!/^\d+$/.test(seg)) return;
    const j = Number(seg);
    if (j < node.length) reviveAt(node[j], segments, i + 1, (v) => node[j] = v);
    return;
  }
  const key = unescapeSegment(seg);
  const rec = node;
  if (Object.prototype.hasOwnProperty.call(rec, key)) reviveAt(rec[key], segments, i + 1, (v) => rec[key] = v);
}
function fromCloudValue(json, dates) {
  if (!Array.isArray(dates)) return json;
  let root = json;
  for (const p of dates) {
    if (typeof p !== "string") continue;
    if (p === "") {
      reviveAt(root, [], 0, (v) => root = v);
      continue;
    }
    if (!p.startsWith("/")) continue;
    reviveAt(root, p.slice(1).split("/"), 0, (v) => root = v);
  }
  return root;
}

// src/cloud/tombstones.ts
var TOMBSTONE_TTL_MS = 30 * 24 * 60 * 60 * 1e3;

// src/cloud/manifests.ts
var DAILY_BACKUP_TTL_MS = 30 * 24 * 60 * 60 * 1e3;
var DAILY_MANIFEST_TYPES = ["daily-backup", "server-side-daily-backup"];
function isPlainObject2(v) {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}
function decode(input) {
  return (typeof input === "string" ? input : new TextDecoder().decode(input)).trim();
}
function num(v) {
  if (typeof v === "number" && Number.isFinite(v)) return v;
  if (typeof v === "string") {
    const n = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
    if (Number.isFinite(n)) return n;
  }
  return 0;
}
function manifestFromJson(value, folderHint) {
  if (!isPlainObject2(value)) return null;
  const folder = typeof value.backupFolder === "string" && value.backupFolder.startsWith("backups/") && value.backupFolder.length > 8 ? value.backupFolder : folderHint;
  if (!folder) return null;
  return {
    ...value,
    type: typeof value.type === "string" ? value.type : "",
    name: typeof value.name === "string" ? value.name : backupFolderName(folder),
    created: num(value.created),
    totalItems: num(value.totalItems),
    copiedItems: num(value.copiedItems),
    format: typeof value.format === "string" ? value.format : "",
    version: typeof value.version === "string" ? value.version : "",
    backupFolder: folder
  };
}
function corruptManifest(objectKey, what, cause) {
  return new CloudSyncError(
    "corrupt-object",
    `The backup file "${objectKey}" is damaged (${what}). This backup cannot be listed or restored as it is; other backups are not affected.`,
    { cause, details: { objectKey } }
  );
}
function parseManifest(input, objectKey = BACKUP_MANIFEST_NAME) {
  let value;
  try {
    value = JSON.parse(decode(input));
  } catch (cause) {
    throw corruptManifest(objectKey, "not valid JSON", cause);
  }
  const suffix = "/" + BACKUP_MANIFEST_NAME;
  const hint = objectKey.endsWith(suffix) ? objectKey.slice(0, -suffix.length) : void 0;
  const m = manifestFromJson(value, hint);
  if (!m) throw corruptManifest(objectKey, "not a backup manifest");
  return m;
}
function parseManifestIndex(input) {
  let value;
  try {
    value = JSON.parse(decode(input));
  } catch (cause) {
    throw new CloudSyncError(
      "corrupt-object",
      'The list of backups ("backups/manifest-index.json") is damaged: it is not valid JSON. It will be rebuilt from the backup folders; no backup is lost.',
      { cause, details: { objectKey: MANIFEST_INDEX_KEY, rebuild: true } }
    );
  }
  if (!Array.isArray(value)) {
    throw new CloudSyncError(
      "corrupt-object",
      'The list of backups ("backups/manifest-index.json") is damaged: it is not a list. It will be rebuilt from the backup folders; no backup is lost.',
      { details: { objectKey: MANIFEST_INDEX_KEY, rebuild: true } }
    );
  }
  const out = [];
  for (const el of value) {
    const m = manifestFromJson(el);
    if (m) out.push(m);
  }
  return out;
}
function isDailyManifest(m) {
  return DAILY_MANIFEST_TYPES.includes(m.type);
}
function manifestKind(m) {
  if (m.type === "server-side-snapshot") return "snapshot";
  if (isDailyManifest(m)) return "daily";
  return backupFolderKind(m.backupFolder);
}

// src/providers/gdrive/drive-path.ts
function splitKey(key) {
  const parts = key.split("/");
  if (key === "" || parts.some((p) => p === "")) {
    throw new CloudSyncError(
      "provider-error",
      `The item name "${key}" cannot be stored on Google Drive: it is empty or has an empty folder level ("//", or a "/" at the start or end). Rename the item and sync again.`,
      { details: { key } }
    );
  }
  const name = parts.pop();
  return { folders: parts, name };
}
function splitPrefix(prefix) {
  const parts = prefix.split("/");
  const namePrefix = parts.pop();
  return { folders: parts.filter((p) => p !== ""), namePrefix };
}

// src/providers/gdrive/drive-query.ts
var FOLDER_MIME = "application/vnd.google-apps.folder";
function quoteQueryString(value) {
  return `'${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}
function buildQuery(query) {
  const terms = [];
  if (query.name !== void 0) terms.push(`name = ${quoteQueryString(query.name)}`);
  if (query.parentId !== void 0) terms.push(`${quoteQueryString(query.parentId)} in parents`);
  if (query.foldersOnly) terms.push(`mimeType = ${quoteQueryString(FOLDER_MIME)}`);
  terms.push("trashed = false");
  return terms.join(" and ");
}

// src/runtime/pool.ts
async function mapPool(items, limit, fn) {
  const out = new Array(items.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      const i = next++;
      try {
        out[i] = await fn(items[i], i);
      } catch (e) {
        failed = true;
        throw e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}

// src/runtime/sleep.ts
function abortedError(signal) {
  const reason = signal?.reason;
  if (reason instanceof CloudSyncError) return reason;
  return new CloudSyncError("aborted", "The operation was cancelled before it finished. Nothing more was changed; you can start it again.", {
    cause: reason
  });
}
var sleep = (ms, signal) => new Promise((resolve2, reject) => {
  if (signal?.aborted) return reject(abortedError(signal));
  const onAbort = () => {
    clearTimeout(timer);
    reject(abortedError(signal));
  };
  const timer = setTimeout(() => {
    signal?.removeEventListener("abort", onAbort);
    resolve2();
  }, Math.max(0, ms));
  signal?.addEventListener("abort", onAbort, { once: true });
});

// src/runtime/backoff.ts
function backoffDelay(failures, config, random) {
  if (failures <= 0) return 0;
  const exp = Math.min(config.maxMs, config.baseMs * 2 ** Math.min(failures - 1, 30));
  const r = Math.min(Math.max(random, 0), 1);
  return Math.round(exp / 2 + exp / 2 * r);
}

// src/providers/gdrive/drive-errors.ts
function parseDriveError(status, bodyText) {
  try {
    const parsed = JSON.parse(bodyText);
    const err = parsed?.error;
    return { status, reason: err?.errors?.[0]?.reason, message: err?.message };
  } catch {
    return { status, message: bodyText.slice(0, 200) || void 0 };
  }
}
var RATE_LIMIT_REASONS = /* @__PURE__ */ new Set(["userRateLimitExceeded", "rateLimitExceeded", "sharingRateLimitExceeded"]);
function isRetryable(info) {
  if (info.status === 429 || info.status >= 500) return true;
  return info.status === 403 && info.reason !== void 0 && RATE_LIMIT_REASONS.has(info.reason);
}
function parseRetryAfter(header, now) {
  if (header === null || header.trim() === "") return void 0;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1e3;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return void 0;
  return Math.max(0, at - now);
}
function toCloudSyncError(info, context) {
  const details = { status: info.status, reason: info.reason, driveMessage: info.message, context };
  const make2 = (code2, message) => new CloudSyncError(code2, message, { details });
  if (info.status === 401) {
    return make2("reconnect-required", 'Google Drive no longer accepts this sign-in. Click "Sign in with Google" to reconnect, then sync again.');
  }
  if (info.status === 403 && info.reason === "storageQuotaExceeded") {
    return make2("quota-exceeded", "Your Google Drive is full. Free some space in Google Drive (or buy more storage), then sync again.");
  }
  if (info.status === 429 || info.status === 403 && info.reason !== void 0 && RATE_LIMIT_REASONS.has(info.reason)) {
    return make2("throttled", "Google Drive is limiting how fast we can send requests. Sync will try again later; nothing was lost.");
  }
  if (info.status === 403 && (info.reason === "accessNotConfigured" || info.reason === "SERVICE_DISABLED")) {
    const link = enableApiLink(info.message);
    const err = make2(
      "access-denied",
      `The Google Drive API is not enabled in the Google Cloud project of your client ID. Enable it${link ? ` at ${link}` : " in the Google Cloud console (APIs & Services → Library → Google Drive API)"}, wait a minute, then try again.` + (info.message ? ` Google says: ${info.message}` : "")
    );
    if (link) err.details.fixUrl = link;
    return err;
  }
  if (info.status === 403) {
    return make2(
      "access-denied",
      `Google Drive refused access while ${context} (${info.reason ?? "forbidden"}). Check that you signed in with the same Google account and OAuth client ID that created the "TypingMind-Cloud-Sync" folder.`
    );
  }
  if (info.status === 404) {
    return make2("not-found", `Google Drive could not find the file or folder while ${context}. It may have been deleted from another device.`);
  }
  if (info.status === 412) {
    return make2("precondition-failed", `The file changed on Google Drive while ${context}; it was not overwritten. Sync will re-read it and try again.`);
  }
  if (info.status >= 500) {
    return make2("provider-error", `Google Drive had a server problem while ${context} (HTTP ${info.status}). Try again in a few minutes.`);
  }
  return make2(
    "provider-error",
    `Google Drive rejected a request while ${context} (HTTP ${info.status}${info.message ? `: ${info.message}` : ""}). Try again; if it keeps happening, copy the log from the diagnostics panel into a bug report.`
  );
}
function enableApiLink(message) {
  const m = message ? /https:\/\/[^\s"'<>]+/.exec(message) : null;
  return m ? m[0].replace(/[.,;:)\]]+$/, "") : void 0;
}

// src/providers/gdrive/drive-http.ts
var DriveHttp = class {
  constructor(opts) {
    this.opts = opts;
    this.reconnectNeeded = false;
  }
  get needsReconnect() {
    return this.reconnectNeeded;
  }
  /** From a user gesture: ask for a token interactively and leave the reconnect state. */
  async reconnect() {
    await this.opts.getAccessToken(true);
    this.reconnectNeeded = false;
  }
  async send(req) {
    let token = await this.token();
    let retriedAuth = false;
    for (let attempt = 0; ; attempt++) {
      if (req.signal?.aborted) throw aborted(req.context);
      for (const pacer of req.pace ?? []) await pacer.turn(req.signal);
      let res;
      try {
        res = await this.opts.fetch(req.url, {
          method: req.method,
          headers: { ...req.headers, Authorization: `Bearer ${token}` },
          body: req.body,
          signal: req.signal
        });
      } catch (e) {
        if (isAbort(e) || req.signal?.aborted) throw aborted(req.context, e);
        if (req.retry !== false && attempt + 1 < this.opts.maxAttempts) {
          await this.opts.sleep(this.backoff(attempt + 1), req.signal);
          continue;
        }
        throw new CloudSyncError(
          "cors-or-network",
          `Could not reach Google Drive while ${req.context}. Check your internet connection, and that no browser extension or firewall blocks www.googleapis.com.`,
          { cause: e, details: { url: stripQuery(req.url) } }
        );
      }
      if (res.ok || req.accept?.includes(res.status)) return res;
      if (req.retry === false && res.status !== 401 && (res.status === 429 || res.status >= 500)) return res;
      const text = await res.text().catch(() => "");
      const info = parseDriveError(res.status, text);
      if (res.status === 401) {
        this.opts.invalidateToken?.(token);
        if (!retriedAuth) {
          retriedAuth = true;
          token = await this.token();
          attempt--;
          continue;
        }
        this.reconnectNeeded = true;
        throw toCloudSyncError(info, req.context);
      }
      if (isRetryable(info) && attempt + 1 < this.opts.maxAttempts) {
        const hinted = parseRetryAfter(res.headers.get("retry-after"), this.opts.now());
        if (hinted !== void 0 && hinted > this.opts.maxDelayMs) {
          const err = toCloudSyncError(info, req.context);
          err.details.retryAfterMs = hinted;
          throw err;
        }
        const delay = hinted ?? this.backoff(attempt + 1);
        await this.opts.sleep(delay, req.signal);
        continue;
      }
      throw toCloudSyncError(info, req.context);
    }
  }
  /** The wait after the `failures`-th failure in a row (1 = the first), when the server gave no Retry-After. */
  backoff(failures) {
    return backoffDelay(failures, { baseMs: this.opts.baseDelayMs, maxMs: this.opts.maxDelayMs }, this.opts.random());
  }
  get maxAttempts() {
    return this.opts.maxAttempts;
  }
  /** Waits `ms` (or what Retry-After says, when given), cut short by the signal. */
  wait(ms, retryAfter, signal) {
    const hinted = parseRetryAfter(retryAfter, this.opts.now());
    return this.opts.sleep(hinted !== void 0 ? Math.min(hinted, this.opts.maxDelayMs) : ms, signal);
  }
  /** Sends and parses a JSON answer. */
  async json(req) {
    const res = await this.send(req);
    return await res.json();
  }
  async token() {
    if (this.reconnectNeeded) {
      throw new CloudSyncError(
        "reconnect-required",
        'Google Drive needs you to sign in again. Click "Sign in with Google" in Cloud Sync settings, then sync again.'
      );
    }
    try {
      return await this.opts.getAccessToken(false);
    } catch (e) {
      if (isCloudSyncError(e) && e.code !== "reconnect-required") throw e;
      this.reconnectNeeded = true;
      if (isCloudSyncError(e)) throw e;
      throw new CloudSyncError(
        "reconnect-required",
        'Could not renew the Google Drive sign-in without asking you. Click "Sign in with Google" in Cloud Sync settings, then sync again.',
        { cause: e }
      );
    }
  }
};
function isAbort(e) {
  return typeof e === "object" && e !== null && e.name === "AbortError";
}
function aborted(context, cause) {
  return new CloudSyncError("aborted", `Stopped while ${context}, as asked.`, { cause });
}
function stripQuery(url) {
  const i = url.indexOf("?");
  return i < 0 ? url : url.slice(0, i);
}

// src/providers/gdrive/drive-file.ts
var FILE_FIELDS = "id,name,mimeType,modifiedTime,createdTime,size,version,trashed";
function etagOf(id, version) {
  return `${id}:${version ?? 0}`;
}

// src/providers/gdrive/multipart.ts
var encoder = new TextEncoder();
function buildMultipartRelated(metadata, media, mediaType, boundary) {
  const head = encoder.encode(
    `--${boundary}\r
Content-Type: application/json; charset=UTF-8\r
\r
${JSON.stringify(metadata)}\r
--${boundary}\r
Content-Type: ${mediaType}\r
\r
`
  );
  const tail = encoder.encode(`\r
--${boundary}--\r
`);
  const body = new Uint8Array(head.length + media.length + tail.length);
  body.set(head, 0);
  body.set(media, head.length);
  body.set(tail, head.length + media.length);
  return { body, contentType: `multipart/related; boundary=${boundary}` };
}
function containsBytes(hay, needle) {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}
function randomBoundary(random) {
  let s = "tcs_";
  for (let i = 0; i < 24; i++) s += Math.floor(random() * 36).toString(36);
  return s;
}

// src/providers/gdrive/resumable-upload.ts
var CHUNK_SIZE = 8 * 1024 * 1024;
async function resumableUpload(http, up) {
  const session = await http.send({
    method: up.method,
    url: up.url,
    headers: {
      ...up.headers,
      "Content-Type": "application/json; charset=UTF-8",
      "X-Upload-Content-Type": up.mediaType,
      "X-Upload-Content-Length": String(up.body.length)
    },
    body: JSON.stringify(up.metadata),
    accept: up.accept,
    pace: up.pace,
    signal: up.signal,
    context: up.context
  });
  if (!session.ok) return session;
  await session.body?.cancel();
  const location = session.headers.get("location");
  if (!location) {
    throw new CloudSyncError("provider-error", `Google Drive did not start the upload while ${up.context} (no session address). Try again.`);
  }
  const chunk = up.chunkSize ?? CHUNK_SIZE;
  const total = up.body.length;
  let offset = 0;
  let failures = 0;
  for (; ; ) {
    const end = Math.min(offset + chunk, total);
    let res;
    let failure;
    try {
      res = await http.send({
        method: "PUT",
        url: location,
        headers: { "Content-Range": `bytes ${offset}-${end - 1}/${total}` },
        body: up.body.subarray(offset, end),
        accept: [308],
        retry: false,
        signal: up.signal,
        context: up.context
      });
    } catch (e) {
      if (!isCloudSyncError(e, "cors-or-network")) throw e;
      failure = e;
    }
    if (res && res.status !== 308 && res.status !== 429 && res.status < 500) return res;
    if (!res || res.status === 429 || res.status >= 500) {
      failures++;
      const retryAfter = res?.headers.get("retry-after") ?? null;
      await res?.body?.cancel();
      if (failures >= http.maxAttempts) {
        throw new CloudSyncError("provider-error", `Google Drive kept failing while ${up.context} (large upload). Try again later.`, {
          cause: failure,
          details: { status: res?.status, offset }
        });
      }
      await http.wait(http.backoff(failures), retryAfter, up.signal);
      const status = await http.send({
        method: "PUT",
        url: location,
        headers: { "Content-Range": `bytes */${total}` },
        accept: [308],
        signal: up.signal,
        context: up.context
      });
      if (status.status !== 308) return status;
      offset = heldBytes(status);
      await status.body?.cancel();
      continue;
    }
    const held = heldBytes(res);
    await res.body?.cancel();
    if (held <= offset) {
      throw new CloudSyncError("provider-error", `Google Drive stopped accepting the upload while ${up.context}. Try again.`, {
        details: { offset, held }
      });
    }
    offset = held;
    if (offset >= total) {
      throw new CloudSyncError("provider-error", `Google Drive took all bytes but did not finish the upload while ${up.context}. Try again.`);
    }
  }
}
function heldBytes(res) {
  const m = /bytes=0-(\d+)/.exec(res.headers.get("range") ?? "");
  return m ? Number(m[1]) + 1 : 0;
}

// src/providers/gdrive/drive-upload.ts
function sendUpload(http, up, limits) {
  const { method, url, metadata, body, mediaType, signal, context, pace } = up;
  if (body.length > limits.multipartLimit) {
    return resumableUpload(http, {
      method,
      url: `${url}&uploadType=resumable`,
      metadata,
      mediaType,
      body,
      accept: [404],
      signal,
      context,
      chunkSize: limits.chunkSize,
      pace
    });
  }
  let boundary = randomBoundary(limits.random);
  for (let n = 0; containsBytes(body, new TextEncoder().encode(boundary)); n++) boundary = `${randomBoundary(limits.random)}${n}`;
  const multipart = buildMultipartRelated(metadata, body, mediaType, boundary);
  return http.send({
    method,
    url: `${url}&uploadType=multipart`,
    headers: { "Content-Type": multipart.contentType },
    body: multipart.body,
    accept: [404],
    signal,
    context,
    pace
  });
}

// src/providers/gdrive/drive-v2.ts
async function v2ConditionalUpdate(http, urls, limits, up) {
  const { key, fileId, body, mediaType, expected, signal } = up;
  const id = encodeURIComponent(fileId);
  for (let round = 0; round < 3; round++) {
    const head = await http.send({
      method: "GET",
      url: `${urls.api}/drive/v2/files/${id}?fields=etag%2Cversion%2Clabels`,
      accept: [404],
      signal,
      context: `checking ${key} before saving`
    });
    if (head.status === 404) {
      await head.body?.cancel();
      return "gone";
    }
    const current = await head.json();
    if (current.labels?.trashed) return "gone";
    if (etagOf(fileId, current.version) !== expected) throw preconditionFailed(key, "another device saved it first");
    const fields = "fields=etag%2Cversion%2CmodifiedDate";
    const res = body.length <= limits.multipartLimit ? await http.send({
      method: "PUT",
      url: `${urls.upload}/upload/drive/v2/files/${id}?uploadType=media&${fields}`,
      headers: { "If-Match": current.etag, "Content-Type": mediaType },
      body,
      accept: [404, 412],
      signal,
      context: `saving ${key}`
    }) : await resumableUpload(http, {
      method: "PUT",
      url: `${urls.upload}/upload/drive/v2/files/${id}?uploadType=resumable&${fields}`,
      metadata: { mimeType: mediaType },
      mediaType,
      body,
      headers: { "If-Match": current.etag },
      accept: [404, 412],
      signal,
      context: `saving ${key}`,
      chunkSize: limits.chunkSize
    });
    if (res.status === 412) {
      await res.body?.cancel();
      continue;
    }
    if (res.status === 404) {
      await res.body?.cancel();
      return "gone";
    }
    const saved = await res.json();
    return { etag: etagOf(fileId, saved.version) };
  }
  throw preconditionFailed(key, "it kept changing while we saved");
}
async function v2RefusesStaleIfMatch(http, upload, fileId, body, mimeType, signal) {
  const res = await http.send({
    method: "PUT",
    url: `${upload}/upload/drive/v2/files/${encodeURIComponent(fileId)}?uploadType=media&fields=version`,
    headers: { "If-Match": '"tcs-probe-stale-etag"', "Content-Type": mimeType },
    body,
    accept: [404, 412],
    signal,
    context: "checking that Google Drive refuses a stale If-Match"
  });
  await res.body?.cancel();
  return res.status === 412;
}
function preconditionFailed(key, why) {
  return new CloudSyncError("precondition-failed", `${key} was not saved to Google Drive because ${why}. Sync will re-read it and try again.`, {
    details: { key }
  });
}

// src/providers/gdrive/drive-listing.ts
var MAX_RESTARTS = 3;
async function listFiles(http, api, q, signal, context) {
  for (let restart = 0; ; restart++) {
    const byId = /* @__PURE__ */ new Map();
    let pageToken;
    let rejected = false;
    do {
      const params = new URLSearchParams({ q, fields: `nextPageToken,files(${FILE_FIELDS})`, spaces: "drive", pageSize: "1000" });
      if (pageToken) params.set("pageToken", pageToken);
      const res = await http.send({
        method: "GET",
        url: `${api}/drive/v3/files?${params.toString()}`,
        // Only a request with a token may be answered "start again"; a 400 on the first page is a real error.
        accept: pageToken ? [400] : [],
        signal,
        context
      });
      if (res.status === 400) {
        await res.body?.cancel();
        rejected = true;
        break;
      }
      const page = await res.json();
      for (const f of page.files ?? []) byId.set(f.id, f);
      pageToken = page.nextPageToken;
    } while (pageToken);
    if (!rejected) return [...byId.values()];
    if (restart + 1 >= MAX_RESTARTS) {
      throw new CloudSyncError(
        "provider-error",
        `Google Drive kept refusing to continue a listing while ${context} (its page token was rejected ${MAX_RESTARTS} times). Try again in a minute.`
      );
    }
  }
}

// src/providers/gdrive/pick-newest.ts
function pickNewest(candidates) {
  let best;
  for (const c of candidates) {
    if (!best || compareNewest(c, best) > 0) best = c;
  }
  return best;
}
function compareNewest(a, b) {
  const ta = a.modifiedTime ? Date.parse(a.modifiedTime) : 0;
  const tb = b.modifiedTime ? Date.parse(b.modifiedTime) : 0;
  if (ta !== tb) return ta - tb;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
function pickFirstCreated(candidates) {
  let best;
  for (const c of candidates) {
    if (!best) {
      best = c;
      continue;
    }
    const tc = c.createdTime ? Date.parse(c.createdTime) : Number.MAX_SAFE_INTEGER;
    const tb = best.createdTime ? Date.parse(best.createdTime) : Number.MAX_SAFE_INTEGER;
    if (tc < tb || tc === tb && c.id < best.id) best = c;
  }
  return best;
}

// src/providers/gdrive/drive-walk.ts
async function walkFolders(deps, folderIds, path, namePrefix, signal) {
  const subfolders = /* @__PURE__ */ new Map();
  const files = /* @__PURE__ */ new Map();
  for (const id of folderIds) {
    for (const f of await listFiles(deps.http, deps.api, buildQuery({ parentId: id }), signal, `listing ${path || "the sync folder"}`)) {
      if (!f.name.startsWith(namePrefix)) continue;
      const group = f.mimeType === FOLDER_MIME ? subfolders : files;
      group.set(f.name, [...group.get(f.name) ?? [], f]);
    }
  }
  const out = [];
  for (const [name, group] of files) out.push(listEntryOf(`${path}${name}`, pickNewest(group)));
  for (const [name, group] of subfolders) {
    deps.remember(`${path}${name}`, group);
    out.push(...await walkFolders(deps, group.map((f) => f.id), `${path}${name}/`, "", signal));
  }
  return out;
}
function listEntryOf(key, file) {
  return {
    key,
    size: Number(file.size ?? 0),
    etag: etagOf(file.id, file.version),
    lastModified: file.modifiedTime ? Date.parse(file.modifiedTime) : void 0
  };
}
function compareBytes(a, b) {
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (; ; ) {
    const ca = ia.next();
    const cb = ib.next();
    if (ca.done || cb.done) return ca.done && cb.done ? 0 : ca.done ? -1 : 1;
    const d = ca.value.codePointAt(0) - cb.value.codePointAt(0);
    if (d !== 0) return d;
  }
}

// src/providers/gdrive/drive-folders.ts
var DriveFolders = class {
  constructor(deps) {
    this.deps = deps;
    this.cache = /* @__PURE__ */ new Map();
    /** The sets last seen per path, kept past expiry, to tell a change. */
    this.seen = /* @__PURE__ */ new Map();
    /** In-flight folder creations, so two calls in this tab never create the same folder twice. */
    this.creations = /* @__PURE__ */ new Map();
  }
  clear() {
    this.cache.clear();
  }
  /** Forgets a folder path, everything below it and the levels above it (they may be gone too). */
  forget(folders) {
    const path = folders.join("/");
    for (const p of [...this.cache.keys()]) {
      if (p === "" || p === path || path.startsWith(`${p}/`) || p.startsWith(`${path}/`)) this.cache.delete(p);
    }
  }
  /** Remembers the folders a listing found at a path (so later calls need no lookup). */
  remember(path, found) {
    if (found.length === 0) return;
    this.store(path, { primary: pickFirstCreated(found).id, all: found.map((f) => f.id), at: this.deps.now() });
  }
  async resolve(folders, create, signal) {
    let fromCache = true;
    let level;
    for (let depth = 0; depth <= folders.length; depth++) {
      const path = folders.slice(0, depth).join("/");
      const cached = this.cache.get(path);
      if (cached && this.deps.now() - cached.at <= this.deps.cacheTtlMs) {
        level = cached;
        if (create && cached.all.length > 1) {
          level = await this.heal(path, cached.primary, cached.all.filter((id) => id !== cached.primary), signal);
          this.store(path, { ...level, at: cached.at });
        }
        continue;
      }
      fromCache = false;
      const name = depth === 0 ? this.deps.rootName : folders[depth - 1];
      const found = await this.find(name, depth === 0 ? [void 0] : level.all, signal);
      if (found.length === 0) {
        if (!create) return void 0;
        const id = await this.createOnce(path, name, level?.primary, signal);
        level = { primary: id, all: [id] };
        this.store(path, { ...level, at: this.deps.now() });
        continue;
      }
      const primary = pickFirstCreated(found);
      level = { primary: primary.id, all: found.map((f) => f.id) };
      if (create && found.length > 1) level = await this.heal(path, primary.id, level.all.filter((id) => id !== primary.id), signal);
      this.store(path, { ...level, at: this.deps.now() });
    }
    const done = level;
    return { primary: done.primary, all: done.all, fromCache };
  }
  store(path, level) {
    const signature = [...level.all].sort().join(",");
    const before = this.seen.get(path);
    this.seen.set(path, signature);
    this.cache.set(path, level);
    if (before !== void 0 && before !== signature) this.deps.onChanged?.(path);
  }
  async find(name, parents, signal) {
    const out = /* @__PURE__ */ new Map();
    for (const parentId of parents) {
      const q = buildQuery({ name, parentId, foldersOnly: true });
      for (const f of await listFiles(this.deps.http, this.deps.api, q, signal, `looking for folder ${name}`)) {
        out.set(f.id, f);
      }
    }
    return [...out.values()];
  }
  /**
   * Moves the duplicates' children into `primary` and trashes each duplicate left empty. Returns the
   * folders still to read at this path. Levels below are forgotten: a merged sub-folder may now be a
   * duplicate of one the primary had, which the next write path below heals in turn.
   */
  async heal(path, primary, others, signal) {
    const remaining = [primary];
    for (const other of others) {
      try {
        const q = buildQuery({ parentId: other });
        for (const child of await listFiles(this.deps.http, this.deps.api, q, signal, `merging duplicate folders ${path || this.deps.rootName}`)) {
          const move = `addParents=${encodeURIComponent(primary)}&removeParents=${encodeURIComponent(other)}`;
          await this.patch(child.id, { modifiedTime: child.modifiedTime }, move, signal, `moving ${child.name} out of a duplicate folder`);
        }
        const left = await listFiles(this.deps.http, this.deps.api, q, signal, `merging duplicate folders ${path || this.deps.rootName}`);
        if (left.length > 0) {
          remaining.push(other);
          continue;
        }
        await this.patch(other, { trashed: true }, "", signal, "trashing an empty duplicate folder");
        this.deps.log?.(`Google Drive: merged a duplicate "${path || this.deps.rootName}" folder into the first one and moved the empty copy to the trash.`);
      } catch (e) {
        if (isCloudSyncError(e) && (e.code === "aborted" || e.code === "reconnect-required")) throw e;
        remaining.push(other);
        this.deps.log?.(`Google Drive: could not merge a duplicate "${path || this.deps.rootName}" folder yet: ${isCloudSyncError(e) ? e.message : String(e)}`);
      }
    }
    for (const p of [...this.cache.keys()]) if (p.startsWith(path === "" ? "" : `${path}/`) && p !== path) this.cache.delete(p);
    return { primary, all: remaining };
  }
  async patch(id, metadata, params, signal, context) {
    const query = params ? `${params}&fields=id` : "fields=id";
    const res = await this.deps.http.send({
      method: "PATCH",
      url: `${this.deps.api}/drive/v3/files/${encodeURIComponent(id)}?${query}`,
      headers: { "Content-Type": "application/json; charset=UTF-8" },
      body: JSON.stringify(metadata),
      signal,
      context
    });
    await res.body?.cancel();
  }
  createOnce(path, name, parentId, signal) {
    const pending = this.creations.get(path);
    if (pending) return pending;
    const creation = (async () => {
      const done = this.cache.get(path);
      if (done && this.deps.now() - done.at <= this.deps.cacheTtlMs) return done.primary;
      const metadata = { name, mimeType: FOLDER_MIME };
      if (parentId) metadata.parents = [parentId];
      const folder = await this.deps.http.json({
        method: "POST",
        url: `${this.deps.api}/drive/v3/files?fields=id`,
        headers: { "Content-Type": "application/json; charset=UTF-8" },
        body: JSON.stringify(metadata),
        pace: [this.deps.createPacer],
        signal,
        context: `creating folder ${path || name}`
      });
      return folder.id;
    })();
    this.creations.set(path, creation);
    return creation.finally(() => this.creations.delete(path));
  }
};

// src/providers/gdrive/drive-pacer.ts
var Pacer = class {
  constructor(intervalMs, now, sleep2) {
    this.intervalMs = intervalMs;
    this.now = now;
    this.sleep = sleep2;
    this.nextAt = 0;
  }
  /** Resolves when this request may go; turns are handed out in call order. */
  async turn(signal) {
    if (this.intervalMs <= 0) return;
    const now = this.now();
    const at = Math.max(now, this.nextAt);
    this.nextAt = at + this.intervalMs;
    if (at > now) await this.sleep(at - now, signal);
  }
};

// src/providers/gdrive/drive-store.ts
var DEFAULT_ROOT_FOLDER = "TypingMind-Cloud-Sync";
var MULTIPART_LIMIT = 5 * 1024 * 1024;
function createDriveStore(opts) {
  return new DriveStoreImpl(opts);
}
var DriveStoreImpl = class {
  constructor(opts) {
    this.kind = "googleDrive";
    /** Key → the file we last saw for it. */
    this.fileIds = /* @__PURE__ */ new Map();
    /** Key → a file this store wrote, and when: a search may not show it yet. */
    this.recentWrites = /* @__PURE__ */ new Map();
    const fetchFn = opts.fetch ?? globalThis.fetch.bind(globalThis);
    this.capabilities = { conditionalPut: true, conditionalGet: true, serverSideCopy: true, ...opts.capabilities };
    this.http = new DriveHttp({
      getAccessToken: opts.getAccessToken,
      invalidateToken: opts.invalidateToken,
      fetch: fetchFn,
      sleep: opts.sleep ?? sleep,
      maxAttempts: opts.retry?.maxAttempts ?? 5,
      baseDelayMs: opts.retry?.baseDelayMs ?? 1e3,
      maxDelayMs: opts.retry?.maxDelayMs ?? 6e4,
      random: opts.random ?? Math.random,
      now: opts.now ?? Date.now
    });
    this.api = (opts.apiBase ?? "https://www.googleapis.com").replace(/\/$/, "");
    this.upload = (opts.uploadBase ?? this.api).replace(/\/$/, "");
    this.rootName = opts.rootFolderName ?? DEFAULT_ROOT_FOLDER;
    this.multipartLimit = opts.multipartLimit ?? MULTIPART_LIMIT;
    this.chunkSize = opts.chunkSize ?? CHUNK_SIZE;
    this.concurrency = opts.concurrency ?? 4;
    this.listPageSize = opts.listPageSize ?? 1e3;
    this.random = opts.random ?? Math.random;
    this.now = opts.now ?? Date.now;
    this.log = opts.log ?? (() => void 0);
    const sleep2 = opts.sleep ?? sleep;
    this.createPacer = new Pacer(opts.pacing?.createIntervalMs ?? 500, this.now, sleep2);
    this.copyPacer = new Pacer(opts.pacing?.copyIntervalMs ?? 500, this.now, sleep2);
    this.lagToleranceMs = opts.searchLagToleranceMs ?? 5 * 6e4;
    this.walkDeps = { http: this.http, api: this.api, remember: (path, found) => this.folders.remember(path, found) };
    this.folders = new DriveFolders({
      http: this.http,
      api: this.api,
      rootName: this.rootName,
      createPacer: this.createPacer,
      log: this.log,
      now: this.now,
      cacheTtlMs: opts.folderCacheTtlMs ?? 5 * 6e4,
      // A duplicate folder appeared (or went) at `path`: a file id remembered there may be the wrong one of two.
      onChanged: (path) => {
        for (const key of [...this.fileIds.keys()]) {
          const dir = splitKey(key).folders.join("/");
          if (path === "" || dir === path || dir.startsWith(`${path}/`)) this.fileIds.delete(key);
        }
      }
    });
  }
  get needsReconnect() {
    return this.http.needsReconnect;
  }
  reconnect() {
    return this.http.reconnect();
  }
  forgetCachedIds() {
    this.folders.clear();
    this.fileIds.clear();
    this.recentWrites.clear();
  }
  /** A file this store just made or changed: known by id from now on, and listed even before searches see it. */
  wrote(key, id) {
    this.fileIds.set(key, id);
    this.recentWrites.set(key, { id, at: this.now() });
  }
  forgetKey(key) {
    this.fileIds.delete(key);
    this.recentWrites.delete(key);
  }
  // ---------------------------------------------------------------- get
  async get(key, options = {}) {
    const { signal } = options;
    const file = await this.currentFile(key, signal);
    if (!file) return { kind: "not-found" };
    const etag = etagOf(file.id, file.version);
    if (options.ifNoneMatch !== void 0 && options.ifNoneMatch === etag) return { kind: "not-modified", etag };
    const res = await this.http.send({
      method: "GET",
      url: `${this.api}/drive/v3/files/${encodeURIComponent(file.id)}?alt=media`,
      accept: [404],
      signal,
      context: `downloading ${key}`
    });
    if (res.status === 404) {
      await res.body?.cancel();
      this.forgetKey(key);
      return { kind: "not-found" };
    }
    const body = new Uint8Array(await res.arrayBuffer());
    return {
      kind: "found",
      body,
      etag,
      contentType: file.mimeType,
      lastModified: file.modifiedTime ? Date.parse(file.modifiedTime) : void 0
    };
  }
  /**
   * The file's current metadata: by cached id (1 request) or by a lookup in its folder.
   * `verify`: see findFiles.
   */
  async currentFile(key, signal, verify = true) {
    if (this.fileIds.has(key)) await this.folders.resolve(splitKey(key).folders, false, signal);
    const cachedId = this.fileIds.get(key);
    if (cachedId) {
      const res = await this.http.send({
        method: "GET",
        url: `${this.api}/drive/v3/files/${encodeURIComponent(cachedId)}?fields=${encodeURIComponent(FILE_FIELDS)}`,
        accept: [404],
        signal,
        context: `reading ${key}`
      });
      if (res.ok) {
        const file = await res.json();
        if (!file.trashed) return file;
        this.folders.forget(splitKey(key).folders);
      } else {
        await res.body?.cancel();
      }
      this.forgetKey(key);
    }
    const { files } = await this.findFiles(key, signal, verify);
    const newest = pickNewest(files);
    if (newest) this.fileIds.set(key, newest.id);
    return newest;
  }
  // ---------------------------------------------------------------- put
  async put(key, body, options = {}) {
    const { signal } = options;
    const mediaType = options.contentType ?? "application/octet-stream";
    if (options.ifMatch !== void 0) {
      if (!this.capabilities.conditionalPut) return this.checkedWrite(key, body, mediaType, options.ifMatch, signal);
      const cachedId = this.fileIds.get(key);
      if (cachedId) {
        const result2 = await this.conditionalUpdate(key, cachedId, body, mediaType, options.ifMatch, signal);
        if (result2 !== "gone") return result2;
        this.forgetKey(key);
      }
      const file2 = await this.currentFile(key, signal);
      if (!file2) throw preconditionFailed(key, "it no longer exists");
      if (file2.id === cachedId) return this.v2Unavailable(key, body, mediaType, options.ifMatch, signal);
      const result = await this.conditionalUpdate(key, file2.id, body, mediaType, options.ifMatch, signal);
      if (result === "gone") {
        const again = await this.currentFile(key, signal);
        if (again?.id === file2.id) return this.v2Unavailable(key, body, mediaType, options.ifMatch, signal);
        this.forgetKey(key);
        throw preconditionFailed(key, "it was deleted");
      }
      return result;
    }
    if (options.ifNoneMatch === "*") return this.createIfAbsent(key, body, mediaType, signal);
    const file = await this.currentFile(key, signal, false);
    if (file) {
      const updated = await this.updateContent(file.id, body, mediaType, signal, `saving ${key}`);
      if (updated) {
        this.wrote(key, updated.id);
        return { etag: etagOf(updated.id, updated.version) };
      }
      this.forgetKey(key);
    }
    const created = await this.createFile(key, body, mediaType, signal);
    return { etag: etagOf(created.id, created.version) };
  }
  /**
   * Drive answers v2 with 404 for a file v3 has: the v2 API is gone (retired, or blocked). Compare-and-swap
   * cannot be had any more; turning it off (so the sync journals its commits, as on other stores without
   * preconditions) beats failing every index write from now on.
   */
  v2Unavailable(key, body, mediaType, expected, signal) {
    this.capabilities.conditionalPut = false;
    this.log("Google Drive no longer answers its v2 API, which compare-and-swap relies on: index writes are now checked by version instead.");
    return this.checkedWrite(key, body, mediaType, expected, signal);
  }
  /** The fallback for If-Match: compare the version right before a plain write (not atomic; see the class comment). */
  async checkedWrite(key, body, mediaType, expected, signal) {
    const file = await this.currentFile(key, signal);
    if (!file) throw preconditionFailed(key, "it no longer exists");
    if (etagOf(file.id, file.version) !== expected) throw preconditionFailed(key, "another device saved it first");
    const updated = await this.updateContent(file.id, body, mediaType, signal, `saving ${key}`);
    if (!updated) {
      this.forgetKey(key);
      throw preconditionFailed(key, "it was deleted");
    }
    this.wrote(key, updated.id);
    return { etag: etagOf(updated.id, updated.version) };
  }
  /**
   * Whether Drive itself refuses a v2 update whose If-Match is stale (the store's own version check cannot
   * tell: it refuses a stale etag before Drive sees it). Writes the same bytes back under a made-up etag:
   * a 412 means honoured. For the setup check, on its own test file.
   */
  async checkPreconditions(key, signal) {
    const file = await this.currentFile(key, signal);
    if (!file) return false;
    const got = await this.get(key, { signal });
    if (got.kind !== "found") return false;
    return v2RefusesStaleIfMatch(this.http, this.upload, file.id, got.body, file.mimeType, signal);
  }
  /** v2 compare-and-swap (drive-v2.ts); 'gone' when the file no longer exists or is in the trash. */
  async conditionalUpdate(key, fileId, body, mediaType, expected, signal) {
    const limits = { multipartLimit: this.multipartLimit, chunkSize: this.chunkSize };
    const result = await v2ConditionalUpdate(this.http, { api: this.api, upload: this.upload }, limits, { key, fileId, body, mediaType, expected, signal });
    if (result !== "gone") this.wrote(key, fileId);
    return result;
  }
  /**
   * Drive cannot create "only if absent" atomically. We look, create, then look again: when two
   * writers raced, the first-created file wins and the loser removes its own copy and reports
   * precondition-failed, so both end up agreeing on one file.
   */
  async createIfAbsent(key, body, mediaType, signal) {
    if (await this.currentFile(key, signal)) throw preconditionFailed(key, "it already exists");
    const created = await this.createFile(key, body, mediaType, signal);
    const after = await this.findFiles(key, signal, false);
    const winner = pickFirstCreated(after.files.some((f) => f.id === created.id) ? after.files : [...after.files, created]);
    if (winner && winner.id !== created.id) {
      await this.deleteById(created.id, signal, `withdrawing a duplicate ${key}`);
      this.recentWrites.delete(key);
      this.fileIds.set(key, winner.id);
      throw preconditionFailed(key, "another device created it at the same moment");
    }
    return { etag: etagOf(created.id, created.version) };
  }
  async createFile(key, body, mediaType, signal) {
    const { folders, name } = splitKey(key);
    for (let round = 0; ; round++) {
      const parent = await this.ensureFolder(folders, signal);
      const metadata = { name, mimeType: mediaType, parents: [parent.primary] };
      const url = `${this.upload}/upload/drive/v3/files?fields=${encodeURIComponent(FILE_FIELDS)}`;
      const res = await this.sendUpload("POST", url, metadata, body, mediaType, signal, `saving ${key}`, [this.createPacer]);
      let file;
      if (res.status !== 404) {
        file = await res.json();
        if (!file.trashed) {
          this.wrote(key, file.id);
          return file;
        }
        await this.deleteById(file.id, signal, `withdrawing ${key} from a trashed folder`);
      } else {
        await res.body?.cancel();
      }
      if (round > 0) {
        throw new CloudSyncError("not-found", `Could not save ${key}: its folder on Google Drive keeps disappearing or going to the trash. Try again.`);
      }
      this.folders.forget(folders);
      const existing = pickNewest((await this.findFiles(key, signal, false)).files);
      if (existing) {
        const updated = await this.updateContent(existing.id, body, mediaType, signal, `saving ${key}`);
        if (updated) {
          this.wrote(key, updated.id);
          return updated;
        }
      }
    }
  }
  /** Replaces a file's bytes; undefined when the file no longer exists or lives in the trash. */
  async updateContent(id, body, mediaType, signal, context) {
    const url = `${this.upload}/upload/drive/v3/files/${encodeURIComponent(id)}?fields=${encodeURIComponent(FILE_FIELDS)}`;
    const res = await this.sendUpload("PATCH", url, { mimeType: mediaType }, body, mediaType, signal, context);
    if (res.status === 404) {
      await res.body?.cancel();
      return void 0;
    }
    const file = await res.json();
    return file.trashed ? void 0 : file;
  }
  /** Multipart for small bodies, resumable for large ones (drive-upload.ts). `url` has a query already. */
  sendUpload(method, url, metadata, body, mediaType, signal, context, pace) {
    const limits = { multipartLimit: this.multipartLimit, chunkSize: this.chunkSize, random: this.random };
    return sendUpload(this.http, { method, url, metadata, body, mediaType, signal, context, pace }, limits);
  }
  // ---------------------------------------------------------------- list
  async *list(prefix, options = {}) {
    const { signal } = options;
    const { folders, namePrefix } = splitPrefix(prefix);
    let start = await this.folders.resolve(folders, false, signal);
    const basePath = folders.length > 0 ? `${folders.join("/")}/` : "";
    let entries = [];
    if (start) entries = await walkFolders(this.walkDeps, start.all, basePath, namePrefix, signal);
    if (start && entries.length === 0 && start.fromCache && !await this.allFoldersLive(start.all, signal)) {
      this.folders.forget(folders);
      start = await this.folders.resolve(folders, false, signal);
      entries = start ? await walkFolders(this.walkDeps, start.all, basePath, namePrefix, signal) : [];
    }
    entries = await this.addRecentWrites(entries, prefix, signal);
    entries.sort((a, b) => compareBytes(a.key, b.key));
    for (let i = 0; i < entries.length; i += this.listPageSize) yield entries.slice(i, i + this.listPageSize);
  }
  /**
   * Drive's search lags behind its writes: a file this store wrote moments ago may be missing from the
   * listing. Each such file under the prefix is checked by id (files.get sees it at once) and listed when it
   * is still there and not trashed; otherwise it is forgotten.
   */
  async addRecentWrites(entries, prefix, signal) {
    const listed = new Set(entries.map((e) => e.key));
    const now = this.now();
    const extra = [];
    for (const [key, w] of [...this.recentWrites]) {
      if (now - w.at > this.lagToleranceMs) {
        this.recentWrites.delete(key);
        continue;
      }
      if (!key.startsWith(prefix) || listed.has(key)) continue;
      const file = await this.currentFile(key, signal, false);
      if (!file) continue;
      extra.push(listEntryOf(key, file));
    }
    return extra.length ? [...entries, ...extra] : entries;
  }
  // ---------------------------------------------------------------- copy
  async copy(from, to, options = {}) {
    const { signal } = options;
    if (from === to) return;
    const source2 = await this.currentFile(from, signal);
    if (!source2) {
      throw new CloudSyncError("not-found", `Could not copy ${from} on Google Drive: it does not exist (it may have been deleted from another device).`, {
        details: { from, to }
      });
    }
    const { folders, name } = splitKey(to);
    for (let round = 0; ; round++) {
      const existing = await this.filesOf(to, signal);
      const parent = await this.ensureFolder(folders, signal);
      const res = await this.http.send({
        method: "POST",
        url: `${this.api}/drive/v3/files/${encodeURIComponent(source2.id)}/copy?fields=${encodeURIComponent(FILE_FIELDS)}`,
        headers: { "Content-Type": "application/json; charset=UTF-8" },
        body: JSON.stringify({ name, parents: [parent.primary] }),
        accept: [404],
        pace: [this.copyPacer, this.createPacer],
        signal,
        context: `copying ${from} to ${to}`
      });
      let copied;
      if (res.status === 404) await res.body?.cancel();
      else copied = await res.json();
      if (copied?.trashed) await this.deleteById(copied.id, signal, `withdrawing ${to} from a trashed folder`);
      if (!copied || copied.trashed) {
        if (round === 0) {
          this.folders.forget(folders);
          this.forgetKey(from);
          continue;
        }
        throw new CloudSyncError("not-found", `Could not copy ${from} to ${to} on Google Drive: the file or the target folder disappeared. Try again.`);
      }
      this.wrote(to, copied.id);
      for (const old of existing) {
        if (old !== copied.id) await this.deleteById(old, signal, `replacing ${to}`);
      }
      return;
    }
  }
  /** Ids of every file at a key: what a search finds, plus the one we know (a search may not show it yet). */
  async filesOf(key, signal) {
    const ids = new Set((await this.findFiles(key, signal, false)).files.map((f) => f.id));
    const known = this.fileIds.get(key);
    if (known && !ids.has(known)) {
      const file = await this.currentFile(key, signal, false);
      if (file) ids.add(file.id);
    }
    return [...ids];
  }
  // ---------------------------------------------------------------- delete
  async deleteMany(keys, options = {}) {
    const { signal } = options;
    await mapPool([...new Set(keys)], this.concurrency, (key) => this.deleteKey(key, signal));
  }
  async deleteKey(key, signal) {
    let ids;
    try {
      ids = await this.filesOf(key, signal);
      if (ids.length === 0) ids = (await this.findFiles(key, signal)).files.map((f) => f.id);
    } catch (e) {
      if (e instanceof CloudSyncError && e.details.key === key && e.code === "provider-error") return;
      throw e;
    }
    for (const id of ids) await this.deleteById(id, signal, `deleting ${key}`);
    this.forgetKey(key);
  }
  async deleteById(id, signal, context) {
    const res = await this.http.send({
      method: "DELETE",
      url: `${this.api}/drive/v3/files/${encodeURIComponent(id)}`,
      accept: [404],
      signal,
      context
    });
    await res.body?.cancel();
  }
  // ---------------------------------------------------------------- names → ids
  /**
   * All non-folder files named like the key's last segment in its folder and the folder's duplicates
   * (fresh, not cached). `verify`: when nothing is found under folder ids we only remembered, check
   * that they still exist and are not trashed; if one was deleted or trashed (and perhaps recreated by
   * another device), walk the path again. Reads and deletes verify, so "absent" is true; plain writes
   * do not need to, since Drive's answer to a create says when the folder is gone or trashed.
   */
  async findFiles(key, signal, verify = true) {
    const { folders, name } = splitKey(key);
    for (let round = 0; ; round++) {
      const parent = await this.folders.resolve(folders, false, signal);
      if (!parent) return { files: [] };
      const files = [];
      for (const id of parent.all) {
        for (const f of await listFiles(this.http, this.api, buildQuery({ name, parentId: id }), signal, `looking for ${key}`)) {
          if (f.mimeType !== FOLDER_MIME) files.push(f);
        }
      }
      if (verify && files.length === 0 && parent.fromCache && round === 0 && !await this.allFoldersLive(parent.all, signal)) {
        this.folders.forget(folders);
        continue;
      }
      return { files };
    }
  }
  async allFoldersLive(ids, signal) {
    for (const id of ids) {
      const res = await this.http.send({
        method: "GET",
        url: `${this.api}/drive/v3/files/${encodeURIComponent(id)}?fields=id%2Ctrashed`,
        accept: [404],
        signal,
        context: "checking a folder"
      });
      if (res.status === 404) {
        await res.body?.cancel();
        return false;
      }
      if ((await res.json()).trashed) return false;
    }
    return true;
  }
  async ensureFolder(folders, signal) {
    return await this.folders.resolve(folders, true, signal);
  }
};

// src/providers/s3/s3-store.ts
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand as GetObjectCommand2,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCommand
} from "@aws-sdk/client-s3";

// src/providers/object-headers.ts
var METADATA_CACHE_CONTROL = "no-cache, no-store, max-age=0, must-revalidate";
function isMetadataKey(key) {
  return key === "metadata.json";
}
var OBJECT_CACHE_CONTROL = "no-cache";
function defaultHeadersForKey(key) {
  if (isMetadataKey(key)) return { contentType: "application/json", cacheControl: METADATA_CACHE_CONTROL };
  return { contentType: "application/octet-stream", cacheControl: OBJECT_CACHE_CONTROL };
}
function headersForPut(key, given) {
  const d = defaultHeadersForKey(key);
  return { contentType: given.contentType ?? d.contentType, cacheControl: given.cacheControl ?? d.cacheControl };
}

// src/providers/s3/rfc3986.ts
var rfc3986 = (s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
function encodeKeyPath(key) {
  return key.split("/").map(rfc3986).join("/");
}
function pathWouldChange(key) {
  return key.split("/").some((s) => s === "" || s === "." || s === "..");
}
function wireKeyPath(key) {
  return pathWouldChange(key) ? rfc3986(key) : encodeKeyPath(key);
}
var MAX_KEY_BYTES = 1024;
function unaddressableKey(objectKey) {
  if (!wellFormed(objectKey)) return `The name of "${printable(objectKey)}" holds a broken character (a lone UTF-16 surrogate), which no S3 object name can hold: it cannot be synced.`;
  const bytes = new TextEncoder().encode(objectKey).byteLength;
  if (bytes > MAX_KEY_BYTES) return `The name of "${printable(objectKey).slice(0, 80)}…" is ${bytes} bytes long; S3 object names are limited to ${MAX_KEY_BYTES} bytes: it cannot be synced.`;
  return void 0;
}
function wellFormed(s) {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 55296 && c <= 56319) {
      const d = s.charCodeAt(i + 1);
      if (!(d >= 56320 && d <= 57343)) return false;
      i++;
    } else if (c >= 56320 && c <= 57343) return false;
  }
  return true;
}
function printable(s) {
  return s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "�").replace(/[\u0000-\u001f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

// src/providers/s3/copy-source.ts
function encodeCopySource(bucket, key) {
  return `${rfc3986(bucket)}/${wireKeyPath(key)}`;
}

// src/providers/s3/etag.ts
function normalizeEtag(raw) {
  if (raw === void 0 || raw === null) return void 0;
  const t = raw.trim();
  if (t === "") return void 0;
  if (t.startsWith("W/")) return t;
  if (t.startsWith('"') && t.endsWith('"') && t.length >= 2) return t;
  return `"${t}"`;
}

// src/providers/s3/content-md5.ts
function contentMd5Middleware(md5, base64) {
  return (next) => async (args) => {
    const request = args.request;
    const body = request.body;
    if (typeof body === "string" || body instanceof Uint8Array) {
      const hash = new md5();
      hash.update(typeof body === "string" ? new TextEncoder().encode(body) : body);
      const digest = await hash.digest();
      for (const h of Object.keys(request.headers)) {
        const l = h.toLowerCase();
        if (l.startsWith("x-amz-checksum-") || l === "x-amz-sdk-checksum-algorithm" || l === "content-md5") delete request.headers[h];
      }
      request.headers["content-md5"] = base64(digest);
    }
    return next(args);
  };
}

// src/providers/s3/s3-errors.ts
var OPERATION_WORDS = {
  get: "read objects (s3:GetObject)",
  put: "write objects (s3:PutObject)",
  list: "list the bucket (s3:ListBucket)",
  copy: "copy objects (s3:GetObject and s3:PutObject)",
  delete: "delete objects (s3:DeleteObject)",
  multipart: "upload large objects in parts (s3:PutObject, s3:AbortMultipartUpload, s3:ListMultipartUploadParts)"
};
function statusOf(e) {
  const err = e;
  return err?.$metadata?.httpStatusCode ?? err?.$response?.statusCode;
}
function codeOf(e) {
  const err = e;
  const c = err?.Code ?? err?.name;
  if (!c || /^\d+$/.test(c) || c === "Unknown" || c === "UnknownError" || c === "Error") return void 0;
  return c;
}
function isAbortError(e) {
  const name = e?.name;
  return name === "AbortError" || e instanceof DOMException && e.name === "AbortError";
}
function isNetworkError(e) {
  if (statusOf(e) !== void 0) return false;
  if (e instanceof TypeError) return true;
  const err = e;
  const code2 = err?.code ?? "";
  return /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EPIPE|EHOSTUNREACH|ENETUNREACH|UND_ERR_\w+)$/.test(code2) || err?.name === "TimeoutError" || err?.name === "RequestTimeout";
}
function isTimeout(e) {
  const err = e;
  return err?.name === "TimeoutError" || err?.name === "RequestTimeout" || err?.code === "ETIMEDOUT";
}
function where(ctx) {
  return ctx.endpoint ? `${ctx.endpoint} (bucket "${ctx.bucket}")` : `AWS S3 bucket "${ctx.bucket}"`;
}
function make(code2, message, e, ctx, extra = {}) {
  return new CloudSyncError(code2, message, {
    cause: e,
    details: {
      operation: ctx.operation,
      bucket: ctx.bucket,
      ...ctx.key !== void 0 ? { key: ctx.key } : {},
      ...ctx.endpoint ? { endpoint: ctx.endpoint } : {},
      s3Code: codeOf(e),
      status: statusOf(e),
      ...extra
    }
  });
}
function mapS3Error(e, ctx) {
  if (e instanceof CloudSyncError) return e;
  if (isAbortError(e)) {
    return make("aborted", "The request was cancelled before it finished. Nothing is lost; it will run again on the next sync.", e, ctx);
  }
  const code2 = codeOf(e);
  const status = statusOf(e);
  const sdkMessage = e?.message ?? String(e);
  switch (code2) {
    case "InvalidAccessKeyId":
      return make("bad-credentials", `The access key ID is not known to ${where(ctx)}. Check the Access Key in the sync settings (copy it again from your provider's console).`, e, ctx);
    case "SignatureDoesNotMatch":
      return make("bad-credentials", `The secret access key does not match the access key ID. Check the Secret Key in the sync settings (paste it again, without spaces).`, e, ctx);
    case "InvalidToken":
    case "InvalidSecurity":
      return make("bad-credentials", `The storage provider rejected the credentials. Check the Access Key and Secret Key in the sync settings.`, e, ctx);
    case "ExpiredToken":
    case "TokenRefreshRequired":
      return make("expired-credentials", "The credentials have expired. Create new access keys with your storage provider and enter them in the sync settings.", e, ctx);
    case "RequestTimeTooSkewed":
      return make("bad-credentials", "This device's clock is too far from the real time, so the storage provider refuses its signed requests. Set the device's date and time to automatic, then sync again.", e, ctx);
    case "AuthorizationHeaderMalformed":
    case "IllegalLocationConstraintException":
      return make("invalid-settings", `The region "${ctx.region ?? ""}" does not match the bucket's region. Set the region in the sync settings to the one shown for the bucket in your provider's console (Cloudflare R2: "auto").`, e, ctx);
    case "PermanentRedirect":
    case "Redirect":
      return make("invalid-settings", `The bucket "${ctx.bucket}" is in another region than "${ctx.region ?? ""}". Set the region in the sync settings to the bucket's region.`, e, ctx);
    case "NoSuchBucket":
      return make("bucket-not-found", `There is no bucket named "${ctx.bucket}" at ${ctx.endpoint ?? "AWS S3"}. Check the bucket name (and region / endpoint), or create the bucket first.`, e, ctx);
    case "AccessDenied":
    case "AllAccessDisabled":
    case "AccountProblem":
      return make("access-denied", `The credentials are valid but not allowed to ${OPERATION_WORDS[ctx.operation]} in bucket "${ctx.bucket}". Add that permission to the key's policy (see the provider guide).`, e, ctx);
    case "PreconditionFailed":
    case "ConditionalRequestConflict":
      return make("precondition-failed", `"${ctx.key ?? ""}" changed in the cloud while this device was writing it (another device synced at the same time). The sync will re-read it and try again.`, e, ctx);
    case "SlowDown":
    case "TooManyRequests":
    case "Throttling":
    case "ThrottlingException":
    case "RequestLimitExceeded":
    case "ServiceUnavailable":
      return make("throttled", "The storage provider is asking us to slow down (too many requests). The sync will try again in a little while.", e, ctx, { retryAfter: retryAfterOf(e) });
    case "EntityTooLarge":
    case "MaxMessageLengthExceeded":
      return make("too-large", `"${ctx.key ?? ""}" is larger than the storage provider accepts in one object. It was not uploaded.`, e, ctx);
    case "QuotaExceeded":
    case "StorageQuotaExceeded":
    case "StorageCapExceeded":
    case "InsufficientStorage":
      return make("quota-exceeded", "The storage account is full (its quota or spending cap is reached). Free space or raise the cap with your provider, then sync again.", e, ctx);
  }
  if (status === void 0 && isTimeout(e)) {
    return make("cors-or-network", `${where(ctx)} did not answer in time. The connection may be slow or down; the sync will try again.`, e, ctx);
  }
  if (status === void 0 && isNetworkError(e)) {
    if (ctx.crossOrigin) {
      return make(
        "cors-or-network",
        // A bucket that does not exist has no CORS rule either, so the browser hides its "NoSuchBucket" the
        // same way: the name is said, as the first thing to check.
        `The browser could not reach ${where(ctx)}. Either there is no bucket named "${ctx.bucket}" there (check the bucket name, region and endpoint), or the bucket's CORS settings do not allow this page's address (add the CORS configuration shown for your provider); otherwise the network is down.`,
        e,
        ctx,
        { showCors: true }
      );
    }
    return make("cors-or-network", `Could not reach ${where(ctx)} (${sdkMessage}). Check the endpoint address and the network connection.`, e, ctx);
  }
  switch (status) {
    case 401:
      return make("bad-credentials", `The storage provider rejected the credentials. Check the Access Key and Secret Key in the sync settings.`, e, ctx);
    case 403:
      return make("access-denied", `The storage provider refused to ${OPERATION_WORDS[ctx.operation]} in bucket "${ctx.bucket}". Check the key's permissions and the bucket name.`, e, ctx);
    case 301:
    case 307:
      return make("invalid-settings", `The bucket "${ctx.bucket}" is in another region than "${ctx.region ?? ""}". Set the region in the sync settings to the bucket's region.`, e, ctx);
    case 409:
    case 412:
      return make("precondition-failed", `"${ctx.key ?? ""}" changed in the cloud while this device was writing it (another device synced at the same time). The sync will re-read it and try again.`, e, ctx);
    case 413:
      return make("too-large", `"${ctx.key ?? ""}" is larger than the storage provider accepts in one object. It was not uploaded.`, e, ctx);
    case 429:
    case 503:
      return make("throttled", "The storage provider is asking us to slow down (too many requests). The sync will try again in a little while.", e, ctx, { retryAfter: retryAfterOf(e) });
  }
  const what = status ? `HTTP ${status}${code2 ? `, ${code2}` : ""}` : code2 ?? "no response";
  return make("provider-error", `The storage provider answered with an error (${what}: ${sdkMessage}). The sync will try again; if it keeps happening, check the provider's status page.`, e, ctx);
}
function retryAfterOf(e) {
  const h = e?.$response?.headers;
  const v = h?.["retry-after"] ?? h?.["Retry-After"];
  const n = v === void 0 ? NaN : Number(v);
  return Number.isFinite(n) ? n : void 0;
}

// src/providers/s3/multipart-plan.ts
var MIN_PART_SIZE = 5 * 1024 * 1024;
var MAX_PARTS = 1e4;
function planParts(totalBytes, preferredPartSize) {
  let size = Math.max(MIN_PART_SIZE, Math.floor(preferredPartSize));
  if (Math.ceil(totalBytes / size) > MAX_PARTS) size = Math.ceil(totalBytes / MAX_PARTS);
  const parts = [];
  for (let start = 0, n = 1; start < totalBytes || n === 1; start += size, n++) {
    parts.push({ partNumber: n, start, end: Math.min(totalBytes, start + size) });
    if (totalBytes === 0) break;
  }
  return parts;
}

// src/providers/s3/presigned-get.ts
import { GetObjectCommand } from "@aws-sdk/client-s3";

// src/providers/s3/presign-template.ts
var TEMPLATE_SENTINEL = "cloudsync-presign-template";
function templateFrom(r, signing) {
  if (!r.path.endsWith(`/${TEMPLATE_SENTINEL}`)) return void 0;
  if (r.query && Object.keys(r.query).length > 0) return void 0;
  const protocol = r.protocol.endsWith(":") ? r.protocol : `${r.protocol}:`;
  let url;
  try {
    url = new URL(`${protocol}//${r.hostname}${r.port ? `:${r.port}` : ""}${r.path}`);
  } catch {
    return void 0;
  }
  const basePath = r.path.slice(0, -TEMPLATE_SENTINEL.length);
  return {
    base: `${url.origin}${basePath}`,
    basePath,
    host: url.host,
    region: signing.region,
    service: "s3",
    accessKeyId: signing.accessKeyId,
    expiresIn: "900",
    ...signing.sessionToken ? { sessionToken: signing.sessionToken } : {}
  };
}
var enc = new TextEncoder();
var hex = (b) => Array.from(new Uint8Array(b), (x) => x.toString(16).padStart(2, "0")).join("");
async function hmacKey(raw) {
  return crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
}
async function hmac(key, data) {
  return crypto.subtle.sign("HMAC", key, enc.encode(data));
}
var TemplateSigner = class {
  constructor(t, secretAccessKey) {
    this.t = t;
    this.secretAccessKey = secretAccessKey;
  }
  async url(key, at) {
    const t = this.t;
    const amzDate = at.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
    const day = amzDate.slice(0, 8);
    const scope = `${day}/${t.region}/${t.service}/aws4_request`;
    const params = [
      ["X-Amz-Algorithm", "AWS4-HMAC-SHA256"],
      ["X-Amz-Credential", `${t.accessKeyId}/${scope}`],
      ["X-Amz-Date", amzDate],
      ["X-Amz-Expires", t.expiresIn],
      ["X-Amz-SignedHeaders", "host"]
    ];
    if (t.sessionToken !== void 0) params.push(["X-Amz-Security-Token", t.sessionToken]);
    const query = params.map(([k, v]) => [rfc3986(k), rfc3986(v)]).sort((a, b) => a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0).map(([k, v]) => `${k}=${v}`).join("&");
    const path = wireKeyPath(key);
    const canonical = `GET
${t.basePath}${path}
${query}
host:${t.host}

host
UNSIGNED-PAYLOAD`;
    const digest = hex(await crypto.subtle.digest("SHA-256", enc.encode(canonical)));
    const toSign = `AWS4-HMAC-SHA256
${amzDate}
${scope}
${digest}`;
    const signature = hex(await hmac(await this.keyFor(day), toSign));
    return `${t.base}${path}?${query}&X-Amz-Signature=${signature}`;
  }
  keyFor(day) {
    if (this.signingKey?.day !== day) {
      const t = this.t;
      const key = (async () => {
        let k = await hmac(await hmacKey(enc.encode(`AWS4${this.secretAccessKey}`)), day);
        k = await hmac(await hmacKey(k), t.region);
        k = await hmac(await hmacKey(k), t.service);
        return hmacKey(await hmac(await hmacKey(k), "aws4_request"));
      })();
      key.catch(() => {
        if (this.signingKey?.key === key) this.signingKey = void 0;
      });
      this.signingKey = { day, key };
    }
    return this.signingKey.key;
  }
};

// src/providers/s3/presigned-get.ts
var PresignedGets = class {
  constructor(client, bucket, credentials) {
    this.client = client;
    this.bucket = bucket;
    this.credentials = credentials;
  }
  /** Starts building the template signer (see url); nothing is sent. */
  prepare() {
    this.signer ??= this.templateSigner();
  }
  /** A presigned GET URL for the object (no request is sent); undefined when none can be made here. */
  async url(key) {
    const signer = await (this.signer ??= this.templateSigner());
    return signer?.url(key, new Date(Date.now() + (this.client.config.systemClockOffset ?? 0)));
  }
  /** The SDK builds the request for the sentinel key; its address is the template for every key of the bucket. */
  async templateSigner() {
    try {
      const command = new GetObjectCommand({ Bucket: this.bucket, Key: TEMPLATE_SENTINEL });
      let built;
      const capture = () => async (args) => {
        built = args.request;
        return { output: { $metadata: {} }, response: {} };
      };
      command.middlewareStack.add(capture, { step: "build", priority: "low", name: "cloudsyncPresignTemplate" });
      await this.client.send(command);
      if (!built) return void 0;
      const region = await this.client.config.region();
      const template = templateFrom(built, { region, accessKeyId: this.credentials.accessKeyId, sessionToken: this.credentials.sessionToken });
      return template ? new TemplateSigner(template, this.credentials.secretAccessKey) : void 0;
    } catch {
      return void 0;
    }
  }
  /**
   * Reads the object through a presigned URL. Otherwise: 'missing' (404 NoSuchKey), 'answered' (another status
   * than 200: refused, throttled…) or 'unreachable' (network or CORS failure, timeout, no exposed ETag); either way, ask
   * the signed way. An abort from `signal` is thrown as is.
   */
  async read(key, signal, timeoutMs) {
    const url = await this.url(key);
    if (url === void 0) return "unreachable";
    const controller = new AbortController();
    const onAbort = () => controller.abort(signal?.reason);
    signal?.addEventListener("abort", onAbort, { once: true });
    const timer = timeoutMs > 0 ? setTimeout(() => controller.abort(), timeoutMs) : void 0;
    try {
      const res = await fetch(url, { cache: "no-store", credentials: "omit", signal: controller.signal });
      if (res.status === 404) {
        const text = await res.text().catch(() => "");
        return /<Code>NoSuchKey<\/Code>/.test(text) ? "missing" : "answered";
      }
      if (res.status !== 200) {
        await res.body?.cancel().catch(() => void 0);
        return "answered";
      }
      const etag = normalizeEtag(res.headers.get("etag") ?? void 0);
      if (etag === void 0) {
        await res.body?.cancel().catch(() => void 0);
        return "unreachable";
      }
      const body = new Uint8Array(await res.arrayBuffer());
      const contentType = res.headers.get("content-type");
      const lastModified = Date.parse(res.headers.get("last-modified") ?? "");
      return { body, etag, ...contentType ? { contentType } : {}, ...Number.isFinite(lastModified) ? { lastModified } : {} };
    } catch (e) {
      if (signal?.aborted) throw e;
      return "unreachable";
    } finally {
      if (timer !== void 0) clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    }
  }
};

// src/providers/s3/s3-store.ts
var MiB = 1024 * 1024;
var DELETE_BATCH = 1e3;
var S3Store = class {
  constructor(settings) {
    this.kind = "s3";
    /** Set once a provider refuses DeleteObjects (GCS XML, older MinIO): delete one by one after that. */
    this.singleDeletes = false;
    /** HEAD answers showed no ETag: conditional reads go as a GET with If-None-Match instead. */
    this.headHidesEtag = false;
    this.settings = settings;
    const endpoint = settings.endpoint?.trim() || void 0;
    this.client = new S3Client({
      region: settings.region,
      endpoint,
      forcePathStyle: settings.forcePathStyle ?? endpoint !== void 0,
      credentials: {
        accessKeyId: settings.accessKeyId,
        secretAccessKey: settings.secretAccessKey,
        ...settings.sessionToken ? { sessionToken: settings.sessionToken } : {}
      },
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
      retryMode: "standard",
      maxAttempts: settings.maxAttempts ?? 4,
      // throwOnRequestTimeout: Node's handler only warns otherwise (the browser's fetch handler always rejects).
      // No fetch cache mode here: 'no-store' or 'no-cache' would also bypass the CORS preflight cache (a preflight
      // per request). Stale reads are prevented by the Cache-Control our objects carry (object-headers.ts).
      requestHandler: { requestTimeout: settings.requestTimeoutMs ?? 12e4, throwOnRequestTimeout: true }
    });
    this.client.middlewareStack.add(dropOperationIdQuery, { step: "build", name: "cloudsyncDropXId" });
    this.client.middlewareStack.add(exactKeyPath, { step: "build", name: "cloudsyncExactKeyPath" });
    this.capabilities = {
      conditionalPut: endpoint === void 0,
      conditionalGet: true,
      serverSideCopy: true,
      ...settings.capabilities
    };
    this.crossOrigin = isCrossOrigin(endpoint ?? awsOrigin(settings), settings.pageOrigin);
    if ((settings.getMode ?? (this.crossOrigin ? "presigned" : "signed")) === "presigned") this.presigned = new PresignedGets(this.client, settings.bucket, {
      accessKeyId: settings.accessKeyId,
      secretAccessKey: settings.secretAccessKey,
      ...settings.sessionToken ? { sessionToken: settings.sessionToken } : {}
    });
  }
  prepare() {
    this.presigned?.prepare();
  }
  async get(key, options = {}) {
    const signal = options.signal;
    checkSignal(signal, this.ctx("get", key));
    checkKey(key);
    const mode = this.headHidesEtag ? "header" : this.settings.conditionalGetMode ?? (this.crossOrigin ? "head" : "header");
    if (options.ifNoneMatch !== void 0 && mode === "head") {
      const current = await this.headEtag(key, signal);
      if (current === HIDDEN) {
        this.headHidesEtag = true;
        return this.get(key, options);
      }
      if (current === void 0) return this.get(key, { signal });
      if (current === REFUSED) {
        const got = await this.get(key, { signal });
        return got.kind === "found" && got.etag === normalizeEtag(options.ifNoneMatch) ? { kind: "not-modified", etag: got.etag } : got;
      }
      if (current === normalizeEtag(options.ifNoneMatch)) return { kind: "not-modified", etag: current };
      return this.get(key, { signal });
    }
    let presigned;
    if (options.ifNoneMatch === void 0 && this.presigned) {
      const read = await this.presigned.read(key, signal, this.settings.requestTimeoutMs ?? 12e4).catch((e) => {
        throw mapS3Error(e, this.ctx("get", key));
      });
      if (typeof read === "object") return { kind: "found", ...read, etagOfBody: true };
      if (read === "missing") return { kind: "not-found" };
      presigned = read;
    }
    try {
      const res = await this.client.send(
        new GetObjectCommand2({ Bucket: this.settings.bucket, Key: key, IfNoneMatch: options.ifNoneMatch }),
        { abortSignal: signal }
      );
      const body = res.Body ? await res.Body.transformToByteArray() : new Uint8Array(0);
      const etag = normalizeEtag(res.ETag);
      if (etag === void 0) throw missingEtag(this.ctx("get", key));
      if (presigned === "unreachable") this.presigned = void 0;
      return {
        kind: "found",
        body,
        etag,
        etagOfBody: true,
        ...res.ContentType ? { contentType: res.ContentType } : {},
        ...res.LastModified ? { lastModified: res.LastModified.getTime() } : {}
      };
    } catch (e) {
      const status = statusOf(e);
      if (status === 304) return { kind: "not-modified", etag: options.ifNoneMatch };
      if (status === 404 || codeOf(e) === "NoSuchKey") {
        if (codeOf(e) === "NoSuchBucket") throw mapS3Error(e, this.ctx("get", key));
        return { kind: "not-found" };
      }
      throw mapS3Error(e, this.ctx("get", key));
    }
  }
  /**
   * The object's current ETag, undefined when there is no such object, HIDDEN when the answer shows none,
   * REFUSED for a 403 whose reason a HEAD cannot carry.
   */
  async headEtag(key, signal) {
    try {
      const res = await this.client.send(new HeadObjectCommand({ Bucket: this.settings.bucket, Key: key }), { abortSignal: signal });
      return normalizeEtag(res.ETag) ?? HIDDEN;
    } catch (e) {
      if (statusOf(e) === 404 && codeOf(e) !== "NoSuchBucket") return void 0;
      if (statusOf(e) === 403 && !namedRefusal(e)) return REFUSED;
      throw mapS3Error(e, this.ctx("get", key));
    }
  }
  async put(key, body, options = {}) {
    const signal = options.signal;
    checkSignal(signal, this.ctx("put", key));
    checkKey(key);
    const headers = headersForPut(key, options);
    const threshold = this.settings.multipartThreshold ?? 8 * MiB;
    try {
      if (body.byteLength > threshold) return await this.putMultipart(key, body, headers, options);
      const res = await this.client.send(
        new PutObjectCommand({
          Bucket: this.settings.bucket,
          Key: key,
          Body: body,
          ContentLength: body.byteLength,
          ContentType: headers.contentType,
          CacheControl: headers.cacheControl,
          IfMatch: options.ifMatch,
          IfNoneMatch: options.ifNoneMatch
        }),
        { abortSignal: signal }
      );
      const etag = normalizeEtag(res.ETag);
      if (etag === void 0) throw missingEtag(this.ctx("put", key));
      return { etag };
    } catch (e) {
      throw this.putError(e, key, options);
    }
  }
  async *list(prefix, options = {}) {
    const signal = options.signal;
    let token;
    do {
      checkSignal(signal, this.ctx("list"));
      let res;
      try {
        res = await this.client.send(
          new ListObjectsV2Command({ Bucket: this.settings.bucket, Prefix: prefix, ContinuationToken: token }),
          { abortSignal: signal }
        );
      } catch (e) {
        throw mapS3Error(e, this.ctx("list"));
      }
      const page = [];
      for (const o of res.Contents ?? []) {
        if (o.Key === void 0) continue;
        const etag = normalizeEtag(o.ETag);
        page.push({
          key: o.Key,
          size: o.Size ?? 0,
          ...etag ? { etag } : {},
          ...o.LastModified ? { lastModified: o.LastModified.getTime() } : {}
        });
      }
      if (page.length > 0) yield page;
      token = res.IsTruncated === false ? void 0 : res.NextContinuationToken;
    } while (token);
  }
  async copy(from, to, options = {}) {
    const signal = options.signal;
    checkSignal(signal, this.ctx("copy", from));
    checkKey(from);
    checkKey(to);
    try {
      await this.client.send(
        new CopyObjectCommand({ Bucket: this.settings.bucket, Key: to, CopySource: encodeCopySource(this.settings.bucket, from) }),
        { abortSignal: signal }
      );
    } catch (e) {
      if (codeOf(e) === "NoSuchKey" || statusOf(e) === 404 && codeOf(e) !== "NoSuchBucket") {
        throw new CloudSyncError("not-found", `Could not copy "${from}": it is not in the cloud storage (it may have been deleted by another device).`, {
          cause: e,
          details: { key: from, to }
        });
      }
      throw mapS3Error(e, this.ctx("copy", from));
    }
  }
  async deleteMany(keys, options = {}) {
    const signal = options.signal;
    keys = keys.filter((k) => unaddressableKey(k) === void 0);
    for (let i = 0; i < keys.length; i += DELETE_BATCH) {
      checkSignal(signal, this.ctx("delete"));
      const batch = keys.slice(i, i + DELETE_BATCH);
      if (this.singleDeletes) {
        await this.deleteOneByOne(batch, signal);
        continue;
      }
      try {
        const command = new DeleteObjectsCommand({
          Bucket: this.settings.bucket,
          Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true }
        });
        command.middlewareStack.add(contentMd5Middleware(this.client.config.md5, this.client.config.base64Encoder), {
          step: "build",
          priority: "low",
          name: "cloudsyncContentMd5"
        });
        const res = await this.client.send(command, { abortSignal: signal });
        const failed = (res.Errors ?? []).filter((x) => x.Code !== "NoSuchKey");
        if (failed.length > 0) {
          const first = failed[0];
          throw mapS3Error(
            { name: first.Code, message: first.Message, $metadata: {} },
            this.ctx("delete", first.Key)
          );
        }
      } catch (e) {
        if (e instanceof CloudSyncError) throw e;
        if (multiDeleteRefused(e)) {
          this.singleDeletes = true;
          await this.deleteOneByOne(batch, signal);
          continue;
        }
        throw mapS3Error(e, this.ctx("delete", batch[0]));
      }
    }
  }
  async deleteOneByOne(keys, signal) {
    await mapPool(keys, 8, async (Key) => {
      try {
        await this.client.send(new DeleteObjectCommand({ Bucket: this.settings.bucket, Key }), { abortSignal: signal });
      } catch (e) {
        if (statusOf(e) === 404 && codeOf(e) !== "NoSuchBucket") return;
        throw mapS3Error(e, this.ctx("delete", Key));
      }
    });
  }
  async putMultipart(key, body, headers, options) {
    const signal = options.signal;
    const Bucket = this.settings.bucket;
    const created = await this.client.send(
      new CreateMultipartUploadCommand({ Bucket, Key: key, ContentType: headers.contentType, CacheControl: headers.cacheControl }),
      { abortSignal: signal }
    );
    const UploadId = created.UploadId;
    if (!UploadId) throw new CloudSyncError("provider-error", "The storage provider did not start the large upload (no upload id). Try again later.", { details: { key } });
    try {
      const parts = planParts(body.byteLength, this.settings.partSize ?? 8 * MiB);
      const etags = new Array(parts.length);
      await mapPool(parts, this.settings.partConcurrency ?? 4, async (p) => {
        checkSignal(signal, this.ctx("put", key));
        const res = await this.client.send(
          new UploadPartCommand({
            Bucket,
            Key: key,
            UploadId,
            PartNumber: p.partNumber,
            Body: body.subarray(p.start, p.end),
            ContentLength: p.end - p.start
          }),
          { abortSignal: signal }
        );
        const etag2 = normalizeEtag(res.ETag);
        if (etag2 === void 0) throw missingEtag(this.ctx("multipart", key));
        etags[p.partNumber - 1] = etag2;
      });
      const done = await this.client.send(
        new CompleteMultipartUploadCommand({
          Bucket,
          Key: key,
          UploadId,
          MultipartUpload: { Parts: parts.map((p) => ({ PartNumber: p.partNumber, ETag: etags[p.partNumber - 1] })) },
          IfMatch: options.ifMatch,
          IfNoneMatch: options.ifNoneMatch
        }),
        { abortSignal: signal }
      );
      const etag = normalizeEtag(done.ETag);
      if (etag === void 0) throw missingEtag(this.ctx("put", key));
      return { etag };
    } catch (e) {
      await this.client.send(new AbortMultipartUploadCommand({ Bucket, Key: key, UploadId })).catch(() => void 0);
      throw e;
    }
  }
  putError(e, key, options) {
    if (options.ifMatch !== void 0 && (codeOf(e) === "NoSuchKey" || statusOf(e) === 404 && codeOf(e) !== "NoSuchBucket")) {
      return mapS3Error({ name: "PreconditionFailed", $metadata: { httpStatusCode: 412 }, cause: e }, this.ctx("put", key));
    }
    return mapS3Error(e, this.ctx("put", key));
  }
  ctx(operation, key) {
    return {
      operation,
      bucket: this.settings.bucket,
      key,
      region: this.settings.region,
      endpoint: this.settings.endpoint?.trim() || void 0,
      crossOrigin: this.crossOrigin
    };
  }
};
function createS3Store(settings) {
  return new S3Store(settings);
}
var dropOperationIdQuery = (next) => async (args) => {
  const req = args.request;
  if (req?.query && "x-id" in req.query) delete req.query["x-id"];
  return next(args);
};
var exactKeyPath = (next) => async (args) => {
  const key = args.input?.Key;
  const req = args.request;
  if (typeof key === "string" && typeof req?.path === "string" && pathWouldChange(key)) {
    const asSegments = encodeKeyPath(key);
    if (req.path.endsWith(asSegments)) req.path = req.path.slice(0, req.path.length - asSegments.length) + wireKeyPath(key);
  }
  return next(args);
};
function multiDeleteRefused(e) {
  const status = statusOf(e);
  return codeOf(e) === "NotImplemented" || status === 501 || status === 405 || status === 400;
}
function checkKey(key) {
  const problem = unaddressableKey(key);
  if (problem) throw new CloudSyncError("bad-key", problem, { details: { key } });
}
var HIDDEN = /* @__PURE__ */ Symbol("etag hidden");
var REFUSED = /* @__PURE__ */ Symbol("refused");
function namedRefusal(e) {
  const code2 = codeOf(e);
  return code2 !== void 0 && code2 !== "Forbidden" && code2 !== "NotFound";
}
function checkSignal(signal, ctx) {
  if (signal?.aborted) throw mapS3Error(Object.assign(new Error("aborted"), { name: "AbortError" }), ctx);
}
function missingEtag(ctx) {
  return new CloudSyncError(
    "cors-or-network",
    `The storage provider's answer had no ETag header. The bucket's CORS configuration must expose "ETag" (ExposeHeaders); add the CORS configuration shown for your provider, then try again.`,
    { details: { operation: ctx.operation, bucket: ctx.bucket, key: ctx.key, showCors: true } }
  );
}
function awsOrigin(settings) {
  return `https://${settings.bucket}.s3.${settings.region}.amazonaws.com`;
}
function isCrossOrigin(endpoint, pageOrigin) {
  const page = pageOrigin ?? globalThis.location?.origin;
  if (!page || page === "null") return false;
  try {
    return new URL(endpoint).origin !== page;
  } catch {
    return true;
  }
}

// src/crypto/bytes.ts
var encoder2 = new TextEncoder();
var decoder = new TextDecoder();
function utf8Encode(text) {
  return encoder2.encode(text);
}
function utf8Decode(bytes) {
  return decoder.decode(bytes);
}
function concatBytes(parts) {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
function bytesToBinaryString(bytes) {
  let s = "";
  for (let i = 0; i < bytes.length; i += 32768) {
    s += String.fromCharCode(...bytes.subarray(i, i + 32768));
  }
  return s;
}
function bytesToBase64(bytes) {
  return btoa(bytesToBinaryString(bytes));
}
function bytesToBase64Url(bytes) {
  return bytesToBase64(bytes).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}
function bytesToHex(bytes) {
  let s = "";
  for (const b of bytes) s += b.toString(16).padStart(2, "0");
  return s;
}
function toArrayBufferView(bytes) {
  return bytes.buffer instanceof ArrayBuffer ? bytes : new Uint8Array(bytes);
}

// src/crypto/keys.ts
var HASH_KEY_SALT = "typingmind-cloudsync/content-hash/v1";
var HASH_KEY_ITERATIONS = 21e4;
function subtle() {
  return globalThis.crypto.subtle;
}
async function contentKeyBytes(password) {
  return new Uint8Array(await subtle().digest("SHA-256", toArrayBufferView(utf8Encode(password))));
}
async function importContentKey(password) {
  const raw = await contentKeyBytes(password);
  try {
    return await subtle().importKey("raw", toArrayBufferView(raw), { name: "AES-GCM" }, false, ["encrypt", "decrypt"]);
  } finally {
    raw.fill(0);
  }
}
async function deriveHashKey(password) {
  const base = await subtle().importKey("raw", toArrayBufferView(utf8Encode(password)), "PBKDF2", false, ["deriveKey"]);
  return subtle().deriveKey(
    { name: "PBKDF2", hash: "SHA-256", salt: toArrayBufferView(utf8Encode(HASH_KEY_SALT)), iterations: HASH_KEY_ITERATIONS },
    base,
    { name: "HMAC", hash: "SHA-256", length: 256 },
    false,
    ["sign", "verify"]
  );
}

// src/crypto/keyed-hash.ts
async function keyedHash(hashKey, bytes) {
  const data = typeof bytes === "string" ? utf8Encode(bytes) : bytes;
  const mac = await globalThis.crypto.subtle.sign("HMAC", hashKey, toArrayBufferView(data));
  return bytesToBase64Url(new Uint8Array(mac));
}

// src/crypto/deflate.ts
function canDecompress() {
  return typeof globalThis.DecompressionStream === "function";
}
function source(bytes) {
  return new ReadableStream({
    start(controller) {
      controller.enqueue(toArrayBufferView(bytes));
      controller.close();
    }
  });
}
async function drain(stream, stopWhen) {
  const reader = stream.getReader();
  const chunks = [];
  let length = 0;
  let checked = !stopWhen;
  try {
    for (; ; ) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      length += value.length;
      if (!checked && length >= 8) {
        checked = true;
        if (stopWhen(concatBytes(chunks))) {
          await reader.cancel().catch(() => void 0);
          return null;
        }
      }
    }
  } finally {
    reader.releaseLock();
  }
  return concatBytes(chunks);
}
async function transform(bytes, stream) {
  const body = new Response(toArrayBufferView(bytes)).body;
  return new Uint8Array(await new Response(body.pipeThrough(stream)).arrayBuffer());
}
async function inflateRaw(bytes, abortIf) {
  if (!abortIf) return transform(bytes, new DecompressionStream("deflate-raw"));
  const out = await drain(source(bytes).pipeThrough(new DecompressionStream("deflate-raw")), abortIf);
  if (out && abortIf && out.length < 8 && abortIf(out)) return null;
  return out;
}

// src/crypto/envelope.ts
var IV_LENGTH = 12;
var TAG_LENGTH = 16;
var MIN_OBJECT_LENGTH = IV_LENGTH + TAG_LENGTH;
function corruptObject(objectKey, reason, cause) {
  return new CloudSyncError(
    "corrupt-object",
    `The cloud object "${objectKey}" is damaged or is not in a format this extension knows (${reason}). It was skipped and nothing local was changed. Restoring it from a backup, or syncing it again from a device that still has the data, replaces it.`,
    { cause, details: { objectKey, reason } }
  );
}
async function open(key, object, objectKey) {
  if (!(object instanceof Uint8Array) || object.length < MIN_OBJECT_LENGTH) {
    const length = object instanceof Uint8Array ? object.length : 0;
    throw corruptObject(objectKey, `${length} bytes, shorter than the ${MIN_OBJECT_LENGTH}-byte minimum`);
  }
  try {
    const pt = await globalThis.crypto.subtle.decrypt(
      { name: "AES-GCM", iv: toArrayBufferView(object.slice(0, IV_LENGTH)) },
      key,
      toArrayBufferView(object.slice(IV_LENGTH))
    );
    return new Uint8Array(pt);
  } catch (cause) {
    throw new CloudSyncError(
      "wrong-password",
      `The cloud object "${objectKey}" could not be decrypted with this encryption password. Either the password is not the one this bucket was encrypted with, or the object was damaged. Check the encryption key in the settings (it must match the one used on your other devices). Nothing was changed.`,
      { cause, details: { objectKey } }
    );
  }
}

// src/crypto/json-codec.ts
function tryParse(text) {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, error };
  }
}
async function decodeJsonPayload(plaintext, objectKey) {
  return (await decodeJsonPayloadText(plaintext, objectKey)).value;
}
async function decodeJsonPayloadText(plaintext, objectKey) {
  if (canDecompress()) {
    try {
      const inflated = await inflateRaw(plaintext);
      if (inflated) {
        const text2 = utf8Decode(inflated);
        const parsed2 = tryParse(text2);
        if (parsed2.ok) return { value: parsed2.value, text: text2, bytes: inflated };
      }
    } catch {
    }
  }
  const text = utf8Decode(plaintext);
  const parsed = tryParse(text);
  if (parsed.ok) return { value: parsed.value, text, bytes: plaintext };
  throw corruptObject(objectKey, "the decrypted content is neither compressed JSON nor JSON", parsed.error);
}
async function decryptJson(key, object, objectKey) {
  return decodeJsonPayload(await open(key, object, objectKey), objectKey);
}
async function decryptJsonText(key, object, objectKey) {
  return decodeJsonPayloadText(await open(key, object, objectKey), objectKey);
}

// src/crypto/bytes-codec.ts
var OPEN_BRACE = 123;
function looksLikeIndexedObject(prefix) {
  if (prefix.length === 0 || prefix[0] !== OPEN_BRACE) return false;
  const head = utf8Decode(prefix.subarray(0, 5));
  return head === "{}" || head.startsWith('{"0":') || '{"0":'.startsWith(head);
}
function bytesFromIndexedJson(text) {
  let value;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) return null;
  const keys = Object.keys(value);
  const out = new Uint8Array(keys.length);
  const record = value;
  for (let i = 0; i < keys.length; i++) {
    const b = record[String(i)];
    if (typeof b !== "number" || !Number.isInteger(b) || b < 0 || b > 255) return null;
    out[i] = b;
  }
  return out;
}
async function decryptBytes(key, object, objectKey) {
  const plaintext = await open(key, object, objectKey);
  return await recoverQuirkBytes(plaintext) ?? plaintext;
}
async function recoverQuirkBytes(plaintext) {
  if (canDecompress()) {
    try {
      const inflated = await inflateRaw(plaintext, (prefix) => !looksLikeIndexedObject(prefix));
      if (inflated && looksLikeIndexedObject(inflated)) {
        const rebuilt = bytesFromIndexedJson(utf8Decode(inflated));
        if (rebuilt) return rebuilt;
      }
    } catch {
    }
  }
  if (plaintext.length > 2 && plaintext[0] === OPEN_BRACE && looksLikeIndexedObject(plaintext)) {
    const rebuilt = bytesFromIndexedJson(utf8Decode(plaintext));
    if (rebuilt && rebuilt.length > 0) return rebuilt;
  }
  return null;
}

// src/backup/backup-folder.ts
function normaliseBackupFolder(input) {
  let s = typeof input === "string" ? input.trim() : "";
  const manifestSuffix = "/" + BACKUP_MANIFEST_NAME;
  if (s.endsWith(manifestSuffix)) s = s.slice(0, -manifestSuffix.length);
  while (s.endsWith("/")) s = s.slice(0, -1);
  const name = s.startsWith(BACKUPS_PREFIX) ? s.slice(BACKUPS_PREFIX.length) : s;
  if (name === "" || s === BACKUPS_PREFIX.slice(0, -1) || name.includes("/") || name === "." || name === ".." || BACKUPS_PREFIX + name === MANIFEST_INDEX_KEY) {
    throw new CloudSyncError(
      "not-found",
      `"${String(input)}" is not the name of a backup folder. Choose a backup from the list of available backups.`,
      { details: { folder: input } }
    );
  }
  return BACKUPS_PREFIX + name;
}

// src/host/mime-sniff.ts
var GENERIC_MIME = "application/octet-stream";
var SNIFF_BYTES = 12;
function startsWith(bytes, prefix, at = 0) {
  if (bytes.length < at + prefix.length) return false;
  return prefix.every((b, i) => bytes[at + i] === b);
}
var RIFF = [82, 73, 70, 70];
var WEBP = [87, 69, 66, 80];
function sniffMimeType(bytes) {
  if (startsWith(bytes, [137, 80, 78, 71])) return "image/png";
  if (startsWith(bytes, [255, 216, 255])) return "image/jpeg";
  if (startsWith(bytes, [71, 73, 70])) return "image/gif";
  if (startsWith(bytes, RIFF) && startsWith(bytes, WEBP, 8)) return "image/webp";
  if (startsWith(bytes, [37, 80, 68, 70])) return "application/pdf";
  return GENERIC_MIME;
}
function needsSniffing(type) {
  return !type || type === GENERIC_MIME;
}
function usefulMimeType(type, bytes) {
  return needsSniffing(type) ? sniffMimeType(bytes.subarray(0, SNIFF_BYTES)) : type;
}

// src/sync/item-codec.ts
var enc2 = new TextEncoder();
function concat(a, b) {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
function prefixed(head, text) {
  return concat(enc2.encode(head), typeof text === "string" ? enc2.encode(text) : text);
}
async function blobBytes(blob) {
  return new Uint8Array(await blob.arrayBuffer());
}
async function encodeItem(item, hashKey) {
  const { key, type, value } = item;
  if (type === "blob") {
    const blob = value;
    return encodedBlob(key, await blobBytes(blob), blob.type ?? "", blob, hashKey);
  }
  if (type === "ls") {
    const text2 = JSON.stringify({ key, value: String(value) });
    return { key, type, hash: await keyedHash(hashKey, prefixed("ls\n", text2)), text: text2, value };
  }
  const { text, dates } = cloudText(value);
  if (text === void 0) {
    throw new CloudSyncError("corrupt-object", `The item "${key}" has no JSON form (undefined) and cannot be synced.`, { details: { key } });
  }
  const hash = await keyedHash(hashKey, prefixed(`idb
${(dates ?? []).join("")}
`, text));
  return { key, type, hash, text, dates, value };
}
async function encodedBlob(key, bytes, mime, value, hashKey, proven) {
  const hash = proven ?? await keyedHash(hashKey, prefixed(`blob
${usefulMimeType(mime, bytes)}
`, bytes));
  return { key, type: "blob", hash, bytes, mime, value };
}
function provenHash(entry, etagOfBody) {
  return typeof entry.tcsHash === "string" && typeof entry.tcsEtag === "string" && etagOfBody !== void 0 && entry.tcsEtag === etagOfBody ? entry.tcsHash : void 0;
}
function downloadedBlobType(entry, bytes) {
  if (typeof entry.tcsBlobType === "string") return entry.tcsBlobType;
  return usefulMimeType(typeof entry.blobType === "string" ? entry.blobType : "", bytes);
}
async function decodeObject(key, entry, body, keys, objectKey, etagOfBody) {
  const proven = provenHash(entry, etagOfBody);
  if (entry.type === "blob") {
    const bytes = await decryptBytes(keys.contentKey, body, objectKey);
    const blob = new Blob([bytes], { type: downloadedBlobType(entry, bytes) });
    return encodedBlob(key, bytes, blob.type, blob, keys.hashKey, proven);
  }
  if (entry.type === "idb") return decodeIdbObject(key, entry, body, keys, objectKey, proven);
  const json = await decryptJson(keys.contentKey, body, objectKey);
  if (entry.type === "ls") {
    const w = json;
    if (!w || typeof w !== "object" || typeof w.value !== "string") {
      throw new CloudSyncError("corrupt-object", `The object ${objectKey} is not a localStorage item (no string "value"); it was skipped.`, {
        details: { objectKey }
      });
    }
    if (w.key !== void 0 && w.key !== key) {
      throw new CloudSyncError("corrupt-object", `The object ${objectKey} holds the item "${String(w.key)}", not "${key}"; it was skipped.`, {
        details: { objectKey }
      });
    }
    return encodeItem({ key, type: "ls", value: w.value }, keys.hashKey);
  }
  const value = fromCloudValue(json, entry.tcsDates);
  return encodeItem({ key, type: "idb", value }, keys.hashKey);
}
async function decodeIdbObject(key, entry, body, keys, objectKey, proven) {
  const decoded = await decryptJsonText(keys.contentKey, body, objectKey);
  const value = fromCloudValue(decoded.value, entry.tcsDates);
  const dates = Array.isArray(entry.tcsDates) && entry.tcsDates.every((d) => typeof d === "string") ? entry.tcsDates : void 0;
  if (typeof entry.tcsHash === "string" && (dates !== void 0 || entry.tcsDates === void 0)) {
    const hash = proven ?? await keyedHash(keys.hashKey, prefixed(`idb
${(dates ?? []).join("")}
`, decoded.bytes));
    if (hash === entry.tcsHash) return { key, type: "idb", hash, text: decoded.text, ...dates?.length ? { dates } : {}, value };
  }
  return encodeItem({ key, type: "idb", value }, keys.hashKey);
}

// src/backup/backup-info.ts
function backupInfoFromManifest(m) {
  return {
    folder: m.backupFolder,
    name: m.name,
    kind: manifestKind(m) === "snapshot" ? "snapshot" : "daily",
    created: m.created,
    totalItems: m.totalItems,
    format: m.format
  };
}
function sortNewestFirst(list) {
  return [...list].sort((a, b) => b.created - a.created || (a.folder < b.folder ? 1 : a.folder > b.folder ? -1 : 0));
}

// src/providers/listed-get.ts
function listingIsConsistent(store) {
  return store.kind === "s3";
}
async function listedGet(store, key, options = {}) {
  if (!listingIsConsistent(store) || options.ifNoneMatch !== void 0) return store.get(key, options);
  if (!await isListed(store, key, options)) return { kind: "not-found" };
  return store.get(key, options);
}
async function isListed(store, key, options = {}) {
  for await (const page of store.list(key, options)) return page.some((e) => e.key === key);
  return false;
}

// src/backup/manifest-index-store.ts
var MANIFEST_PATH = new RegExp(`^${BACKUPS_PREFIX}[^/]+/${BACKUP_MANIFEST_NAME.replace(".", "\\.")}$`);
function isInProgress(m) {
  return m.tcsInProgress === true;
}
async function scanManifests(store, options = {}) {
  const keys = [];
  for await (const page of store.list(BACKUPS_PREFIX, options)) for (const e of page) if (MANIFEST_PATH.test(e.key)) keys.push(e.key);
  const warnings = [];
  const found = await mapPool(keys, 8, async (key) => {
    const res = await store.get(key, options);
    if (res.kind !== "found") return null;
    try {
      return parseManifest(res.body, key);
    } catch (e) {
      warnings.push(isCloudSyncError(e) ? e.message : `Could not read ${key}.`);
      return null;
    }
  });
  const index = found.filter((m) => m !== null && !isInProgress(m));
  index.sort((a, b) => a.created - b.created);
  return { index, warnings };
}
async function readManifestIndex(store, options = {}) {
  const res = await listedGet(store, MANIFEST_INDEX_KEY, options);
  if (res.kind === "found") {
    try {
      return { index: parseManifestIndex(res.body), etag: res.etag, rebuilt: false, warnings: [] };
    } catch (e) {
      if (!isCloudSyncError(e, "corrupt-object")) throw e;
      const scan2 = await scanManifests(store, options);
      return { ...scan2, etag: res.etag, rebuilt: true };
    }
  }
  const scan = await scanManifests(store, options);
  return { ...scan, etag: null, rebuilt: true };
}

// src/recovery/source-index.ts
function sourceObjectKey(folder, key, type) {
  return folder === null ? objectKeyFor(key, type) : backupObjectKeyFor(folder, key, type);
}
async function readSourceIndex(store, folder, options = {}) {
  const key = folder === null ? METADATA_KEY : backupMetadataKey(folder);
  const res = await store.get(key, options);
  if (res.kind !== "found") {
    throw new CloudSyncError(
      "not-found",
      folder === null ? "This bucket has no metadata.json: it holds no TypingMind Cloud Sync data (check the bucket name, or the Drive account)." : `The backup "${backupFolderName(folder)}" has no metadata.json, so its items cannot be read.`,
      { details: { objectKey: key } }
    );
  }
  return { folder, meta: parseMetadata(res.body) };
}
async function listBackupsReadOnly(store, options = {}) {
  const read = await readManifestIndex(store, options);
  return { backups: sortNewestFirst(read.index.map(backupInfoFromManifest)), warnings: read.warnings };
}
function findBackup(backups, wanted) {
  let folder;
  try {
    folder = normaliseBackupFolder(wanted);
  } catch {
    folder = void 0;
  }
  const byFolder = backups.find((b) => b.folder === folder);
  if (byFolder) return byFolder;
  const byName = backups.filter((b) => b.name === wanted);
  if (byName.length === 1) return byName[0];
  const list = backups.map((b) => backupFolderName(b.folder)).join(", ") || "none";
  const why = byName.length > 1 ? `${byName.length} backups are named "${wanted}"; give the folder instead.` : `There is no backup "${wanted}".`;
  throw new CloudSyncError("not-found", `${why} Backups in this bucket: ${list}.`, { details: { wanted } });
}

// src/recovery/tagged-json.ts
function isPlainTagLike(obj) {
  const keys = Object.keys(obj);
  return keys.length === 1 && keys[0].startsWith("$");
}
function define(out, k, v) {
  Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
}
function toTagged(value) {
  if (value instanceof Date) return Number.isFinite(value.getTime()) ? { $date: value.toISOString() } : null;
  if (Array.isArray(value)) return value.map((v) => v === void 0 || typeof v === "function" ? null : toTagged(v));
  if (value === null || typeof value !== "object") return typeof value === "number" && !Number.isFinite(value) ? null : value;
  const obj = value;
  const out = {};
  for (const k of Object.keys(obj)) {
    const v = obj[k];
    if (v === void 0 || typeof v === "function") continue;
    define(out, k, toTagged(v));
  }
  return isPlainTagLike(out) ? { $object: out } : out;
}
function blobTag(ref) {
  return { $blob: { type: ref.type, size: ref.size, sha256: ref.sha256, file: ref.file } };
}

// src/recovery/export-item.ts
function isItemError(e) {
  if (!isCloudSyncError(e)) return !(e instanceof DOMException && e.name === "AbortError");
  return e.code === "corrupt-object" || e.code === "wrong-password" || e.code === "bad-key" || e.code === "provider-error" || e.code === "too-large";
}
async function sha256Hex(bytes) {
  return bytesToHex(new Uint8Array(await crypto.subtle.digest("SHA-256", bytes)));
}
function itemJson(key, type, value) {
  return JSON.stringify({ key, type, value }, null, 1) + "\n";
}
async function exportItem(store, folder, key, entry, keys, names, cached, options = {}) {
  const object = sourceObjectKey(folder, key, entry.type);
  const base = { key, type: entry.type, object, lastModified: entry.lastModified, ...typeof entry.tcsHash === "string" ? { tcsHash: entry.tcsHash } : {} };
  let res;
  try {
    res = cached ?? await store.get(object, options);
  } catch (e) {
    if (isItemError(e)) return { record: { ...base, skipped: `could not be downloaded: ${messageOf(e)}` }, files: [] };
    throw e;
  }
  if (res.kind !== "found") return { record: { ...base, skipped: missingReason(folder, entry.type) }, files: [] };
  let decoded;
  try {
    decoded = await decodeObject(key, entry, res.body, keys, object);
  } catch (e) {
    if (!isItemError(e)) throw e;
    const why = isCloudSyncError(e, "wrong-password") ? "could not be decrypted: the object is damaged (the password opened other objects)" : `is unreadable: ${messageOf(e)}`;
    return { record: { ...base, skipped: why }, files: [] };
  }
  const itemFile = `items/${names.item}`;
  if (decoded.type === "blob") {
    const bytes2 = decoded.bytes;
    const sha256 = await sha256Hex(bytes2);
    const attachment = `attachments/${names.attachment}`;
    const mime = decoded.mime ?? "";
    const tag = blobTag({ type: mime, size: bytes2.length, sha256, file: attachment });
    return {
      record: { ...base, file: itemFile, attachment, mime, size: bytes2.length, sha256 },
      files: [
        [attachment, bytes2],
        [itemFile, itemJson(key, "blob", tag)]
      ],
      value: decoded.value
    };
  }
  const text = decoded.text ?? JSON.stringify(decoded.value);
  const bytes = utf8Encode(text);
  return {
    record: { ...base, file: itemFile, size: bytes.length, sha256: await sha256Hex(bytes) },
    files: [[itemFile, itemJson(key, decoded.type, toTagged(decoded.value))]],
    value: decoded.value
  };
}
function missingReason(folder, type) {
  if (folder !== null && type === "blob") {
    return "is not in this backup (the original's snapshots leave attachments out); export the live data, or another backup, to get it";
  }
  return "is listed in metadata.json but its object is missing from the bucket";
}
function messageOf(e) {
  return e instanceof Error ? e.message : String(e);
}

// src/recovery/mime-extension.ts
var EXTENSIONS = {
  "image/png": ".png",
  "image/jpeg": ".jpg",
  "image/jpg": ".jpg",
  "image/gif": ".gif",
  "image/webp": ".webp",
  "image/svg+xml": ".svg",
  "image/bmp": ".bmp",
  "image/tiff": ".tiff",
  "image/heic": ".heic",
  "image/avif": ".avif",
  "application/pdf": ".pdf",
  "application/json": ".json",
  "application/zip": ".zip",
  "application/msword": ".doc",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
  "application/vnd.openxmlformats-officedocument.presentationml.presentation": ".pptx",
  "application/vnd.ms-excel": ".xls",
  "text/plain": ".txt",
  "text/markdown": ".md",
  "text/csv": ".csv",
  "text/html": ".html",
  "text/xml": ".xml",
  "application/xml": ".xml",
  "audio/mpeg": ".mp3",
  "audio/wav": ".wav",
  "audio/x-wav": ".wav",
  "audio/ogg": ".ogg",
  "audio/webm": ".weba",
  "audio/mp4": ".m4a",
  "video/mp4": ".mp4",
  "video/webm": ".webm",
  "video/quicktime": ".mov"
};
function extensionForMime(mime) {
  const base = mime.split(";")[0].trim().toLowerCase();
  return EXTENSIONS[base] ?? ".bin";
}

// src/recovery/password-proof.ts
var CANDIDATES = 3;
function wrongExportPassword() {
  return new CloudSyncError(
    "wrong-password",
    "The encryption password does not open the data in this bucket (or every object tried is damaged). Nothing was written. Use the encryption password from the extension's settings on your devices."
  );
}
async function proveExportPassword(store, folder, entries, keys, options = {}) {
  const read = /* @__PURE__ */ new Map();
  const ordered = [...entries].sort(([, a], [, b]) => Number(a.type === "blob") - Number(b.type === "blob") || (a.size ?? 0) - (b.size ?? 0));
  let wrong = 0;
  let tried = 0;
  for (const [key, entry] of ordered) {
    if (tried >= CANDIDATES) break;
    const objectKey = sourceObjectKey(folder, key, entry.type);
    const res = await store.get(objectKey, options);
    read.set(objectKey, res);
    if (res.kind !== "found") continue;
    tried++;
    try {
      await decodeObject(key, entry, res.body, keys, objectKey);
      return read;
    } catch (e) {
      if (isCloudSyncError(e, "wrong-password")) wrong++;
    }
  }
  if (tried > 0 && wrong === tried) throw wrongExportPassword();
  return read;
}

// src/recovery/safe-names.ts
var SAFE_BYTE = /^[A-Za-z0-9_.-]$/;
var WINDOWS_DEVICE = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\.|$)/i;
var MAX_STEM = 180;
function escapeByte(b) {
  return "%" + b.toString(16).toUpperCase().padStart(2, "0");
}
function keyHash(key) {
  let h = 0xcbf29ce484222325n;
  for (let i = 0; i < key.length; i++) {
    h ^= BigInt(key.charCodeAt(i));
    h = h * 0x100000001b3n & 0xffffffffffffffffn;
  }
  return h.toString(16).padStart(16, "0");
}
var encoder3 = new TextEncoder();
function escapeCodePoint(cp) {
  if (cp.length === 1 && SAFE_BYTE.test(cp)) return cp;
  const unit = cp.charCodeAt(0);
  if (cp.length === 1 && unit >= 55296 && unit <= 57343) return "%u" + unit.toString(16).toUpperCase().padStart(4, "0");
  let out = "";
  for (const b of encoder3.encode(cp)) out += escapeByte(b);
  return out;
}
function escapeKey(key) {
  if (key === "") return "%EMPTY";
  let out = "";
  for (const cp of key) out += escapeCodePoint(cp);
  if (out.startsWith(".")) out = "%2E" + out.slice(1);
  if (out.endsWith(".")) out = out.slice(0, -1) + "%2E";
  if (WINDOWS_DEVICE.test(out)) out = escapeByte(out.charCodeAt(0)) + out.slice(1);
  if (out.length > MAX_STEM) {
    let cut = MAX_STEM - 17;
    const pct = out.lastIndexOf("%", cut - 1);
    if (pct >= 0 && pct + (out[pct + 1] === "u" ? 6 : 3) > cut) cut = pct;
    out = out.slice(0, cut) + "~" + keyHash(key);
  }
  return out;
}
function safeFileNames(keys, extension = () => ".json") {
  const sorted = [...new Set(keys)].sort((a, b) => a < b ? -1 : a > b ? 1 : 0);
  const taken = /* @__PURE__ */ new Map();
  const out = /* @__PURE__ */ new Map();
  for (const key of sorted) {
    const stem = escapeKey(key);
    const ext = extension(key);
    const folded = (stem + ext).toLowerCase();
    const seen = taken.get(folded) ?? 0;
    taken.set(folded, seen + 1);
    out.set(key, seen === 0 ? stem + ext : `${stem}~${seen + 1}${ext}`);
  }
  return out;
}

// src/recovery/typingmind-export.ts
var PLACED_SETTINGS = {
  TM_useFolderList: "folders",
  TM_useUserPrompts: "userPrompts",
  TM_useUserCharacters: "userCharacters"
};
function buildTypingMindExport(items) {
  const chats = items.filter((i) => isChatItem(i.key, i.type) && i.value !== null && typeof i.value === "object").map((i) => ({ key: i.key, chat: i.value })).sort((a, b) => updatedAt(b.chat) - updatedAt(a.chat) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)).map((c) => c.chat);
  const data = { chats };
  for (const i of items) {
    const field = PLACED_SETTINGS[i.key];
    if (field && i.type === "idb") data[field] = i.value;
  }
  return { data };
}
function updatedAt(chat) {
  const v = chat.updatedAt ?? chat.createdAt;
  const t = v instanceof Date ? v.getTime() : typeof v === "string" ? Date.parse(v) : typeof v === "number" ? v : NaN;
  return Number.isFinite(t) ? t : 0;
}

// src/recovery/export-run.ts
async function resolveFolder(store, wanted, options) {
  const { backups } = await listBackupsReadOnly(store, options);
  try {
    return findBackup(backups, wanted).folder;
  } catch (e) {
    let folder;
    try {
      folder = normaliseBackupFolder(wanted);
    } catch {
      throw e;
    }
    const direct = await readSourceIndex(store, folder, options).catch(() => null);
    if (direct) return folder;
    throw e;
  }
}
async function runExport(opts) {
  const { store, sink, signal } = opts;
  const options = { signal };
  const keys = { contentKey: await importContentKey(opts.password), hashKey: await deriveHashKey(opts.password) };
  const folder = opts.backup === void 0 ? null : await resolveFolder(store, opts.backup, options);
  const { meta } = await readSourceIndex(store, folder, options);
  const all = Object.entries(meta.items).sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0);
  const live = all.filter(([, e]) => !isTombstone(e));
  const cached = await proveExportPassword(store, folder, live, keys, options);
  await sink.open();
  const itemNames = safeFileNames(live.map(([k]) => k));
  const entries = new Map(live);
  const attachmentExt = (key) => {
    const e = entries.get(key);
    const ext = extensionForMime(typeof e.blobType === "string" ? e.blobType : typeof e.tcsBlobType === "string" ? e.tcsBlobType : "");
    return escapeKey(key).toLowerCase().endsWith(ext) ? "" : ext;
  };
  const attachmentNames = safeFileNames(live.filter(([, e]) => e.type === "blob").map(([k]) => k), attachmentExt);
  const records = [];
  const kept = [];
  const progress = { done: 0, total: live.length, bytes: 0 };
  opts.onProgress?.({ ...progress });
  await mapPool(live, Math.max(1, opts.concurrency ?? 8), async ([key, entry]) => {
    const names = { item: itemNames.get(key), attachment: attachmentNames.get(key) ?? "" };
    const object = cached.get(sourceObjectKey(folder, key, entry.type));
    const out = await exportItem(store, folder, key, entry, keys, names, object, options);
    for (const [path, data] of out.files) await sink.write(path, data);
    records.push(out.record);
    if (out.value !== void 0 && (isChatItem(key, entry.type) || entry.type === "idb" && PLACED_SETTINGS[key])) kept.push({ key, type: entry.type, value: out.value });
    progress.done++;
    progress.bytes += out.record.size ?? 0;
    opts.onProgress?.({ ...progress });
  });
  records.sort((a, b) => a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
  const source2 = folder === null ? "live" : backupFolderName(folder);
  const summary = {
    source: source2,
    items: records.filter((r) => !r.skipped).length,
    attachments: records.filter((r) => !r.skipped && r.attachment).length,
    chats: kept.filter((k) => isChatItem(k.key, k.type)).length,
    bytes: progress.bytes,
    deleted: all.length - live.length,
    skipped: records.filter((r) => r.skipped).map((r) => ({ key: r.key, reason: r.skipped }))
  };
  const exportedAt = new Date((opts.now ?? Date.now)()).toISOString();
  await sink.write("index.json", JSON.stringify({ source: source2, exportedAt, metadataLastSync: meta.lastSync, summary: { ...summary, skipped: summary.skipped.length }, items: records }, null, 1) + "\n");
  await sink.write("typingmind-export.json", JSON.stringify(buildTypingMindExport(kept)) + "\n");
  return summary;
}

// src/cli/export-args.ts
var USAGE = `Usage: cloudsync-export [options] --out DIR
       cloudsync-export [options] --list-backups

Reads the TypingMind Cloud Sync data in your S3 bucket or Google Drive (written by this extension or the
original V3/V4.2), decrypts it, and writes it to DIR. Reads only; never changes the bucket.

S3 and S3-compatible storage:
  --endpoint URL             S3-compatible endpoint (omit for AWS)
  --region R                 region (default us-east-1; "auto" for Cloudflare R2)
  --bucket B                 bucket name
  --access-key-id K          access key ID           (or CLOUDSYNC_ACCESS_KEY_ID / AWS_ACCESS_KEY_ID)
  --secret-access-key S      secret access key       (or CLOUDSYNC_SECRET_ACCESS_KEY / AWS_SECRET_ACCESS_KEY, or a prompt)
Google Drive:
  --drive-token T            an OAuth access token with a Drive scope (or CLOUDSYNC_DRIVE_TOKEN, or a prompt)
  --drive-api URL            Google's API origin (default https://www.googleapis.com; for tests and proxies)
Both:
  --password P               the encryption password (or CLOUDSYNC_PASSWORD, or a prompt)
  --backup NAME              export one backup (its folder, e.g. typingmind-backup-20261122, or a snapshot's name)
  --list-backups             list the backups and stop
  --out DIR                  where to write (created; must be empty)
  --concurrency N            downloads at once (default 8)
  -h, --help                 this text

Exit status: 0 everything exported; 1 failed (bad options, connection, credentials; a wrong password is
found before anything is written); 2 written, but some items could not be read (listed in the summary and
in DIR/index.json).`;
var VALUE_FLAGS = /* @__PURE__ */ new Set([
  "--endpoint",
  "--region",
  "--bucket",
  "--access-key-id",
  "--secret-access-key",
  "--password",
  "--backup",
  "--out",
  "--drive-token",
  "--drive-api",
  "--concurrency"
]);
var SECRET_FLAGS = /* @__PURE__ */ new Set(["--secret-access-key", "--password", "--drive-token"]);
function nonEmpty(v) {
  return v === void 0 || v === "" ? void 0 : v;
}
function parseExportArgs(argv, env) {
  const flags = /* @__PURE__ */ new Map();
  let listBackups = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "-h" || a === "--help") return { kind: "help" };
    if (a === "--version") return { kind: "version" };
    if (a === "--list-backups") {
      listBackups = true;
      continue;
    }
    const eq = a.indexOf("=");
    const name = a.startsWith("--") && eq > 0 ? a.slice(0, eq) : a;
    if (!VALUE_FLAGS.has(name)) return { kind: "error", message: `Unknown option "${a}". Run cloudsync-export --help for the options.` };
    let value;
    if (name !== a) value = a.slice(eq + 1);
    else {
      value = argv[i + 1];
      if (value === void 0 || value.startsWith("--") && VALUE_FLAGS.has(value)) return { kind: "error", message: `The option ${name} needs a value.` };
      i++;
    }
    if (flags.has(name)) return { kind: "error", message: `The option ${name} is given twice.` };
    flags.set(name, value);
  }
  const onCommandLine = [...flags.keys()].filter((f) => SECRET_FLAGS.has(f));
  const concurrencyText = flags.get("--concurrency") ?? "8";
  const concurrency = Number(concurrencyText);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) return { kind: "error", message: `--concurrency must be a whole number from 1 to 64 (got "${concurrencyText}").` };
  const backup = nonEmpty(flags.get("--backup"));
  const out = nonEmpty(flags.get("--out"));
  if (listBackups && backup) return { kind: "error", message: "Give either --list-backups or --backup, not both." };
  if (!listBackups && !out) return { kind: "error", message: "Say where to write the export: --out DIR (a new or empty folder). Or --list-backups to see the backups." };
  const driveToken = nonEmpty(flags.get("--drive-token")) ?? nonEmpty(env.CLOUDSYNC_DRIVE_TOKEN);
  const s3Flags = ["--endpoint", "--region", "--bucket", "--access-key-id", "--secret-access-key"].filter((f) => flags.has(f));
  const wantsDrive = flags.has("--drive-token") || flags.has("--drive-api") || !flags.has("--bucket") && driveToken !== void 0;
  let target;
  if (wantsDrive) {
    if (s3Flags.length) return { kind: "error", message: `Google Drive (--drive-token) and S3 (${s3Flags.join(", ")}) options were both given; choose one.` };
    target = { kind: "googleDrive", token: driveToken, apiBase: nonEmpty(flags.get("--drive-api")) };
  } else {
    const bucket = nonEmpty(flags.get("--bucket"));
    if (!bucket) return { kind: "error", message: "Say which bucket to read: --bucket B (with --access-key-id and the secret), or --drive-token T for Google Drive." };
    const accessKeyId = nonEmpty(flags.get("--access-key-id")) ?? nonEmpty(env.CLOUDSYNC_ACCESS_KEY_ID) ?? nonEmpty(env.AWS_ACCESS_KEY_ID);
    if (!accessKeyId) return { kind: "error", message: "The access key ID is missing: --access-key-id K (or CLOUDSYNC_ACCESS_KEY_ID)." };
    const endpoint = nonEmpty(flags.get("--endpoint"));
    if (endpoint !== void 0 && !/^https?:\/\/[^/\s]+/i.test(endpoint)) return { kind: "error", message: `--endpoint must be a URL such as https://<account>.r2.cloudflarestorage.com (got "${endpoint}").` };
    target = {
      kind: "s3",
      endpoint,
      region: nonEmpty(flags.get("--region")) ?? nonEmpty(env.AWS_REGION) ?? "us-east-1",
      bucket,
      accessKeyId,
      secretAccessKey: nonEmpty(flags.get("--secret-access-key")) ?? nonEmpty(env.CLOUDSYNC_SECRET_ACCESS_KEY) ?? nonEmpty(env.AWS_SECRET_ACCESS_KEY)
    };
  }
  const password = flags.get("--password") ?? env.CLOUDSYNC_PASSWORD;
  return { kind: "run", args: { target, password: password === "" ? void 0 : password, backup, listBackups, out, concurrency, onCommandLine } };
}
function missingSecrets(args) {
  const out = [];
  if (args.target.kind === "s3" && !args.target.secretAccessKey) out.push({ field: "secretAccessKey", prompt: "Secret access key: ", env: "CLOUDSYNC_SECRET_ACCESS_KEY" });
  if (args.target.kind === "googleDrive" && !args.target.token) out.push({ field: "token", prompt: "Google Drive access token: ", env: "CLOUDSYNC_DRIVE_TOKEN" });
  if (args.password === void 0 && !args.listBackups) out.push({ field: "password", prompt: "Encryption password: ", env: "CLOUDSYNC_PASSWORD" });
  return out;
}

// src/cli/folder-sink.ts
import { mkdir, readdir, writeFile } from "node:fs/promises";
import { dirname, resolve, sep } from "node:path";
function createFolderSink(dir) {
  const root = resolve(dir);
  const made = /* @__PURE__ */ new Set();
  return {
    async open() {
      await mkdir(root, { recursive: true });
      const present = await readdir(root);
      if (present.length > 0) {
        throw new CloudSyncError("invalid-settings", `The folder ${root} already holds files. Choose a new or empty folder for the export; nothing was written.`);
      }
    },
    async write(path, data) {
      const target = resolve(root, ...path.split("/"));
      if (!target.startsWith(root + sep) || path.split("/").some((s) => s === "" || s === "." || s === "..")) {
        throw new Error(`Refusing to write outside the export folder: ${path}`);
      }
      const parent = dirname(target);
      if (!made.has(parent)) {
        await mkdir(parent, { recursive: true });
        made.add(parent);
      }
      await writeFile(target, data, { flag: "wx" });
    }
  };
}

// src/cli/export-main.ts
var EXIT_OK = 0;
var EXIT_FAILED = 1;
var EXIT_INCOMPLETE = 2;
function storeFor(args) {
  const t = args.target;
  if (t.kind === "googleDrive") {
    const token = t.token;
    return createDriveStore({ getAccessToken: async () => token, apiBase: t.apiBase });
  }
  return createS3Store({ bucket: t.bucket, region: t.region, endpoint: t.endpoint, accessKeyId: t.accessKeyId, secretAccessKey: t.secretAccessKey });
}
function megabytes(bytes) {
  return bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
function describeSummary(s, out) {
  const what = s.source === "live" ? "the live data" : `the backup ${s.source}`;
  const lines = [`Exported ${what} to ${out}: ${s.items} items (${s.chats} chats, ${s.attachments} attachments), ${megabytes(s.bytes)}.`];
  if (s.deleted) lines.push(`${s.deleted} deleted item(s) not exported (the index keeps them only as deletions).`);
  if (s.skipped.length) {
    lines.push(`Skipped ${s.skipped.length} item(s) that could not be read:`);
    for (const k of s.skipped) lines.push(`  ${JSON.stringify(k.key)} ${k.reason}`);
  }
  lines.push("TypingMind import file: typingmind-export.json; every item exactly: items/ and attachments/ (see index.json).");
  return lines.join("\n") + "\n";
}
function progressLine(p) {
  return `\rReading ${p.done}/${p.total} items, ${megabytes(p.bytes)}   `;
}
async function fillSecrets(args, io) {
  for (const need of missingSecrets(args)) {
    if (!io.prompt) return `The ${need.prompt.replace(/: $/, "").toLowerCase()} is missing. Set ${need.env}, or run in a terminal to be asked for it.`;
    const value = await io.prompt(need.prompt);
    if (value === "") return `No ${need.prompt.replace(/: $/, "").toLowerCase()} was given.`;
    if (need.field === "password") args.password = value;
    else if (need.field === "token" && args.target.kind === "googleDrive") args.target.token = value;
    else if (need.field === "secretAccessKey" && args.target.kind === "s3") args.target.secretAccessKey = value;
  }
  return null;
}
function explain(e, args) {
  if (args.target.kind === "googleDrive" && isCloudSyncError(e) && ["reconnect-required", "bad-credentials", "expired-credentials", "access-denied"].includes(e.code)) {
    return 'Google Drive refused the access token: it has expired (they last about an hour) or lacks Drive access. Get a new one (README, "Recovering your data") and run again.';
  }
  return e instanceof Error ? e.message : String(e);
}
async function runCli(argv, io) {
  const parsed = parseExportArgs(argv, io.env);
  if (parsed.kind === "help") {
    io.stdout.write(USAGE + "\n");
    return EXIT_OK;
  }
  if (parsed.kind === "version") {
    io.stdout.write(`${io.version ?? "unknown"}
`);
    return EXIT_OK;
  }
  if (parsed.kind === "error") {
    io.stderr.write(`cloudsync-export: ${parsed.message}
`);
    return EXIT_FAILED;
  }
  const args = parsed.args;
  if (args.onCommandLine.length) {
    io.stderr.write(`Note: ${args.onCommandLine.join(", ")} on the command line stays in your shell's history; the environment variables or the prompt do not.
`);
  }
  const missing = await fillSecrets(args, io).catch((e) => e instanceof Error ? e.message : String(e));
  if (missing) {
    io.stderr.write(`cloudsync-export: ${missing}
`);
    return EXIT_FAILED;
  }
  const store = storeFor(args);
  try {
    if (args.listBackups) {
      const { backups, warnings } = await listBackupsReadOnly(store);
      for (const w of warnings) io.stderr.write(`warning: ${w}
`);
      if (backups.length === 0) io.stdout.write("No backups in this bucket.\n");
      for (const b of backups) {
        io.stdout.write(`${backupFolderName(b.folder)}	${b.kind}	${new Date(b.created).toISOString()}	${b.totalItems} items	${b.name}
`);
      }
      return EXIT_OK;
    }
    const tty = io.stderr.isTTY === true;
    const summary = await runExport({
      store,
      password: args.password,
      backup: args.backup,
      sink: createFolderSink(args.out),
      concurrency: args.concurrency,
      onProgress: tty ? (p) => io.stderr.write(progressLine(p)) : void 0
    });
    if (tty) io.stderr.write("\n");
    io.stdout.write(describeSummary(summary, args.out));
    return summary.skipped.length ? EXIT_INCOMPLETE : EXIT_OK;
  } catch (e) {
    if (io.stderr.isTTY) io.stderr.write("\n");
    io.stderr.write(`cloudsync-export: ${explain(e, args)}
`);
    return EXIT_FAILED;
  }
}

// src/cli/cloudsync-export.ts
var code = await runCli(process.argv.slice(2), {
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
  prompt: process.stdin.isTTY ? (q) => promptHidden(q, { input: process.stdin, output: process.stderr }) : void 0,
  version: "0.1.0"
});
process.exitCode = code;
