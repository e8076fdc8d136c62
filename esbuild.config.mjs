// Bundles src/main.ts into the one file users load: dist/cloudsync.js (IIFE, ES2020, minified, with a source map).
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));

/**
 * The S3 client imports its whole package.json (dependency lists and all, ~2.5 KB) to put its version in the
 * user agent. Only the version is kept.
 */
const s3ClientVersionOnly = {
  name: 's3-client-version-only',
  setup(b) {
    b.onLoad({ filter: /[\\/]@aws-sdk[\\/]client-s3[\\/]package\.json$/ }, (args) => {
      const { version } = JSON.parse(readFileSync(args.path, 'utf8'));
      return { contents: JSON.stringify({ version }), loader: 'json' };
    });
  },
};

export const buildOptions = {
  entryPoints: ['src/main.ts'],
  outfile: 'dist/cloudsync.js',
  bundle: true,
  format: 'iife',
  platform: 'browser',
  target: 'es2020',
  minify: true,
  sourcemap: true,
  // A stable build: no timestamps or absolute paths, so dist/ equals a fresh build on any machine.
  sourcesContent: true,
  legalComments: 'eof',
  define: { __CLOUDSYNC_VERSION__: JSON.stringify(pkg.version) },
  // The S3 client's event-stream codecs serve operations we never call; see the stub for why.
  alias: { '@smithy/core/event-streams': fileURLToPath(new URL('./src/providers/s3/no-event-streams.ts', import.meta.url)) },
  // Messages and log icons stay readable UTF-8 instead of \u escapes.
  charset: 'utf8',
  plugins: [s3ClientVersionOnly],
  logLevel: 'warning',
};

/**
 * The recovery tool, `npx cloudsync-export` (package.json "bin"): src/cli/ for Node 20, as one ES module. Its
 * npm dependencies stay outside the file (they are installed with the package), so it stays small; the
 * browser bundle above is built exactly as before.
 */
export const cliBuildOptions = {
  entryPoints: ['src/cli/cloudsync-export.ts'],
  outfile: 'dist/cloudsync-export.mjs',
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  banner: { js: '#!/usr/bin/env node' },
  define: { __CLOUDSYNC_VERSION__: JSON.stringify(pkg.version) },
  charset: 'utf8',
  logLevel: 'warning',
};

if (import.meta.url === `file://${process.argv[1]}`) {
  await build(buildOptions);
  await build(cliBuildOptions);
}
