/**
 * `npm start` (scripts/start.mjs) as a person runs it: it builds, serves the demo and the bundle, runs a local S3
 * bucket that answers the page's CORS preflights, prints what to open, and stops cleanly on Ctrl-C.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser';
import { repoRoot } from '../support/demo-server';

const children: ChildProcessWithoutNullStreams[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function start(args: string[], existingDataDir?: string) {
  const dataDir = existingDataDir ?? mkdtempSync(join(tmpdir(), 'cloudsync-demo-data-'));
  if (!existingDataDir) dirs.push(dataDir);
  const child = spawn(process.execPath, ['scripts/start.mjs', '--data-dir', dataDir, ...args], { cwd: repoRoot });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const running = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', () => {
      if (stdout.includes('Press Ctrl-C to stop.')) resolve(stdout);
    });
    void exited.then((code) => reject(new Error(`start.mjs exited (${code}): ${stderr}`)));
  });
  // Tests that expect an early exit never await `running`.
  running.catch(() => {});
  return { child, dataDir, running, exited, out: () => stdout, err: () => stderr };
}

const field = (out: string, label: string) => {
  const m = out.match(new RegExp(`${label}:\\s+(\\S+)`));
  if (!m) throw new Error(`"${label}" not printed in:\n${out}`);
  return m[1];
};

function listen(): Promise<{ server: Server; port: number }> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as { port: number }).port }));
  });
}

describe('npm start', () => {
  it('builds, serves the demo and the script, runs a CORS-enabled bucket, and stops on Ctrl-C', async () => {
    const run = start(['--port', '0', '--s3-port', '0']);
    const out = await run.running;
    const demo = new URL(field(out, 'Demo \\(device 1\\)'));
    const script = field(out, 'Script URL');
    const endpoint = field(out, 'S3 endpoint');
    const key = field(out, 'Encryption key');

    // The demo URL carries everything the extension needs for the local bucket.
    expect(Object.fromEntries(demo.searchParams)).toEqual({
      storagetype: 's3',
      bucket: 'typingmind-demo',
      region: 'us-east-1',
      endpoint,
      accesskey: 'S3RVER',
      secretkey: 'S3RVER',
      encryptionkey: key,
    });
    expect(out).toContain(run.dataDir);

    const page = await fetch(demo);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('data-element-id="workspace-tab-chat"');
    const js = await fetch(script);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    expect((await js.text()).length).toBeGreaterThan(1000);

    // What Chromium sends before a conditional PUT from the demo page's origin.
    const preflight = await fetch(`${endpoint}/typingmind-demo/metadata.json`, {
      method: 'OPTIONS',
      headers: { Origin: demo.origin, 'Access-Control-Request-Method': 'PUT', 'Access-Control-Request-Headers': 'if-match,content-type' },
    });
    expect(preflight.status).toBe(200);
    expect(preflight.headers.get('access-control-allow-origin')).toMatch(/^(\*|http:\/\/127\.0\.0\.1:\d+)$/);
    expect(preflight.headers.get('access-control-allow-methods')).toContain('PUT');
    expect(existsSync(join(run.dataDir, 's3', 'typingmind-demo'))).toBe(true);

    run.child.kill('SIGINT');
    expect(await run.exited).toBe(0);
    expect(run.out()).toContain('Stopped.');
    await expect(fetch(demo)).rejects.toThrow();
    await expect(fetch(`${endpoint}/typingmind-demo`)).rejects.toThrow();

    // The same password on the next start, so devices opened later can read what earlier ones wrote.
    const again = start(['--no-build', '--port', '0', '--s3-port', '0'], run.dataDir);
    expect(field(await again.running, 'Encryption key')).toBe(key);
    again.child.kill('SIGTERM');
    expect(await again.exited).toBe(0);
  });

  it('the printed demo URL syncs the seeded device into the local bucket, and a second device receives it', async () => {
    const run = start(['--no-build', '--port', '0', '--s3-port', '0']);
    const out = await run.running;
    const chromium = await launchChromium();
    try {
      const open = async (url: string) => {
        const context = await chromium.browser.newContext();
        const page = await context.newPage();
        await page.goto(url);
        await page.waitForFunction(() => (window as any).typingMindCloudSync !== undefined);
        await page.evaluate(() => (window as any).typingMindCloudSync.ready);
        return page;
      };
      const a = await open(field(out, 'Demo \\(device 1\\)'));
      const statusA = await a.evaluate(() => (window as any).typingMindCloudSync.status);
      expect(statusA.state, statusA.error).toBe('success');
      const b = await open(field(out, 'Empty device 2'));
      await b.evaluate(() => (window as any).typingMindCloudSync.syncNow());
      const list = (p: typeof a) => p.evaluate(() => (window as any).demo.listChats().then((l: { key: string }[]) => l.map((c) => c.key).sort()));
      const chatsA = await list(a);
      expect(chatsA).toHaveLength(3);
      expect(await list(b)).toEqual(chatsA);
      // The page shows the extension's status and lists what the sync brought in.
      await b.locator('#extension-state', { hasText: 'Status: success' }).waitFor();
      await b.locator(`#chat-list tr[data-chat-id="${chatsA[0].slice(5)}"]`).waitFor();
      // The bucket lives in the data folder, as printed.
      expect(existsSync(join(run.dataDir, 's3', 'typingmind-demo'))).toBe(true);
    } finally {
      await chromium.browser.close();
      chromium.cleanup();
      run.child.kill('SIGINT');
      await run.exited;
    }
  }, 90_000);

  it('says which port is taken and how to choose another', async () => {
    const { server, port } = await listen();
    try {
      const run = start(['--no-build', '--port', String(port), '--s3-port', '0']);
      expect(await run.exited).toBe(1);
      expect(run.err()).toContain(`Port ${port} (demo page) is already in use`);
      expect(run.err()).toContain('--port');
    } finally {
      server.close();
    }
  });

  it('rejects a port that is not a number with a clear message', async () => {
    const run = start(['--no-build', '--s3-port', 'abc']);
    expect(await run.exited).toBe(1);
    expect(run.err()).toContain('--s3-port must be a port number from 0 to 65535, not "abc"');
  });
});
