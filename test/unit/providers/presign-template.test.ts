import { describe, expect, it } from 'vitest';
import { TEMPLATE_SENTINEL, templateFrom } from '../../../src/providers/s3/presign-template';
import { encodeKeyPath } from '../../../src/providers/s3/rfc3986';

const sample = (query: string, path = `/bucket/${TEMPLATE_SENTINEL}`) => `https://s3.example.test:8443${path}?${query}`;
const GOOD =
  'x-amz-content-sha256=UNSIGNED-PAYLOAD&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F20261122%2Fauto%2Fs3%2Faws4_request' +
  '&X-Amz-Date=20261122T010203Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host&X-Amz-Security-Token=tok%2Fen&X-Amz-Signature=abc';

describe('templateFrom (the SDK-made URL every other presigned URL is built from)', () => {
  it('reads the address, credential scope, token and the spelling of the payload parameter', () => {
    expect(templateFrom(sample(GOOD))).toEqual({
      base: 'https://s3.example.test:8443/bucket/',
      basePath: '/bucket/',
      host: 's3.example.test:8443',
      region: 'auto',
      service: 's3',
      accessKeyId: 'AKID',
      expiresIn: '900',
      sessionToken: 'tok/en',
      payloadParam: 'x-amz-content-sha256',
    });
  });

  it('refuses a URL it could not reproduce, so the SDK signs each URL itself', () => {
    expect(templateFrom('not a url')).toBeUndefined();
    expect(templateFrom(sample(GOOD, '/bucket/some-other-key'))).toBeUndefined();
    expect(templateFrom(sample(GOOD.replace('AWS4-HMAC-SHA256', 'AWS4-ECDSA-P256-SHA256')))).toBeUndefined();
    expect(templateFrom(sample(GOOD.replace('X-Amz-SignedHeaders=host', 'X-Amz-SignedHeaders=host%3Bx-amz-meta')))).toBeUndefined();
    expect(templateFrom(sample(`${GOOD}&x-id=GetObject`))).toBeUndefined(); // an extra parameter would be signed too
    expect(templateFrom(sample(GOOD.replace('%2Faws4_request', '')))).toBeUndefined();
  });

  it('encodes a key path as S3 signs it: each segment RFC 3986, slashes kept', () => {
    expect(encodeKeyPath("items/it's (a) b+c*!~.json")).toBe('items/it%27s%20%28a%29%20b%2Bc%2A%21~.json');
    expect(encodeKeyPath('attachments/日本.bin')).toBe('attachments/%E6%97%A5%E6%9C%AC.bin');
  });
});
