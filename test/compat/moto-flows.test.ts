/**
 * The S3 flows a user meets, against moto's server as a second S3 implementation: the capability probe, a first
 * sync, a second device, edits and a deletion both ways, a snapshot and a restore, and keys with dot and empty
 * segments end to end (s3rver, which keeps objects as files, resolves those itself; moto keeps keys exactly as
 * real S3 does). Each flow runs with compare-and-swap (what the probe finds on moto) and as a store that
 * ignores preconditions would be used (plain writes, the commit journal).
 */
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { createBackupService } from '../../src/backup';
import { probeStore, PROBE_PREFIX } from '../../src/providers/probe';
import { useMotoServer } from '../support/moto-server';
import { createSimDevice, keysFor, makeChat, type SimDevice } from '../support/sim-device';
import { PATH_KEYS } from '../support/odd-keys';

const moto = useMotoServer();
const PASSWORD = 'correct horse battery staple';
const open: SimDevice[] = [];
afterEach(() => {
  while (open.length) open.pop()!.close();
});

const enc = new TextEncoder();
const dec = new TextDecoder();
const messages = (v: unknown) => (v as { messages: { content: string }[] }).messages.map((m) => m.content);

describe('the capability probe on moto', () => {
  it('passes every step, finds conditional writes honoured, and leaves no probe object', async () => {
    const store = await moto.server.freshStore('probe');
    const r = await probeStore(store);
    expect(r.steps.filter((s) => !s.ok)).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.capabilities.conditionalPut).toBe(true);
    const left: string[] = [];
    for await (const page of store.list(PROBE_PREFIX)) left.push(...page.map((e) => e.key));
    expect(left).toEqual([]);
  });
});

describe.each([
  ['with compare-and-swap', true],
  ['with plain writes (as where preconditions are ignored)', false],
])('sync flows on moto %s', (_name, cas) => {
  async function twoDevices() {
    const store = await moto.server.freshStore(cas ? 'cas' : 'plain', { capabilities: { conditionalPut: cas } });
    const a = await createSimDevice({ name: 'A', store, password: PASSWORD });
    const b = await createSimDevice({ name: 'B', store, password: PASSWORD });
    open.push(a, b);
    return { store, a, b };
  }

  it('first sync, a second device, edits and a deletion both ways', async () => {
    const { a, b } = await twoDevices();
    await a.put('CHAT_one', makeChat('one', ['hi']));
    await a.put('CHAT_two', makeChat('two', ['there']));
    await a.put('ATTACHMENT_x.png', new Blob([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 9])], { type: 'image/png' }));
    a.setLs('TM_useTheme', '"dark"');
    const first = await a.sync({ full: true });
    expect(first.errors).toEqual([]);
    expect(first.uploaded.sort()).toEqual(['ATTACHMENT_x.png', 'CHAT_one', 'CHAT_two', 'TM_useTheme']);

    const second = await b.sync({ full: true });
    expect(second.downloaded.sort()).toEqual(['ATTACHMENT_x.png', 'CHAT_one', 'CHAT_two', 'TM_useTheme']);
    expect(await b.dump()).toEqual(await a.dump());

    await a.put('CHAT_one', makeChat('one', ['hi', 'edited on A']));
    await b.del('CHAT_two');
    await a.sync();
    await b.sync();
    await a.sync();
    expect(messages(await b.read('CHAT_one'))).toEqual(['hi', 'edited on A']);
    expect(await a.read('CHAT_two')).toBeUndefined();
    expect(await b.dump()).toEqual(await a.dump());
  });

  it('a snapshot, then a restore that both devices converge on', async () => {
    const { store, a, b } = await twoDevices();
    await a.put('CHAT_one', makeChat('one', ['v1']));
    await a.sync({ full: true });
    await b.sync({ full: true });
    const svc = createBackupService({ store, keys: await keysFor(PASSWORD) });
    const snap = await svc.createSnapshot('before');
    expect((await svc.listBackups()).map((x) => x.folder)).toContain(snap.folder);

    await a.put('CHAT_one', makeChat('one', ['v1', 'v2']));
    await a.put('CHAT_later', makeChat('later', ['after the snapshot']));
    await a.sync();
    await b.sync();
    const out = await svc.restoreBackup(snap.folder);
    await a.engine.adoptCommits(out.committed);
    for (let i = 0; i < 2; i++) for (const d of [a, b]) expect((await d.sync({ full: true })).errors).toEqual([]);
    for (const d of [a, b]) {
      expect(messages(await d.read('CHAT_one'))).toEqual(['v1']);
      expect(await d.read('CHAT_later')).toBeUndefined();
    }
  });

  it('keys with dot and empty segments sync as themselves and never touch the index or a neighbour', async () => {
    const { store, a, b } = await twoDevices();
    await a.put('CHAT_victim', makeChat('victim', ['keep me']));
    for (const k of PATH_KEYS) a.setLs(k, `value of ${k}`);
    const r = await a.sync({ full: true });
    expect(r.errors).toEqual([]);
    await b.sync({ full: true });
    for (const k of PATH_KEYS) expect(b.storage.getItem(k), k).toBe(`value of ${k}`);
    expect(messages(await b.read('CHAT_victim'))).toEqual(['keep me']);
    const index = await store.get('metadata.json');
    expect(index.kind === 'found' && JSON.parse(dec.decode(index.body)).items.CHAT_victim).toBeDefined();
    // And the raw objects: one per key, at exactly its name.
    const listed: string[] = [];
    for await (const page of store.list('items/')) listed.push(...page.map((o) => o.key));
    for (const k of PATH_KEYS) expect(listed).toContain(`items/${k}.json`);
    void enc;
  });
});
