import { describe, expect, it } from 'vitest';
import { CloudSyncError, isCloudSyncError } from '../../src/errors';

describe('CloudSyncError', () => {
  it('carries a code and a human message', () => {
    const e = new CloudSyncError('wrong-password', 'The encryption password does not match this bucket.');
    expect(isCloudSyncError(e, 'wrong-password')).toBe(true);
    expect(isCloudSyncError(e, 'corrupt-object')).toBe(false);
    expect(e.message).toMatch(/password/);
  });
});
