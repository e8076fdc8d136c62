/**
 * Drive allows several files with one name in one folder (concurrent creates, copies, two
 * devices creating the root folder). Readers must agree on one: the most recently modified wins,
 * ties broken by id so every device picks the same. Pure.
 */
export interface Dated {
  id: string;
  modifiedTime?: string;
}

export function pickNewest<T extends Dated>(candidates: readonly T[]): T | undefined {
  let best: T | undefined;
  for (const c of candidates) {
    if (!best || compareNewest(c, best) > 0) best = c;
  }
  return best;
}

function compareNewest(a: Dated, b: Dated): number {
  const ta = a.modifiedTime ? Date.parse(a.modifiedTime) : 0;
  const tb = b.modifiedTime ? Date.parse(b.modifiedTime) : 0;
  if (ta !== tb) return ta - tb;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * For "create only if absent" races: the first created wins (so a later racer can see it lost
 * and withdraw its own copy), ties broken by id.
 */
export function pickFirstCreated<T extends { id: string; createdTime?: string }>(candidates: readonly T[]): T | undefined {
  let best: T | undefined;
  for (const c of candidates) {
    if (!best) {
      best = c;
      continue;
    }
    const tc = c.createdTime ? Date.parse(c.createdTime) : Number.MAX_SAFE_INTEGER;
    const tb = best.createdTime ? Date.parse(best.createdTime) : Number.MAX_SAFE_INTEGER;
    if (tc < tb || (tc === tb && c.id < best.id)) best = c;
  }
  return best;
}
