import { describe, expect, it } from 'vitest';
import { allCorsInstructions, corsInstructions, guessCorsProvider, normaliseOrigin, s3CorsXml } from '../../../src/providers/cors';

const ORIGIN = 'https://www.typingmind.com';

describe('CORS configuration text', () => {
  it('AWS S3: the console\'s JSON, allowing the origin, the five methods, any header, exposing ETag, Date and Retry-After', () => {
    const c = corsInstructions('aws', ORIGIN, 'my-bucket');
    expect(c.format).toBe('json');
    expect(JSON.parse(c.text)).toEqual([
      { AllowedHeaders: ['*'], AllowedMethods: ['GET', 'PUT', 'POST', 'DELETE', 'HEAD'], AllowedOrigins: [ORIGIN], ExposeHeaders: ['ETag', 'Date', 'Retry-After'], MaxAgeSeconds: 3600 },
    ]);
    expect(c.where).toContain('my-bucket');
  });

  it('Cloudflare R2 takes the same JSON policy in its dashboard', () => {
    expect(JSON.parse(corsInstructions('r2', ORIGIN).text)[0].ExposeHeaders).toEqual(['ETag', 'Date', 'Retry-After']);
  });

  it('Backblaze B2: its own rule format with s3_* operations, applied with the b2 tool', () => {
    const c = corsInstructions('b2', ORIGIN, 'bk');
    const [rule] = JSON.parse(c.text);
    expect(rule.allowedOrigins).toEqual([ORIGIN]);
    expect(rule.allowedOperations.sort()).toEqual(['s3_delete', 's3_get', 's3_head', 's3_post', 's3_put']);
    expect(rule.exposeHeaders).toEqual(['ETag', 'Date', 'Retry-After']);
    expect(c.where).toContain('b2 bucket update --cors-rules');
    expect(c.where).toContain('bk');
  });

  it('Google Cloud Storage: gcloud JSON listing the headers (no wildcard), ETag among them', () => {
    const c = corsInstructions('gcs', ORIGIN, 'g');
    const [rule] = JSON.parse(c.text);
    expect(rule.origin).toEqual([ORIGIN]);
    expect(rule.method).toEqual(['GET', 'PUT', 'POST', 'DELETE', 'HEAD']);
    expect(rule.responseHeader).toContain('ETag');
    expect(rule.responseHeader).toContain('authorization');
    expect(rule.responseHeader).not.toContain('*');
    expect(c.where).toContain('gs://g');
  });

  it('Wasabi, iDrive E2 and others: the AWS CLI put-bucket-cors JSON, with the command to run', () => {
    for (const p of ['wasabi', 'idrive', 'other'] as const) {
      const c = corsInstructions(p, 'https://a.example', 'bk');
      expect(c.format).toBe('json');
      expect(JSON.parse(c.text)).toEqual({
        CORSRules: [{ AllowedHeaders: ['*'], AllowedMethods: ['GET', 'PUT', 'POST', 'DELETE', 'HEAD'], AllowedOrigins: ['https://a.example'], ExposeHeaders: ['ETag', 'Date', 'Retry-After'], MaxAgeSeconds: 3600 }],
      });
      expect(c.where).toContain('aws s3api put-bucket-cors --bucket bk');
    }
    expect(corsInstructions('wasabi', ORIGIN).where).toContain('wasabisys.com');
  });

  it('also has the S3 XML form, with the origin escaped', () => {
    const xml = s3CorsXml('https://a.example/');
    expect(xml).toContain('<AllowedOrigin>https://a.example</AllowedOrigin>');
    expect(xml).toContain('<ExposeHeader>ETag</ExposeHeader>');
    for (const m of ['GET', 'PUT', 'POST', 'DELETE', 'HEAD']) expect(xml).toContain(`<AllowedMethod>${m}</AllowedMethod>`);
    expect(s3CorsXml('x<y>')).toContain('x&lt;y&gt;');
  });

  it('MinIO: the server-wide setting, since it has no per-bucket CORS', () => {
    expect(corsInstructions('minio', ORIGIN).text).toBe(`MINIO_API_CORS_ALLOW_ORIGIN=${ORIGIN}`);
  });

  it('uses the bare origin the browser sends, whatever the user pasted', () => {
    expect(normaliseOrigin('https://www.typingmind.com/chat?x=1')).toBe(ORIGIN);
    expect(normaliseOrigin(' http://localhost:8080/ ')).toBe('http://localhost:8080');
    expect(normaliseOrigin('*')).toBe('*');
    expect(JSON.parse(corsInstructions('aws', 'https://www.typingmind.com/').text)[0].AllowedOrigins).toEqual([ORIGIN]);
  });

  it('guesses the provider from the endpoint', () => {
    expect(guessCorsProvider('')).toBe('aws');
    expect(guessCorsProvider(undefined)).toBe('aws');
    expect(guessCorsProvider('https://abc.r2.cloudflarestorage.com')).toBe('r2');
    expect(guessCorsProvider('https://s3.us-west-004.backblazeb2.com')).toBe('b2');
    expect(guessCorsProvider('https://storage.googleapis.com')).toBe('gcs');
    expect(guessCorsProvider('https://s3.eu-central-1.wasabisys.com')).toBe('wasabi');
    expect(guessCorsProvider('https://x1y2.va.idrivee2-12.com')).toBe('idrive');
    expect(guessCorsProvider('http://localhost:9000')).toBe('other');
  });

  it('has one text per provider', () => {
    expect(allCorsInstructions(ORIGIN).map((c) => c.provider)).toEqual(['aws', 'r2', 'b2', 'gcs', 'wasabi', 'idrive', 'minio', 'other']);
  });
});
