/**
 * File names for item keys in an export folder. Pure.
 *
 * An item key is any string TypingMind or another script chose: it may hold `/`, `..`, `\`, control
 * characters, emoji, or differ from another key only by letter case. A file name made from it must stay
 * inside its folder, be valid on Linux, macOS and Windows, and never be the name of another key's file,
 * also on file systems that ignore case. So:
 * - every byte of the key's UTF-8 outside `[A-Za-z0-9_-.]` is written `%XX` (the fixtures' own convention;
 *   `/` becomes `%2F`, so a key never makes a folder); a lone surrogate, which has no UTF-8, is `%uXXXX`;
 *   an empty key is `%EMPTY` (neither form);
 * - a leading `.` (hidden files, `.` and `..`) and a trailing `.` (Windows drops it) are written `%2E`,
 *   and Windows' device names (CON, NUL, COM1, …) get their first letter written `%XX`;
 * - a name longer than MAX_STEM characters is cut and ends in `~` and a hash of the whole key;
 * - names equal but for case get `~2`, `~3`, … (in key order) before the extension.
 * `~` is itself always escaped, so the two `~` forms cannot be produced by escaping any key: every key
 * gets a name of its own.
 */

const SAFE_BYTE = /^[A-Za-z0-9_.-]$/;
const WINDOWS_DEVICE = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\.|$)/i;
/** Room for the extension and a `~n` suffix inside the usual 255-byte limit on a file name. */
export const MAX_STEM = 180;

function escapeByte(b: number): string {
  return '%' + b.toString(16).toUpperCase().padStart(2, '0');
}

/** FNV-1a (64-bit) over the key's UTF-16 code units, as 16 hex digits: stable, and tells long keys apart. */
function keyHash(key: string): string {
  let h = 0xcbf29ce484222325n;
  for (let i = 0; i < key.length; i++) {
    h ^= BigInt(key.charCodeAt(i));
    h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return h.toString(16).padStart(16, '0');
}

const encoder = new TextEncoder();

/** One code point: itself when safe, its UTF-8 bytes as %XX, or a lone surrogate (no UTF-8 form) as %uXXXX. */
function escapeCodePoint(cp: string): string {
  if (cp.length === 1 && SAFE_BYTE.test(cp)) return cp;
  const unit = cp.charCodeAt(0);
  if (cp.length === 1 && unit >= 0xd800 && unit <= 0xdfff) return '%u' + unit.toString(16).toUpperCase().padStart(4, '0');
  let out = '';
  for (const b of encoder.encode(cp)) out += escapeByte(b);
  return out;
}

/** The escaped stem of one key (no extension, no case suffix). */
export function escapeKey(key: string): string {
  if (key === '') return '%EMPTY';
  let out = '';
  for (const cp of key) out += escapeCodePoint(cp);
  if (out.startsWith('.')) out = '%2E' + out.slice(1);
  if (out.endsWith('.')) out = out.slice(0, -1) + '%2E';
  if (WINDOWS_DEVICE.test(out)) out = escapeByte(out.charCodeAt(0)) + out.slice(1);
  if (out.length > MAX_STEM) {
    // Never cut through a %XX or %uXXXX escape: the stem stays an unambiguous prefix of the full escape.
    let cut = MAX_STEM - 17;
    const pct = out.lastIndexOf('%', cut - 1);
    if (pct >= 0 && pct + (out[pct + 1] === 'u' ? 6 : 3) > cut) cut = pct;
    out = out.slice(0, cut) + '~' + keyHash(key);
  }
  return out;
}

/**
 * A unique file name for every key: `escapeKey(key)` + `extension(key)` (".json" by default), with a
 * `~n` before the extension for names equal but for case. The result does not depend on the order of `keys`.
 */
export function safeFileNames(keys: Iterable<string>, extension: (key: string) => string = () => '.json'): Map<string, string> {
  const sorted = [...new Set(keys)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const taken = new Map<string, number>();
  const out = new Map<string, string>();
  for (const key of sorted) {
    const stem = escapeKey(key);
    const ext = extension(key);
    const folded = (stem + ext).toLowerCase();
    const seen = taken.get(folded) ?? 0;
    taken.set(folded, seen + 1);
    out.set(key, seen === 0 ? stem + ext : `${stem}~${seen + 1}${ext}`);
  }
  return out;
}
