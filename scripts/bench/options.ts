/**
 * `npm run bench` options. Pure: argv in, options (or a worded error) out.
 */
import { HOME_PROFILE, type NetworkProfile } from '../../test/support/network-link';

export interface BenchOptions {
  chats: number;
  attachments: number;
  chatKb: number;
  attachmentKb: number;
  /** Requests in flight for the plain PUT/GET baseline: the sync engine's own default. */
  concurrency: number;
  /** The extension's sync interval on the bench devices, in seconds: long, so timer cycles stay out of the counts. */
  syncInterval: number;
  /** The extension's quiet period before an edited key is uploaded, in ms (its default is 3 s). */
  quietMs: number;
  /** Plain GETs and fresh-device downloads, alternated this many times; the fastest of each is reported. */
  repeat: number;
  /** Longest wait for any one phase, in seconds. */
  timeoutS: number;
  /** Name of the result file (bench-results/<label>.json) and of the run in BENCHMARKS.md. */
  label: string;
  outDir: string;
  /** Rewrite BENCHMARKS.md from the results on disk after the run. */
  markdown: boolean;
  /** Record Chromium traces of the initial upload, the first plain GETs and the first fresh-device download. */
  trace: boolean;
  /** A simulated network between the browser and the bucket (--rtt, --up, --down); absent: loopback. */
  network?: NetworkProfile;
}

export type ParsedArgs = { kind: 'run'; options: BenchOptions } | { kind: 'help'; text: string } | { kind: 'report'; outDir: string };

export const DEFAULTS = {
  chats: 500,
  attachments: 20,
  chatKb: 20,
  attachmentKb: 200,
  concurrency: 6,
  syncInterval: 3600,
  quietMs: 3000,
  timeoutS: 600,
  repeat: 2,
  outDir: 'bench-results',
} as const;

export const USAGE = `Usage: npm run bench -- [options]

  --chats N           chats in the dataset (default ${DEFAULTS.chats}; the scale run uses 5000)
  --attachments M     attachments in the dataset (default ${DEFAULTS.attachments})
  --chat-kb K         size of one chat's JSON in KB (default ${DEFAULTS.chatKb})
  --attachment-kb K   size of one attachment in KB (default ${DEFAULTS.attachmentKb})
  --concurrency C     requests in flight for the plain PUT/GET baseline (default ${DEFAULTS.concurrency}, as the sync engine)
  --quiet-ms MS       the extension's quiet period before an edit is uploaded (default ${DEFAULTS.quietMs})
  --repeat R          plain GETs and fresh-device downloads alternated R times, fastest kept (default ${DEFAULTS.repeat})
  --timeout S         longest wait for one phase, in seconds (default ${DEFAULTS.timeoutS})
  --label NAME        name of this run (default: "default", or "chats-N" when the dataset differs)
  --out DIR           where the JSON results go (default ${DEFAULTS.outDir})
  --rtt MS            simulate a network: round-trip time to the bucket, ms (default 0: loopback)
  --up MBIT           … and uplink bandwidth, Mbit/s (default unlimited)
  --down MBIT         … and downlink bandwidth, Mbit/s (default unlimited)
                      The "home" profile is --rtt ${HOME_PROFILE.rttMs} --up ${HOME_PROFILE.upMbit} --down ${HOME_PROFILE.downMbit} (label "home").
  --no-markdown       do not rewrite BENCHMARKS.md
  --report            run nothing: rewrite BENCHMARKS.md's tables from the results already in --out
  --trace             record Chromium traces of the initial upload, the first plain GETs and the first
                      fresh-device download (<out>/<label>-upload.trace.json, -baseline-get…, -download…,
                      with a .cpuprofile each; open in chrome://tracing or
                      summarise with: node scripts/bench/trace-summary.mjs FILE)
`;

const INTEGER_FLAGS: Record<string, { field: keyof BenchOptions; min: number; max: number; example: string }> = {
  '--chats': { field: 'chats', min: 1, max: 20_000, example: '--chats 5000' },
  '--attachments': { field: 'attachments', min: 0, max: 10_000, example: '--attachments 20' },
  '--chat-kb': { field: 'chatKb', min: 1, max: 10_000, example: '--chat-kb 20' },
  '--attachment-kb': { field: 'attachmentKb', min: 1, max: 100_000, example: '--attachment-kb 200' },
  '--concurrency': { field: 'concurrency', min: 1, max: 64, example: '--concurrency 8' },
  '--quiet-ms': { field: 'quietMs', min: 0, max: 300_000, example: '--quiet-ms 3000' },
  '--repeat': { field: 'repeat', min: 1, max: 10, example: '--repeat 3' },
  '--timeout': { field: 'timeoutS', min: 10, max: 86_400, example: '--timeout 600' },
};

const NETWORK_FLAGS: Record<string, { field: keyof NetworkProfile; max: number; example: string }> = {
  '--rtt': { field: 'rttMs', max: 5000, example: '--rtt 40' },
  '--up': { field: 'upMbit', max: 100_000, example: '--up 20' },
  '--down': { field: 'downMbit', max: 100_000, example: '--down 100' },
};

const sameNetwork = (a: NetworkProfile, b: NetworkProfile) => a.rttMs === b.rttMs && a.upMbit === b.upMbit && a.downMbit === b.downMbit;

export function parseBenchArgs(argv: readonly string[]): ParsedArgs {
  const o: BenchOptions = { ...DEFAULTS, label: '', markdown: true, trace: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.indexOf('=');
    const flag = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    const inline = arg.startsWith('--') && eq > 0 ? arg.slice(eq + 1) : undefined;
    const value = (example: string): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw new Error(`${flag} needs a value, e.g. ${example}.`);
      return v;
    };
    if (flag === '--help' || flag === '-h') return { kind: 'help', text: USAGE };
    const int = INTEGER_FLAGS[flag];
    if (int) {
      const raw = value(int.example);
      const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
      if (!Number.isSafeInteger(n) || n < int.min || n > int.max) {
        throw new Error(`${flag} must be a whole number from ${int.min} to ${int.max}, not "${raw}" (e.g. ${int.example}).`);
      }
      (o as unknown as Record<string, number>)[int.field] = n;
    } else if (NETWORK_FLAGS[flag]) {
      const net = NETWORK_FLAGS[flag];
      const raw = value(net.example);
      const n = /^\d+(\.\d+)?$/.test(raw) ? Number(raw) : NaN;
      if (!(n >= 0 && n <= net.max)) throw new Error(`${flag} must be a number from 0 to ${net.max}, not "${raw}" (e.g. ${net.example}).`);
      o.network = { ...(o.network ?? { rttMs: 0, upMbit: 0, downMbit: 0 }), [net.field]: n };
    } else if (flag === '--label') {
      const raw = value('--label scale');
      if (!/^[a-z0-9][a-z0-9._-]{0,39}$/i.test(raw)) {
        throw new Error(`--label "${raw}" cannot name a file: use up to 40 letters, digits, dots, dashes and underscores.`);
      }
      o.label = raw;
    } else if (flag === '--out') o.outDir = value('--out bench-results');
    else if (flag === '--no-markdown') o.markdown = false;
    else if (flag === '--trace') o.trace = true;
    else if (flag === '--report') continue;
    else throw new Error(`Unknown option "${arg}". Try: npm run bench -- --help`);
  }
  if (argv.includes('--report')) return { kind: 'report', outDir: o.outDir };
  if (!o.label) {
    const standard = o.chats === DEFAULTS.chats && o.attachments === DEFAULTS.attachments && o.chatKb === DEFAULTS.chatKb && o.attachmentKb === DEFAULTS.attachmentKb;
    const dataset = standard ? '' : `chats-${o.chats}`;
    const net = o.network;
    const where = !net ? '' : sameNetwork(net, HOME_PROFILE) ? 'home' : `rtt${net.rttMs}-up${net.upMbit || 'inf'}-down${net.downMbit || 'inf'}`;
    o.label = [where, dataset].filter(Boolean).join('-') || 'default';
  }
  if (o.network && o.network.rttMs === 0 && o.network.upMbit === 0 && o.network.downMbit === 0) o.network = undefined;
  return { kind: 'run', options: o };
}
