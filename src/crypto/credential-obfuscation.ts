/**
 * The original's `enc::` obfuscation of the S3 access key and secret key in localStorage
 * (original-format.md §1.8). It is NOT encryption (XOR with password + a public pepper); we read it to
 * take over an existing user's settings, and write it only where the original must read our settings.
 */
import { CloudSyncError } from '../errors';

export const CREDENTIAL_PREFIX = 'enc::';
export const CREDENTIAL_PEPPER = 'tcs-v3-pepper-!@#$%^&*()';

function xorWithKey(text: string, password: string): string {
  const k = password + CREDENTIAL_PEPPER;
  let out = '';
  for (let i = 0; i < text.length; i++) out += String.fromCharCode(text.charCodeAt(i) ^ k.charCodeAt(i % k.length));
  return out;
}

/**
 * `"enc::" + btoa(secret XOR (password + pepper))`. With no password the original stores the plaintext,
 * and so do we. Where the original's `btoa` would throw (a non-Latin-1 XOR result), we throw a clear error
 * instead of storing something neither extension could read back.
 */
export function obfuscateCredential(value: string, password: string): string {
  if (!password) return value;
  const mixed = xorWithKey(value, password);
  for (let i = 0; i < mixed.length; i++) {
    if (mixed.charCodeAt(i) > 0xff) {
      throw new CloudSyncError(
        'invalid-settings',
        'This access key or secret key cannot be saved in the original extension\'s format, because it or the ' +
          'encryption key contains characters outside Latin-1 (for example emoji or accented letters beyond ' +
          'Western European ones). Check that the key was pasted correctly; cloud access keys only use ASCII.',
        { details: { position: i } },
      );
    }
  }
  return CREDENTIAL_PREFIX + btoa(mixed);
}

/**
 * Reads a stored credential as the original does: `enc::…` with a password is de-obfuscated; anything else
 * (plaintext, or `enc::` with no password) is returned unchanged; invalid base64 is kept as it is.
 * A wrong password yields garbage, exactly as in the original: XOR cannot detect it.
 */
export function deobfuscateCredential(stored: string, password: string): string {
  if (!stored.startsWith(CREDENTIAL_PREFIX) || !password) return stored;
  let mixed: string;
  try {
    mixed = atob(stored.slice(CREDENTIAL_PREFIX.length));
  } catch {
    return stored;
  }
  return xorWithKey(mixed, password);
}
