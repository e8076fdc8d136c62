/**
 * Reads a provider's CORS text (src/providers/cors.ts) back into what it allows, so a test can hold it to the
 * requests the bundle really makes. Each provider's own format; MinIO's is a server setting that allows every
 * header and, by default, exposes ETag, Date and the other response headers S3 clients read.
 */
import type { CorsInstructions } from '../../src/providers/cors';

export interface CorsAllowance {
  /** Request headers allowed, lower case; '*' allows any. */
  allowedHeaders: string[];
  /** Response headers exposed, lower case. */
  exposed: string[];
  methods: string[];
}

const lower = (xs: unknown): string[] => (Array.isArray(xs) ? xs.map((x) => String(x).toLowerCase()) : []);

export function corsAllowance(c: CorsInstructions): CorsAllowance {
  if (c.provider === 'minio') return { allowedHeaders: ['*'], exposed: ['etag', 'date', 'retry-after'], methods: ['get', 'put', 'post', 'delete', 'head'] };
  const parsed = JSON.parse(c.text) as unknown;
  const rules = (Array.isArray(parsed) ? parsed : (parsed as { CORSRules: unknown[] }).CORSRules) as Array<Record<string, unknown>>;
  if (rules.length !== 1) throw new Error(`${c.provider}: expected one rule`);
  const r = rules[0];
  switch (c.provider) {
    case 'gcs':
      // One list for both: request headers allowed and response headers exposed.
      return { allowedHeaders: lower(r.responseHeader), exposed: lower(r.responseHeader), methods: lower(r.method) };
    case 'b2':
      return {
        allowedHeaders: lower(r.allowedHeaders),
        exposed: lower(r.exposeHeaders),
        methods: lower(r.allowedOperations).map((op) => op.replace(/^s3_/, '')),
      };
    default:
      return { allowedHeaders: lower(r.AllowedHeaders), exposed: lower(r.ExposeHeaders), methods: lower(r.AllowedMethods) };
  }
}

export function allowsHeader(a: CorsAllowance, header: string): boolean {
  return a.allowedHeaders.includes('*') || a.allowedHeaders.includes(header.toLowerCase());
}
