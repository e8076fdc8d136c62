/**
 * The emulator's own strictness: if it accepted what Drive refuses, the provider tests would prove
 * nothing. Plain fetch, no provider.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FOLDER_MIME, startDriveEmulator, type DriveEmulator } from '../../support/gdrive-emulator';

let emu: DriveEmulator;
const auth = { Authorization: 'Bearer test-token' };
beforeEach(async () => {
  emu = await startDriveEmulator({ maxPageSize: 2 });
});
afterEach(async () => {
  await emu.stop();
});

const list = (params: Record<string, string>, headers: Record<string, string> = auth) =>
  fetch(`${emu.url}/drive/v3/files?${new URLSearchParams(params)}`, { headers });

describe('Drive API emulator', () => {
  it('answers 401 without a token, with an unknown one, and with a revoked one', async () => {
    expect((await list({ q: 'trashed = false' }, {})).status).toBe(401);
    expect((await list({ q: 'trashed = false' }, { Authorization: 'Bearer nope' })).status).toBe(401);
    emu.revokeToken('test-token');
    const res = await list({ q: 'trashed = false' });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { errors: { reason: string }[] } }).error.errors[0].reason).toBe('authError');
  });

  it('refuses query syntax the provider does not use, unknown fields and unknown parameters', async () => {
    for (const q of ["fullText contains 'x'", "name contains 'x'", "name = 'a' or name = 'b'", "name = 'bad\\escape'", "name = 'open"]) {
      expect((await list({ q })).status, q).toBe(400);
    }
    expect((await list({ q: 'trashed = false', fields: 'files(id,owners)' })).status).toBe(400);
    expect((await list({ q: 'trashed = false', fields: 'nextPageToken,bogus' })).status).toBe(400);
    expect((await list({ q: 'trashed = false', corpora: 'user' })).status).toBe(400);
    expect((await list({ q: 'trashed = false', pageSize: '1001' })).status).toBe(400);
    expect((await list({ q: 'trashed = false', pageToken: 'forged' })).status).toBe(400);
  });

  it('pages with nextPageToken, every file once; a token is bound to its query', async () => {
    const root = emu.seedFolder('R');
    for (let i = 0; i < 5; i++) emu.seedFile(`f${i}`, root, 'x');
    const q = `'${root}' in parents and trashed = false`;
    const names: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const body = (await (await list({ q, fields: 'nextPageToken,files(name)', pageSize: '1000', ...(token ? { pageToken: token } : {}) })).json()) as {
        files: { name: string }[];
        nextPageToken?: string;
      };
      names.push(...body.files.map((f) => f.name));
      token = body.nextPageToken;
      pages++;
      if (token) expect((await list({ q: "name = 'other'", pageToken: token })).status).toBe(400);
    } while (token);
    expect(pages).toBe(3);
    expect(names.sort()).toEqual(['f0', 'f1', 'f2', 'f3', 'f4']);
  });

  it('honours If-Match on the v2 update (412 on a stale etag, nothing written), and deletes a folder with its subtree', async () => {
    const root = emu.seedFolder('R');
    const sub = emu.seedFolder('S', root);
    const id = emu.seedFile('f', sub, 'x');
    const v2 = (await (await fetch(`${emu.url}/drive/v2/files/${id}?fields=etag,version`, { headers: auth })).json()) as { etag: string; version: string };
    const stale = await fetch(`${emu.url}/upload/drive/v2/files/${id}?uploadType=media`, {
      method: 'PUT',
      headers: { ...auth, 'If-Match': '"stale"', 'Content-Type': 'text/plain' },
      body: 'y',
    });
    expect(stale.status).toBe(412);
    expect(emu.files.get(id)?.content.toString()).toBe('x');
    const ok = await fetch(`${emu.url}/upload/drive/v2/files/${id}?uploadType=media&fields=version`, {
      method: 'PUT',
      headers: { ...auth, 'If-Match': v2.etag, 'Content-Type': 'text/plain' },
      body: 'y',
    });
    expect(ok.status).toBe(200);
    expect(Number(((await ok.json()) as { version: string }).version)).toBe(Number(v2.version) + 1);

    const del = await fetch(`${emu.url}/drive/v3/files/${root}`, { method: 'DELETE', headers: auth });
    expect(del.status).toBe(204);
    expect([...emu.files.values()].filter((f) => f.mimeType === FOLDER_MIME || f.id === id)).toEqual([]);
  });

  it('injects faults with Retry-After, a given number of times', async () => {
    emu.injectFault({ status: 429, retryAfter: '2', times: 2, method: 'GET' });
    const a = await list({ q: 'trashed = false' });
    const b = await list({ q: 'trashed = false' });
    const c = await list({ q: 'trashed = false' });
    expect([a.status, b.status, c.status]).toEqual([429, 429, 200]);
    expect(a.headers.get('retry-after')).toBe('2');
  });
});
