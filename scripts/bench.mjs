#!/usr/bin/env node
// `npm run bench`: the end-to-end benchmark (issue 7). Not part of `npm test`.
//
// The harness is TypeScript (scripts/bench/*.ts) so it can reuse the test support it shares with the browser
// tests (Chromium harness, demo server, s3rver + counting proxy) and the project's own S3 provider for the
// baseline. Node 20 cannot run TypeScript, so this file bundles it with esbuild (already a dev dependency) into
// bench-results/.runner/ and runs it. vitest bench was not used: it repeats a function and reports
// operations per second, while each phase here is one long, stateful run across two browser devices.
//
//   npm run bench                      default dataset: 500 chats of ~20 KB, 20 attachments of 200 KB
//   npm run bench -- --chats 5000      the scale run (opt-in, slower)
//   npm run bench -- --help
import { build } from 'esbuild';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const runnerDir = join(root, 'bench-results', '.runner');

/**
 * Bundled modules keep the address of their own source file as import.meta.url: the test support finds the
 * repository from it, and the s3rver launcher starts itself as a child process from its own path.
 */
const keepImportMetaUrl = {
  name: 'keep-import-meta-url',
  setup(b) {
    b.onLoad({ filter: /\.(ts|mts|mjs)$/ }, (args) => {
      if (args.path.includes(`${join('node_modules', '')}`)) return undefined;
      const source = readFileSync(args.path, 'utf8');
      const contents = source.replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href));
      return { contents, loader: args.path.endsWith('.ts') || args.path.endsWith('.mts') ? 'ts' : 'js', resolveDir: dirname(args.path) };
    });
  },
};

async function bundle() {
  mkdirSync(runnerDir, { recursive: true });
  const outfile = join(runnerDir, 'main.mjs');
  await build({
    entryPoints: [join(root, 'scripts/bench/main.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    plugins: [keepImportMetaUrl],
    logLevel: 'error',
  });
  const page = await build({
    entryPoints: [join(root, 'scripts/bench/page/bench-page.ts')],
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2020',
    write: false,
    define: { __CLOUDSYNC_VERSION__: JSON.stringify('bench') },
    logLevel: 'error',
  });
  return { runner: outfile, pageScript: page.outputFiles[0].text };
}

let built;
try {
  built = await bundle();
} catch (e) {
  process.stderr.write(`\nThe benchmark harness did not build (see above): ${e.message}\nFix the error, then run npm run bench again.\n`);
  process.exit(1);
}
const { main } = await import(pathToFileURL(built.runner).href);
process.exitCode = await main(process.argv.slice(2), { pageScript: built.pageScript });
