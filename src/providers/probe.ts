/**
 * The capability probe, run when storage settings are saved: it tries each thing the sync needs on a
 * throw-away object and says, step by step, what works and what to fix. It also finds out whether the
 * provider honours conditional writes (If-None-Match / If-Match), which decides how metadata.json is
 * written safely (compare-and-swap, or write-then-verify).
 *
 * Unlike the original's verify() it never lists the whole bucket: one page of a private prefix is enough
 * to prove the list permission.
 */
import type { Capabilities, CloudStore } from './cloud-store';
import { CloudSyncError, type ErrorCode } from '../errors';
import { isListed, listingIsConsistent } from './listed-get';
import { corsInstructions, guessCorsProvider, type CorsInstructions } from './cors';

export type ProbeStepName =
  | 'list'
  | 'write'
  | 'read'
  | 'conditional-create'
  | 'conditional-update'
  | 'conditional-get'
  | 'copy'
  | 'delete';

export interface ProbeStep {
  step: ProbeStepName;
  ok: boolean;
  /** For a person: what was checked and, when it failed, what to fix. */
  message: string;
  /** False for steps that only decide a capability: the sync works either way. */
  required: boolean;
  code?: ErrorCode;
  /** Present when the failure looks like CORS: the configuration to paste for this provider. */
  cors?: CorsInstructions;
}

export interface ProbeResult {
  /** Every required step passed: the settings can be saved and used. */
  ok: boolean;
  steps: ProbeStep[];
  capabilities: Capabilities;
}

export interface ProbeOptions {
  /** The page's origin, for the CORS text (location.origin in the browser). */
  pageOrigin?: string;
  /** The S3 endpoint the user entered, to pick the provider's CORS format. */
  endpoint?: string;
  bucket?: string;
  signal?: AbortSignal;
  /** Random id for the probe object's key (tests pass a fixed one). */
  id?: string;
}

/** The probe's objects live under their own prefix, away from items/ and backups/ that the sync reads. */
export const PROBE_PREFIX = 'cloudsync-probe/';
/** A syntactically valid ETag no object will ever have. */
const IMPOSSIBLE_ETAG = '"00000000000000000000000000000000"';

const enc = new TextEncoder();
const dec = new TextDecoder();

export async function probeStore(store: CloudStore, options: ProbeOptions = {}): Promise<ProbeResult> {
  const id = options.id ?? randomId();
  const key = `${PROBE_PREFIX}${id}.txt`;
  const copyKey = `${PROBE_PREFIX}${id}-copy.txt`;
  const signal = options.signal;
  const steps: ProbeStep[] = [];
  const capabilities: Capabilities = { ...store.capabilities };
  let written = false;
  let attempted = false;

  const fail = (step: ProbeStepName, e: unknown, required = true): ProbeStep => {
    const err = e instanceof CloudSyncError ? e : undefined;
    const s: ProbeStep = {
      step,
      ok: false,
      required,
      message: err?.message ?? `Unexpected failure: ${String(e)}`,
      ...(err ? { code: err.code } : {}),
    };
    if (err && (err.code === 'cors-or-network' && err.details.showCors === true)) {
      s.cors = corsInstructions(guessCorsProvider(options.endpoint), options.pageOrigin ?? '*', options.bucket);
    }
    steps.push(s);
    return s;
  };
  const pass = (step: ProbeStepName, message: string, required = true) => {
    steps.push({ step, ok: true, required, message });
  };

  try {
    // 1. list
    try {
      for await (const page of store.list(PROBE_PREFIX, { signal })) {
        void page;
        break;
      }
      pass('list', 'Listing the bucket works.');
    } catch (e) {
      fail('list', e);
      return finish();
    }

    // 2. write
    const body = enc.encode(`TypingMind Cloud Sync connection test ${id}. Safe to delete.`);
    let etag: string;
    // Before the answer: a write can land even when its answer fails (a CORS rule that hides ETag, a dropped
    // connection), and the clean-up below must still remove it.
    attempted = true;
    try {
      etag = (await store.put(key, body, { signal, contentType: 'text/plain' })).etag;
      written = true;
      pass('write', 'Writing an object works.');
    } catch (e) {
      fail('write', e);
      return finish();
    }

    // 3. read back
    try {
      const got = await store.get(key, { signal });
      if (got.kind !== 'found') {
        fail('read', new CloudSyncError('provider-error', 'The test object was written but could not be read back right away. The storage may be eventually consistent or misconfigured; try again in a minute.'));
        return finish();
      }
      if (dec.decode(got.body) !== dec.decode(body)) {
        fail('read', new CloudSyncError('corrupt-object', 'The test object came back with different content than was written. Something between this browser and the storage (a proxy, a gateway) changes data; sync would not be safe.'));
        return finish();
      }
      pass('read', 'Reading it back gives the same bytes.');
      if (got.etag !== etag) etag = got.etag;
    } catch (e) {
      fail('read', e);
      return finish();
    }

    // 4. conditional writes: both refusals must hold and a matching If-Match must pass.
    let createHonoured = false;
    try {
      await store.put(key, enc.encode('must not be written'), { signal, ifNoneMatch: '*', contentType: 'text/plain' });
      const after = await store.get(key, { signal });
      if (after.kind === 'found') etag = after.etag;
    } catch (e) {
      if (!(e instanceof CloudSyncError && e.code === 'precondition-failed')) throw e;
      createHonoured = true;
    }
    steps.push({
      step: 'conditional-create',
      ok: createHonoured,
      required: false,
      message: createHonoured
        ? 'The storage refuses to overwrite an existing object when asked not to (If-None-Match).'
        : 'The storage ignores If-None-Match. Sync still works: it confirms each metadata write by reading it back.',
    });

    let updateHonoured = false;
    try {
      await store.put(key, enc.encode('must not be written either'), { signal, ifMatch: IMPOSSIBLE_ETAG, contentType: 'text/plain' });
      const after = await store.get(key, { signal });
      if (after.kind === 'found') etag = after.etag;
    } catch (e) {
      if (!(e instanceof CloudSyncError && e.code === 'precondition-failed')) throw e;
      updateHonoured = true;
    }
    let matchingPasses = false;
    if (updateHonoured) {
      try {
        etag = (await store.put(key, body, { signal, ifMatch: etag, contentType: 'text/plain' })).etag;
        matchingPasses = true;
      } catch (e) {
        if (!(e instanceof CloudSyncError && e.code === 'precondition-failed')) throw e;
      }
    }
    steps.push({
      step: 'conditional-update',
      ok: updateHonoured && matchingPasses,
      required: false,
      message:
        updateHonoured && matchingPasses
          ? 'The storage supports compare-and-swap (If-Match): two devices can never overwrite each other\'s metadata.'
          : updateHonoured
            ? 'The storage refuses every If-Match write, even a matching one; compare-and-swap is turned off and writes are confirmed by reading back.'
            : 'The storage ignores If-Match. Sync still works: it confirms each metadata write by reading it back.',
    });
    capabilities.conditionalPut = createHonoured && updateHonoured && matchingPasses;
    if (capabilities.conditionalPut && store.checkPreconditions && !(await store.checkPreconditions(key, signal))) {
      capabilities.conditionalPut = false;
      const last = steps[steps.length - 1];
      last.ok = false;
      last.message = 'The storage ignores If-Match (a stale one was accepted). Sync still works: it confirms each metadata write by reading it back.';
      const after = await store.get(key, { signal }); // the accepted write moved the object on
      if (after.kind === 'found') etag = after.etag;
    }

    // 5. conditional get: every sync checks metadata.json for changes exactly this way (store.get with
    // ifNoneMatch: a HEAD from a web page, or a conditional GET where HEAD hides the ETag). A store that
    // merely re-sends unchanged data works; one where the check fails would fail every sync after the first,
    // so that is a required step.
    try {
      const r = await store.get(key, { signal, ifNoneMatch: etag });
      capabilities.conditionalGet = r.kind === 'not-modified';
      steps.push({
        step: 'conditional-get',
        ok: capabilities.conditionalGet,
        required: false,
        message: capabilities.conditionalGet
          ? 'Unchanged data is not downloaded again (If-None-Match).'
          : 'The storage always sends data again, even when unchanged; each sync check downloads metadata.json in full.',
      });
    } catch (e) {
      const s = fail('conditional-get', e);
      s.message = `Checking for changes the way every sync does failed: ${s.message}`;
      capabilities.conditionalGet = false;
    }

    // 6. server-side copy (snapshots and backups are copies)
    try {
      await store.copy(key, copyKey, { signal });
      pass('copy', 'Copying inside the storage works (used by snapshots and backups).');
    } catch (e) {
      fail('copy', e);
    }
  } catch (e) {
    fail(steps.length === 0 ? 'list' : nextStepAfter(steps[steps.length - 1].step), e);
  } finally {
    // 7. delete — always try, so the probe leaves nothing behind.
    if (written) {
      try {
        await store.deleteMany([key, copyKey], { signal });
        // Asked by a listing: a read of the deleted object would be a failed request, red in the console.
        const stillThere = listingIsConsistent(store) ? await isListed(store, key, { signal }) : (await store.get(key, { signal })).kind === 'found';
        if (stillThere) throw new CloudSyncError('access-denied', 'The test object is still there after deleting it. Allow deleting objects (s3:DeleteObject) in the key\'s policy.');
        pass('delete', 'Deleting objects works.');
      } catch (e) {
        fail('delete', e);
      }
    } else if (attempted) {
      // The write's answer failed, so whether it landed is unknown: remove it quietly (not a step of its own).
      await store.deleteMany([key], { signal }).catch(() => undefined);
    }
  }
  return finish();

  function finish(): ProbeResult {
    return { ok: steps.every((s) => s.ok || !s.required), steps, capabilities };
  }
}

function nextStepAfter(step: ProbeStepName): ProbeStepName {
  const order: ProbeStepName[] = ['list', 'write', 'read', 'conditional-create', 'conditional-update', 'conditional-get', 'copy', 'delete'];
  return order[Math.min(order.indexOf(step) + 1, order.length - 1)];
}

function randomId(): string {
  const bytes = new Uint8Array(8);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
