/**
 * One transfer from the bucket: download the key's object and apply it here, or reconcile it with a local
 * edit (docs/sync.md, "Reconcile"). What it learns goes into the cycle's output: base records of what the
 * bucket holds, conflicts, values to upload (merges, local winners, entries to publish again).
 */
import { isChatItem, objectKeyFor, toMillis } from '../cloud';
import { isTombstone, type LiveEntry } from '../cloud/types';
import { CloudSyncError, isCloudSyncError } from '../errors';
import { sleep } from '../runtime/sleep';
import { TORN_READ_RETRIES } from './cycle-read';
import type { BaseRecord } from './base-store';
import { isMergeableChat, mergeChats } from './chat-merge';
import { entryIdentity, entrySig } from './commit-journal';
import { failKey, type Cycle } from './cycle-context';
import type { EngineEnv, LocalInfo } from './engine-types';
import { decodeObject, encodeItem, entryFor, toLocalItem, type Encoded } from './item-codec';
import { readEncoded } from './local-read';
import type { NewItemWriter } from './new-item-writer';
import { isOwnObject } from './own-objects';
import type { Action } from './planner';

type RecordOf = (e: Encoded) => BaseRecord;

/**
 * Downloads one item and applies it, or reconciles it with a local edit. `localInfo`: the key's local hash as
 * planned; `writer`: batches the items new here; `decoded`: called once the object decrypted (the password is
 * right, password-gate.ts).
 */
export async function pullItem(
  env: EngineEnv,
  cycle: Cycle,
  a: Action,
  localInfo: LocalInfo | undefined,
  writer: NewItemWriter | undefined,
  decoded: () => void,
  passwordProven = true,
): Promise<void> {
  const { out } = cycle;
  const entry = cycle.remote.meta.items[a.key] as LiveEntry;
  const remote = await fetchObject(env, cycle, a.key, entry, localInfo, decoded, passwordProven);
  if (!remote) return;

  const current = localInfo ? await readEncoded(env, a.key, localInfo.type) : undefined;
  if ((current?.hash ?? undefined) !== (localInfo?.hash ?? undefined)) {
    throw new CloudSyncError('sync-conflict', `"${a.key}" changed on this device during the sync; it will be reconciled on the next cycle.`);
  }

  const record: RecordOf = (e) => ({ key: a.key, type: e.type, kind: 'live', hash: e.hash, sig: entrySig(entry) });

  // The original's first upload stored Blobs as "{}" (JSON.stringify of a Blob). Never let that replace the
  // real attachment this device holds: upload the bytes, which is what the original does on its next cycle.
  if (current?.type === 'blob' && remote.type === 'idb' && remote.text === '{}') {
    out.basePut.push(record(remote));
    out.toUpload.push(current);
    return;
  }

  // The same JSON, differing only in which strings were Dates: an entry the original wrote (it cannot record
  // Dates) for a value this device already holds. Keep the local value, with its Dates; nothing to transfer.
  if (current && current.type === remote.type && current.text !== undefined && current.text === remote.text && !entry.tcsDates) {
    out.basePut.push(record(current));
    return;
  }

  if (a.kind === 'download' || !current || current.hash === remote.hash) return applyDownload(env, cycle, a.key, remote, current, record, writer);
  return reconcile(env, cycle, a.key, entry, remote, current, record);
}

/**
 * The key's object, decoded. Undefined when it is our own object under another device's entry, which is then
 * published again. Throws when it is missing, or being written by another device right now.
 */
async function fetchObject(
  env: EngineEnv,
  cycle: Cycle,
  key: string,
  entry: LiveEntry,
  localInfo: LocalInfo | undefined,
  decoded: () => void,
  passwordProven: boolean,
): Promise<Encoded | undefined> {
  const objectKey = objectKeyFor(key, entry.type);
  let res = await env.count(env.deps.store.get(objectKey));
  if (res.kind !== 'found') {
    throw new CloudSyncError('not-found', `The object ${objectKey} listed in metadata.json is missing from the bucket; "${key}" was left as it is.`);
  }
  let remote: Encoded;
  try {
    remote = await decodeObject(key, entry, res.body, env.deps.keys, objectKey, res.etagOfBody ? res.etag : undefined);
  } catch (e) {
    // Read while another device rewrote it in place: half an object fails its tag like a damaged one, or like
    // a wrong password. One more read, a moment later, before saying either — but before the password is
    // proven a failure to decrypt is the password gate's verdict (password-gate.ts), not read twice.
    if (!isCloudSyncError(e, 'corrupt-object') && !(isCloudSyncError(e, 'wrong-password') && passwordProven)) throw e;
    await sleep(TORN_READ_RETRIES[0]);
    res = await env.count(env.deps.store.get(objectKey));
    if (res.kind !== 'found') throw e;
    remote = await decodeObject(key, entry, res.body, env.deps.keys, objectKey, res.etagOfBody ? res.etag : undefined);
  }
  decoded();

  // An object that does not match its entry's hash. Ours: two devices wrote the key at once, our object came
  // last and theirs is gone from the bucket; publish the entry that describes it, so their device sees a
  // concurrent write and merges its value in (commit-journal.ts). Not ours: it is being rewritten by another
  // device right now, which will publish its entry.
  if (typeof entry.tcsHash === 'string' && entry.tcsHash !== remote.hash && isOwnObject(env.sent, cycle.journal, key, remote.hash)) {
    const concurrent = cycle.concurrent.get(key);
    const mine = concurrent && !isTombstone(concurrent.entry) && concurrent.entry.tcsHash === remote.hash ? { ...concurrent.entry } : entryFor(remote, entry, cycle.now);
    mine.tcsEtag = res.etag;
    // Not named as built on theirs: it was not, and their device must see that.
    mine.tcsPrev = `unseen:${entryIdentity(entry)}`;
    cycle.out.republish.set(key, { entry: mine, record: { key, type: remote.type, kind: 'live', hash: remote.hash, sig: entrySig(mine) } });
    if (localInfo?.hash !== remote.hash) failKey(env, cycle, key, new CloudSyncError('sync-conflict', `"${key}" changed on this device since it was uploaded; it will sync on the next cycle.`));
    return undefined;
  }
  if (typeof entry.tcsHash === 'string' && entry.tcsHash !== remote.hash) {
    if (cycle.now - Math.max(entry.synced || 0, res.lastModified ?? 0) < env.opt.inFluxMs) {
      throw new CloudSyncError('sync-conflict', `"${key}" is being written by another device; it will sync on the next cycle.`);
    }
    // Long settled: the object is the truth; republish its entry so every device converges on it.
    cycle.out.toUpload.push(remote);
  }
  return remote;
}

/** The remote value replaces the local one (or arrives here first). */
async function applyDownload(env: EngineEnv, cycle: Cycle, key: string, remote: Encoded, current: Encoded | undefined, record: RecordOf, writer: NewItemWriter | undefined): Promise<void> {
  const { out, report } = cycle;
  if (!current && writer && remote.type !== 'ls') {
    // New here: written with others in one transaction, only if the key is still absent by then.
    await writer.add(toLocalItem(remote), {
      written: () => {
        report.downloaded.push(key);
        out.basePut.push(record(remote));
      },
      present: () => failKey(env, cycle, key, new CloudSyncError('sync-conflict', `"${key}" was created on this device during the sync; it will be reconciled on the next cycle.`)),
      failed: (e) => failKey(env, cycle, key, e),
    });
    return;
  }
  if (!current || current.hash !== remote.hash) {
    await env.deps.host.put(toLocalItem(remote));
    report.downloaded.push(key);
  }
  out.basePut.push(record(remote));
}

/** Both sides changed (or both new): merge chats, otherwise keep the newer and record the other. */
async function reconcile(env: EngineEnv, cycle: Cycle, key: string, entry: LiveEntry, remote: Encoded, current: Encoded, record: RecordOf): Promise<void> {
  const { out, report, now } = cycle;
  if (isChatItem(key, current.type) && isMergeableChat(current.value) && isMergeableChat(remote.value)) {
    const merged = mergeChats(current.value, remote.value);
    const encoded = await encodeItem({ key, type: 'idb', value: merged.chat }, env.deps.keys.hashKey);
    for (const c of merged.conflicts) {
      out.conflicts.push({ key, type: 'idb', at: now, kept: 'merged', discarded: c.discarded, messageId: c.id });
    }
    if (merged.conflicts.length) report.conflicts.push(key);
    if (encoded.hash !== current.hash) {
      await env.deps.host.put(toLocalItem(encoded));
      report.downloaded.push(key);
    }
    // The base is the remote state we merged against; the merged value goes up as a local change.
    out.basePut.push(record(remote));
    if (encoded.hash !== remote.hash) out.toUpload.push(encoded);
    return;
  }
  // The local side's time: when the change feed saw it, or when our entry that another writer overwrote was written.
  const localChangedAt = cycle.dirty.get(key)?.at ?? cycle.concurrent.get(key)?.at ?? 0;
  const remoteTime = toMillis(entry.lastModified) || entry.synced || 0;
  const localWins = localChangedAt > remoteTime;
  report.conflicts.push(key);
  if (localWins) {
    out.conflicts.push({ key, type: remote.type, at: now, kept: 'local', discarded: remote.value });
    out.basePut.push(record(remote));
    out.toUpload.push(current);
  } else {
    out.conflicts.push({ key, type: current.type, at: now, kept: 'remote', discarded: current.value });
    await env.deps.host.put(toLocalItem(remote));
    report.downloaded.push(key);
    out.basePut.push(record(remote));
  }
}
