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

  it('a trashed file (or one in a trashed folder) answers by id with trashed: true, leaves searches, and a trashed folder still takes new files', async () => {
    const root = emu.seedFolder('R');
    const id = emu.seedFile('f', root, 'x');
    emu.trash(root);
    const got = await fetch(`${emu.url}/drive/v3/files/${id}?fields=id,trashed`, { headers: auth });
    expect(got.status).toBe(200);
    expect(await got.json()).toEqual({ id, trashed: true });
    const v2 = (await (await fetch(`${emu.url}/drive/v2/files/${id}?fields=labels`, { headers: auth })).json()) as { labels: { trashed: boolean } };
    expect(v2.labels.trashed).toBe(true);
    const q = `'${root}' in parents and trashed = false`;
    expect(((await (await list({ q, fields: 'files(id)' })).json()) as { files: unknown[] }).files).toEqual([]);
    const created = await fetch(`${emu.url}/drive/v3/files?fields=id,trashed`, {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'new', mimeType: FOLDER_MIME, parents: [root] }),
    });
    expect(created.status).toBe(200);
    expect(((await created.json()) as { trashed: boolean }).trashed).toBe(true);
  });

  it('searches lag behind writes by searchLagMs; files.get sees a new file at once', async () => {
    emu.searchLagMs = 60_000;
    const root = emu.seedFolder('R');
    const q = `name = 'R' and trashed = false`;
    expect(((await (await list({ q, fields: 'files(id)' })).json()) as { files: unknown[] }).files).toEqual([]);
    expect((await fetch(`${emu.url}/drive/v3/files/${root}?fields=id`, { headers: auth })).status).toBe(200);
    emu.searchLagMs = 0;
    expect(((await (await list({ q, fields: 'files(id)' })).json()) as { files: unknown[] }).files).toEqual([{ id: root }]);
  });

  it('answers 403 userRateLimitExceeded beyond createsPerSecond and copiesPerSecond', async () => {
    emu.createsPerSecond = 2;
    const mk = (name: string) =>
      fetch(`${emu.url}/drive/v3/files?fields=id`, { method: 'POST', headers: { ...auth, 'Content-Type': 'application/json' }, body: JSON.stringify({ name, mimeType: FOLDER_MIME }) });
    const statuses = [(await mk('a')).status, (await mk('b')).status];
    const third = await mk('c');
    expect([...statuses, third.status]).toEqual([200, 200, 403]);
    expect(((await third.json()) as { error: { errors: { reason: string }[] } }).error.errors[0].reason).toBe('userRateLimitExceeded');
    emu.createsPerSecond = Infinity;
    emu.copiesPerSecond = 1;
    const src = emu.seedFile('s', emu.seedFolder('R'), 'x');
    const copy = () => fetch(`${emu.url}/drive/v3/files/${src}/copy?fields=id`, { method: 'POST', headers: { ...auth, 'Content-Type': 'application/json' }, body: '{}' });
    expect([(await copy()).status, (await copy()).status]).toEqual([200, 403]);
    expect(emu.rateLimited).toBe(2);
  });

  it('moves with addParents/removeParents (one parent only) and stamps modifiedTime unless it is given', async () => {
    const a = emu.seedFolder('A');
    const b = emu.seedFolder('B');
    const id = emu.seedFile('f', a, 'x', { modifiedTime: Date.parse('2025-01-01T00:00:00Z') });
    const patch = (params: string, body: unknown) =>
      fetch(`${emu.url}/drive/v3/files/${id}?${params}`, { method: 'PATCH', headers: { ...auth, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    expect((await patch(`addParents=${b}`, {})).status).toBe(403);
    expect((await patch(`addParents=${b}&removeParents=${a}`, { modifiedTime: '2025-01-01T00:00:00.000Z' })).status).toBe(200);
    expect(emu.files.get(id)?.parents).toEqual([b]);
    expect(emu.files.get(id)?.modifiedTime).toBe(Date.parse('2025-01-01T00:00:00Z'));
    expect((await patch(`addParents=${a}&removeParents=${b}`, {})).status).toBe(200);
    expect(emu.files.get(id)?.modifiedTime).toBeGreaterThan(Date.parse('2026-01-01T00:00:00Z'));
  });
});
