/**
 * Backups of a heavy user's bucket (5 000 items, 100 attachments) on the memory store:
 * `npx vitest bench --run test/unit/backup`. The suite titles carry the request counts, which is what a
 * real provider's time is made of: a snapshot or daily backup is one copy per live object plus a handful of
 * small requests (the original's daily backup re-encrypts and uploads every item instead, W13).
 */
import { bench, describe } from 'vitest';
import { createBackupService, planRestore } from '../../../src/backup';
import { parseMetadata, serializeMetadata, type Metadata, type MetadataEntry } from '../../../src/cloud';
import type { CloudStore } from '../../../src/providers/cloud-store';
import { createMemoryStore, type MemoryStore } from '../../../src/providers/memory';

const N = 5000;
const ATTACHMENTS = 100;

async function heavyBucket(): Promise<{ store: MemoryStore; metadata: Metadata }> {
  const store = createMemoryStore();
  const items: Record<string, MetadataEntry> = {};
  for (let i = 0; i < N; i++) {
    const blob = i < ATTACHMENTS;
    const key = blob ? `ATTACHMENT_${i}.png` : `CHAT_${i.toString(36).padStart(12, 'x')}`;
    items[key] = { type: blob ? 'blob' : 'idb', synced: 1, lastModified: i, size: 100, tcsHash: `h${i}` } as MetadataEntry;
    await store.put(blob ? `attachments/${key}.bin` : `items/${key}.json`, new Uint8Array(64));
  }
  const metadata = { lastSync: 1, items };
  await store.put('metadata.json', new TextEncoder().encode(serializeMetadata(metadata)));
  return { store, metadata };
}

function counting(store: MemoryStore): { store: CloudStore; counts: Record<string, number> } {
  const counts: Record<string, number> = { get: 0, put: 0, copy: 0, list: 0, deleteMany: 0 };
  const wrapped = Object.create(store) as MemoryStore;
  wrapped.get = (k, o) => (counts.get++, store.get(k, o));
  wrapped.put = (k, b, o) => (counts.put++, store.put(k, b, o));
  wrapped.copy = (f, t, o) => (counts.copy++, store.copy(f, t, o));
  wrapped.deleteMany = (k, o) => (counts.deleteMany++, store.deleteMany(k, o));
  wrapped.list = (p, o) => (counts.list++, store.list(p, o));
  return { store: wrapped, counts };
}

const keys = { contentKey: {} as CryptoKey, hashKey: {} as CryptoKey };
const { store, metadata } = await heavyBucket();
let t = Date.UTC(2026, 0, 1);
const measured = counting(store);
const svc = createBackupService({ store: measured.store, keys, now: () => (t += 1000), concurrency: 16 });
await svc.createSnapshot('measure');
const snapshotRequests = { ...measured.counts };
for (const k of Object.keys(measured.counts)) measured.counts[k] = 0;
await svc.runDailyBackup();
const dailyRequests = { ...measured.counts };

describe(`snapshot of ${N} items: requests ${JSON.stringify(snapshotRequests)}; daily backup: ${JSON.stringify(dailyRequests)}`, () => {
  bench(
    'createSnapshot (memory store, 16 copies in flight)',
    async () => {
      await createBackupService({ store, keys, now: () => (t += 1000), concurrency: 16 }).createSnapshot('bench');
    },
    { iterations: 5 },
  );
});

const backup = parseMetadata(new TextEncoder().encode(serializeMetadata(metadata)));
const current = parseMetadata(new TextEncoder().encode(serializeMetadata(metadata)));
// A month later: a fifth of the items changed, 500 new ones.
let i = 0;
for (const k of Object.keys(current.items)) if (i++ % 5 === 0) (current.items[k] as { tcsHash: string }).tcsHash = 'changed';
for (let j = 0; j < 500; j++) current.items[`CHAT_new${j}`] = { type: 'idb', synced: 2, lastModified: 2 } as MetadataEntry;
const objects = new Set(Object.keys(backup.items).map((k) => (k.startsWith('ATTACHMENT_') ? `backups/b/attachments/${k}.bin` : `backups/b/items/${k}.json`)));

describe(`restore plan over ${N} backup entries and ${Object.keys(current.items).length} live ones`, () => {
  bench('planRestore', () => {
    planRestore({ folder: 'backups/b', backup, backupObjects: objects, current, now: 3, reencodeAttachments: false });
  });
});
