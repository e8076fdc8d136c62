/**
 * The recovery tool (`cloudsync-export`) against real S3 over HTTP (s3rver): the buckets the original V3 and
 * V4.2 wrote, live and every backup, each item compared with what the fixture says it holds; a bucket this
 * build wrote (Dates, falsy values, Blobs, odd keys); a wrong password; a damaged object; a missing attachment.
 * The tool only reads, so the store's handling of preconditions does not enter into it.
 */
import 'fake-indexeddb/auto';
import { writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fromTagged, toTagged } from '../../../src/recovery/tagged-json';
import { FIXTURE_BUCKETS, loadFixtureBucket, seedStoreFromFixture } from '../../support/fixture-bucket';
import { compareWithFixture, folderIsEmptyOrMissing, readExportFolder, runExportCli, sha256, tempDir } from '../../support/recovery-export';
import { useS3TestStores } from '../../support/s3-test-store';
import { makeChat, useSimDevices } from '../../support/sim-device';
import { ODD_KEYS } from '../../support/odd-keys';

const s3 = useS3TestStores();
const devices = useSimDevices();

function s3Args(bucket: string, out?: string): string[] {
  const srv = s3.server;
  return ['--endpoint', srv.endpoint, '--region', srv.region, '--bucket', bucket, '--access-key-id', srv.accessKeyId, ...(out ? ['--out', out] : [])];
}

function secrets(password: string): Record<string, string> {
  return { CLOUDSYNC_SECRET_ACCESS_KEY: s3.server.secretAccessKey, CLOUDSYNC_PASSWORD: password };
}

const check = (cond: boolean, what: string) => expect(cond, what).toBe(true);

describe.each(FIXTURE_BUCKETS)('cloudsync-export on the bucket the original %s wrote', (name) => {
  it('exports the live data: every item as the fixture holds it, chats in the TypingMind export', async () => {
    const fx = loadFixtureBucket(name);
    const bucket = `exp-live-${name.replace('.', '')}-${Date.now().toString(36)}`;
    await s3.server.createBucket(bucket);
    await seedStoreFromFixture(s3.store({ bucket }), fx);
    const out = join(tempDir(), 'out');
    s3.server.proxy.reset();
    const run = await runExportCli(s3Args(bucket, out), secrets(fx.password));
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Exported the live data to .*: 23 items \(11 chats, \d attachments\)/);
    // Each object is read once (the password's proof reads are reused), plus the index; nothing is written.
    const requests = s3.server.proxy.stats().requests.filter((r) => r.key !== '');
    expect(requests.filter((r) => r.method === 'GET').length).toBe(24);
    expect(requests.filter((r) => r.method !== 'GET' && r.method !== 'HEAD')).toEqual([]);
    const folder = readExportFolder(out);
    const compared = compareWithFixture(fx, folder, null, check);
    expect(compared.length).toBe(23);
    expect(folder.index.items.length).toBe(23);
    expect(folder.index.items.every((r) => !r.skipped && r.sha256 && r.size! > 0)).toBe(true);
    // The chats in TypingMind's export shape, the same values as items/.
    const chatKeys = compared.filter((k) => k.startsWith('CHAT_'));
    expect(folder.typingmind.data.chats.length).toBe(chatKeys.length);
    for (const chat of folder.typingmind.data.chats) {
      const item = folder.items.get(`CHAT_${String(chat.id)}`)!;
      expect(JSON.parse(JSON.stringify(fromTagged(item.value)))).toEqual(chat);
    }
    expect(folder.typingmind.data.folders).toEqual(JSON.parse(JSON.stringify(fromTagged(folder.items.get('TM_useFolderList')!.value))));
    expect(folder.files().some((f) => f === 'items/CHAT_with%20space.json')).toBe(true);
  });

  it('lists the backups and exports each of them, item by item as the fixture holds it', async () => {
    const fx = loadFixtureBucket(name);
    const bucket = `exp-bk-${name.replace('.', '')}-${Date.now().toString(36)}`;
    await s3.server.createBucket(bucket);
    await seedStoreFromFixture(s3.store({ bucket }), fx);
    // Listing needs no password (manifests are plaintext) and writes nothing: the V3 bucket has no index and keeps none.
    const list = await runExportCli([...s3Args(bucket), '--list-backups'], { CLOUDSYNC_SECRET_ACCESS_KEY: s3.server.secretAccessKey });
    expect(list.code).toBe(0);
    const folders = [...new Set(fx.index.map((e) => e.key.match(/^backups\/([^/]+)\/backup-manifest\.json$/)?.[1]).filter((f): f is string => !!f))];
    expect(folders.length).toBe(2);
    for (const f of folders) expect(list.stdout).toContain(f);
    expect((await s3.store({ bucket }).get('backups/manifest-index.json')).kind).toBe(name === 'v3' ? 'not-found' : 'found');

    for (const f of folders) {
      const out = join(tempDir(), 'out');
      const run = await runExportCli([...s3Args(bucket, out), '--backup', f], secrets(fx.password));
      const folder = readExportFolder(out);
      const compared = compareWithFixture(fx, folder, `backups/${f}`, check);
      const skipped = folder.index.items.filter((r) => r.skipped);
      // The original's V4.2 snapshot lists its attachments but holds none (its snapshots copy items/ only).
      if (name === 'v4.2' && f.startsWith('s-')) {
        expect(run.code).toBe(2);
        expect(skipped.map((r) => r.key).sort()).toEqual(['ATTACHMENT_doc.pdf', 'ATTACHMENT_img-gradient.png', 'ATTACHMENT_photo.jpg']);
        expect(run.stdout).toContain('is not in this backup');
      } else {
        expect(run.code, run.stdout + run.stderr).toBe(0);
        expect(skipped).toEqual([]);
      }
      expect(compared.length + skipped.length).toBe(folder.index.items.length);
      expect(folder.index.source).toBe(f);
    }
  });
});

describe('cloudsync-export: failures', () => {
  it('a wrong password stops it before anything is written', async () => {
    const fx = loadFixtureBucket('v4.2');
    const b = `exp-wrong-${Date.now().toString(36)}`;
    await s3.server.createBucket(b);
    await seedStoreFromFixture(s3.store({ bucket: b }), fx);
    const out = join(tempDir(), 'out');
    const run = await runExportCli(s3Args(b, out), secrets('not the password'));
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/encryption password does not open the data.*Nothing was written/);
    expect(folderIsEmptyOrMissing(out)).toBe(true);
  });

  it('a damaged object and a missing attachment are skipped and named; everything else is exported; exit 2', async () => {
    const fx = loadFixtureBucket('v4.2');
    const b = `exp-damaged-${Date.now().toString(36)}`;
    await s3.server.createBucket(b);
    const store = s3.store({ bucket: b });
    await seedStoreFromFixture(store, fx);
    const damaged = new Uint8Array(fx.objects.get('items/CHAT_emoji1.json')!);
    damaged[damaged.length - 1] ^= 0xff;
    await store.put('items/CHAT_emoji1.json', damaged);
    await store.deleteMany(['attachments/ATTACHMENT_photo.jpg.bin']);
    const out = join(tempDir(), 'out');
    const run = await runExportCli(s3Args(b, out), secrets(fx.password));
    expect(run.code).toBe(2);
    expect(run.stdout).toContain('Skipped 2 item(s)');
    expect(run.stdout).toMatch(/"CHAT_emoji1" could not be decrypted: the object is damaged/);
    expect(run.stdout).toMatch(/"ATTACHMENT_photo.jpg" is listed in metadata.json but its object is missing/);
    const folder = readExportFolder(out);
    expect(folder.items.size).toBe(21);
    expect(folder.index.items.filter((r) => r.skipped).map((r) => r.key).sort()).toEqual(['ATTACHMENT_photo.jpg', 'CHAT_emoji1']);
    expect(folder.typingmind.data.chats.length).toBe(10);
  });

  it('refuses a folder that already holds files, and leaves them as they are', async () => {
    const fx = loadFixtureBucket('v3');
    const b = `exp-full-${Date.now().toString(36)}`;
    await s3.server.createBucket(b);
    await seedStoreFromFixture(s3.store({ bucket: b }), fx);
    const out = tempDir();
    writeFileSync(join(out, 'index.json'), 'mine');
    const run = await runExportCli(s3Args(b, out), secrets(fx.password));
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('already holds files');
    expect(readFileSync(join(out, 'index.json'), 'utf8')).toBe('mine');
  });

  it('asks for missing secrets on a terminal, and says which variable to set without one', async () => {
    const fx = loadFixtureBucket('v3');
    const b = `exp-prompt-${Date.now().toString(36)}`;
    await s3.server.createBucket(b);
    await seedStoreFromFixture(s3.store({ bucket: b }), fx);
    const none = await runExportCli(s3Args(b, join(tempDir(), 'out')), {});
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('CLOUDSYNC_SECRET_ACCESS_KEY');
    const asked: string[] = [];
    const answers: Record<string, string> = { 'Secret access key: ': s3.server.secretAccessKey, 'Encryption password: ': fx.password };
    const out = join(tempDir(), 'out');
    const run = await runExportCli(s3Args(b, out), {}, async (q) => (asked.push(q), answers[q]));
    expect(asked).toEqual(['Secret access key: ', 'Encryption password: ']);
    expect(run.code).toBe(0);
    const onLine = await runExportCli([...s3Args(b, join(tempDir(), 'out')), '--password', fx.password], { CLOUDSYNC_SECRET_ACCESS_KEY: s3.server.secretAccessKey });
    expect(onLine.code).toBe(0);
    expect(onLine.stderr).toContain("--password on the command line stays in your shell's history");
  });
});

describe('cloudsync-export on a bucket this build wrote', () => {
  it('gives back every value exactly: Dates, falsy values, Blobs with their own type, odd keys', async () => {
    const b = `exp-ours-${Date.now().toString(36)}`;
    await s3.server.createBucket(b);
    const store = s3.store({ bucket: b });
    const password = 'export test password';
    const dev = await devices.device('writer', store, password);
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4]);
    const values: Record<string, unknown> = {
      CHAT_dates: makeChat('dates', ['hello', 'world', 'again']),
      TM_zero: 0,
      TM_emptyString: '',
      TM_false: false,
      TM_null: null,
      TM_nested: { a: [0, '', false, null, { when: new Date('2020-02-02T02:02:02.002Z') }], $date: 'not a date' },
    };
    for (const k of ODD_KEYS) values[`CHAT_${k}`] = makeChat(k, ['odd']);
    for (const [k, v] of Object.entries(values)) await dev.put(k, v);
    await dev.put('ATTACHMENT_untyped', new Blob([png], { type: '' }));
    await dev.put('ATTACHMENT_typed.png', new Blob([png], { type: 'image/png' }));
    dev.setLs('TM_useTheme', '"dark"');
    const r = await dev.sync({ full: true });
    expect(r.errors ?? []).toEqual([]);

    const out = join(tempDir(), 'out');
    const run = await runExportCli(s3Args(b, out), secrets(password));
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const folder = readExportFolder(out);
    for (const [k, v] of Object.entries(values)) {
      const item = folder.items.get(k);
      expect(item, k).toBeDefined();
      expect(item!.value, k).toEqual(toTagged(v));
      expect(fromTagged(item!.value), k).toEqual(v);
    }
    expect(folder.items.get('TM_useTheme')).toEqual({ key: 'TM_useTheme', type: 'ls', value: '"dark"' });
    const untyped = (folder.items.get('ATTACHMENT_untyped')!.value as { $blob: { type: string; file: string; sha256: string } }).$blob;
    const typed = (folder.items.get('ATTACHMENT_typed.png')!.value as { $blob: { type: string; file: string } }).$blob;
    expect(untyped.type).toBe('');
    expect(typed.type).toBe('image/png');
    expect(typed.file).toBe('attachments/ATTACHMENT_typed.png');
    expect(untyped.file).toBe('attachments/ATTACHMENT_untyped.png');
    expect(Buffer.from(folder.bytes(untyped.file)).equals(Buffer.from(png))).toBe(true);
    expect(untyped.sha256).toBe(sha256(png));
    // Odd keys became file names inside items/, one file each.
    const itemFiles = folder.files().filter((f) => f.startsWith('items/'));
    expect(itemFiles.length).toBe(folder.index.items.length);
    expect(itemFiles.every((f) => f.split('/').length === 2)).toBe(true);
    expect(folder.typingmind.data.chats.length).toBe(1 + ODD_KEYS.length);
  });
});
