#!/usr/bin/env node
// Summarises a Chromium trace written by `npm run bench -- --trace`: for each busy thread, how long it was busy,
// and on the page's main thread which kinds of work took the time (self time by trace event name), so an
// overhead can be attributed before it is optimised.
//
//   node scripts/bench/trace-summary.mjs bench-results/default-download.trace.json [--top 25]
import { readFileSync } from 'node:fs';

const [file, ...rest] = process.argv.slice(2);
if (!file) {
  process.stderr.write('Usage: node scripts/bench/trace-summary.mjs TRACE.json [--top N]\n');
  process.exit(2);
}
const topIndex = rest.indexOf('--top');
const top = topIndex >= 0 ? Number(rest[topIndex + 1]) : 25;

const raw = JSON.parse(readFileSync(file, 'utf8'));
const events = Array.isArray(raw) ? raw : raw.traceEvents;
const threadName = new Map();
const processName = new Map();
for (const e of events) {
  if (e.ph !== 'M') continue;
  if (e.name === 'thread_name') threadName.set(`${e.pid}:${e.tid}`, e.args.name);
  if (e.name === 'process_name') processName.set(e.pid, e.args.name);
}

// Complete events per thread ('X'), and B/E pairs turned into complete ones.
const byThread = new Map();
const open = new Map();
let first = Infinity;
let last = -Infinity;
for (const e of events) {
  if (typeof e.ts !== 'number') continue;
  const id = `${e.pid}:${e.tid}`;
  if (e.ph === 'X' && typeof e.dur === 'number') push(id, { name: e.name, ts: e.ts, dur: e.dur });
  else if (e.ph === 'B') (open.get(id) ?? open.set(id, []).get(id)).push(e);
  else if (e.ph === 'E') {
    const b = open.get(id)?.pop();
    if (b) push(id, { name: b.name, ts: b.ts, dur: e.ts - b.ts });
  }
  if (e.ph === 'X' || e.ph === 'B' || e.ph === 'E' || e.ph === 'I' || e.ph === 'i') {
    first = Math.min(first, e.ts);
    last = Math.max(last, e.ts + (e.dur ?? 0));
  }
}
function push(id, ev) {
  (byThread.get(id) ?? byThread.set(id, []).get(id)).push(ev);
}

/** Busy time (union of the outermost events) and self time by name, for one thread's events. */
function analyse(list) {
  list.sort((a, b) => a.ts - b.ts || b.dur - a.dur);
  const self = new Map();
  const stack = [];
  let busy = 0;
  const close = (until) => {
    while (stack.length && stack[stack.length - 1].end <= until) stack.pop();
  };
  for (const ev of list) {
    close(ev.ts);
    const end = ev.ts + ev.dur;
    if (stack.length === 0) busy += ev.dur;
    else stack[stack.length - 1].childDur += Math.min(ev.dur, stack[stack.length - 1].end - ev.ts);
    const node = { ev, end, childDur: 0 };
    stack.push(node);
    ev.node = node;
  }
  for (const ev of list) {
    const s = Math.max(0, ev.dur - ev.node.childDur);
    const r = self.get(ev.name) ?? { self: 0, count: 0 };
    r.self += s;
    r.count += 1;
    self.set(ev.name, r);
  }
  return { busy, self };
}

const ms = (us) => `${(us / 1000).toFixed(0)} ms`;
process.stdout.write(`trace ${file}: ${ms(last - first)} from first to last event\n\nBusy threads:\n`);
const results = [];
for (const [id, list] of byThread) {
  const pid = Number(id.split(':')[0]);
  results.push({ id, name: `${processName.get(pid) ?? pid} / ${threadName.get(id) ?? id}`, ...analyse(list) });
}
results.sort((a, b) => b.busy - a.busy);
for (const r of results.slice(0, 15)) process.stdout.write(`  ${ms(r.busy).padStart(10)}  ${r.name}\n`);

const main = results.find((r) => /CrRendererMain/.test(r.name));
if (main) {
  process.stdout.write(`\nSelf time on ${main.name}:\n`);
  const rows = [...main.self].sort((a, b) => b[1].self - a[1].self).slice(0, top);
  for (const [name, r] of rows) process.stdout.write(`  ${ms(r.self).padStart(10)}  ×${String(r.count).padEnd(7)} ${name}\n`);
}
