#!/usr/bin/env node
// Summarises a .cpuprofile written by `npm run bench -- --trace`: self and total time by function, so the
// script work that a trace shows only as "RunMicrotasks" gets names.
//
//   node scripts/bench/profile-summary.mjs bench-results/default-download.cpuprofile [--top 30]
import { readFileSync } from 'node:fs';

const [file, ...rest] = process.argv.slice(2);
if (!file) {
  process.stderr.write('Usage: node scripts/bench/profile-summary.mjs PROFILE.cpuprofile [--top N]\n');
  process.exit(2);
}
const topIndex = rest.indexOf('--top');
const top = topIndex >= 0 ? Number(rest[topIndex + 1]) : 30;
const p = JSON.parse(readFileSync(file, 'utf8'));

const byId = new Map(p.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
// Time per sample: the gap to the next sample.
const selfUs = new Map();
for (let i = 0; i < p.samples.length; i++) {
  const dt = p.timeDeltas[i + 1] ?? 0;
  selfUs.set(p.samples[i], (selfUs.get(p.samples[i]) ?? 0) + dt);
}
const label = (n) => {
  const f = n.callFrame;
  const url = f.url ? f.url.replace(/^.*\//, '') : '';
  return `${f.functionName || '(anonymous)'} ${url}${url ? `:${f.lineNumber + 1}:${f.columnNumber + 1}` : ''}`;
};
const self = new Map();
const total = new Map();
let all = 0;
for (const [id, us] of selfUs) {
  all += us;
  const n = byId.get(id);
  const l = label(n);
  self.set(l, (self.get(l) ?? 0) + us);
  // Total: every distinct function on the stack once.
  const seen = new Set();
  for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
    const cl = label(byId.get(cur));
    if (seen.has(cl)) continue;
    seen.add(cl);
    total.set(cl, (total.get(cl) ?? 0) + us);
  }
}
const ms = (us) => `${(us / 1000).toFixed(0)} ms`;
process.stdout.write(`profile ${file}: ${ms(all)} sampled\n\nSelf time:\n`);
for (const [l, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) process.stdout.write(`  ${ms(us).padStart(9)}  ${l}\n`);
process.stdout.write('\nTotal time (function and what it called):\n');
for (const [l, us] of [...total].sort((a, b) => b[1] - a[1]).slice(0, top)) process.stdout.write(`  ${ms(us).padStart(9)}  ${l}\n`);
