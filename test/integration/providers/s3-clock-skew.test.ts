/**
 * A device whose clock is more than 15 minutes off: S3 refuses its signatures (RequestTimeTooSkewed). The store
 * signs with a clock corrected from the server's time — the SDK's requests and the presigned reads alike — also
 * where the page cannot see the Date header (a CORS rule that does not expose it), and where no correction is
 * possible it says that the device's clock is wrong. The proxy keeps the real time; only the device's clock
 * (Date.now) is moved.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { failure, useS3TestStores } from '../../support/s3-test-store';

const s3 = useS3TestStores({ maxAttempts: 3, getMode: 'presigned', conditionalGetMode: 'head' });
const enc = new TextEncoder();
const MIN = 60_000;

function shiftDeviceClock(ms: number): void {
  const real = Date.now.bind(Date);
  vi.spyOn(Date, 'now').mockImplementation(() => real() + ms);
}

afterEach(() => {
  vi.restoreAllMocks();
});

const refused = () => s3.server.proxy.stats().requests.filter((r) => r.status === 403).length;

describe.each([
  ['20 minutes ahead', 20 * MIN],
  ['40 minutes behind', -40 * MIN],
])('S3 store on a device whose clock is %s', (_label, shift) => {
  it('writes, reads and checks for changes, refused only until the first answer corrects the clock, where the Date header is visible', async () => {
    await checkAll(shift, false);
  });

  it('does the same where the page cannot see the Date header (the error body says the server time)', async () => {
    await checkAll(shift, true);
  });
});

async function checkAll(shift: number, hideDate: boolean) {
  const reset = () => {
    s3.server.proxy.reset();
    if (hideDate) s3.server.proxy.hideDate();
  };
  const writer = s3.store();
  const { etag } = await writer.put('skew/metadata.json', enc.encode('{"v":1}'));
  shiftDeviceClock(shift);
  reset();
  const s = s3.store();
  // An idle cycle's check first: a HEAD, whose 403 has no body to say why.
  expect(await s.get('skew/metadata.json', { ifNoneMatch: etag })).toMatchObject({ kind: 'not-modified' });
  const got = await s.get('skew/metadata.json');
  expect(got.kind === 'found' && new TextDecoder().decode(got.body)).toBe('{"v":1}');
  await s.put('skew/item.json', enc.encode('x'));
  // At worst the first check's HEAD (no body), its presigned GET and its signed GET, whose error names the time.
  expect(refused()).toBeLessThanOrEqual(3);
  // Corrected once, for every later request: presigned reads included.
  reset();
  for (let i = 0; i < 3; i++) expect((await s.get('skew/item.json')).kind).toBe('found');
  expect(await s.get('skew/metadata.json', { ifNoneMatch: etag })).toMatchObject({ kind: 'not-modified' });
  expect(refused()).toBe(0);
  expect(s3.server.proxy.stats().requests.filter((r) => r.method === 'GET').every((r) => r.presigned)).toBe(true);
}

describe('S3 store where the clock cannot be corrected', () => {
  it('says the device clock is wrong, not that the key lacks permissions', async () => {
    shiftDeviceClock(30 * MIN);
    s3.server.proxy.hideDate();
    const s = s3.store({ maxAttempts: 1 });
    const e = await failure(s.get('skew/metadata.json', { ifNoneMatch: '"abc"' }));
    expect(e.message).toMatch(/clock/);
    expect(e.message).not.toMatch(/permission/);
  });
});
