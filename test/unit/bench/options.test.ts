import { describe, expect, it } from 'vitest';
import { DEFAULTS, parseBenchArgs } from '../../../scripts/bench/options';

function run(argv: string[]) {
  const p = parseBenchArgs(argv);
  if (p.kind !== 'run') throw new Error('expected a run');
  return p.options;
}

describe('npm run bench options', () => {
  it('defaults to the issue dataset under the label "default"', () => {
    const o = run([]);
    expect(o).toMatchObject({ chats: 500, attachments: 20, chatKb: 20, attachmentKb: 200, concurrency: DEFAULTS.concurrency, label: 'default', markdown: true });
  });

  it('names a run with another dataset after its chat count, and takes --flag=value', () => {
    expect(run(['--chats', '5000']).label).toBe('chats-5000');
    expect(run(['--chats=120', '--attachments=3'])).toMatchObject({ chats: 120, attachments: 3, label: 'chats-120' });
    expect(run(['--chats', '5000', '--label', 'scale']).label).toBe('scale');
    expect(run(['--no-markdown']).markdown).toBe(false);
    expect(run([]).trace).toBe(false);
    expect(run(['--trace']).trace).toBe(true);
  });

  it('takes a simulated network, names the home profile "home", and leaves loopback without one', () => {
    expect(run([]).network).toBeUndefined();
    expect(run(['--rtt', '40', '--up', '20', '--down', '100'])).toMatchObject({ network: { rttMs: 40, upMbit: 20, downMbit: 100 }, label: 'home' });
    expect(run(['--rtt=40', '--up=20', '--down=100', '--chats', '5000']).label).toBe('home-chats-5000');
    expect(run(['--rtt', '80', '--down', '12.5'])).toMatchObject({ network: { rttMs: 80, upMbit: 0, downMbit: 12.5 }, label: 'rtt80-upinf-down12.5' });
    expect(run(['--rtt', '0']).network).toBeUndefined();
    expect(run(['--rtt', '40', '--label', 'x']).label).toBe('x');
  });

  it('takes --report as "rewrite the tables from the results on disk", with --out', () => {
    expect(parseBenchArgs(['--report'])).toEqual({ kind: 'report', outDir: 'bench-results' });
    expect(parseBenchArgs(['--report', '--out', 'elsewhere'])).toEqual({ kind: 'report', outDir: 'elsewhere' });
  });

  it('answers --help with the usage text', () => {
    const p = parseBenchArgs(['--help']);
    expect(p.kind).toBe('help');
    expect(p.kind === 'help' && p.text).toContain('--chats N');
  });

  it.each([
    [['--chats'], '--chats needs a value, e.g. --chats 5000.'],
    [['--chats', 'many'], '--chats must be a whole number from 1 to 20000, not "many"'],
    [['--chats', '0'], 'from 1 to 20000, not "0"'],
    [['--chats', '-5'], 'not "-5"'],
    [['--concurrency', '1.5'], '--concurrency must be a whole number from 1 to 64'],
    [['--timeout', '5'], '--timeout must be a whole number from 10'],
    [['--repeat', '0'], '--repeat must be a whole number from 1 to 10'],
    [['--label', '../etc'], 'cannot name a file'],
    [['--rtt', 'far'], '--rtt must be a number from 0 to 5000, not "far" (e.g. --rtt 40).'],
    [['--up', '-1'], '--up must be a number from 0'],
    [['--down'], '--down needs a value, e.g. --down 100.'],
    [['--fast'], 'Unknown option "--fast". Try: npm run bench -- --help'],
  ])('refuses %j with a message that says what to type', (argv, text) => {
    expect(() => parseBenchArgs(argv)).toThrow(text);
  });
});
