/**
 * Plain reads through presigned URLs (the default from a page on another origin than the bucket): one
 * request each, signed in the query, checked by the proxy like a header signature; anything but a clean 200
 * is asked again the signed way, so errors read exactly as before.
 */
import { describe, expect, it, vi } from 'vitest';
import { verifySigV4 } from '../../support/sigv4-verify';
import { PresignedGets } from '../../../src/providers/s3/presigned-get';
import { encodeKeyPath } from '../../../src/providers/s3/rfc3986';
import { failure, useS3TestStores } from '../../support/s3-test-store';

const s3 = useS3TestStores({ maxAttempts: 3, getMode: 'presigned' });
const store = s3.store;

const enc = new TextEncoder();
const dec = new TextDecoder();

const creds = () => ({ accessKeyId: s3.server.accessKeyId, secretAccessKey: s3.server.secretAccessKey });

const gets = () => s3.server.proxy.stats().requests.filter((r) => r.method === 'GET').map((r) => (r.presigned ? 'presigned' : 'signed'));

const ODD_KEYS = ['items/a b+c.json', 'items/100% sure.json', 'items/Ünïcødé — 日本.json', 'items/what?#now&then=1.json', "items/it's (x)*!.json"];

/** Writes each key (its own name as the body), then reads each back: one presigned GET apiece. */
async function writeThenReadPresigned(s: ReturnType<typeof store>, keys: string[]) {
  for (const key of keys) await s.put(key, enc.encode(key));
  s3.server.proxy.reset();
  for (const key of keys) {
    const got = await s.get(key);
    expect(got.kind === 'found' && dec.decode(got.body)).toBe(key);
  }
  expect(gets()).toEqual(keys.map(() => 'presigned'));
}

describe('S3 presigned reads', () => {
  it('reads an object with one presigned GET: same body, ETag, type and date as a signed read', async () => {
    const s = store();
    const put = await s.put('items/CHAT_presigned.json', enc.encode('{"hello":"world"}'), { contentType: 'application/json' });
    s3.server.proxy.reset();
    const fast = await s.get('items/CHAT_presigned.json');
    expect(gets()).toEqual(['presigned']);
    const signed = await store({ getMode: 'signed' }).get('items/CHAT_presigned.json');
    expect(fast).toEqual(signed);
    expect(fast.kind === 'found' && dec.decode(fast.body)).toBe('{"hello":"world"}');
    expect(fast.kind === 'found' && fast.etag).toBe(put.etag);
    expect(fast.kind === 'found' && typeof fast.lastModified).toBe('number');
  });

  it('reads keys with odd characters: spaces, plus, percent, unicode, question and hash marks', async () => {
    await writeThenReadPresigned(store(), ODD_KEYS);
  });

  it('a missing object is not-found at once (404 NoSuchKey: one failed request, not two); a missing bucket is asked again signed and is bucket-not-found', async () => {
    const s = store();
    expect(await s.get('items/never-written.json')).toEqual({ kind: 'not-found' });
    expect(gets()).toEqual(['presigned']);
    const e = await failure(store({ bucket: 'no-such-bucket-presigned' }).get('items/x.json'));
    expect(e.code).toBe('bucket-not-found');
  });

  it('a wrong secret is refused in the URL too, and reads as bad-credentials', async () => {
    const e = await failure(store({ secretAccessKey: 'not-the-secret' }).get('metadata.json'));
    expect(e.code).toBe('bad-credentials');
    const first = s3.server.proxy.stats().requests.find((r) => r.method === 'GET');
    expect(first).toMatchObject({ presigned: true, status: 403 });
  });

  it('a throttled presigned read is retried signed, and later reads stay presigned', async () => {
    const s = store();
    await s.put('items/throttled.json', enc.encode('t'));
    s3.server.proxy.reset();
    s3.server.proxy.inject({ method: 'GET', presigned: true, status: 503, count: 1 });
    const got = await s.get('items/throttled.json');
    expect(got.kind === 'found' && dec.decode(got.body)).toBe('t');
    await s.get('items/throttled.json');
    expect(gets()).toEqual(['presigned', 'signed', 'presigned']);
  });

  it('when presigned reads cannot connect but signed ones do, the store stops trying them', async () => {
    const s = store();
    await s.put('items/dropped.json', enc.encode('d'));
    s3.server.proxy.reset();
    s3.server.proxy.inject({ method: 'GET', presigned: true, drop: true, count: Infinity });
    for (let i = 0; i < 3; i++) {
      const got = await s.get('items/dropped.json');
      expect(got.kind === 'found' && dec.decode(got.body)).toBe('d');
    }
    expect(gets()).toEqual(['presigned', 'signed', 'signed', 'signed']);
  });

  it('a conditional read is never presigned (it needs its header)', async () => {
    const s = store({ conditionalGetMode: 'header' });
    const { etag } = await s.put('metadata.json', enc.encode('{}'));
    s3.server.proxy.reset();
    expect(await s.get('metadata.json', { ifNoneMatch: etag })).toEqual({ kind: 'not-modified', etag });
    expect(gets()).toEqual(['signed']);
  });

  it('an abort during a presigned read is the aborted error, and nothing is asked again', async () => {
    const s = store();
    await s.put('items/slow.json', enc.encode('s'));
    s3.server.proxy.reset();
    s3.server.proxy.inject({ method: 'GET', presigned: true, delayMs: 1000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const e = await failure(s.get('items/slow.json', { signal: controller.signal }));
    expect(e.code).toBe('aborted');
    await new Promise((r) => setTimeout(r, 1000));
    expect(gets()).toEqual(['presigned']);
  });

  it('URLs are valid for 15 minutes, signed with the corrected clock, and carry a session token', async () => {
    const s = store({ sessionToken: 'session-token-123' });
    const presigner = new PresignedGets(s.client, s3.server.bucket, { ...creds(), sessionToken: 'session-token-123' });
    s.client.config.systemClockOffset = -3_600_000; // an hour behind
    const url = new URL((await presigner.url('items/a b.json'))!);
    expect(url.searchParams.get('X-Amz-Expires')).toBe('900');
    expect(url.searchParams.get('X-Amz-Security-Token')).toBe('session-token-123');
    expect(url.searchParams.get('X-Amz-SignedHeaders')).toBe('host');
    const signedAt = Date.parse(url.searchParams.get('X-Amz-Date')!.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'));
    expect(Math.abs(signedAt - (Date.now() - 3_600_000))).toBeLessThan(5_000);
    // The proxy's check (what a real server does): valid inside the window, expired after, wrong secret refused.
    const req = { method: 'GET', url: url.pathname + url.search, headers: { host: url.host } };
    const key = creds();
    expect(verifySigV4(req, Buffer.alloc(0), key, signedAt + 60_000)).toBe('ok');
    expect(verifySigV4(req, Buffer.alloc(0), key, signedAt + 901_000)).toBe('expired');
    expect(verifySigV4(req, Buffer.alloc(0), { ...key, secretAccessKey: 'other' }, signedAt + 60_000)).toBe('mismatch');
  });

  it('URLs signed from the template verify as S3 checks them, key for key, across midnight (a new signing key)', async () => {
    const s = store({ sessionToken: 'tok/en+=' });
    const fast = new PresignedGets(s.client, s3.server.bucket, { ...creds(), sessionToken: 'tok/en+=' });
    const keys = [...ODD_KEYS, 'attachments/ATTACHMENT_a.png.bin', 'items/~tilde_.-.json'];
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      for (const [i, key] of keys.entries()) {
        const at = Date.UTC(2026, 10, 22, 23, 59, 59 + i);
        vi.setSystemTime(at);
        const url = new URL((await fast.url(key))!);
        expect(url.pathname).toBe(`/${s3.server.bucket}/${encodeKeyPath(key)}`);
        const req = { method: 'GET', url: url.pathname + url.search, headers: { host: url.host } };
        expect(verifySigV4(req, Buffer.alloc(0), creds(), at + 1000), key).toBe('ok');
        expect(verifySigV4(req, Buffer.alloc(0), { ...creds(), secretAccessKey: 'other' }, at + 1000), key).toBe('mismatch');
      }
    } finally {
      vi.useRealTimers();
    }
    // And the server agrees: every one of them reads.
    await writeThenReadPresigned(s, keys);
  });

  it('prepare() makes the template ahead of the first read, once, without sending anything', async () => {
    const s = store();
    const presigner = new PresignedGets(s.client, s3.server.bucket, creds());
    const sdk = vi.spyOn(s.client, 'send');
    s3.server.proxy.reset();
    presigner.prepare();
    presigner.prepare();
    expect(sdk).toHaveBeenCalledTimes(1);
    const url = await presigner.url('items/CHAT_prepared.json');
    expect(sdk).toHaveBeenCalledTimes(1); // the first URL came from the template made by prepare
    expect(new URL(url!).pathname).toBe(`/${s3.server.bucket}/items/CHAT_prepared.json`);
    expect(s3.server.proxy.stats().requests).toEqual([]);
  });
});
