/**
 * The setup most browser tests share: a Chromium harness on the stand-in page and an s3rver bucket (behind the
 * conditional-write proxy) on another origin, started before the file's tests and stopped after them.
 */
import { afterAll, beforeAll } from 'vitest';
import { startBrowserHarness, type BrowserHarness } from './browser';
import { startS3Server, type S3TestServer } from './s3-server';

export interface BrowserAndS3 {
  readonly h: BrowserHarness;
  readonly s3: S3TestServer;
}

export function useBrowserAndS3(): BrowserAndS3 {
  let h: BrowserHarness | undefined;
  let s3: S3TestServer | undefined;
  beforeAll(async () => {
    [h, s3] = await Promise.all([startBrowserHarness(), startS3Server()]);
  }, 120_000);
  afterAll(async () => {
    await h?.close();
    await s3?.stop();
  });
  return {
    get h() {
      if (!h) throw new Error('The browser harness is not started yet (use it inside a test).');
      return h;
    },
    get s3() {
      if (!s3) throw new Error('The S3 server is not started yet (use it inside a test).');
      return s3;
    },
  };
}
