import { describe, expect, it } from 'vitest';
import { probeStore, PROBE_PREFIX } from '../../../src/providers/probe';
import { MemoryStore } from '../../../src/providers/memory/memory-store';
import type { CloudStore } from '../../../src/providers/cloud-store';
import { CloudSyncError } from '../../../src/errors';

/** A MemoryStore whose chosen method throws the given error: a provider that refuses one thing. */
function refusing(method: 'list' | 'put' | 'get' | 'copy' | 'deleteMany', error: CloudSyncError, inner = new MemoryStore()): CloudStore & { inner: MemoryStore } {
  const store = Object.create(inner) as MemoryStore & { inner: MemoryStore };
  store.inner = inner;
  if (method === 'list') {
    store.list = async function* () {
      throw error;
    };
  } else {
    (store as unknown as Record<string, unknown>)[method] = async () => {
      throw error;
    };
  }
  return store;
}

describe('probeStore', () => {
  it('passes every step on a store that does everything, finds conditional writes honoured, and cleans up', async () => {
    const store = new MemoryStore();
    await store.put('metadata.json', new Uint8Array([1]));
    const r = await probeStore(store, { id: 'fixed' });
    expect(r.ok).toBe(true);
    expect(r.steps.map((s) => [s.step, s.ok])).toEqual([
      ['list', true],
      ['write', true],
      ['read', true],
      ['conditional-create', true],
      ['conditional-update', true],
      ['conditional-get', true],
      ['copy', true],
      ['delete', true],
    ]);
    expect(r.capabilities).toEqual({ conditionalPut: true, conditionalGet: true, serverSideCopy: true });
    expect(store.keys()).toEqual(['metadata.json']);
  });

  it('finds a store that ignores conditions, says sync still works, and still passes overall', async () => {
    const store = new MemoryStore({ capabilities: { conditionalPut: false, conditionalGet: false } });
    const r = await probeStore(store);
    expect(r.ok).toBe(true);
    expect(r.capabilities.conditionalPut).toBe(false);
    expect(r.capabilities.conditionalGet).toBe(false);
    const create = r.steps.find((s) => s.step === 'conditional-create');
    expect(create).toMatchObject({ ok: false, required: false });
    expect(create?.message).toMatch(/still works/);
    expect(store.keys().filter((k) => k.startsWith(PROBE_PREFIX))).toEqual([]);
  });

  it('stops at a failed list with the error\'s own advice, and writes nothing', async () => {
    const store = refusing('list', new CloudSyncError('bad-credentials', 'The secret access key does not match the access key ID. Check the Secret Key.'));
    const r = await probeStore(store);
    expect(r.ok).toBe(false);
    expect(r.steps).toEqual([
      { step: 'list', ok: false, required: true, code: 'bad-credentials', message: 'The secret access key does not match the access key ID. Check the Secret Key.' },
    ]);
    expect(store.inner.keys()).toEqual([]);
  });

  it('offers the CORS configuration for the provider when the browser is blocked', async () => {
    const store = refusing('list', new CloudSyncError('cors-or-network', 'The browser could not reach the bucket (CORS?).', { details: { showCors: true } }));
    const r = await probeStore(store, { pageOrigin: 'https://www.typingmind.com/', endpoint: 'https://acc.r2.cloudflarestorage.com', bucket: 'mine' });
    const list = r.steps[0];
    expect(list.code).toBe('cors-or-network');
    expect(list.cors?.provider).toBe('r2');
    expect(JSON.parse(list.cors?.text ?? '')[0].AllowedOrigins).toEqual(['https://www.typingmind.com']);
  });

  it('reports a refused write with the permission to add, and skips the rest', async () => {
    const store = refusing('put', new CloudSyncError('access-denied', 'The credentials are valid but not allowed to write objects (s3:PutObject).'));
    const r = await probeStore(store);
    expect(r.ok).toBe(false);
    expect(r.steps.map((s) => s.step)).toEqual(['list', 'write']);
    expect(r.steps[1].message).toContain('s3:PutObject');
  });

  it('reports a refused delete as a required failure, after the other steps passed', async () => {
    const store = refusing('deleteMany', new CloudSyncError('access-denied', 'The credentials are valid but not allowed to delete objects (s3:DeleteObject).'));
    const r = await probeStore(store);
    expect(r.ok).toBe(false);
    const del = r.steps.find((s) => s.step === 'delete');
    expect(del).toMatchObject({ ok: false, required: true, code: 'access-denied' });
  });

  it('reports a failed copy (snapshots need it) as a required failure, and still cleans up', async () => {
    const inner = new MemoryStore();
    const store = refusing('copy', new CloudSyncError('access-denied', 'The credentials are valid but not allowed to copy objects here.'), inner);
    const r = await probeStore(store);
    expect(r.ok).toBe(false);
    expect(r.steps.find((s) => s.step === 'copy')?.ok).toBe(false);
    expect(r.steps.find((s) => s.step === 'delete')?.ok).toBe(true);
    expect(inner.keys()).toEqual([]);
  });

  it('fails when checking for changes (what every sync does) fails, though the plain read worked', async () => {
    const inner = new MemoryStore();
    const store = Object.create(inner) as MemoryStore;
    store.get = async (key, options = {}) => {
      if (options.ifNoneMatch !== undefined) throw new CloudSyncError('cors-or-network', "The storage provider's answer had no ETag header.");
      return inner.get(key, options);
    };
    const r = await probeStore(store);
    expect(r.ok).toBe(false);
    expect(r.steps.find((s) => s.step === 'conditional-get')).toMatchObject({ ok: false, required: true, code: 'cors-or-network' });
    expect(r.steps.find((s) => s.step === 'conditional-get')?.message).toMatch(/every sync/);
    expect(inner.keys()).toEqual([]);
  });

  it('removes its test object even when the write landed but its answer failed', async () => {
    const inner = new MemoryStore();
    const store = Object.create(inner) as MemoryStore;
    store.put = async (key, body, options) => {
      await inner.put(key, body, options);
      throw new CloudSyncError('cors-or-network', "The storage provider's answer had no ETag header.");
    };
    const r = await probeStore(store);
    expect(r.ok).toBe(false);
    expect(r.steps.find((s) => s.step === 'write')?.ok).toBe(false);
    expect(inner.keys()).toEqual([]);
  });
});
