/**
 * Entry of the `cloudsync-export` command (package.json "bin"; built to dist/cloudsync-export.mjs by
 * esbuild.config.mjs). Node 20 or later: it uses Node's own fetch and WebCrypto.
 */
import { promptHidden } from './hidden-prompt';
import { runCli } from './export-main';

const code = await runCli(process.argv.slice(2), {
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
  prompt: process.stdin.isTTY ? (q) => promptHidden(q, { input: process.stdin, output: process.stderr }) : undefined,
  version: __CLOUDSYNC_VERSION__,
});
process.exitCode = code;
