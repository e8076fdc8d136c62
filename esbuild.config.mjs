// Bundles src/main.ts into the one file users load: dist/cloudsync.js (IIFE, ES2020, minified, with a source map).
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));

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
  logLevel: 'warning',
};

if (import.meta.url === `file://${process.argv[1]}`) {
  await build(buildOptions);
}
