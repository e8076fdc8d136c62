/**
 * One item between TypingMind's storage and the bucket: its keyed content hash (the identity the planner
 * compares), its encrypted object, and its metadata entry. The same function hashes a local value and a
 * downloaded one, so "same content" means the same hash on every device that shares the password.
 */
import { buildLiveEntry, chatUpdatedAtMillis, cloudText, fromCloudValue, isChatItem } from '../cloud';
import type { LiveEntry } from '../cloud/types';
import { decryptBytes, decryptJson, decryptJsonText, encryptBytes, encryptJsonText, keyedHash } from '../crypto';
import { CloudSyncError } from '../errors';
import { usefulMimeType } from '../host/mime-sniff';
import type { ItemType, LocalItem } from '../host/types';

export interface SyncKeys {
  contentKey: CryptoKey;
  hashKey: CryptoKey;
}

/** What the cloud side needs of a local value, computed once. */
export interface Encoded {
  key: string;
  type: ItemType;
  hash: string;
  /** idb: JSON text of the cloud value; ls: JSON text of the {key,value} wrapper. */
  text?: string;
  dates?: string[];
  /** blob: the bytes and the Blob's own MIME type, exactly ("" included). */
  bytes?: Uint8Array;
  mime?: string;
  /** The value as TypingMind holds it (for merges and entry fields). */
  value: unknown;
}

const enc = new TextEncoder();

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/**
 * The UTF-8 bytes of `head + text`, made without joining the strings: a chat's text is tens of KB, and the
 * joined copy was pure garbage on the JS heap (the bytes live outside it). Same bytes, so the same hash.
 */
function prefixed(head: string, text: string | Uint8Array): Uint8Array {
  return concat(enc.encode(head), typeof text === 'string' ? enc.encode(text) : text);
}

async function blobBytes(blob: Blob): Promise<Uint8Array> {
  return new Uint8Array(await blob.arrayBuffer());
}

/** Encodes a local item: the same text the original would upload, plus our hash. */
export async function encodeItem(item: LocalItem, hashKey: CryptoKey): Promise<Encoded> {
  const { key, type, value } = item;
  if (type === 'blob') {
    const blob = value as Blob;
    return encodedBlob(key, await blobBytes(blob), blob.type ?? '', blob, hashKey);
  }
  if (type === 'ls') {
    const text = JSON.stringify({ key, value: String(value) });
    return { key, type, hash: await keyedHash(hashKey, prefixed('ls\n', text)), text, value };
  }
  const { text, dates } = cloudText(value);
  if (text === undefined) {
    throw new CloudSyncError('corrupt-object', `The item "${key}" has no JSON form (undefined) and cannot be synced.`, { details: { key } });
  }
  const hash = await keyedHash(hashKey, prefixed(`idb\n${(dates ?? []).join('\u0001')}\n`, text));
  return { key, type, hash, text, dates, value };
}

/**
 * An attachment from its bytes and its Blob's own type (read from the Blob, or just decrypted): hashed once, read
 * never again. The hash covers the type by the original's rule (usefulMimeType), not the Blob's own: a Blob typed ""
 * and the same bytes typed as the original sniffs them are one attachment to the original (it reads both back the
 * same), and so one to us. A device holding a "" Blob thus adopts the entry the original wrote for it (no conflict,
 * no upload), and every hash written before tcsBlobType stays valid. The exact type travels in the entry
 * (entryFor: tcsBlobType) and comes back with the download (downloadedBlobType).
 */
async function encodedBlob(key: string, bytes: Uint8Array, mime: string, value: Blob, hashKey: CryptoKey, proven?: string): Promise<Encoded> {
  const hash = proven ?? (await keyedHash(hashKey, prefixed(`blob\n${usefulMimeType(mime, bytes)}\n`, bytes)));
  return { key, type: 'blob', hash, bytes, mime, value };
}

/** The encrypted object body for an encoded item. */
export async function encryptEncoded(e: Encoded, contentKey: CryptoKey): Promise<Uint8Array> {
  if (e.type === 'blob') return encryptBytes(contentKey, e.bytes!);
  return encryptJsonText(contentKey, e.text!);
}

/**
 * The metadata entry for an upload, in the original's field order, with our hash and Date paths. An attachment's
 * `blobType` is the type by the original's rule (the Blob's own, sniffed when that says nothing), as it has always
 * been; `tcsBlobType` adds the Blob's own type when that is something else ("", application/octet-stream).
 */
export function entryFor(e: Encoded, previous: LiveEntry | undefined, now: number): LiveEntry {
  // The original's clock for chats is their own updatedAt (numeric), the previous one when absent; for
  // everything else it is the time the change was detected.
  const chatTime = isChatItem(e.key, e.type) ? chatUpdatedAtMillis(e.value) : 0;
  const lastModified = !isChatItem(e.key, e.type) ? now : chatTime !== 0 ? chatTime : previous?.lastModified ?? now;
  const blobType = e.type === 'blob' ? usefulMimeType(e.mime ?? '', e.bytes ?? new Uint8Array(0)) : undefined;
  return buildLiveEntry({ key: e.key, type: e.type, value: e.value, synced: now, lastModified, blobType, tcsBlobType: e.mime, tcsHash: e.hash, tcsDates: e.dates });
}

/**
 * The entry's hash, when the object is provably the one its writer uploaded with that entry: the writer hashed
 * the content (tcsHash), encrypted it, and recorded the ETag its PUT answered (tcsEtag); an object read with that
 * same ETag, in the same response as its bytes (`etagOfBody`), is those bytes. Hashing them again (an HMAC over
 * every byte, in the page) would only give tcsHash back. Any rewrite of the object changes its ETag (a new
 * random IV makes new bytes), and a provider whose etag is read apart from the bytes never sets `etagOfBody`,
 * so an object that moved on since the entry is always hashed and caught (pull.ts, fetchObject).
 */
export function provenHash(entry: LiveEntry, etagOfBody: string | undefined): string | undefined {
  return typeof entry.tcsHash === 'string' && typeof entry.tcsEtag === 'string' && etagOfBody !== undefined && entry.tcsEtag === etagOfBody
    ? entry.tcsHash
    : undefined;
}

/**
 * The type a downloaded attachment gets. An entry of ours names the Blob's own type whenever blobType is not it
 * (tcsBlobType, "" included): exactly that. Otherwise blobType, read as the original reads it: sniffed from the
 * bytes when it is empty or application/octet-stream (original-format.md §2.1). That is right for the original's
 * entries (it may have lost the type), and gives ours back exactly: without tcsBlobType, their blobType is the
 * Blob's own type, and one that reads back as itself.
 */
export function downloadedBlobType(entry: LiveEntry, bytes: Uint8Array): string {
  if (typeof entry.tcsBlobType === 'string') return entry.tcsBlobType;
  return usefulMimeType(typeof entry.blobType === 'string' ? entry.blobType : '', bytes);
}

/**
 * Decodes a downloaded object into the local item it stands for (and its hash). `etagOfBody`: the object's
 * ETag when the provider read it with the bytes, which can spare the hashing (provenHash).
 */
export async function decodeObject(
  key: string,
  entry: LiveEntry,
  body: Uint8Array,
  keys: SyncKeys,
  objectKey: string,
  etagOfBody?: string,
): Promise<Encoded> {
  const proven = provenHash(entry, etagOfBody);
  if (entry.type === 'blob') {
    const bytes = await decryptBytes(keys.contentKey, body, objectKey);
    // The Blob's own type is what a read of it would give (the type as the Blob normalised it), without reading it back.
    const blob = new Blob([bytes as Uint8Array<ArrayBuffer>], { type: downloadedBlobType(entry, bytes) });
    return encodedBlob(key, bytes, blob.type, blob, keys.hashKey, proven);
  }
  if (entry.type === 'idb') return decodeIdbObject(key, entry, body, keys, objectKey, proven);
  const json = await decryptJson(keys.contentKey, body, objectKey);
  if (entry.type === 'ls') {
    const w = json as { key?: unknown; value?: unknown } | null;
    if (!w || typeof w !== 'object' || typeof w.value !== 'string') {
      throw new CloudSyncError('corrupt-object', `The object ${objectKey} is not a localStorage item (no string "value"); it was skipped.`, {
        details: { objectKey },
      });
    }
    // The original writes back under the wrapper's own key; both are the same for anything we accept.
    if (w.key !== undefined && w.key !== key) {
      throw new CloudSyncError('corrupt-object', `The object ${objectKey} holds the item "${String(w.key)}", not "${key}"; it was skipped.`, {
        details: { objectKey },
      });
    }
    return encodeItem({ key, type: 'ls', value: w.value }, keys.hashKey);
  }
  const value = fromCloudValue(json, entry.tcsDates);
  return encodeItem({ key, type: 'idb', value }, keys.hashKey);
}

/**
 * An IndexedDB item from its object. The usual way to its hash is encodeItem: JSON.stringify the revived value
 * again and hash that. But when the entry names a hash and the object's own text, hashed with the entry's Date
 * paths, gives exactly that hash, the object is byte for byte what the writer hashed; parsing that text and
 * reviving those Dates gives a value whose JSON text and Date paths are the writer's again (JSON.stringify's
 * output survives parse → stringify unchanged, and a revived toISOString() string prints as itself). So the
 * object's text and the entry's hash can be taken as they are, without stringifying the value a second time.
 * Anything else (an entry of the original's without a hash, an object being rewritten) goes the usual way.
 * `proven`: the entry's hash when the object is provably the one written with it (provenHash): not hashed again.
 */
async function decodeIdbObject(key: string, entry: LiveEntry, body: Uint8Array, keys: SyncKeys, objectKey: string, proven?: string): Promise<Encoded> {
  const decoded = await decryptJsonText(keys.contentKey, body, objectKey);
  const value = fromCloudValue(decoded.value, entry.tcsDates);
  const dates = Array.isArray(entry.tcsDates) && entry.tcsDates.every((d) => typeof d === 'string') ? (entry.tcsDates as string[]) : undefined;
  if (typeof entry.tcsHash === 'string' && (dates !== undefined || entry.tcsDates === undefined)) {
    const hash = proven ?? (await keyedHash(keys.hashKey, prefixed(`idb\n${(dates ?? []).join('\u0001')}\n`, decoded.bytes)));
    if (hash === entry.tcsHash) return { key, type: 'idb', hash, text: decoded.text, ...(dates?.length ? { dates } : {}), value };
  }
  return encodeItem({ key, type: 'idb', value }, keys.hashKey);
}

export function toLocalItem(e: Encoded): LocalItem {
  return { key: e.key, type: e.type, value: e.value };
}
