/** scripts/bench.mjs as a user runs it: bad options stop it before anything starts, with a worded message. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../support/demo-server';

const bench = (args: string[]) => spawnSync(process.execPath, [join(repoRoot, 'scripts/bench.mjs'), ...args], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 });

describe('npm run bench (command line)', () => {
  it('prints its usage for --help and exits 0', () => {
    const r = bench(['--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Usage: npm run bench -- [options]');
    expect(r.stdout).toContain('--chats N');
  });

  it('refuses a bad value with exit code 2 and the fix, without starting a browser', () => {
    const r = bench(['--chats', 'lots']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--chats must be a whole number from 1 to 20000, not "lots"');
    expect(r.stdout).not.toContain('starting Chromium');
  });
});
