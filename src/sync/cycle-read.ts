/**
 * The read phase of a cycle: the sync state, metadata.json (conditionally: one small request, a 304 when
 * nothing changed remotely), the commit journal judged against a changed index, and the base records and
 * local listing the cycle needs. An idle cycle reads the small state record and nothing else of the base.
 */
import { emptyMetadata, METADATA_KEY } from '../cloud';
import type { Metadata } from '../cloud/types';
import type { LocalKey } from '../host/types';
import { CloudSyncError, isCloudSyncError } from '../errors';
import type { GetResult } from '../providers/cloud-store';
import { isListed, listingIsConsistent } from '../providers/listed-get';
import { sleep } from '../runtime/sleep';
import type { BaseRecord, SyncState } from './base-store';
import { readJournal, type Journal, type PendingCommit } from './commit-journal';
import { emptyOutput, type Cycle, type IndexRead } from './cycle-context';
import type { CycleMemo, CycleRequest, EngineEnv } from './engine-types';
import { FORCE_TTL_MS } from './force-transfer';

const utf8 = new TextDecoder();

export async function readCycle(env: EngineEnv, req: CycleRequest, memo: CycleMemo): Promise<Cycle> {
  const { base } = env.deps;
  const now = env.now();

  // Whose base is this? Another bucket (or a forgotten device) starts from nothing.
  let state = await base.state();
  if (state.scope !== env.deps.scope) {
    await base.clear();
    // A force asked before this device's first cycle is for this bucket: its engine asked for it.
    state = { etag: null, passwordCheck: null, scope: env.deps.scope, lastSync: 0, force: state.force };
  }

  // The remote check: one small request; 304 means nothing changed remotely. A full look (the first cycle
  // after a page load) needs the whole base and the local listing whatever the index says: they are read
  // while the request travels.
  const early = req.full ? readBaseAndListing(env) : undefined;
  const [read, baseCount, known] = await Promise.all([readMetadata(env, state), base.count(), early]);
  // The commit journal (commit-journal.ts) is judged against every index that changed since we read it last:
  // entries of ours that a stale writer overwrote are written again, keys it wrote over unseen are reconciled.
  let journal: Journal | undefined;
  const judged = read.changed ? readJournal(read.meta.items, (journal = await base.journal()), now) : undefined;
  const repairs = judged?.repairs ?? {};
  const concurrent = judged?.concurrent ?? new Map<string, PendingCommit>();
  const repairKeys = Object.keys(repairs);
  if (repairKeys.length) env.log('info', `Another device wrote back an older metadata.json over ${repairKeys.length} of this device's changes; writing them again`, { keys: repairKeys });
  const remote: IndexRead = repairKeys.length ? { ...read, meta: { ...read.meta, items: { ...read.meta.items, ...repairs } } } : read;
  const dirty = req.dirty ?? new Map();
  const retryKeys = Object.keys(state.retry ?? {});
  // A Force Export or Import asked in any tab (force-transfer.ts), unless it is stale: taken from the state by
  // the first attempt that reads it (used once, whatever happens next), carried by the cycle's later attempts.
  if (state.force && !memo.force) {
    if (now - state.force.at < FORCE_TTL_MS) memo.force = state.force;
    await base.requestForce(undefined);
  }
  const force = memo.force;
  // An export stops when the index is not the one its snapshot copied: what another device wrote since is in no snapshot.
  if (force?.direction === 'export' && force.basis !== undefined && read.etag !== force.basis) {
    throw new CloudSyncError('sync-conflict', 'Another device changed the cloud while the snapshot before Force Export was taken; nothing was exported.', {
      details: { basis: force.basis, etag: read.etag },
    });
  }
  // Nothing changed remotely and nothing asked for a full look: only the dirty and retried keys' base
  // records are needed, so an idle cycle reads nothing but the state record.
  const full = req.full || baseCount === 0 || force !== undefined;
  // A full look the request did not ask for (an empty base) reads them now.
  const whole = known ?? (full ? await readBaseAndListing(env) : undefined);
  // Deletions held for the user's answer in an earlier cycle are looked at again in every cycle until answered.
  const heldBefore = new Set((state.held ?? []).map((h) => h.key));
  const baseMap = whole?.baseMap ?? (remote.changed ? await base.all() : await base.some([...dirty.keys(), ...retryKeys, ...heldBefore, ...(state.drop ?? [])]));

  return {
    req,
    memo,
    report: memo.report,
    now,
    state,
    passwordCheck: state.passwordCheck,
    remote,
    journal,
    repairs,
    concurrent,
    baseMap,
    baseCount,
    full,
    listing: whole?.localListing,
    dirty,
    heldBefore,
    answer: req.answer ?? state.answer,
    force,
    retryClock: req.retryFailed ? Number.MAX_SAFE_INTEGER : now,
    candidates: new Map(),
    out: emptyOutput(repairs, judged?.drop ?? []),
  };
}

/** The whole base and the local listing (typed from the base, so Blobs need not be read to be told apart). */
export async function readBaseAndListing(env: EngineEnv): Promise<{ baseMap: Map<string, BaseRecord>; localListing: LocalKey[] }> {
  const baseMap = await env.deps.base.all();
  return { baseMap, localListing: await env.deps.host.listKeys({ typeHint: (k) => baseMap.get(k)?.type }) };
}

/** Pauses before reading again an index or object that came back half-written (ms). */
export const TORN_READ_RETRIES = [250, 1000];

/** Reads metadata.json, conditionally when we hold a copy. */
async function readMetadata(env: EngineEnv, state: SyncState): Promise<IndexRead> {
  // A conditional read needs the index the ETag stands for: in memory, or else the cached copy on disk.
  let known: Metadata | undefined;
  if (state.etag) {
    known = env.index.get(state.etag);
    if (!known) {
      const index = await env.deps.base.index();
      if (index?.etag === state.etag) known = env.index.parse(index.etag, index.text);
    }
  }
  // A device that never read an index asks by a listing whether there is one: on an empty bucket a plain read
  // would be a failed request, printed in red in the console (listed-get.ts). Once there is an ETag, straight.
  if (state.etag === null && listingIsConsistent(env.deps.store) && !(await env.count(isListed(env.deps.store, METADATA_KEY)))) {
    return { meta: emptyMetadata(), etag: null, text: null, changed: false };
  }
  let res: GetResult = await env.count(env.deps.store.get(METADATA_KEY, known ? { ifNoneMatch: state.etag! } : {}));
  for (let attempt = 1; ; attempt++) {
    // text null: unchanged since it was cached, nothing to write back.
    if (res.kind === 'not-modified') return { meta: known!, etag: res.etag, text: null, changed: false };
    if (res.kind === 'not-found') return { meta: emptyMetadata(), etag: null, text: null, changed: state.etag !== null };
    const text = utf8.decode(res.body);
    try {
      return { meta: env.index.parse(res.etag, text), etag: res.etag, text, changed: res.etag !== state.etag || !known };
    } catch (e) {
      // A store that writes objects in place can answer a read with half of an index another device is
      // writing: read it again before calling it damaged.
      if (!isCloudSyncError(e, 'bad-metadata') || attempt > TORN_READ_RETRIES.length) throw e;
      await sleep(TORN_READ_RETRIES[attempt - 1]);
      res = await env.count(env.deps.store.get(METADATA_KEY));
    }
  }
}
