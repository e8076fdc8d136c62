/**
 * Keys as any script on the page may choose them (localStorage keys are often URLs): each addresses exactly
 * its own object over real HTTP — never one a URL parser made of it by resolving `.` and `..` segments or
 * collapsing `//` — through signed and presigned requests, which the test proxy checks like a real S3 checks
 * signatures. A key no S3 name can hold is one item's error ('bad-key'), said plainly.
 */
import { describe, expect, it } from 'vitest';
import { ODD_KEYS, PATH_KEYS } from '../../support/odd-keys';
import { failure, useS3TestStores } from '../../support/s3-test-store';

const s3 = useS3TestStores({ maxAttempts: 1 });
const enc = new TextEncoder();
const dec = new TextDecoder();

const item = (k: string) => `items/${k}.json`;
const ODD = ODD_KEYS;

describe.each(['signed', 'presigned'] as const)('odd keys on S3 (%s reads)', (getMode) => {
  it('each key reads back its own object; the index and a neighbour are never touched', async () => {
    const s = await s3.freshStore('odd', { getMode });
    await s.put('metadata.json', enc.encode('{"the":"index"}'));
    await s.put(item('CHAT_victim'), enc.encode('the victim'));
    for (const k of ODD) await s.put(item(k), enc.encode(`value of ${k}`));
    for (const k of ODD) {
      const got = await s.get(item(k));
      expect(got.kind === 'found' && dec.decode(got.body), k).toBe(`value of ${k}`);
    }
    expect(dec.decode(((await s.get('metadata.json')) as { body: Uint8Array }).body)).toBe('{"the":"index"}');
    expect(dec.decode(((await s.get(item('CHAT_victim'))) as { body: Uint8Array }).body)).toBe('the victim');
    const listed: string[] = [];
    for await (const page of s.list('items/')) listed.push(...page.map((o) => o.key));
    expect(listed.sort()).toEqual([...ODD.map(item), item('CHAT_victim')].sort());
  });

  it('keys with dot or empty segments go on the wire exactly, their `/` as %2F, and are signed as sent', async () => {
    const s = await s3.freshStore('dots', { getMode });
    s3.server.proxy.reset();
    for (const k of PATH_KEYS) await s.put(item(k), enc.encode(k));
    const puts = s3.server.proxy.stats().requests.filter((r) => r.method === 'PUT');
    // The proxy decodes each key from the path it received and checked every signature against that path (a
    // mismatch answers 403 and fails the put): the key that arrived is the key that was meant.
    expect(puts.map((r) => r.key)).toEqual(PATH_KEYS.map(item));
    for (const r of puts) expect(r.path.slice(1).split('/').some((seg) => seg === '' || seg === '.' || seg === '..' || seg === '%2E' || seg === '%2E%2E'), r.path).toBe(false);
  });

  it('conditional reads, copies and deletes address the same objects', async () => {
    const s = await s3.freshStore('oddops', { getMode, conditionalGetMode: 'head' });
    const k = item('CHAT_x/../../metadata');
    const put = await s.put(k, enc.encode('v1'));
    expect(await s.get(k, { ifNoneMatch: put.etag })).toEqual({ kind: 'not-modified', etag: put.etag });
    await s.copy(k, `backups/s-odd/${k}`);
    expect(dec.decode(((await s.get(`backups/s-odd/${k}`)) as { body: Uint8Array }).body)).toBe('v1');
    expect((await s.get('backups/metadata.json')).kind).toBe('not-found');
    await s.deleteMany([k]);
    expect((await s.get(k)).kind).toBe('not-found');
    expect((await s.get(`backups/s-odd/${k}`)).kind).toBe('found');
  });
});

describe('keys no S3 object name can hold', () => {
  it('a lone surrogate or a name over 1,024 bytes is that item\'s error, in words, and nothing is sent', async () => {
    const s = await s3.freshStore('badkey');
    s3.server.proxy.reset();
    const lone = await failure(s.put(item('CHAT_\ud800broken'), enc.encode('x')));
    expect(lone.code).toBe('bad-key');
    expect(lone.message).toMatch(/cannot be synced/);
    const long = await failure(s.put(item(`CHAT_${'é'.repeat(600)}`), enc.encode('x')));
    expect(long.code).toBe('bad-key');
    expect(long.message).toMatch(/1024 bytes|1,024 bytes/);
    expect((await failure(s.get(item('CHAT_\udfffx')))).code).toBe('bad-key');
    await s.deleteMany([item('CHAT_\ud800broken')]);
    expect(s3.server.proxy.stats().requests).toHaveLength(0);
  });
});
