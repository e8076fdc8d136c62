/**
 * Item uploads (docs/sync.md, "The commit path"): each value is encrypted and put before metadata.json names
 * it, conditionally where the store honours preconditions, and its entry is built for the index write.
 */
import { objectKeyFor } from '../cloud';
import { isTombstone, type LiveEntry, type MetadataEntry } from '../cloud/types';
import { CloudSyncError, isCloudSyncError } from '../errors';
import type { LocalItem, LocalKey } from '../host/types';
import { entryIdentity, entrySig, NO_PREDECESSOR } from './commit-journal';
import { failKey, type Cycle } from './cycle-context';
import type { EngineEnv } from './engine-types';
import { decodeObject, encodeItem, encryptEncoded, entryFor, type Encoded } from './item-codec';
import { isOwnObject } from './own-objects';
import type { ReadAhead } from './read-ahead';

/**
 * Uploads one value (an Encoded, or the key of a local item to take from the read-ahead) and records its
 * entry and base record in the cycle's output. A failure is recorded for the key. Returns false when the
 * item was gone meanwhile (the next cycle sees a deletion).
 */
export async function uploadItem(env: EngineEnv, cycle: Cycle, u: Encoded | string, take: () => Promise<Encoded | undefined>): Promise<boolean> {
  const { memo, out } = cycle;
  const key = typeof u === 'string' ? u : u.key;
  try {
    let encoded: Encoded | undefined = typeof u === 'string' ? await take() : u;
    if (!encoded) return false;
    const { type, hash, dates, mime } = encoded;
    const previous = cycle.remote.meta.items[key];
    const prevLive = previous && !isTombstone(previous) ? (previous as LiveEntry) : undefined;
    let entry: LiveEntry;
    const done = memo.uploaded.get(key);
    if (done && done.hash === hash) {
      entry = { ...done.entry }; // uploaded in an earlier attempt of this cycle
    } else {
      entry = entryFor(encoded, prevLive, cycle.now);
      const body = await encryptEncoded(encoded, env.deps.keys.contentKey);
      // The value and its text are not needed while the body travels: held across the request they would
      // outlive the young-generation collections and pile up as old garbage (the upload's heap peak).
      encoded = undefined;
      env.sent.add(key, hash);
      const etag = await putItem(env, cycle, { key, type, hash, dates, mime }, body, previous);
      if (etag) entry.tcsEtag = etag;
      memo.uploaded.set(key, { hash, entry });
    }
    // Names the entry it replaces, so a reader tells a writer that saw it from one that did not.
    entry.tcsPrev = previous ? entryIdentity(previous) : NO_PREDECESSOR;
    out.newEntries[key] = entry;
    out.published.push({ key, type, kind: 'live', hash, sig: entrySig(entry) });
  } catch (e) {
    failKey(env, cycle, key, e);
  }
  return true;
}

/** The next upload's item from the read-ahead, encoded; the raw value is dropped as soon as it is encoded. */
export async function encodeTaken(env: EngineEnv, reader: ReadAhead<LocalKey, LocalItem>, i: number): Promise<Encoded | undefined> {
  const item = await reader.take(i);
  return item ? encodeItem(item, env.deps.keys.hashKey) : undefined;
}

/**
 * Uploads one item object. Where the store honours preconditions the upload is conditional: on the ETag the
 * planned entry names (another device may have rewritten the object since; we must not overwrite its edit),
 * or on absence for a key that has no entry at all (two devices creating it at once). Returns the new ETag.
 */
/** An object of ours found in place is taken as it is only if it is younger than this (ms): see putItem. */
const OBJECT_REUSE_MS = 6 * 3_600_000;

async function putItem(
  env: EngineEnv,
  cycle: Cycle,
  e: Pick<Encoded, 'key' | 'type' | 'hash' | 'dates' | 'mime'>,
  body: Uint8Array,
  previous: MetadataEntry | undefined,
): Promise<string | undefined> {
  const { store } = env.deps;
  const objectKey = objectKeyFor(e.key, e.type);
  const planned = previous && !isTombstone(previous) ? (previous as LiveEntry) : undefined;
  const conditions = !store.capabilities.conditionalPut
    ? {}
    : typeof planned?.tcsEtag === 'string'
      ? { ifMatch: planned.tcsEtag }
      : previous === undefined
        ? { ifNoneMatch: '*' as const }
        : {};
  try {
    return (await env.count(store.put(objectKey, body, conditions))).etag;
  } catch (err) {
    if (!isCloudSyncError(err, 'precondition-failed')) throw err;
  }
  // The object is not the one the index describes. Ours, from a write whose answer was lost or whose cycle
  // did not commit? Take it, or replace it.
  const current = await env.count(store.get(objectKey));
  if (current.kind === 'found') {
    // Read as if it held our value's Dates: where it holds our value, it then hashes as ours.
    const as = { synced: 0, lastModified: 0, type: e.type, tcsDates: e.dates, ...(e.mime !== undefined ? { blobType: e.mime, tcsBlobType: e.mime } : {}) };
    const held = await decodeObject(e.key, as, current.body, env.deps.keys, objectKey).catch(() => undefined);
    // Our value already there, written recently (an answer that was lost): take it. An old one is written
    // again, so the daily garbage collection, which removes objects no entry names after a day, cannot
    // remove it between our taking it and our index write.
    const recent = current.lastModified === undefined || cycle.now - current.lastModified < OBJECT_REUSE_MS;
    if (held?.hash === e.hash && recent) return current.etag;
    // Left by this device, or long ago by a writer that never finished: safe to replace. Written just now by
    // another device: in flux, reconciled once its entry is published.
    if ((held && (held.hash === e.hash || isOwnObject(env.sent, cycle.journal, e.key, held.hash))) || cycle.now - Math.max(planned?.synced ?? 0, current.lastModified ?? 0) > env.opt.inFluxMs) {
      return (await env.count(store.put(objectKey, body, { ifMatch: current.etag }))).etag;
    }
  }
  throw new CloudSyncError('sync-conflict', `"${e.key}" is being written by another device; it will be reconciled on the next cycle.`);
}
