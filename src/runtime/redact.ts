/**
 * Removes secrets from anything about to be logged. Pure: the same input gives the same output.
 *
 * Two nets, because one is not enough:
 * - by field name: a field named like a password, secret, token, credential or an access/API/encryption key
 *   has its value replaced, however deep it sits;
 * - by value: secret values the app registers (the encryption password, the S3 secret key, the Google token)
 *   are cut out of every string, so a secret that slipped into an error message or a URL is still hidden.
 */
export const REDACTED = '[redacted]';

/** Field names that hold TypingMind item keys (not secrets); they are worth keeping in the log. */
const ITEM_KEY_FIELDS = new Set(['key', 'keys', 'itemkey', 'itemkeys', 'dirtykeys', 'keycount', 'storagekey', 'cloudkey', 'objectkey']);

const SECRET_WORDS = /pass(word|phrase)?|pwd|secret|token|credential|authori[sz]ation|cookie|signature|bearer/i;

export function isSecretFieldName(name: string): boolean {
  const flat = name.toLowerCase().replace(/[^a-z0-9]/g, '');
  if (ITEM_KEY_FIELDS.has(flat)) return false;
  if (SECRET_WORDS.test(flat)) return true;
  // accessKey, secretKey, apiKey, encryptionKey, privateKey, accessKeyId, x-api-key, ...
  return flat.includes('key');
}

export interface Redactor {
  /** Registers a secret value to be cut out of strings. Values shorter than 4 characters are ignored (too common). */
  addSecret(value: string | null | undefined): void;
  removeSecret(value: string): void;
  redact(value: unknown): unknown;
  redactText(text: string): string;
}

const URL_SECRET_PARAM = /([?&#;]|^)([^=&#\s]*(?:pass|secret|token|key|credential|signature)[^=&#\s]*)=([^&#\s]*)/gi;

export function createRedactor(): Redactor {
  const secrets = new Set<string>();

  const redactText = (text: string): string => {
    let out = text;
    // Longest first, so a secret that contains another is removed whole.
    for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
      if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    }
    // Query parameters such as ?secretKey=… or X-Amz-Signature=… in URLs that end up in messages.
    return out.replace(URL_SECRET_PARAM, (_m, lead: string, name: string) => `${lead}${name}=${REDACTED}`);
  };

  const walk = (value: unknown, seen: WeakSet<object>, depth: number): unknown => {
    if (typeof value === 'string') return redactText(value);
    if (value === null || typeof value !== 'object') return value;
    if (seen.has(value)) return '[circular]';
    if (depth > 8) return '[too deep]';
    seen.add(value);
    if (value instanceof Error) {
      const err = value as Error & { code?: unknown; details?: unknown; cause?: unknown };
      const out: Record<string, unknown> = { name: err.name, message: redactText(err.message) };
      if (err.code !== undefined) out.code = err.code;
      if (err.details !== undefined) out.details = walk(err.details, seen, depth + 1);
      if (err.cause !== undefined) out.cause = walk(err.cause, seen, depth + 1);
      return out;
    }
    if (Array.isArray(value)) return value.map((v) => walk(v, seen, depth + 1));
    if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return `[${(value as ArrayBuffer).byteLength} bytes]`;
    if (typeof Blob !== 'undefined' && value instanceof Blob) return `[Blob ${value.size} bytes]`;
    if (value instanceof Map) return walk(Object.fromEntries(value), seen, depth + 1);
    if (value instanceof Set) return walk([...value], seen, depth + 1);
    if (value instanceof Date) return value.toISOString();
    const out: Record<string, unknown> = {};
    for (const [name, field] of Object.entries(value)) {
      out[name] = isSecretFieldName(name) && field !== undefined && field !== null && field !== '' ? REDACTED : walk(field, seen, depth + 1);
    }
    return out;
  };

  return {
    addSecret(value) {
      if (typeof value === 'string' && value.length >= 4) secrets.add(value);
    },
    removeSecret(value) {
      secrets.delete(value);
    },
    redact: (value) => walk(value, new WeakSet(), 0),
    redactText,
  };
}
