import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startS3Server, type S3TestServer } from '../../support/s3-server';
import { createS3Store } from '../../../src/providers/s3/s3-store';
import { probeStore, PROBE_PREFIX } from '../../../src/providers/probe';

let server: S3TestServer;
beforeAll(async () => {
  server = await startS3Server();
});
afterAll(async () => {
  await server?.stop();
});

const settings = (endpoint: string) => ({
  bucket: server.bucket,
  region: 'us-east-1',
  endpoint,
  accessKeyId: server.accessKeyId,
  secretAccessKey: server.secretAccessKey,
  maxAttempts: 1,
});

describe('capability probe on S3', () => {
  it('finds conditional writes honoured through the proxy, and leaves no probe object behind', async () => {
    const store = createS3Store(settings(server.endpoint));
    const r = await probeStore(store);
    expect(r.ok).toBe(true);
    expect(r.steps.every((s) => s.ok)).toBe(true);
    expect(r.capabilities.conditionalPut).toBe(true);
    expect(r.capabilities.conditionalGet).toBe(true);
    const left: string[] = [];
    for await (const page of store.list(PROBE_PREFIX)) left.push(...page.map((e) => e.key));
    expect(left).toEqual([]);
  });

  it('finds that bare s3rver ignores conditional writes (as some S3-compatibles do)', async () => {
    const r = await probeStore(createS3Store(settings(server.directEndpoint)));
    expect(r.ok).toBe(true);
    expect(r.capabilities.conditionalPut).toBe(false);
    expect(r.steps.find((s) => s.step === 'conditional-create')?.ok).toBe(false);
  });

  it('stops at the first step with a fix for a wrong secret key', async () => {
    const r = await probeStore(createS3Store({ ...settings(server.endpoint), secretAccessKey: 'wrong' }));
    expect(r.ok).toBe(false);
    expect(r.steps).toHaveLength(1);
    expect(r.steps[0]).toMatchObject({ step: 'list', ok: false, code: 'bad-credentials' });
    expect(r.steps[0].message).toMatch(/Secret Key/);
  });

  it('offers the CORS text when the bucket cannot be reached from the page', async () => {
    const r = await probeStore(
      createS3Store({ ...settings('http://127.0.0.1:1'), pageOrigin: 'https://www.typingmind.com' }),
      { pageOrigin: 'https://www.typingmind.com', endpoint: 'http://127.0.0.1:1', bucket: server.bucket },
    );
    expect(r.steps[0].code).toBe('cors-or-network');
    expect(r.steps[0].cors?.provider).toBe('other');
    expect(JSON.parse(r.steps[0].cors?.text ?? '').CORSRules[0].AllowedOrigins).toEqual(['https://www.typingmind.com']);
  });
});
