/**
 * One chat back from any backup, on real S3 (s3rver): the bucket the original V4.2 and V3 wrote, and one this
 * build wrote with an attachment. Reads only each backup's index and the one chat's object; a restore puts
 * the chat (and the attachments it needs) on this device, and the next sync publishes it and nothing else.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { createBackupService } from '../../../src/backup';
import { isTombstone, parseMetadata } from '../../../src/cloud';
import { createChatHistory } from '../../../src/recovery/chat-history';
import { chatMessages } from '../../../src/recovery/chat-summary';
import { FIXTURE_BUCKETS, decodeTagged, loadFixtureBucket, seedStoreFromFixture } from '../../support/fixture-bucket';
import { useS3TestStores } from '../../support/s3-test-store';
import { bucketMetadata, keysFor, makeChat, useSimDevices } from '../../support/sim-device';

const s3 = useS3TestStores();
const devices = useSimDevices();

async function fixtureBucket(name: (typeof FIXTURE_BUCKETS)[number]) {
  const fx = loadFixtureBucket(name);
  const store = await s3.freshStore(`hist-${name.replace('.', '')}`);
  await seedStoreFromFixture(store, fx);
  return { fx, store };
}

/** The message count a fixture object holds, per expected.json. */
function expectedMessages(fx: ReturnType<typeof loadFixtureBucket>, objectKey: string, key: string): number {
  const o = fx.expected.objects[objectKey];
  const state = o.matches === 'seed' ? fx.seed : fx.expected.expectedSynced;
  return chatMessages(decodeTagged(state.idb[key], fx.dir)).length;
}

describe.each(FIXTURE_BUCKETS)('chat history on the bucket the original %s wrote (s3rver)', (name) => {
  it('lists every version of a chat, reading one index and one object per backup', async () => {
    const { fx, store } = await fixtureBucket(name);
    const dev = await devices.device('d', store, fx.password);
    const history = createChatHistory({ store, keys: await keysFor(fx.password), host: dev.host });
    const key = name === 'v3' ? 'CHAT_684fR9WovYBB' : 'CHAT_5DyYBcgsvEzS';
    s3.server.proxy.reset();
    const { versions, problems } = await history.versions(key);
    expect(problems).toEqual([]);
    const folders = [...new Set(fx.index.map((e) => e.key.match(/^(backups\/[^/]+)\/backup-manifest\.json$/)?.[1]).filter((f): f is string => !!f))];
    expect(versions.map((v) => v.source.folder).sort()).toEqual([null, ...folders].sort());
    expect(versions[0].source.kind).toBe('live');
    for (const v of versions) {
      const objectKey = `${v.source.folder ? `${v.source.folder}/` : ''}items/${key}.json`;
      expect(v.messageCount, objectKey).toBe(expectedMessages(fx, objectKey, key));
      expect(v.title).toBe(String((decodeTagged(fx.seed.idb[key], fx.dir) as { chatTitle: string }).chatTitle));
      expect(v.lastMessage.length).toBeGreaterThan(0);
      expect(v.date).toBeGreaterThan(0);
    }
    // Only what is needed: the list of backups (V3 has no index: one listing and a manifest per folder), then an
    // index and the chat's object per source. Nothing is written.
    const gets = s3.server.proxy.stats().requests.filter((r) => r.method === 'GET' && r.key !== '').map((r) => r.key);
    const reads = gets.filter((k) => !k.endsWith('backup-manifest.json') && k !== 'backups/manifest-index.json');
    expect(reads.sort()).toEqual([null, ...folders].flatMap((f) => [`${f ? `${f}/` : ''}metadata.json`, `${f ? `${f}/` : ''}items/${key}.json`]).sort());
    expect(s3.server.proxy.stats().requests.filter((r) => r.method === 'PUT' || r.method === 'DELETE' || r.method === 'POST')).toEqual([]);
  });

  it('finds a deleted chat by its title and brings it back from a snapshot; the next sync publishes only it', async () => {
    const { fx, store } = await fixtureBucket(name);
    const dev = await devices.device('d', store, fx.password);
    await dev.sync({ full: true });
    const before = await bucketMetadata(store);
    expect(isTombstone(before.items.CHAT_deleteme01)).toBe(true);
    const history = createChatHistory({ store, keys: await keysFor(fx.password), host: dev.host, now: () => Date.UTC(2026, 11, 1) });
    const seeded = decodeTagged(fx.seed.idb.CHAT_deleteme01, fx.dir) as { chatTitle: string; messages: unknown[] };
    const hits = await history.search(seeded.chatTitle.split(' ').slice(0, 2).join(' ').toUpperCase());
    expect(hits.find((h) => h.key === 'CHAT_deleteme01')).toMatchObject({ where: 'deleted', title: seeded.chatTitle });

    const { versions } = await history.versions('CHAT_deleteme01');
    // Deleted before the snapshot was taken: the live data and the snapshot hold its last version, marked deleted.
    expect(versions.find((v) => v.source.kind === 'live')).toMatchObject({ deleted: true, messageCount: seeded.messages.length });
    const snap = versions.find((v) => v.source.kind === 'snapshot')!;
    expect(snap.deleted).toBe(true);
    expect(snap.messageCount).toBe(seeded.messages.length);
    const restored = await history.restore(snap.key, snap.source.folder, 'replace');
    expect(restored).toMatchObject({ key: 'CHAT_deleteme01', attachments: [], missingAttachments: [] });
    const back = (await dev.read('CHAT_deleteme01')) as { messages: unknown[]; updatedAt: unknown };
    expect(back.messages).toEqual(JSON.parse(JSON.stringify(seeded.messages)));
    for (const c of restored.changes) dev.dirty.set(c.key, { area: c.area, at: c.at });
    const r = await dev.sync();
    expect(r.uploaded).toEqual(['CHAT_deleteme01']);
    const after = await bucketMetadata(store);
    expect(isTombstone(after.items.CHAT_deleteme01)).toBe(false);
    for (const [k, e] of Object.entries(before.items)) if (k !== 'CHAT_deleteme01') expect(after.items[k], k).toEqual(e);
  });
});

// The restore is published by the sync cycle's one commit path: on a store that honours conditional writes
// (the proxy) and on plain s3rver, which silently ignores them.
describe.each([
  ['honours preconditions', false],
  ['plain s3rver, ignores preconditions', true],
] as const)('chat history on a bucket this build wrote (s3rver, %s)', (_label, plain) => {
  it('a copy beside the current chat, with the attachment it refers to; the current chat is untouched', async () => {
    const store = plain
      ? await s3.freshStore('hist-plain', { endpoint: s3.server.directEndpoint, capabilities: { conditionalPut: false, conditionalGet: false } })
      : await s3.freshStore('hist-ours', { capabilities: { conditionalPut: true, conditionalGet: true } });
    const password = 'history password';
    const dev = await devices.device('a', store, password);
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 9, 9, 9]);
    const chat = makeChat('keepme123456', ['look at ATTACHMENT_diagram-0001.png', 'nice']);
    await dev.put('CHAT_keepme123456', chat);
    await dev.put('ATTACHMENT_diagram-0001.png', new Blob([png], { type: 'image/png' }));
    await dev.put('ATTACHMENT_unrelated-0002.png', new Blob([png], { type: 'image/png' }));
    await dev.sync({ full: true });
    const keys = await keysFor(password);
    await createBackupService({ store, keys }).createSnapshot('before edits');
    // Later: the chat is edited and the attachment deleted on this device.
    const edited = makeChat('keepme123456', ['only this now'], new Date('2026-11-20T00:00:00Z'));
    await dev.put('CHAT_keepme123456', edited);
    await dev.del('ATTACHMENT_diagram-0001.png');
    await dev.del('ATTACHMENT_unrelated-0002.png');
    // Two of its four items: over the mass-deletion guard's threshold, so answered as the user would.
    if ((await dev.sync()).held.length) {
      await dev.engine.answerHeld('delete');
      await dev.sync();
    }
    expect(isTombstone((await bucketMetadata(store)).items['ATTACHMENT_diagram-0001.png'])).toBe(true);

    const history = createChatHistory({ store, keys, host: dev.host, newChatId: () => 'copy00000001', now: () => Date.UTC(2026, 11, 2) });
    const { versions } = await history.versions('CHAT_keepme123456');
    expect(versions.map((v) => [v.source.kind, v.messageCount])).toEqual([
      ['live', 1],
      ['snapshot', 2],
    ]);
    expect(versions[1].lastMessage).toBe('nice');
    const restored = await history.restore(versions[1].key, versions[1].source.folder, 'copy');
    expect(restored).toMatchObject({ key: 'CHAT_copy00000001', attachments: ['ATTACHMENT_diagram-0001.png'], missingAttachments: [] });
    const copy = (await dev.read('CHAT_copy00000001')) as typeof chat;
    expect(copy.id).toBe('copy00000001');
    expect(copy.chatID).toBe('copy00000001');
    expect(copy.chatTitle).toMatch(/^Chat keepme123456 \(restored from \d{4}-\d{2}-\d{2}\)$/);
    expect(copy.messages).toEqual(chat.messages);
    expect(copy.updatedAt).toEqual(new Date(Date.UTC(2026, 11, 2)));
    expect(await dev.read('CHAT_keepme123456')).toEqual(edited);
    const blob = (await dev.read('ATTACHMENT_diagram-0001.png')) as Blob;
    expect(new Uint8Array(await blob.arrayBuffer())).toEqual(png);
    expect(blob.type).toBe('image/png');
    expect(await dev.read('ATTACHMENT_unrelated-0002.png')).toBeUndefined();

    for (const c of restored.changes) dev.dirty.set(c.key, { area: c.area, at: c.at });
    const r = await dev.sync();
    expect(r.uploaded.sort()).toEqual(['ATTACHMENT_diagram-0001.png', 'CHAT_copy00000001']);
    const m = parseMetadata(((await store.get('metadata.json')) as { body: Uint8Array }).body);
    expect(isTombstone(m.items['ATTACHMENT_unrelated-0002.png'])).toBe(true);
  });
});
