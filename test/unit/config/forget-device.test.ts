import { describe, expect, it } from 'vitest';
import { forgetDevice, loadConfig, SECRETS_DB } from '../../../src/config';
import { isCloudSyncError } from '../../../src/errors';
import { dumpDatabases, openPage } from './page-env';

function openDb(factory: IDBFactory, name: string, store: string): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const r = factory.open(name, 1);
    r.onupgradeneeded = () => r.result.createObjectStore(store);
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

function put(db: IDBDatabase, store: string, key: string, value: unknown): Promise<void> {
  return new Promise((resolve, reject) => {
    const tx = db.transaction(store, 'readwrite');
    tx.objectStore(store).put(value, key);
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
  });
}

/** A configured device with TypingMind's own data next to ours. */
async function configuredDevice() {
  const page = openPage('https://www.typingmind.com/?bucket=tcs-lab&region=us-east-1&accesskey=AK&secretkey=SK&encryptionkey=pw');
  const { env } = page;
  env.localStorage.setItem('TM_useTheme', '"dark"');
  env.localStorage.setItem('gsi_client_id', 'keep me');
  env.localStorage.setItem('tcs_local-metadata', '{}');
  env.localStorage.setItem('tcs_tombstone_CHAT_x', '{}');
  await loadConfig(env);
  const keyval = await openDb(env.indexedDB, 'keyval-store', 'keyval');
  await put(keyval, 'keyval', 'CHAT_abc', { id: 'abc', messages: [{ id: 'm1', content: 'hello' }] });
  keyval.close();
  // Another database of ours (the sync base, say), found by its prefix.
  const base = await openDb(env.indexedDB, 'tcs-cloudsync-base', 'base');
  await put(base, 'base', 'CHAT_abc', { hash: 'x' });
  base.close();
  return page;
}

describe('forgetDevice', () => {
  it("removes our databases and every tcs_ key, and leaves TypingMind's data untouched", async () => {
    const { env } = await configuredDevice();
    const result = await forgetDevice(env);

    expect(result.databases.sort()).toEqual(['tcs-cloudsync-base', SECRETS_DB].sort());
    expect(result.localStorageKeys.sort()).toEqual(
      ['tcs_aws_bucketname', 'tcs_aws_region', 'tcs_local-metadata', 'tcs_tombstone_CHAT_x'].sort(),
    );
    const left: Record<string, string> = {};
    for (let i = 0; i < env.localStorage.length; i++) left[env.localStorage.key(i)!] = env.localStorage.getItem(env.localStorage.key(i)!)!;
    expect(left).toEqual({ TM_useTheme: '"dark"', gsi_client_id: 'keep me' });

    const names = (await env.indexedDB.databases()).map((d) => d.name);
    expect(names).toEqual(['keyval-store']);
    expect(await dumpDatabases(env.indexedDB as never)).toEqual([
      { db: 'keyval-store', store: 'keyval', key: 'CHAT_abc', value: { id: 'abc', messages: [{ id: 'm1', content: 'hello' }] } },
    ]);
  });

  it('leaves the device unconfigured, asking for everything again', async () => {
    const { env } = await configuredDevice();
    await forgetDevice(env);
    const c = await loadConfig(env);
    expect(c.configured).toBe(false);
    expect(c.keys).toBeNull();
    expect(c.s3).toBeUndefined();
  });

  it('in a browser that cannot list databases, removes the ones it knows by name', async () => {
    const { env } = await configuredDevice();
    const sync = await openDb(env.indexedDB, 'tcs-cloudsync-sync', 'base');
    sync.close();
    const real = env.indexedDB;
    const noListing = { open: real.open.bind(real), deleteDatabase: real.deleteDatabase.bind(real), cmp: real.cmp.bind(real) } as IDBFactory;
    const result = await forgetDevice({ localStorage: env.localStorage, indexedDB: noListing });
    expect(result.databases).toEqual([SECRETS_DB, 'tcs-cloudsync-sync']);
    const names = (await real.databases()).map((d) => d.name).sort();
    expect(names).toEqual(['keyval-store', 'tcs-cloudsync-base']);
  });

  it('says what to do when another tab holds a database open', async () => {
    const { env } = await configuredDevice();
    // A connection that ignores versionchange, like a tab that never closes it.
    const stubborn = await openDb(env.indexedDB, 'tcs-cloudsync-base', 'base');
    const err = await forgetDevice(env, { blockedTimeoutMs: 50 }).catch((e: unknown) => e);
    expect(isCloudSyncError(err, 'host-unavailable')).toBe(true);
    expect((err as Error).message).toMatch(/Close the other TypingMind tabs/);
    // The settings were removed all the same, and TypingMind's data is still there.
    expect(env.localStorage.getItem('tcs_aws_bucketname')).toBeNull();
    expect(env.localStorage.getItem('TM_useTheme')).toBe('"dark"');
    stubborn.close();
  });
});
