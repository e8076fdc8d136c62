import { describe, expect, it } from 'vitest';
import { CloudSyncError } from '../../../src/errors';
import { createLogger, isLoggingRequested, loggingUrl } from '../../../src/runtime/logger';
import { createRedactor, isSecretFieldName, REDACTED } from '../../../src/runtime/redact';

function recordingConsole() {
  const lines: { method: string; args: unknown[] }[] = [];
  const make = (method: string) => (...args: unknown[]) => void lines.push({ method, args });
  return { lines, console: { log: make('log'), warn: make('warn'), error: make('error'), debug: make('debug') } };
}

describe('redaction', () => {
  it('recognises secret field names but keeps item keys', () => {
    for (const name of ['password', 'encryptionKey', 'secretKey', 'accessKey', 'accessKeyId', 'apiKey', 'x-api-key', 'token', 'access_token', 'Authorization', 'googleClientSecret', 'credentials']) {
      expect(isSecretFieldName(name), name).toBe(true);
    }
    for (const name of ['key', 'keys', 'dirtyKeys', 'itemKey', 'bucketName', 'region', 'uploaded', 'count']) {
      expect(isSecretFieldName(name), name).toBe(false);
    }
  });

  it('replaces secret fields at any depth, in arrays and in error details', () => {
    const r = createRedactor();
    const out = r.redact({
      provider: 's3',
      config: { bucketName: 'b', secretKey: 'abc123xyz', nested: [{ token: 't0k3n' }] },
      key: 'CHAT_1',
      error: new CloudSyncError('bad-credentials', 'The keys were refused.', { details: { accessKey: 'AKIA123' } }),
    }) as Record<string, any>;
    expect(out.config.secretKey).toBe(REDACTED);
    expect(out.config.bucketName).toBe('b');
    expect(out.config.nested[0].token).toBe(REDACTED);
    expect(out.key).toBe('CHAT_1');
    expect(out.error).toMatchObject({ code: 'bad-credentials', message: 'The keys were refused.', details: { accessKey: REDACTED } });
    expect(JSON.stringify(out)).not.toMatch(/abc123xyz|t0k3n|AKIA123/);
  });

  it('cuts registered secret values out of any text, and secret-looking URL parameters', () => {
    const r = createRedactor();
    r.addSecret('hunter22');
    r.addSecret('ab'); // too short to be told apart from ordinary text: ignored
    expect(r.redactText('decrypt failed with hunter22 for chat')).toBe(`decrypt failed with ${REDACTED} for chat`);
    expect(r.redactText('ab cd')).toBe('ab cd');
    const url = r.redactText('GET https://x/?X-Amz-Signature=deadbeef&X-Amz-Date=1 and ?secretkey=s3cr3t');
    expect(url).not.toMatch(/deadbeef|s3cr3t/);
    expect(url).toContain('X-Amz-Date=1');
  });

  it('survives cycles and binary data', () => {
    const r = createRedactor();
    const a: Record<string, unknown> = { name: 'a', bytes: new Uint8Array(10) };
    a.self = a;
    expect(r.redact(a)).toEqual({ name: 'a', bytes: '[10 bytes]', self: '[circular]' });
  });
});

describe('logger', () => {
  it('writes to the console only when enabled, routed by level, with the original icons', () => {
    const c = recordingConsole();
    const log = createLogger({ console: c.console });
    log.info('quiet');
    log.error('kept quiet too');
    expect(c.lines).toEqual([]);
    log.setEnabled(true);
    log.success('uploaded 3 items');
    log.warn('slow');
    log.error('failed', { key: 'CHAT_1' });
    expect(c.lines.map((l) => l.method)).toEqual(['log', 'warn', 'error']);
    expect(String(c.lines[0]!.args[0])).toMatch(/^✅ \[.+\] uploaded 3 items$/);
    expect(c.lines[2]!.args[1]).toEqual({ key: 'CHAT_1' });
  });

  it('keeps errors in the buffer even when logging is off, and drops debug chatter then', () => {
    const log = createLogger({ console: recordingConsole().console });
    log.debug('noise');
    log.info('started');
    log.error('bucket not found');
    expect(log.entries().map((e) => [e.level, e.message])).toEqual([
      ['info', 'started'],
      ['error', 'bucket not found'],
    ]);
  });

  it('is a ring: old entries go, but errors survive a flood of chatter', () => {
    const log = createLogger({ capacity: 5, problemCapacity: 3, console: recordingConsole().console });
    log.error('the one that matters');
    for (let i = 0; i < 50; i++) log.info(`tick ${i}`);
    const entries = log.entries();
    expect(entries[0]!.message).toBe('the one that matters');
    expect(entries.slice(1).map((e) => e.message)).toEqual(['tick 45', 'tick 46', 'tick 47', 'tick 48', 'tick 49']);
    expect(log.entries(entries[3]!.seq).map((e) => e.message)).toEqual(['tick 48', 'tick 49']);
  });

  it('never lets a secret reach the console or the buffer', () => {
    const c = recordingConsole();
    const log = createLogger({ enabled: true, console: c.console });
    log.addSecret('my-encryption-pass');
    log.scoped('config').info('saving settings with my-encryption-pass', { encryptionKey: 'my-encryption-pass', secretKey: 'S3SECRET', bucketName: 'notes' });
    const everything = JSON.stringify([c.lines, log.entries()]);
    expect(everything).not.toMatch(/my-encryption-pass|S3SECRET/);
    expect(everything).toContain('notes');
    expect(log.entries()[0]!.scope).toBe('config');
  });

  it('feeds subscribers, and a broken subscriber does not break logging', () => {
    const log = createLogger({ console: recordingConsole().console });
    const seen: string[] = [];
    log.subscribe(() => {
      throw new Error('viewer crashed');
    });
    const off = log.subscribe((e) => seen.push(e.message));
    log.info('one');
    off();
    log.info('two');
    expect(seen).toEqual(['one']);
    expect(log.entries()).toHaveLength(2);
  });

  it('reads the ?log switch like the original (any value)', () => {
    expect(isLoggingRequested('?log')).toBe(true);
    expect(isLoggingRequested('?a=1&log=true')).toBe(true);
    expect(isLoggingRequested('?log=')).toBe(true);
    expect(isLoggingRequested('?catalog=1')).toBe(false);
    expect(isLoggingRequested('')).toBe(false);
  });

  it('switches ?log on and off in the address, keeping everything else', () => {
    const on = loggingUrl('https://www.typingmind.com/?foo=1#chat', true);
    expect(isLoggingRequested(new URL(on).search)).toBe(true);
    expect(new URL(on).searchParams.get('foo')).toBe('1');
    expect(new URL(on).hash).toBe('#chat');
    expect(loggingUrl(on, true)).toBe(on);
    const off = loggingUrl(on, false);
    expect(isLoggingRequested(new URL(off).search)).toBe(false);
    expect(off).toBe('https://www.typingmind.com/?foo=1#chat');
  });
});
