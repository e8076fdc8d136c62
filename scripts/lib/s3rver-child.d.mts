// Types for s3rver-child.mjs, so TypeScript tests can import the launcher.
export interface S3rverChild {
  port: number;
  /** "http://127.0.0.1:<port>" — use with forcePathStyle. */
  endpoint: string;
  bucket: string;
  stop(): Promise<void>;
}
export function corsXml(origin: string): string;
export function startS3rverChild(options: {
  directory: string;
  port?: number;
  bucket: string;
  /** Allowed CORS origin, '*' by default. */
  origin?: string;
  address?: string;
}): Promise<S3rverChild>;
