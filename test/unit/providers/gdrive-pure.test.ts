import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { buildQuery, quoteQueryString, FOLDER_MIME } from '../../../src/providers/gdrive/drive-query';
import { isRetryable, parseDriveError, parseRetryAfter, toCloudSyncError } from '../../../src/providers/gdrive/drive-errors';
import { DriveHttp } from '../../../src/providers/gdrive/drive-http';
import { pickFirstCreated, pickNewest } from '../../../src/providers/gdrive/pick-newest';
import { splitKey, splitPrefix } from '../../../src/providers/gdrive/drive-path';
import { buildMultipartRelated, containsBytes } from '../../../src/providers/gdrive/multipart';
import { parseQuery, type EmulatedFile } from '../../support/gdrive-emulator';
import { isCloudSyncError } from '../../../src/errors';

describe('drive query building', () => {
  it("escapes ' and \\ with a backslash", () => {
    expect(quoteQueryString("it's")).toBe("'it\\'s'");
    expect(quoteQueryString('a\\b')).toBe("'a\\\\b'");
    expect(quoteQueryString("\\'")).toBe("'\\\\\\''");
  });

  it('builds the forms the provider uses, in a fixed order', () => {
    expect(buildQuery({ name: 'x', parentId: 'P1', foldersOnly: true })).toBe(
      `name = 'x' and 'P1' in parents and mimeType = '${FOLDER_MIME}' and trashed = false`,
    );
    expect(buildQuery({ parentId: 'P1' })).toBe("'P1' in parents and trashed = false");
  });

  it('any name survives the round trip through the query: the emulator parses it back to exactly that name', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), (name) => {
        const matches = parseQuery(buildQuery({ name, parentId: 'p' }));
        const file = { name, parents: ['p'], trashed: false, mimeType: 'x' } as EmulatedFile;
        expect(matches(file)).toBe(true);
        expect(matches({ ...file, name: `${name}x` })).toBe(false);
      }),
    );
  });
});

describe('drive errors', () => {
  it('reads reason and message from a Drive error body, and survives a non-JSON one', () => {
    const body = JSON.stringify({ error: { code: 403, message: 'Rate Limit Exceeded', errors: [{ reason: 'userRateLimitExceeded' }] } });
    expect(parseDriveError(403, body)).toEqual({ status: 403, reason: 'userRateLimitExceeded', message: 'Rate Limit Exceeded' });
    expect(parseDriveError(502, '<html>Bad Gateway</html>')).toEqual({ status: 502, message: '<html>Bad Gateway</html>' });
  });

  it('retries rate limits and server errors only', () => {
    expect(isRetryable({ status: 403, reason: 'userRateLimitExceeded' })).toBe(true);
    expect(isRetryable({ status: 403, reason: 'rateLimitExceeded' })).toBe(true);
    expect(isRetryable({ status: 429 })).toBe(true);
    expect(isRetryable({ status: 503 })).toBe(true);
    expect(isRetryable({ status: 403, reason: 'storageQuotaExceeded' })).toBe(false);
    expect(isRetryable({ status: 403 })).toBe(false);
    expect(isRetryable({ status: 404 })).toBe(false);
    expect(isRetryable({ status: 400 })).toBe(false);
  });

  it('reads Retry-After as seconds or as an HTTP date; ignores junk', () => {
    const now = Date.parse('2030-01-01T00:00:00Z');
    expect(parseRetryAfter('12', now)).toBe(12_000);
    expect(parseRetryAfter('Tue, 01 Jan 2030 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Mon, 31 Dec 2029 00:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  it('backs off exponentially within [c/2, c], c = base·2^(failures-1), capped', () => {
    const http = (random: () => number) =>
      new DriveHttp({
        getAccessToken: async () => 'token',
        fetch: (() => Promise.reject(new Error('no network in this test'))) as typeof fetch,
        sleep: async () => {},
        maxAttempts: 5,
        baseDelayMs: 1000,
        maxDelayMs: 60_000,
        random,
        now: () => 0,
      });
    expect(http(() => 0).backoff(1)).toBe(500);
    expect(http(() => 1).backoff(4)).toBe(8000);
    expect(http(() => 1).backoff(21)).toBe(60_000);
  });

  it('maps statuses to codes, each with a message a person can act on', () => {
    const cases: [number, string | undefined, string][] = [
      [401, undefined, 'reconnect-required'],
      [403, 'storageQuotaExceeded', 'quota-exceeded'],
      [403, 'userRateLimitExceeded', 'throttled'],
      [429, undefined, 'throttled'],
      [403, 'insufficientFilePermissions', 'access-denied'],
      [404, 'notFound', 'not-found'],
      [412, 'conditionNotMet', 'precondition-failed'],
      [500, undefined, 'provider-error'],
      [400, 'invalid', 'provider-error'],
    ];
    for (const [status, reason, code] of cases) {
      const e = toCloudSyncError({ status, reason }, 'saving metadata.json');
      expect(isCloudSyncError(e, code as never), `${status} ${reason}`).toBe(true);
      expect(e.message.length).toBeGreaterThan(40);
      expect(e.details.status).toBe(status);
    }
  });
});

describe('duplicates', () => {
  it('the newest modifiedTime wins, ties broken by id, whatever the order', () => {
    const files = [
      { id: 'b', modifiedTime: '2025-01-01T00:00:00.000Z' },
      { id: 'a', modifiedTime: '2025-03-01T00:00:00.000Z' },
      { id: 'c', modifiedTime: '2025-03-01T00:00:00.000Z' },
      { id: 'd' },
    ];
    fc.assert(
      fc.property(fc.shuffledSubarray(files, { minLength: files.length }), (shuffled) => {
        expect(pickNewest(shuffled)?.id).toBe('c');
      }),
    );
    expect(pickNewest([])).toBeUndefined();
  });

  it('for create-if-absent races, the first created wins', () => {
    expect(
      pickFirstCreated([
        { id: 'x', createdTime: '2025-01-02T00:00:00Z' },
        { id: 'y', createdTime: '2025-01-01T00:00:00Z' },
        { id: 'w', createdTime: '2025-01-01T00:00:00Z' },
      ])?.id,
    ).toBe('w');
  });
});

describe('key layout', () => {
  it("splits keys into folders and a file name, as the original lays them out", () => {
    expect(splitKey('metadata.json')).toEqual({ folders: [], name: 'metadata.json' });
    expect(splitKey('backups/s-a-20250101T000000/items/CHAT_1.json')).toEqual({
      folders: ['backups', 's-a-20250101T000000', 'items'],
      name: 'CHAT_1.json',
    });
  });

  it('refuses keys with an empty level, with a human message', () => {
    for (const key of ['', '/x', 'x/', 'a//b']) {
      let err: unknown;
      try {
        splitKey(key);
      } catch (e) {
        err = e;
      }
      expect(isCloudSyncError(err, 'provider-error'), key).toBe(true);
      expect((err as Error).message).toMatch(/cannot be stored on Google Drive/);
    }
  });

  it('splits list prefixes into whole folders and a name filter', () => {
    expect(splitPrefix('')).toEqual({ folders: [], namePrefix: '' });
    expect(splitPrefix('items/')).toEqual({ folders: ['items'], namePrefix: '' });
    expect(splitPrefix('backups/s-')).toEqual({ folders: ['backups'], namePrefix: 's-' });
  });
});

describe('multipart body', () => {
  it('is a JSON part then the media part, bytes intact', () => {
    const media = new Uint8Array([0, 255, 13, 10, 45, 45]);
    const { body, contentType } = buildMultipartRelated({ name: 'a' }, media, 'application/octet-stream', 'BOUND');
    expect(contentType).toBe('multipart/related; boundary=BOUND');
    const text = Buffer.from(body).toString('latin1');
    expect(text.startsWith('--BOUND\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n{"name":"a"}\r\n--BOUND\r\n')).toBe(true);
    expect(text.endsWith('\r\n--BOUND--\r\n')).toBe(true);
    const start = text.indexOf('application/octet-stream\r\n\r\n') + 'application/octet-stream\r\n\r\n'.length;
    expect([...body.subarray(start, start + media.length)]).toEqual([...media]);
  });

  it('finds a boundary that collides with the body', () => {
    const enc = new TextEncoder();
    expect(containsBytes(enc.encode('xx--tcs_abc--'), enc.encode('tcs_abc'))).toBe(true);
    expect(containsBytes(enc.encode('xx--tcs_ab'), enc.encode('tcs_abc'))).toBe(false);
  });
});
