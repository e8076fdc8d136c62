import { describe, expect, it } from 'vitest';
import { findChromium } from '../../support/browser';

describe('findChromium', () => {
  it('uses CHROMIUM_PATH when it exists, else Debian’s /usr/bin/chromium', () => {
    expect(findChromium({ CHROMIUM_PATH: '/opt/chrome/chrome' }, (p) => p === '/opt/chrome/chrome')).toBe('/opt/chrome/chrome');
    expect(findChromium({}, (p) => p === '/usr/bin/chromium')).toBe('/usr/bin/chromium');
  });

  it('fails with the command that installs it (what CI shows when Chromium is missing)', () => {
    expect(() => findChromium({ CI: 'true' }, () => false)).toThrow(
      'Chromium was not found at /usr/bin/chromium. The browser tests need it: install it with "apt-get install chromium"',
    );
    expect(() => findChromium({ CI: 'true', CHROMIUM_PATH: '/nope/chromium' }, () => false)).toThrow(
      /^CHROMIUM_PATH points to \/nope\/chromium, which does not exist\. .*apt-get install chromium/,
    );
  });
});
