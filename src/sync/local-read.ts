/**
 * Reads of TypingMind's store for a cycle: the candidates' keyed hashes in bounded batches (values are read
 * again when they are needed, to bound memory), and single values re-read to see that they did not change
 * while the cycle ran.
 */
import { chatFingerprint, isChatItem } from '../cloud';
import type { ItemType, LocalItem, LocalKey } from '../host/types';
import type { Cycle } from './cycle-context';
import type { EngineEnv, LocalInfo } from './engine-types';
import { encodeItem, type Encoded } from './item-codec';

/** The hashes of the cycle's candidates that TypingMind holds (absent keys are left out). */
export function readCandidates(env: EngineEnv, cycle: Cycle): Promise<Map<string, LocalInfo>> {
  return readLocal(env, [...cycle.candidates].map(([key, type]) => ({ key, type: type ?? 'idb' })), cycle.listing);
}

/** Hashes of the local items among `keys`, in bounded batches (values are not kept). */
async function readLocal(env: EngineEnv, keys: LocalKey[], listing?: LocalKey[]): Promise<Map<string, LocalInfo>> {
  const out = new Map<string, LocalInfo>();
  // A full look has listed the store: only listed keys are read, as the listing typed them.
  const listed = listing ? new Map(listing.map((l) => [l.key, l.type])) : undefined;
  const wanted = listed ? keys.filter((k) => listed.has(k.key)).map((k) => ({ key: k.key, type: listed.get(k.key)! })) : keys;
  for (let i = 0; i < wanted.length; i += env.opt.scanBatch) {
    if (i > 0) await env.opt.betweenBatches();
    const batch = wanted.slice(i, i + env.opt.scanBatch);
    const items = await getMany(env, batch);
    await Promise.all(
      items.map(async (item) => {
        if (!item) return;
        const e = await encodeItem(item, env.deps.keys.hashKey);
        out.set(item.key, { type: item.type, hash: e.hash, fingerprint: isChatItem(item.key, item.type) ? chatFingerprint(item.value) : undefined });
      }),
    );
  }
  return out;
}

/** Several items in one read where the host can; anything not in localStorage is read from IndexedDB. */
export async function getMany(env: EngineEnv, keys: LocalKey[]): Promise<(LocalItem | undefined)[]> {
  const { host } = env.deps;
  const idbKeys = keys.map((k) => (k.type === 'ls' ? k : { key: k.key, type: 'idb' as ItemType }));
  return host.getMany ? await host.getMany(idbKeys) : await Promise.all(idbKeys.map((k) => host.get(k.key, k.type)));
}

export async function readEncoded(env: EngineEnv, key: string, type: ItemType): Promise<Encoded | undefined> {
  const [item] = await getMany(env, [{ key, type }]);
  return item ? encodeItem(item, env.deps.keys.hashKey) : undefined;
}

export async function localHash(env: EngineEnv, key: string, type: ItemType): Promise<string | undefined> {
  return (await readEncoded(env, key, type))?.hash;
}
