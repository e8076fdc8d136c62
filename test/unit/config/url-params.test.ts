import { describe, expect, it } from 'vitest';
import { checkUrlValues } from '../../../src/config/url-apply';
import { parseConfigUrl, stripConfigParams, takeConfigFromUrl } from '../../../src/config/url-params';
import { readStoredSettings } from '../../../src/config/stored-settings';
import { openPage } from './page-env';

describe('parsing the original URL parameters', () => {
  it('reads every config parameter', () => {
    const c = parseConfigUrl(
      '?storagetype=s3&bucket=tcs-lab&region=us-east-1&accesskey=AK&secretkey=SK&endpoint=https%3A%2F%2Fs3.example.com' +
        '&encryptionkey=pw&syncinterval=30&exclusions=a,b&googleclientid=id.apps.googleusercontent.com',
    );
    expect(c.values).toEqual({
      storageType: 's3',
      bucket: 'tcs-lab',
      region: 'us-east-1',
      accessKeyId: 'AK',
      secretAccessKey: 'SK',
      endpoint: 'https://s3.example.com',
      password: 'pw',
      syncInterval: '30',
      exclusions: 'a,b',
      googleClientId: 'id.apps.googleusercontent.com',
    });
    expect(c.hasConfigParams).toBe(true);
    expect(c.openModal).toBe(true);
  });

  it('keeps a "+" in the access key, secret key and password (decodeURIComponent on the raw query)', () => {
    const c = parseConfigUrl('?secretkey=secret+/=x&accesskey=AK+1&encryptionkey=my+pass%2Bword%20x');
    expect(c.values.secretAccessKey).toBe('secret+/=x');
    expect(c.values.accessKeyId).toBe('AK+1');
    expect(c.values.password).toBe('my+pass+word x');
  });

  it('reads other values as URLSearchParams does ("+" is a space), like the original', () => {
    expect(parseConfigUrl('?exclusions=a+b').values.exclusions).toBe('a b');
  });

  it('accepts the alias bucketname, and bucket wins when both are given', () => {
    expect(parseConfigUrl('?bucketname=alias-bucket').values.bucket).toBe('alias-bucket');
    expect(parseConfigUrl('?bucketname=alias-bucket&bucket=main-bucket').values.bucket).toBe('main-bucket');
  });

  it('ignores empty values (they set nothing)', () => {
    const c = parseConfigUrl('?bucket=&secretkey=&region=eu-west-1');
    expect(c.values).toEqual({ region: 'eu-west-1' });
  });

  it('flags log and nosync with any value, and config/autoconfig open the modal', () => {
    expect(parseConfigUrl('?log').log).toBe(true);
    expect(parseConfigUrl('?log=false').log).toBe(true);
    expect(parseConfigUrl('?nosync').noSync).toBe(true);
    expect(parseConfigUrl('?x=1')).toMatchObject({ log: false, noSync: false, openModal: false, hasConfigParams: false });
    expect(parseConfigUrl('?config').openModal).toBe(true);
    expect(parseConfigUrl('?autoconfig=1')).toMatchObject({ openModal: true, hasConfigParams: false });
  });

  it('reports a secret with broken percent-encoding instead of guessing', () => {
    const c = parseConfigUrl('?secretkey=abc%E0%A4%A&bucket=b-1');
    expect(c.values.secretAccessKey).toBeUndefined();
    expect(c.undecodable).toEqual(['secretAccessKey']);
    expect(c.openModal).toBe(true);
  });
});

describe('removing the config parameters from the address', () => {
  it('strips every config parameter and keeps log, nosync, other parameters and the hash', () => {
    const href = 'https://www.typingmind.com/?storagetype=s3&bucket=b&bucketname=b&region=r&accesskey=a&secretkey=s+1&endpoint=e' +
      '&encryptionkey=p&syncinterval=15&exclusions=x&googleclientid=g&config&autoconfig&log&nosync&chat=42#settings';
    expect(stripConfigParams(href)).toBe('https://www.typingmind.com/?log=&nosync=&chat=42#settings');
  });

  it('leaves an address without config parameters alone', () => {
    expect(stripConfigParams('https://www.typingmind.com/?log&chat=1')).toBeNull();
  });

  it('cleans the real address bar with history.replaceState before returning', () => {
    const { win, env } = openPage('https://www.typingmind.com/?bucket=b-1&secretkey=s%2Bk+x&log');
    const lengthBefore = win.history.length;
    const c = takeConfigFromUrl(env.location, env.history);
    expect(c.values).toMatchObject({ bucket: 'b-1', secretAccessKey: 's+k+x' });
    expect(c.log).toBe(true);
    expect(win.location.href).toBe('https://www.typingmind.com/?log=');
    expect(win.location.href).not.toContain('secret');
    // replaceState, not pushState: the secret is not left behind in the back-button history either.
    expect(win.history.length).toBe(lengthBefore);
  });
});

describe('applying URL values (validated, unlike the original)', () => {
  const current = readStoredSettings(() => null);

  it('rejects a bad sync interval with a message and applies the rest', () => {
    const c = checkUrlValues(parseConfigUrl('?syncinterval=abc&bucket=tcs-lab&accesskey=AK&encryptionkey=+pw+'), current);
    expect(c.settings).toEqual({ bucket: 'tcs-lab' });
    expect(c.credentials).toEqual({ accessKeyId: 'AK' });
    expect(c.password).toBe('+pw+');
    expect(c.problems).toEqual([
      {
        field: 'syncInterval',
        message: 'The "syncinterval" value in the page address was not applied: Sync interval must be a whole number of seconds, such as 15 or 60 ("abc" is not).',
      },
    ]);
  });

  it('rejects an unknown provider, a bad bucket and an http endpoint, each with its own message', () => {
    const c = checkUrlValues(parseConfigUrl('?storagetype=dropbox&bucket=A&endpoint=http://s3.example.com'), current);
    expect(c.settings).toEqual({});
    expect(c.problems.map((p) => p.field)).toEqual(['storageType', 'endpoint', 'bucket']);
    expect(c.problems[0].message).toMatch(/^The "storagetype" value in the page address was not applied: Storage provider must be/);
  });

  it('reports undecodable secrets without quoting them', () => {
    const c = checkUrlValues(parseConfigUrl('?secretkey=abc%E0%A4%A'), current);
    expect(c.problems).toHaveLength(1);
    expect(c.problems[0].field).toBe('secretAccessKey');
    expect(c.problems[0].message).not.toContain('abc');
  });
});
