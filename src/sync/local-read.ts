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

/**
 * The hashes of the cycle's candidates that TypingMind holds (absent keys are left out). A listed key that
 * neither the base nor the index knows is not read at all: the plan uploads it whatever it holds, and the
 * upload reads and hashes it. A first sync thus reads and encodes each item once, not twice (the whole
 * library's values and texts were garbage on the page's heap a second time, and as much main-thread work).
 */
export function readCandidates(env: EngineEnv, cycle: Cycle): Promise<Map<string, LocalInfo>> {
  const compared = (key: string) => cycle.baseMap.has(key) || key in cycle.remote.meta.items || cycle.concurrent.has(key);
  return readLocal(env, [...cycle.candidates].map(([key, type]) => ({ key, type: type ?? 'idb' })), cycle.listing, compared);
}

/** Hashes of the local items among `keys`, in bounded batches (values are not kept). */
async function readLocal(env: EngineEnv, keys: LocalKey[], listing?: LocalKey[], compared: (key: string) => boolean = () => true): Promise<Map<string, LocalInfo>> {
  const out = new Map<string, LocalInfo>();
  // A full look has listed the store: only listed keys are read, as the listing typed them; of those, only the
  // ones something compares (the listing proves the others present).
  const listed = listing ? new Map(listing.map((l) => [l.key, l.type])) : undefined;
  const present = listed ? keys.filter((k) => listed.has(k.key)).map((k) => ({ key: k.key, type: listed.get(k.key)! })) : keys;
  const wanted = listed ? present.filter((k) => compared(k.key)) : present;
  if (listed) for (const k of present) if (!compared(k.key)) out.set(k.key, { type: k.type });
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
