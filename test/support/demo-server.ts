/**
 * The demo page and a freshly built bundle, served for browser tests and benchmarks.
 *
 * The bundle is built from the current sources into a temporary folder with the project's own esbuild
 * options (esbuild.config.mjs), not into dist/: test files run in parallel processes, and two builds
 * writing dist/cloudsync.js at once could hand a page half a file. dist/ stays what the lead commits.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startStaticServer, type StaticServer } from '../../scripts/lib/static-server.mjs';

export const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));

export interface BuiltBundle {
  /** Folder holding cloudsync.js and its map. */
  dir: string;
  cleanup(): void;
}

/** Builds src/main.ts with the release options into a fresh temporary folder. */
export async function buildBundle(): Promise<BuiltBundle> {
  const dir = mkdtempSync(join(tmpdir(), 'cloudsync-bundle-'));
  // A computed specifier: the config is plain JavaScript without type declarations.
  const configUrl = pathToFileURL(join(repoRoot, 'esbuild.config.mjs')).href;
  const { buildOptions } = (await import(configUrl)) as { buildOptions: Record<string, unknown> };
  const { build } = await import('esbuild');
  const entryPoints = (buildOptions.entryPoints as string[]).map((p) => join(repoRoot, p));
  await build({ ...buildOptions, entryPoints, outfile: join(dir, 'cloudsync.js'), logLevel: 'error' });
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Serves demo/ at "/" and the bundle folder at "/dist/", on a free port. */
export function startDemoServer(bundleDir: string): Promise<StaticServer> {
  return startStaticServer({ port: 0, mounts: { '/': join(repoRoot, 'demo'), '/dist/': bundleDir } });
}

/** The demo URL with query parameters (demo's own, like seed, and the extension's, like storagetype). */
export function demoUrl(base: string, params: Record<string, string | number | boolean> = {}): string {
  const url = new URL('/index.html', base);
  for (const [k, v] of Object.entries(params)) {
    if (v === true) url.searchParams.set(k, '');
    else if (v !== false) url.searchParams.set(k, String(v));
  }
  return url.href;
}

/**
 * The URL parameters that configure the extension for a bucket, as `npm start` prints them
 * (the original's URL parameters, docs/settings.md: storagetype, bucket, region, endpoint, accesskey, secretkey,
 * encryptionkey).
 * Use with startS3Server() from ./s3-server and BrowserHarness.openDevice({ params }).
 */
export function extensionParams(
  s3: { endpoint: string; bucket: string; region?: string; accessKeyId?: string; secretAccessKey?: string },
  encryptionKey: string,
): Record<string, string> {
  return {
    storagetype: 's3',
    bucket: s3.bucket,
    region: s3.region ?? 'us-east-1',
    endpoint: s3.endpoint,
    accesskey: s3.accessKeyId ?? 'S3RVER',
    secretkey: s3.secretAccessKey ?? 'S3RVER',
    encryptionkey: encryptionKey,
  };
}
