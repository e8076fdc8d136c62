/**
 * Small helpers for the backup tests: a bucket with live items written by hand, and store wrappers that fail
 * chosen requests (like the engine tests' counting wrapper: an object whose prototype is the real store).
 */
import { serializeMetadata, type Metadata, type MetadataEntry } from '../../../src/cloud';
import { CloudSyncError } from '../../../src/errors';
import type { CloudStore } from '../../../src/providers/cloud-store';
import { createMemoryStore, type MemoryStore } from '../../../src/providers/memory';

export const enc = new TextEncoder();
export const dec = new TextDecoder();

export async function putMetadata(store: CloudStore, m: Metadata): Promise<string> {
  return (await store.put('metadata.json', enc.encode(serializeMetadata(m)), { contentType: 'application/json' })).etag;
}

export async function readJson(store: CloudStore, key: string): Promise<unknown> {
  const r = await store.get(key);
  if (r.kind !== 'found') throw new Error(`${key} not found`);
  return JSON.parse(dec.decode(r.body));
}

export async function readText(store: CloudStore, key: string): Promise<string | undefined> {
  const r = await store.get(key);
  return r.kind === 'found' ? dec.decode(r.body) : undefined;
}

export function live(type: 'idb' | 'ls' | 'blob', extra: Record<string, unknown> = {}): MetadataEntry {
  return { type, synced: 1000, lastModified: 1000, size: 10, ...extra } as MetadataEntry;
}

/**
 * A bucket with: two idb items, one ls item, one attachment (all live), a tombstoned key whose orphan object
 * is still there, and an orphan object no entry mentions. Object bodies are distinct byte strings.
 */
export async function seedBucket(store: MemoryStore = createMemoryStore()) {
  const items: Record<string, MetadataEntry> = {
    CHAT_a: live('idb', { chatFingerprint: 'x|1|m|t' }),
    TM_useTheme: live('idb'),
    TM_useSidebarWidth: live('ls'),
    'ATTACHMENT_pic.png': live('blob', { blobType: 'image/png' }),
    CHAT_gone: { type: 'idb', deleted: 900, tombstoneVersion: 1, synced: 900 },
  };
  const bodies: Record<string, Uint8Array> = {
    'items/CHAT_a.json': enc.encode('chat-a-v1'),
    'items/TM_useTheme.json': enc.encode('theme-v1'),
    'items/TM_useSidebarWidth.json': enc.encode('width-v1'),
    'attachments/ATTACHMENT_pic.png.bin': new Uint8Array([0x89, 0x50, 0x4e, 0x47, 9, 9]),
    'items/CHAT_gone.json': enc.encode('orphan of a deleted chat'),
    'items/CHAT_stray.json': enc.encode('object with no entry'),
  };
  for (const [k, b] of Object.entries(bodies)) await store.put(k, b);
  const metadata: Metadata = { lastSync: 1000, items };
  await putMetadata(store, metadata);
  return { store, metadata, bodies };
}

/** Copies whose destination or source matches `fails` answer with a server error; everything else passes. */
export function failingCopies<T extends CloudStore>(store: T, fails: (from: string, to: string) => boolean): T {
  const wrapped = Object.create(store) as T;
  wrapped.copy = async (from, to, o) => {
    if (fails(from, to)) throw new CloudSyncError('provider-error', `The storage answered 503 while copying ${from}.`);
    return store.copy(from, to, o);
  };
  return wrapped;
}

/** A memory store whose clock is the test's. */
export function clockedStore(now: () => number): MemoryStore {
  return createMemoryStore({ now });
}

/** Test keys: the bytes codec needs a real AES key; the hash key is not used by the backup service. */
export async function testKeys(password = 'backup test password') {
  const { importContentKey } = await import('../../../src/crypto');
  const contentKey = await importContentKey(password);
  return { contentKey, hashKey: contentKey };
}
