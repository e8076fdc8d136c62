#!/usr/bin/env node
// Summarises a .cpuprofile written by `npm run bench -- --trace`: self and total time by function, so the
// script work that a trace shows only as "RunMicrotasks" gets names.
//
//   node scripts/bench/profile-summary.mjs bench-results/default-download.cpuprofile [--top 30] [--map dist/cloudsync.js.map]
//
// The bundle is minified: with --map (the build is deterministic, so dist/'s map fits the bundle the bench
// built) functions are named by their source file, line and original name.
import { existsSync, readFileSync } from 'node:fs';

const [file, ...rest] = process.argv.slice(2);
if (!file) {
  process.stderr.write('Usage: node scripts/bench/profile-summary.mjs PROFILE.cpuprofile [--top N]\n');
  process.exit(2);
}
const topIndex = rest.indexOf('--top');
const top = topIndex >= 0 ? Number(rest[topIndex + 1]) : 30;
const mapIndex = rest.indexOf('--map');
const mapFile = mapIndex >= 0 ? rest[mapIndex + 1] : existsSync('dist/cloudsync.js.map') ? 'dist/cloudsync.js.map' : undefined;
const sourceMap = mapFile ? decodeSourceMap(JSON.parse(readFileSync(mapFile, 'utf8'))) : undefined;
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
  if (sourceMap && f.url.endsWith('/cloudsync.js')) {
    const o = sourceMap(f.lineNumber, f.columnNumber);
    if (o) return `${o.name ?? (f.functionName || '(anonymous)')} ${o.source.replace(/^(\.\.\/)+/, '').replace(/^.*node_modules\//, '')}:${o.line + 1}`;
  }
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

/** A source map's mappings as a lookup (0-based generated line and column → original position and name). */
function decodeSourceMap(map) {
  const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const lines = map.mappings.split(';').map(() => []);
  let src = 0;
  let srcLine = 0;
  let srcCol = 0;
  let name = 0;
  map.mappings.split(';').forEach((line, l) => {
    let col = 0;
    for (const seg of line.split(',')) {
      if (!seg) continue;
      const v = [];
      let value = 0;
      let shift = 0;
      for (const ch of seg) {
        const d = B64.indexOf(ch);
        value += (d & 31) << shift;
        if (d & 32) shift += 5;
        else {
          v.push(value & 1 ? -(value >>> 1) : value >>> 1);
          value = 0;
          shift = 0;
        }
      }
      col += v[0];
      if (v.length < 4) continue;
      src += v[1];
      srcLine += v[2];
      srcCol += v[3];
      if (v.length > 4) name += v[4];
      lines[l].push({ col, source: map.sources[src], line: srcLine, name: v.length > 4 ? map.names[name] : undefined });
    }
  });
  return (line, column) => {
    const segs = lines[line];
    if (!segs) return undefined;
    let found;
    for (const s of segs) {
      if (s.col > column) break;
      found = s;
    }
    return found;
  };
}
