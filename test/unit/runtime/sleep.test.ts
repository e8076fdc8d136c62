import { describe, expect, it } from 'vitest';
import { CloudSyncError, isCloudSyncError } from '../../../src/errors';
import { sleep } from '../../../src/runtime/sleep';

describe('sleep', () => {
  it('resolves after the time given', async () => {
    const started = Date.now();
    await sleep(20);
    expect(Date.now() - started).toBeGreaterThanOrEqual(15);
  });

  it('stops with an "aborted" error when the signal fires in the middle of the wait', async () => {
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 5);
    const err = await sleep(60_000, controller.signal).catch((e: unknown) => e);
    expect(isCloudSyncError(err, 'aborted')).toBe(true);
    expect((err as Error).message).toMatch(/cancelled/);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('rejects at once when the signal has already fired, with the reason when it is a CloudSyncError', async () => {
    const controller = new AbortController();
    const reason = new CloudSyncError('aborted', 'Cloud Sync was stopped in this tab.');
    controller.abort(reason);
    await expect(sleep(60_000, controller.signal)).rejects.toBe(reason);
  });
});
