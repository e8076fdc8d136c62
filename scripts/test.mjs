#!/usr/bin/env node
// `npm test`: typecheck, build the bundle, then every vitest suite (unit, integration, browser) in one run.
// Ends with the plain summary line CI reads: "N passed, N failed". Vitest's own summary is not recognised
// by CI, so the line is derived from its JSON report.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';

const extra = process.argv.slice(2);
const run = (cmd, args) => spawnSync(cmd, args, { stdio: 'inherit', env: process.env }).status ?? 1;

mkdirSync('test-results', { recursive: true });
let failed = 0;
let passed = 0;

console.log('\n== typecheck');
if (run('npx', ['tsc', '--noEmit', '-p', 'tsconfig.json']) === 0) passed++;
else failed++;

console.log('\n== build');
if (run('node', ['esbuild.config.mjs']) === 0) passed++;
else failed++;

console.log('\n== vitest');
const report = 'test-results/vitest.json';
const vitestStatus = run('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...extra]);
if (existsSync(report)) {
  const r = JSON.parse(readFileSync(report, 'utf8'));
  passed += r.numPassedTests ?? 0;
  failed += r.numFailedTests ?? 0;
  // A suite that fails to load has no tests in it: count it, or a broken file would pass silently.
  const brokenSuites = (r.testResults ?? []).filter((s) => s.status === 'failed' && (s.assertionResults ?? []).length === 0);
  failed += brokenSuites.length;
  if (vitestStatus !== 0 && failed === 0) failed = 1;
} else {
  failed++;
}
writeFileSync('test-results/summary.json', JSON.stringify({ passed, failed }));
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
