/**
 * The command as a user runs it: built with the project's esbuild options for the CLI, started as its own
 * Node process against s3rver, secrets from the environment. package.json's "bin" names the file the build
 * writes, so `npx cloudsync-export` runs exactly this.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFixtureBucket, seedStoreFromFixture } from '../../support/fixture-bucket';
import { repoRoot } from '../../support/demo-server';
import { folderIsEmptyOrMissing, readExportFolder, tempDir } from '../../support/recovery-export';
import { useS3TestStores } from '../../support/s3-test-store';

const s3 = useS3TestStores();
let built = '';
let buildDir = '';

beforeAll(async () => {
  // Inside the repository (test-results/ is ignored), so the file finds the package's node_modules as dist/ would.
  mkdirSync(join(repoRoot, 'test-results'), { recursive: true });
  buildDir = mkdtempSync(join(repoRoot, 'test-results', 'cli-'));
  const { cliBuildOptions } = (await import(pathToFileURL(join(repoRoot, 'esbuild.config.mjs')).href)) as { cliBuildOptions: Record<string, unknown> };
  const { build } = await import('esbuild');
  built = join(buildDir, 'cloudsync-export.mjs');
  await build({ ...cliBuildOptions, entryPoints: (cliBuildOptions.entryPoints as string[]).map((p) => join(repoRoot, p)), outfile: built, logLevel: 'error' });
}, 60_000);
afterAll(() => rmSync(buildDir, { recursive: true, force: true }));

function run(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [built, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('npx cloudsync-export (the built command)', () => {
  it('package.json "bin" runs the file the build writes', () => {
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    expect(pkg.bin['cloudsync-export']).toBe('dist/cloudsync-export.mjs');
    expect(readFileSync(built, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
  });

  it('exports a bucket with secrets from the environment, and exits 1 on a wrong password', async () => {
    const fx = loadFixtureBucket('v3');
    const bucket = `exp-bin-${Date.now().toString(36)}`;
    await s3.server.createBucket(bucket);
    await seedStoreFromFixture(s3.store({ bucket }), fx);
    const srv = s3.server;
    const args = ['--endpoint', srv.endpoint, '--region', srv.region, '--bucket', bucket, '--access-key-id', srv.accessKeyId];
    const out = join(tempDir(), 'out');
    const ok = await run([...args, '--out', out], { CLOUDSYNC_SECRET_ACCESS_KEY: srv.secretAccessKey, CLOUDSYNC_PASSWORD: fx.password });
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('Exported the live data');
    expect(readExportFolder(out).items.size).toBe(23);

    const wrongOut = join(tempDir(), 'out');
    const wrong = await run([...args, '--out', wrongOut], { CLOUDSYNC_SECRET_ACCESS_KEY: srv.secretAccessKey, CLOUDSYNC_PASSWORD: 'wrong' });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('encryption password does not open the data');
    expect(folderIsEmptyOrMissing(wrongOut)).toBe(true);

    // No terminal to ask on and no variable: it says which variable to set.
    const none = await run([...args, '--out', join(tempDir(), 'out')], {});
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('CLOUDSYNC_SECRET_ACCESS_KEY');
  });
});
