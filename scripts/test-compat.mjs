#!/usr/bin/env node
// `npm run test:compat`: the S3 flows against a second S3 implementation, moto's server (`moto_server`, from
// Debian's python3-moto). Ends with the plain summary line "N passed, N failed" and writes it to
// test-results/compat-summary.json for .ci/run. Without moto_server it fails, saying how to install it.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';

mkdirSync('test-results', { recursive: true });
const summary = (passed, failed) => {
  writeFileSync('test-results/compat-summary.json', JSON.stringify({ passed, failed }));
  console.log(`\n${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
};

if (spawnSync('moto_server', ['--help'], { stdio: 'ignore' }).status !== 0) {
  console.error('moto_server is not installed: apt-get install python3-moto (or pip install "moto[server]").');
  summary(0, 1);
}
const report = 'test-results/compat.json';
const status =
  spawnSync('npx', ['vitest', 'run', '-c', 'vitest.compat.config.ts', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)], {
    stdio: 'inherit',
  }).status ?? 1;
if (!existsSync(report)) summary(0, 1);
const r = JSON.parse(readFileSync(report, 'utf8'));
let failed = (r.numFailedTests ?? 0) + (r.testResults ?? []).filter((s) => s.status === 'failed' && (s.assertionResults ?? []).length === 0).length;
const passed = r.numPassedTests ?? 0;
if (status !== 0 && failed === 0) failed = 1;
if (passed === 0 && failed === 0) failed = 1; // a suite that ran nothing proves nothing
summary(passed, failed);
