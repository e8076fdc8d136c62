import { describe, expect, it } from 'vitest';
import { needsSniffing, sniffMimeType } from '../../../src/host/mime-sniff';

const bytes = (...b: number[]) => new Uint8Array(b);
const ascii = (s: string) => new TextEncoder().encode(s);

describe('sniffMimeType', () => {
  it('recognises the magic bytes of the original', () => {
    expect(sniffMimeType(bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a))).toBe('image/png');
    expect(sniffMimeType(bytes(0xff, 0xd8, 0xff, 0xe0))).toBe('image/jpeg');
    expect(sniffMimeType(ascii('GIF89a'))).toBe('image/gif');
    expect(sniffMimeType(ascii('RIFF\x10\x00\x00\x00WEBPVP8 '))).toBe('image/webp');
    expect(sniffMimeType(ascii('%PDF-1.7'))).toBe('application/pdf');
  });

  it('falls back to application/octet-stream for unknown, short or empty input', () => {
    expect(sniffMimeType(ascii('RIFF\x10\x00\x00\x00WAVE'))).toBe('application/octet-stream');
    expect(sniffMimeType(ascii('RIFF'))).toBe('application/octet-stream');
    expect(sniffMimeType(bytes(0x89, 0x50, 0x4e))).toBe('application/octet-stream');
    expect(sniffMimeType(bytes(0xff, 0xd8))).toBe('application/octet-stream');
    expect(sniffMimeType(new Uint8Array(0))).toBe('application/octet-stream');
    expect(sniffMimeType(ascii('hello world'))).toBe('application/octet-stream');
  });

  it('sniffs only when the stored type says nothing', () => {
    expect(needsSniffing('')).toBe(true);
    expect(needsSniffing(undefined)).toBe(true);
    expect(needsSniffing('application/octet-stream')).toBe(true);
    expect(needsSniffing('image/png')).toBe(false);
    expect(needsSniffing('text/plain')).toBe(false);
  });
});
