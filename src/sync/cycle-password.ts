/**
 * The password phase of a cycle: a wrong password is found before anything is written, here or in the
 * bucket (docs/sync.md, "The password"). Once proven for a bucket, a keyed hash of it is kept in the sync
 * state and nothing more is asked. When the cycle downloads, its first downloads are the proof
 * (password-gate.ts); otherwise one object of the bucket is read for it.
 */
import { objectKeyFor } from '../cloud';
import { isTombstone, type LiveEntry, type Metadata } from '../cloud/types';
import { keyedHash } from '../crypto';
import { CloudSyncError, isCloudSyncError } from '../errors';
import type { Cycle } from './cycle-context';
import type { PlannedCycle } from './cycle-plan';
import type { EngineEnv } from './engine-types';
import { decodeObject } from './item-codec';
import { PasswordGate } from './password-gate';
import type { Action } from './planner';

export function wrongPasswordError(): CloudSyncError {
  return new CloudSyncError(
    'wrong-password',
    'The encryption password does not match the data in this bucket. Nothing was changed. Enter the password you used on your other devices.',
  );
}

/** A proof left to the cycle's downloads: the gate they pass, and the keyed hash that records it. */
export interface PendingProof {
  gate: PasswordGate;
  expected: string;
}

/**
 * Before the first write: proves the password now (one object read), or leaves it to the downloads (the
 * returned gate), or finds it proven already. Throws the wrong-password error before anything is written.
 */
export async function provePassword(env: EngineEnv, cycle: Cycle, planned: PlannedCycle): Promise<PendingProof | undefined> {
  if (!planned.hasWrites) return undefined;
  const expected = await keyedHash(env.deps.keys.hashKey, `password-check\n${env.deps.scope}`);
  if (cycle.state.passwordCheck === expected) return undefined;
  if (planned.pulls.length > 0) return { gate: new PasswordGate(Math.min(env.opt.concurrency, planned.pulls.length), wrongPasswordError), expected };
  cycle.passwordCheck = await checkPassword(env, expected, cycle.remote.meta, planned.actions);
  return undefined;
}

/**
 * After the downloads, before anything else is written: their verdict. One decrypted, proven; none did and
 * one said wrong, the cycle stops; none said either way (missing objects), proven as a cycle without
 * downloads would be.
 */
export async function concludeProof(env: EngineEnv, cycle: Cycle, planned: PlannedCycle, proof: PendingProof | undefined): Promise<void> {
  if (!proof) return;
  if (proof.gate.proven) cycle.passwordCheck = proof.expected;
  else if (proof.gate.wrong) throw wrongPasswordError();
  else cycle.passwordCheck = await checkPassword(env, proof.expected, cycle.remote.meta, planned.actions);
}

/**
 * Proves the password against the bucket before the first write: decrypting any object of it with the
 * content key succeeds only with the right password. Remembered per password and bucket, so it costs one
 * download once. An empty bucket needs no proof.
 */
async function checkPassword(env: EngineEnv, expected: string, meta: Metadata, actions: readonly Action[]): Promise<string | null> {
  const live = Object.entries(meta.items).filter(([, e]) => !isTombstone(e)) as [string, LiveEntry][];
  if (live.length === 0) return expected;
  const planned = new Set(actions.filter((a) => a.kind === 'download' || a.kind === 'reconcile').map((a) => a.key));
  // Prefer what we download anyway, then small JSON items (attachments can be large).
  const candidates = live
    .sort(([ka, a], [kb, b]) => Number(planned.has(kb)) - Number(planned.has(ka)) || Number(a.type === 'blob') - Number(b.type === 'blob') || (a.size ?? 0) - (b.size ?? 0))
    .slice(0, 3);
  let wrong = 0;
  for (const [key, entry] of candidates) {
    const objectKey = objectKeyFor(key, entry.type);
    const res = await env.count(env.deps.store.get(objectKey));
    if (res.kind !== 'found') continue;
    try {
      await decodeObject(key, entry, res.body, env.deps.keys, objectKey);
      return expected;
    } catch (e) {
      if (isCloudSyncError(e, 'wrong-password')) wrong++;
    }
  }
  if (wrong > 0) throw wrongPasswordError();
  return null; // nothing readable to prove it with (missing or damaged objects): carry on, check again next time
}
