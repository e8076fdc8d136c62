import { describe, expect, it } from 'vitest';
import { endpointProtocol } from '../../../src/config/endpoint';

describe('the wire protocol of a storage endpoint', () => {
  it('is HTTP/2 for the stores known to speak it', () => {
    expect(endpointProtocol('https://0123abcd.r2.cloudflarestorage.com')).toBe('h2');
    expect(endpointProtocol('https://0123abcd.eu.r2.cloudflarestorage.com')).toBe('h2');
    expect(endpointProtocol('https://storage.googleapis.com')).toBe('h2');
  });

  it('is HTTP/1.1 for AWS S3, every other endpoint, and what cannot be read', () => {
    expect(endpointProtocol('')).toBe('http/1.1');
    expect(endpointProtocol('https://s3.eu-west-1.amazonaws.com')).toBe('http/1.1');
    expect(endpointProtocol('https://s3.wasabisys.com')).toBe('http/1.1');
    expect(endpointProtocol('https://evil-r2.cloudflarestorage.com.example.org')).toBe('http/1.1');
    expect(endpointProtocol('not a url')).toBe('http/1.1');
  });
});
