import { describe, expect, it } from 'vitest';
import { TEMPLATE_SENTINEL, templateFrom } from '../../../src/providers/s3/presign-template';
import { encodeKeyPath } from '../../../src/providers/s3/rfc3986';

const built = (path = `/bucket/${TEMPLATE_SENTINEL}`, query: Record<string, unknown> = {}) => ({ protocol: 'https:', hostname: 's3.example.test', port: 8443, path, query });
const signing = { region: 'auto', accessKeyId: 'AKID', sessionToken: 'tok/en' };

describe('templateFrom (the SDK-built address every presigned URL is made from)', () => {
  it('reads the address up to the key, with the credential, region and token', () => {
    expect(templateFrom(built(), signing)).toEqual({
      base: 'https://s3.example.test:8443/bucket/',
      basePath: '/bucket/',
      host: 's3.example.test:8443',
      region: 'auto',
      service: 's3',
      accessKeyId: 'AKID',
      expiresIn: '900',
      sessionToken: 'tok/en',
    });
    // A default port is not part of the signed host.
    expect(templateFrom({ protocol: 'https', hostname: 'b.s3.eu-west-1.amazonaws.com', port: 443, path: `/${TEMPLATE_SENTINEL}` }, signing)?.host).toBe('b.s3.eu-west-1.amazonaws.com');
  });

  it('refuses an address it could not reproduce, so reads are signed the usual way', () => {
    expect(templateFrom(built('/bucket/some-other-key'), signing)).toBeUndefined();
    expect(templateFrom(built(undefined, { 'x-id': 'GetObject' }), signing)).toBeUndefined(); // an extra parameter would be signed too
    expect(templateFrom({ ...built(), hostname: 'bad host' }, signing)).toBeUndefined();
  });

  it('encodes a key path as S3 signs it: each segment RFC 3986, slashes kept', () => {
    expect(encodeKeyPath("items/it's (a) b+c*!~.json")).toBe('items/it%27s%20%28a%29%20b%2Bc%2A%21~.json');
    expect(encodeKeyPath('attachments/日本.bin')).toBe('attachments/%E6%97%A5%E6%9C%AC.bin');
  });
});
