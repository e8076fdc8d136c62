/**
 * Takes over the secrets the original extension leaves in localStorage (original-format.md §1.8):
 * the plaintext password `tcs_encryptionkey`, the `enc::`-obfuscated (or plaintext) access and secret keys,
 * and the plaintext Google token. They are moved into the secrets database (keys derived, credentials sealed)
 * and only then removed from localStorage, so a failure half-way loses nothing.
 *
 * Runs on every load, not only the first: if the user went back to the original and it saved new values,
 * those are the newest and are taken over again.
 */
import { deobfuscateCredential, CREDENTIAL_PREFIX } from '../crypto';
import type { GoogleToken, SealedCredentials } from './settings-model';
import { LS } from './storage-keys';

type Get = (key: string) => string | null;

export interface LegacyPlan {
  /** The original's stored password, to derive the keys from. */
  password?: string;
  /** Credentials read from the original's keys (newer than any sealed ones, so they replace them). */
  credentials: SealedCredentials;
  /** localStorage keys to remove once the above is safely stored. */
  remove: string[];
  /** `enc::` values left in place: they need the password, and none is known yet. */
  waitingForPassword: ('accessKeyId' | 'secretAccessKey')[];
}

function parseGoogleToken(raw: string): GoogleToken | undefined {
  try {
    const value = JSON.parse(raw) as GoogleToken | null;
    return typeof value === 'object' && value !== null && typeof value.access_token === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Pure: decides what to take over. `otherPassword` is a password known from elsewhere (the URL, the
 * modal); it is used to read `enc::` values only when the original's own password key is absent.
 */
export function planLegacyImport(get: Get, otherPassword?: string): LegacyPlan {
  const plan: LegacyPlan = { credentials: {}, remove: [], waitingForPassword: [] };
  const storedPassword = get(LS.legacyPassword);
  if (storedPassword !== null) {
    plan.remove.push(LS.legacyPassword);
    if (storedPassword !== '') plan.password = storedPassword;
  }
  const password = plan.password ?? otherPassword ?? '';

  const credentialKeys = [
    [LS.legacyAccessKey, 'accessKeyId'],
    [LS.legacySecretKey, 'secretAccessKey'],
  ] as const;
  for (const [lsKey, field] of credentialKeys) {
    const stored = get(lsKey);
    if (stored === null) continue;
    if (stored === '') {
      // The original writes "" for every unused field; nothing to take over.
      plan.remove.push(lsKey);
    } else if (stored.startsWith(CREDENTIAL_PREFIX) && password === '') {
      plan.waitingForPassword.push(field);
    } else {
      plan.credentials[field] = deobfuscateCredential(stored, password).trim();
      plan.remove.push(lsKey);
    }
  }

  const token = get(LS.legacyGoogleToken);
  if (token !== null) {
    const parsed = parseGoogleToken(token);
    if (parsed) plan.credentials.googleToken = parsed;
    // A token we cannot parse is useless to both extensions (they would ask to sign in again), and it
    // may still hold a bearer token: remove it either way.
    plan.remove.push(LS.legacyGoogleToken);
  }
  return plan;
}

export function planHasWork(plan: LegacyPlan): boolean {
  return plan.remove.length > 0;
}
