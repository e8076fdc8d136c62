/**
 * The end-to-end benchmark: the bundle in headless Chromium on the stand-in page, two devices (browser
 * contexts), s3rver behind one counting proxy per device (so A's and B's traffic are told apart), and the
 * plain PUT/GET baseline through the same proxies. Phases run in order; a phase that fails is recorded with
 * its reason and the ones that depend on it are skipped, so a partial result is still written.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import type { BrowserContext, CDPSession, Page } from 'playwright-core';
import { startBrowserHarness, type BrowserHarness } from '../../test/support/browser';
import { extensionParams, repoRoot } from '../../test/support/demo-server';
import { startS3Proxy, type S3Proxy } from '../../test/support/s3-proxy';
import { startS3Server, type S3TestServer } from '../../test/support/s3-server';
import { bundleSize } from './bundle-size';
import { fmtBytes, fmtMs } from './report';
import { liveHeapBytes, openMetrics, readMetrics, sampleHeap } from './cdp';
import { longTaskSummary, ownScriptMs, type CpuProfile, type LongTask } from './page-time';
import type { BenchOptions } from './options';
import { diffTraffic, meanInFlight, phaseSplit, requestLogOf, trafficOf } from './traffic';
import type { BackupPhase, BaselinePhase, BenchResult, DownloadPhase, Phase, Traffic } from './types';

const PASSWORD = 'bench-password-correct-horse-battery';
const BASELINE_BUCKET = 'bench-baseline';

interface Device {
  context: BrowserContext;
  page: Page;
  session: CDPSession;
  logs: string[];
}

type SyncOutcome = { ok: true; uploaded: string[]; downloaded: string[]; requests: number; durationMs: number } | { ok: false; message: string };

interface BenchWindow {
  demo: { seeded: Promise<unknown>; extension: Promise<unknown>; editChat(id: string, text?: string): Promise<string> };
  typingMindCloudSync?: {
    version: string;
    ready: Promise<void>;
    syncNow(): Promise<{ uploaded: string[]; downloaded: string[]; requests: number; durationMs: number }>;
    on(event: 'synced', listener: (payload: unknown) => void): () => void;
  };
  cloudsyncBench: {
    seed(spec: unknown, seed: number): Promise<BenchResult['dataset'] & { firstChatId: string }>;
    baselinePut(settings: unknown, prefix: string, concurrency: number): Promise<{ objects: number; bytes: number; ms: number; keys: string[] }>;
    baselineGet(settings: unknown, keys: string[], concurrency: number): Promise<{ objects: number; bytes: number; ms: number }>;
    countStoreReads(): void;
    storeReads(): { keyval: Record<string, number>; other: Record<string, number> };
    countKeys(prefix: string): Promise<number>;
    hasMessage(chatId: string, messageId: string): Promise<boolean>;
  };
}
declare const window: BenchWindow;

const log = (line: string) => process.stdout.write(`[bench] ${line}\n`);

/** Other work on the machine skews wall times: each phase notes the load it started under. */
const machineLoad = () => `load average ${loadavg()[0].toFixed(1)} on ${cpus().length} CPUs at the start`;

function withTimeout<T>(p: Promise<T>, seconds: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${seconds} s (raise it with --timeout).`)), seconds * 1000);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

const skipped = (why: string): Phase => ({ ok: false, error: `Skipped: ${why}`, notes: [] });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface RunContext {
  /** The page-side helper bundle (page/bench-page.ts), as script text. */
  pageScript: string;
}

export async function runBench(o: BenchOptions, ctx: RunContext): Promise<BenchResult> {
  const spec = { chats: o.chats, attachments: o.attachments, chatBytes: o.chatKb * 1024, attachmentBytes: o.attachmentKb * 1024 };
  const result: BenchResult = {
    label: o.label,
    date: new Date().toISOString(),
    commit: gitCommit(),
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version, chromium: '' },
    options: o,
    dataset: { items: 0, chats: 0, attachments: 0, bytes: 0, chatBytes: 0, attachmentBytes: 0, largestItemBytes: 0, seedMs: 0 },
    bundle: { rawBytes: 0, gzipBytes: 0 },
    app: { version: '', syncWorks: false },
    hostPage: {},
    baselinePut: { ...skipped('not run'), objects: 0, bytes: 0 },
    baselineGet: { ...skipped('not run'), objects: 0, bytes: 0 },
    initialUpload: { ...skipped('not run'), cycles: 0, objectsInBucket: 0, bucketBytes: 0 },
    initialDownload: { ...skipped('not run'), chatsOnDevice: 0, expectedChats: o.chats, putsFromFreshDevice: 0 },
    idle: { ...skipped('not run'), requestsPerCycle: [] },
    edit: { ...skipped('not run'), cyclesA: 0, cyclesB: 0 },
    dailyBackup: skipped('not run'),
  };

  log('building the bundle and starting Chromium, s3rver and the proxies …');
  let h: BrowserHarness | undefined;
  let s3: S3TestServer | undefined;
  let proxyB: S3Proxy | undefined;
  let admin: S3Client | undefined;
  try {
    h = await startBrowserHarness();
    result.bundle = bundleSize(join(h.bundle.dir, 'cloudsync.js'));
    result.machine.chromium = h.browser.version();
    s3 = await startS3Server({ bucket: 'bench-sync' });
    await s3.createBucket(BASELINE_BUCKET);
    // Device A uses s3.proxy, device B its own proxy to the same s3rver: each device's traffic is counted apart.
    proxyB = await startS3Proxy(s3.directEndpoint, { credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey } });
    // Each device gets its own simulated link (each proxy is one device's network), baselines included.
    s3.proxy.setNetwork(o.network);
    proxyB.setNetwork(o.network);
    admin = new S3Client({ region: s3.region, endpoint: s3.directEndpoint, forcePathStyle: true, credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey } });
    await phases(h, s3, proxyB, admin, o, spec, ctx, result);
  } finally {
    admin?.destroy();
    await proxyB?.close().catch(() => {});
    await s3?.stop().catch(() => {});
    await h?.close().catch(() => {});
  }
  return result;
}

async function phases(
  h: BrowserHarness,
  s3: S3TestServer,
  proxyB: S3Proxy,
  admin: S3Client,
  o: BenchOptions,
  spec: { chats: number; attachments: number; chatBytes: number; attachmentBytes: number },
  ctx: RunContext,
  result: BenchResult,
): Promise<void> {
  const proxyA = s3.proxy;
  const creds = { region: s3.region, accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey };
  const baselineVia = (endpoint: string) => ({ ...creds, bucket: BASELINE_BUCKET, endpoint, maxAttempts: 1 });
  const hostParams = { seed: 0, refresh: 0 };
  const extParams = (endpoint: string) => ({
    ...hostParams,
    ...extensionParams({ endpoint, bucket: s3.bucket }, PASSWORD),
    syncinterval: o.syncInterval,
  });
  const devices: Device[] = [];
  const newDevice = async (): Promise<Device> => {
    const context = await h.browser.newContext({ viewport: { width: 1280, height: 900 } });
    // Before any script of the page: every long task from the start is seen, the bundle's first included.
    await context.addInitScript(observeLongTasks);
    const page = await context.newPage();
    const logs: string[] = [];
    page.on('console', (m) => logs.push(`[${m.type()}] ${m.text()}`));
    page.on('pageerror', (e) => logs.push(`[pageerror] ${e.message}`));
    page.on('dialog', (d) => {
      logs.push(`[dialog] ${d.message()}`);
      void d.accept().catch(() => {});
    });
    const d = { context, page, session: await openMetrics(page), logs };
    devices.push(d);
    return d;
  };
  /**
   * Loads the demo with these parameters and waits until the page has seeded and loaded the extension. The bench's
   * own page helpers go in at once, or with `helpersLater` after the caller's measurement (they take ~0.1 s of the
   * main thread to load, which must not be charged to the extension's first sync).
   */
  const load = async (d: Device, params: Record<string, string | number | boolean>, helpersLater = false) => {
    await d.page.goto(h.url(params));
    await d.page.waitForFunction(() => window.demo !== undefined);
    await withTimeout(d.page.evaluate(async () => { await window.demo.seeded; await window.demo.extension; }), o.timeoutS, 'Loading the demo page');
    if (!helpersLater) await addHelpers(d);
  };
  const addHelpers = (d: Device) => d.page.addScriptTag({ content: ctx.pageScript });
  /**
   * Waits for the first sync after page load. `extensionMs`: from the bundle's arrival in the page to then, on the
   * page's clock: the extension's own time, without the host page's load (the baselines run in a loaded page).
   */
  const waitReady = (d: Device) =>
    withTimeout(d.page.evaluate(async () => {
      const api = window.typingMindCloudSync;
      if (!api) throw new Error('window.typingMindCloudSync is missing: the bundle did not start.');
      await api.ready;
      const readyAt = performance.now();
      const bundle = (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).find((r) => r.name.includes('/dist/cloudsync.js'));
      return { version: api.version, extensionMs: bundle ? Math.round(readyAt - bundle.responseEnd) : undefined, bundleAt: bundle?.responseEnd ?? 0, readyAt };
    }), o.timeoutS, 'The first sync after page load (typingMindCloudSync.ready)');
  const syncNow = (d: Device): Promise<SyncOutcome> =>
    withTimeout(d.page.evaluate(async () => {
      try {
        const r = await window.typingMindCloudSync!.syncNow();
        return { ok: true as const, uploaded: r.uploaded, downloaded: r.downloaded, requests: r.requests, durationMs: r.durationMs };
      } catch (e) {
        return { ok: false as const, message: e instanceof Error ? e.message : String(e) };
      }
    }), o.timeoutS, 'syncNow()');
  const tail = (d: Device) => d.logs.slice(-8).join('\n');
  /** With --trace, a Chromium trace of what `fn` makes the page do (one trace at a time, browser-wide). */
  const traced = async <T>(d: Device, name: string, fn: () => Promise<T>): Promise<T> => {
    if (!o.trace) return fn();
    const path = join(resolve(repoRoot, o.outDir), `${o.label}-${name}.trace.json`);
    // The sampling profiler names the script functions that the trace shows only as "RunMicrotasks".
    await d.session.send('Profiler.enable');
    await d.session.send('Profiler.setSamplingInterval', { interval: 500 });
    await d.session.send('Profiler.start');
    await h.browser.startTracing(d.page, { path, categories: TRACE_CATEGORIES });
    try {
      return await fn();
    } finally {
      await h.browser.stopTracing();
      const { profile } = await d.session.send('Profiler.stop');
      const profilePath = path.replace(/\.trace\.json$/, '.cpuprofile');
      writeFileSync(profilePath, JSON.stringify(profile));
      log(`trace written to ${path}, CPU profile to ${profilePath}`);
    }
  };

  try {
    // ---- dataset on device A, extension not loaded yet ----
    const a = await newDevice();
    await load(a, { ...hostParams, noext: true });
    log(`seeding ${o.chats} chats of ~${o.chatKb} KB and ${o.attachments} attachments of ${o.attachmentKb} KB …`);
    const seeded = await withTimeout(a.page.evaluate(([s, n]) => window.cloudsyncBench.seed(s, n), [spec, 20251122] as const), o.timeoutS, 'Seeding the dataset');
    const { firstChatId, ...dataset } = seeded;
    result.dataset = dataset;

    // ---- the host page alone: its heap is not ours ----
    const hostHeap = sampleHeap(a.session);
    await load(a, { ...hostParams, noext: true });
    await a.page.waitForFunction(() => (document.getElementById('store-summary')?.textContent ?? '') !== '', undefined, { timeout: o.timeoutS * 1000 });
    await sleep(1000);
    result.hostPage.peakHeapBytes = await hostHeap.stop();

    // ---- baseline: plain PUTs from A, right before the extension uploads the same data ----
    log(`baseline: plain PUTs, ${o.concurrency} at a time …`);
    let baselineKeys: string[] = [];
    try {
      const loadAtPut = machineLoad();
      proxyA.reset();
      const put = await withTimeout(a.page.evaluate(([s, c]) => window.cloudsyncBench.baselinePut(s, '', c), [baselineVia(proxyA.endpoint), o.concurrency] as const), o.timeoutS, 'The plain-PUT baseline');
      baselineKeys = put.keys;
      result.baselinePut = { ok: true, wallMs: put.ms, traffic: trafficOf(proxyA.stats().byMethod), objects: put.objects, bytes: put.bytes, notes: [loadAtPut] };
    } catch (e) {
      result.baselinePut = { ok: false, error: message(e), objects: 0, bytes: 0, notes: [] };
    }
    // ---- initial upload: device A loads the extension against the empty bucket ----
    log('initial upload (device A, empty bucket) …');
    const up = result.initialUpload;
    up.notes = [machineLoad()];
    proxyA.reset();
    const upHeap = sampleHeap(a.session);
    const t0 = Date.now();
    try {
      const readyA = await traced(a, 'upload', async () => {
        await load(a, extParams(proxyA.endpoint), true);
        return waitReady(a);
      });
      const readyAtA = Date.now();
      result.app.version = readyA.version;
      // Chromium's counters start with the new document: they cover the page load and the first cycle.
      const mA = await readMetrics(a.session);
      up.mainThreadMs = Math.round(mA.taskMs);
      up.scriptMs = Math.round(mA.scriptMs);
      up.layoutStyleMs = Math.round(mA.layoutMs + mA.styleMs);
      const tasksA = await longTasksOf(a.page);
      up.longTasks = longTaskSummary(tasksA.ours, readyA.bundleAt, readyA.readyAt);
      up.pageLongTasks = longTaskSummary(tasksA.all, readyA.bundleAt, readyA.readyAt);
      const atReady = proxyA.stats();
      let wallMs = readyAtA - t0;
      await addHelpers(a);
      const splitA = phaseSplit(atReady.requests, t0, t0 + wallMs);
      if (splitA) up.notes.push(splitNote(splitA));
      up.notes.push(await pageStartNote(a.page));
      let traffic = trafficOf(atReady.byMethod);
      up.peakHeapBytes = await upHeap.stop();
      up.notes.push(`peak JS heap seen ${fmtMs(upHeap.peakAtMs())} after navigation; ${fmtBytes(await liveHeapBytes(a.session))} in use after a full collection at the end`);
      const early = atReady.requests.filter((q) => q.key.startsWith('backups/')).length;
      if (early) up.notes.push(`${early} request(s) of the daily backup had started when the count was read and are included`);
      // The leader starts today's daily backup right after its first automatic cycle: it is measured on its
      // own, and allowed to finish before anything else is measured.
      log('daily backup (started by the extension after its first cycle) …');
      result.dailyBackup = await automaticBackup(a, proxyA, traffic, o.timeoutS);
      const afterBackup = trafficOf(proxyA.stats().byMethod);
      up.cycles = 1;
      // A cycle that still uploads means the first one did not finish the job (the original leaves the
      // attachments for the next cycle): count cycles until one uploads nothing.
      for (let i = 0; i < 5; i++) {
        const r = await syncNow(a);
        if (!r.ok) {
          result.app.message = r.message;
          throw new Error(`syncNow() failed: ${r.message}`);
        }
        result.app.syncWorks = true;
        if (r.uploaded.length === 0) break;
        up.cycles += 1;
        up.notes.push(`cycle ${up.cycles} still uploaded ${r.uploaded.length} keys`);
        wallMs = Date.now() - t0;
        // The follow-up cycles ran after the backup: their traffic is added without the backup's.
        traffic = diffTraffic(trafficOf(proxyA.stats().byMethod), diffTraffic(afterBackup, traffic));
        up.notes.push('the wall time of a multi-cycle upload includes the daily backup that ran between the cycles');
      }
      up.wallMs = wallMs;
      // A multi-cycle upload ends after a later Sync now: only the single-cycle one has an in-page end.
      if (up.cycles === 1) up.extensionMs = readyA.extensionMs;
      up.traffic = traffic;
      const listed = await listBucket(admin, s3.bucket, (k) => !k.startsWith('backups/'));
      up.objectsInBucket = listed.objects;
      up.bucketBytes = listed.bytes;
      up.ok = listed.objects > 0;
      up.error = up.ok ? undefined : 'The bucket is still empty after the first sync and a Sync now.';
    } catch (e) {
      up.ok = false;
      up.error = message(e);
      log(`initial upload failed: ${up.error}\n${tail(a)}`);
    } finally {
      up.peakHeapBytes ??= await upHeap.stop();
    }
    if (!up.ok) {
      const why = `the initial upload did not complete (${up.error})`;
      result.idle = { ...skipped(why), requestsPerCycle: [] };
      result.initialDownload = { ...skipped(why), chatsOnDevice: 0, expectedChats: o.chats, putsFromFreshDevice: 0 };
      result.edit = { ...skipped(why), cyclesA: 0, cyclesB: 0 };
      return;
    }

    // ---- idle cycles on A: nothing changed anywhere ----
    log('idle cycles …');
    const idle = result.idle;
    idle.notes = [];
    idle.requestsPerCycle = [];
    try {
      await a.page.evaluate(() => window.cloudsyncBench.countStoreReads());
      // A CPU profile of each cycle tells the extension's script time from the host page's (which redraws
      // its list of every chat after each sync).
      await a.session.send('Profiler.enable');
      await a.session.send('Profiler.setSamplingInterval', { interval: 200 });
      for (let i = 0; i < 3; i++) {
        await a.page.evaluate(() => window.cloudsyncBench.countStoreReads());
        proxyA.reset();
        const m0 = await readMetrics(a.session);
        await a.session.send('Profiler.start');
        const r = await syncNow(a);
        const m1 = await readMetrics(a.session);
        const { profile } = await a.session.send('Profiler.stop');
        idle.ownScriptMs = Math.round(ownScriptMs(profile as CpuProfile, '/dist/cloudsync.js') * 10) / 10;
        if (o.trace && i === 2) writeFileSync(join(resolve(repoRoot, o.outDir), `${o.label}-idle.cpuprofile`), JSON.stringify(profile));
        if (!r.ok) throw new Error(`syncNow() failed: ${r.message}`);
        idle.traffic = trafficOf(proxyA.stats().byMethod);
        idle.requestLog = requestLogOf(proxyA.stats().requests);
        idle.requestsPerCycle.push(idle.traffic.requests);
        idle.wallMs = r.durationMs;
        idle.taskMs = Math.round((m1.taskMs - m0.taskMs) * 10) / 10;
        idle.scriptMs = Math.round((m1.scriptMs - m0.scriptMs) * 10) / 10;
        const reads0 = await a.page.evaluate(() => window.cloudsyncBench.storeReads());
        idle.storeReads = reads0.keyval;
        idle.otherStoreReads = reads0.other;
        const other = Object.entries(reads0.other).map(([m, n]) => `${m} ×${n}`).join(', ');
        const reads = Object.entries(idle.storeReads).filter(([, n]) => n > 0).map(([m, n]) => `${m} ×${n}`).join(', ') || 'no keyval reads';
        idle.notes.push(`idle cycle ${i + 1}: ${idle.traffic.requests} request(s), ${r.durationMs} ms, main thread ${idle.taskMs} ms (the extension's script ${idle.ownScriptMs} ms), keyval: ${reads}${other ? `; own database: ${other}` : ''}`);
        if (r.uploaded.length || r.downloaded.length) idle.notes.push(`idle cycle ${i + 1} moved keys: ${r.uploaded.length} up, ${r.downloaded.length} down`);
      }
      idle.ok = true;
      idle.error = undefined;
    } catch (e) {
      idle.ok = false;
      idle.error = message(e);
    }

    // ---- baseline GETs and the fresh-device download, alternated `repeat` times: under a noisy machine the
    // fastest of each is the least disturbed, and both met the same load ----
    const baselineGetOnce = async (first: boolean): Promise<BaselinePhase> => {
      log('baseline: plain GETs from a fresh device …');
      try {
        const c = await newDevice();
        await load(c, { ...hostParams, noext: true });
        const loadAtGet = machineLoad();
        proxyB.reset();
        const getAll = () =>
          withTimeout(c.page.evaluate(([s, k, n]) => window.cloudsyncBench.baselineGet(s, k, n), [baselineVia(proxyB.endpoint), baselineKeys, o.concurrency] as const), o.timeoutS, 'The plain-GET baseline');
        const got = await (first ? traced(c, 'baseline-get', getAll) : getAll());
        await c.context.close();
        return { ok: true, wallMs: got.ms, traffic: trafficOf(proxyB.stats().byMethod), objects: got.objects, bytes: got.bytes, notes: [loadAtGet, inFlightNote(proxyB.stats().requests, o.concurrency)] };
      } catch (e) {
        return { ok: false, error: message(e), objects: 0, bytes: 0, notes: [] };
      }
    };
    const downloadOnce = async (first: boolean): Promise<{ down: DownloadPhase; b: Device }> => {
      log('initial download (fresh device B) …');
      const down: DownloadPhase = { ok: false, notes: [machineLoad()], chatsOnDevice: 0, expectedChats: o.chats, putsFromFreshDevice: 0 };
      const b = await newDevice();
      proxyB.reset();
      const downHeap = sampleHeap(b.session);
      const t1 = Date.now();
      try {
        const loadAndSync = async () => {
          await load(b, extParams(proxyB.endpoint), true);
          return waitReady(b);
        };
        const readyB = await (first ? traced(b, 'download', loadAndSync) : loadAndSync());
        const readyAt = Date.now();
        await addHelpers(b);
        const splitB = phaseSplit(proxyB.stats().requests, t1, readyAt);
        if (splitB) down.notes.push(splitNote(splitB));
        down.notes.push(inFlightNote(proxyB.stats().requests.filter((r) => r.key.startsWith('items/') || r.key.startsWith('attachments/')), o.concurrency));
        down.notes.push(await pageStartNote(b.page));
        const mB = await readMetrics(b.session);
        down.mainThreadMs = Math.round(mB.taskMs);
        down.scriptMs = Math.round(mB.scriptMs);
        down.layoutStyleMs = Math.round(mB.layoutMs + mB.styleMs);
        const tasksB = await longTasksOf(b.page);
        down.longTasks = longTaskSummary(tasksB.ours, readyB.bundleAt, readyB.readyAt);
        down.pageLongTasks = longTaskSummary(tasksB.all, readyB.bundleAt, readyB.readyAt);
        const atReady = trafficOf(proxyB.stats().byMethod);
        down.peakHeapBytes = await downHeap.stop();
        down.chatsOnDevice = await b.page.evaluate(() => window.cloudsyncBench.countKeys('CHAT_'));
        let cycles = 1;
        while (down.chatsOnDevice < o.chats && cycles < 6) {
          const r = await syncNow(b);
          if (!r.ok) throw new Error(`syncNow() failed on device B: ${r.message}`);
          cycles += 1;
          down.chatsOnDevice = await b.page.evaluate(() => window.cloudsyncBench.countKeys('CHAT_'));
        }
        down.wallMs = (cycles === 1 ? readyAt : Date.now()) - t1;
        if (cycles === 1) down.extensionMs = readyB.extensionMs;
        down.traffic = cycles === 1 ? atReady : trafficOf(proxyB.stats().byMethod);
        // B, too, looks for today's daily backup after its first cycle (and finds A's): let that finish first.
        const checked = await waitForDailyMarker(b, 60);
        const check = diffTraffic(trafficOf(proxyB.stats().byMethod), down.traffic);
        down.notes.push(`after its first cycle B ${checked ? 'checked for' : 'was still busy with'} today's daily backup: ${check.requests} request(s) + ${check.preflights} preflight(s), not counted above`);
        down.putsFromFreshDevice = down.traffic.byMethod.PUT ?? 0;
        const puts = proxyB.stats().requests.filter((q) => q.method === 'PUT').map((q) => q.key);
        if (puts.length) down.notes.push(`the fresh device sent PUTs for: ${puts.slice(0, 10).join(', ')}${puts.length > 10 ? ' …' : ''}`);
        if (cycles > 1) down.notes.push(`took ${cycles} cycles`);
        down.ok = down.chatsOnDevice === o.chats;
        if (!down.ok) down.error = `Device B holds ${down.chatsOnDevice} of ${o.chats} chats after ${cycles} cycles.`;
      } catch (e) {
        down.ok = false;
        down.error = message(e);
        log(`initial download failed: ${down.error}\n${tail(b)}`);
      } finally {
        down.peakHeapBytes ??= await downHeap.stop();
      }
      return { down, b };
    };
    const gets: BaselinePhase[] = [];
    const downs: { down: DownloadPhase; b: Device }[] = [];
    const timeOf = (x: Phase) => x.extensionMs ?? x.wallMs ?? Infinity;
    // Only the fastest device so far stays open (the edit phase needs one): an open page with a running extension
    // and a full store is background work and memory under every later download, and the GET baselines' pages
    // are closed after each run, so each download should meet the same machine as its GETs.
    let kept: { down: DownloadPhase; b: Device } | undefined;
    for (let i = 0; i < o.repeat; i++) {
      if (baselineKeys.length > 0) gets.push(await baselineGetOnce(i === 0));
      const next = await downloadOnce(i === 0);
      downs.push(next);
      const keepNext = !kept || (next.down.ok && (!kept.down.ok || timeOf(next.down) < timeOf(kept.down)));
      const drop = keepNext ? kept : next;
      if (keepNext) kept = next;
      if (drop) await drop.b.context.close().catch(() => {});
    }
    const fastest = <T extends Phase>(xs: T[]): T | undefined => xs.filter((x) => x.ok).sort((x, y) => timeOf(x) - timeOf(y))[0] ?? xs[0];
    result.baselineGet = fastest(gets) ?? result.baselineGet;
    const best = kept?.down;
    const b = kept?.b ?? downs[downs.length - 1].b;
    const down = (result.initialDownload = best ?? result.initialDownload);
    if (o.repeat > 1) {
      const walls = (xs: Phase[]) => xs.map((x) => (x.ok ? fmtMs(x.extensionMs ?? x.wallMs) : 'failed')).join(', ');
      result.baselineGet.notes.push(`fastest of ${gets.length}: ${walls(gets)}`);
      down.notes.push(`fastest of ${downs.length} fresh devices: ${walls(downs.map((d) => d.down))}`);
      // Each download ran right after its own plain GETs, under the same load: the ratio of each pair is a
      // second view of the overhead, less at the mercy of one lucky baseline than the ratio of the fastest.
      const pairs = downs.flatMap((d, i) => (d.down.ok && gets[i]?.ok ? [timeOf(d.down) / timeOf(gets[i])] : []));
      if (pairs.length > 1) {
        const sorted = [...pairs].sort((x, y) => x - y);
        const median = sorted.length % 2 ? sorted[(sorted.length - 1) / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
        down.notes.push(`each download over the plain GETs just before it: ${pairs.map((r) => `${r.toFixed(2)}×`).join(', ')}; median ${median.toFixed(2)}×`);
      }
    }

    // ---- one chat edited on A: until B has it ----
    const edit = result.edit;
    edit.notes = [];
    if (!down.ok) {
      edit.error = 'Skipped: device B never held the data';
    } else try {
      log('one chat edited …');
      proxyA.reset();
      proxyB.reset();
      const t2 = Date.now();
      const key = `CHAT_${firstChatId}`;
      // A uploads the edit by itself once the key has been quiet for the quiet period (the change trigger);
      // its 'synced' events say when. Sync now is used only if that does not happen in time.
      await a.page.evaluate(() => {
        const w = window as unknown as { __benchSynced: string[][] };
        w.__benchSynced = [];
        const d = window as unknown as { __benchCycleMs: number[] };
        d.__benchCycleMs = [];
        window.typingMindCloudSync!.on('synced', (r) => {
          w.__benchSynced.push((r as { uploaded: string[] }).uploaded);
          d.__benchCycleMs.push((r as { durationMs: number }).durationMs);
        });
      });
      const messageId = await a.page.evaluate((id) => window.demo.editChat(id, 'An edit made during the benchmark.'), firstChatId);
      const uploadedByA = () =>
        a.page.evaluate((k) => (window as unknown as { __benchSynced: string[][] }).__benchSynced.some((u) => u.includes(k)), key);
      let sent = false;
      const deadline = Date.now() + o.quietMs + 30_000;
      while (!sent && Date.now() < deadline) {
        await sleep(100);
        sent = await uploadedByA();
      }
      if (sent) {
        const ms = await a.page.evaluate(() => (window as unknown as { __benchCycleMs: number[] }).__benchCycleMs);
        edit.cyclesA = ms.length;
        edit.notes.push(`A's own cycle(s) took ${ms.join(', ')} ms`);
      }
      else edit.notes.push('A did not upload the edit by itself within the quiet period + 30 s; Sync now was used');
      while (!sent && edit.cyclesA < 10) {
        const r = await syncNow(a);
        edit.cyclesA += 1;
        if (!r.ok) throw new Error(`syncNow() failed on device A: ${r.message}`);
        sent = r.uploaded.includes(key) || (await uploadedByA());
        if (!sent) await sleep(500);
      }
      if (!sent) throw new Error(`Device A did not upload ${key} in ${edit.cyclesA} cycles.`);
      edit.trafficA = trafficOf(proxyA.stats().byMethod);
      edit.requestLog = requestLogOf(proxyA.stats().requests);
      let arrived = false;
      while (!arrived && edit.cyclesB < 10) {
        const r = await syncNow(b);
        edit.cyclesB += 1;
        if (r.ok) edit.notes.push(`B's Sync now took ${r.durationMs} ms`);
        if (!r.ok) throw new Error(`syncNow() failed on device B: ${r.message}`);
        arrived = await b.page.evaluate(([c, m]) => window.cloudsyncBench.hasMessage(c, m), [firstChatId, messageId] as const);
      }
      if (!arrived) throw new Error(`Device B did not receive the edit in ${edit.cyclesB} cycles.`);
      edit.propagationMs = Date.now() - t2;
      edit.wallMs = edit.propagationMs;
      edit.trafficB = trafficOf(proxyB.stats().byMethod);
      const logB = requestLogOf(proxyB.stats().requests);
      if (logB) edit.notes.push(`B's requests: ${logB.join(', ')}`);
      edit.traffic = edit.trafficA;
      edit.notes.push(`includes A's ${o.quietMs} ms quiet period before its own upload; B was asked with Sync now right after (on its timer B would add up to one sync interval, 15 s by default)`);
      edit.ok = true;
      edit.error = undefined;
    } catch (e) {
      edit.ok = false;
      edit.error = message(e);
    }

  } finally {
    for (const d of devices) await d.context.close().catch(() => {});
  }
}

/**
 * Installed in every page before its own scripts (addInitScript): records the page's long tasks, and, from the
 * long animation frames, each script entry point (a task's callback with its microtasks) of the bundle that ran
 * over 50 ms: the page's long tasks include the host's own (the stand-in page lays out its list of every chat),
 * these are the extension's.
 */
function observeLongTasks(): void {
  const tasks: { startTime: number; duration: number }[] = [];
  const ours: { startTime: number; duration: number }[] = [];
  const w = window as unknown as { __benchLongTasks: typeof tasks; __benchOwnLongTasks: typeof ours };
  w.__benchLongTasks = tasks;
  w.__benchOwnLongTasks = ours;
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) tasks.push({ startTime: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
    new PerformanceObserver((list) => {
      for (const frame of list.getEntries() as unknown as { scripts?: { sourceURL: string; startTime: number; duration: number }[] }[]) {
        for (const sc of frame.scripts ?? []) if (sc.sourceURL.includes('/dist/cloudsync.js') && sc.duration > 50) ours.push({ startTime: sc.startTime, duration: sc.duration });
      }
    }).observe({ type: 'long-animation-frame', buffered: true });
  } catch {
    // No long-task or long-animation-frame timing in this browser: the figures stay empty.
  }
}

/** The long tasks the page saw so far, all and the extension's; after a short wait, since observers hear of a task after it ends. */
async function longTasksOf(page: Page): Promise<{ all: LongTask[]; ours: LongTask[] }> {
  await sleep(200);
  return page.evaluate(() => {
    const w = window as unknown as { __benchLongTasks?: LongTask[]; __benchOwnLongTasks?: LongTask[] };
    return { all: w.__benchLongTasks ?? [], ours: w.__benchOwnLongTasks ?? [] };
  });
}

const inFlightNote = (requests: Parameters<typeof meanInFlight>[0], concurrency: number) => {
  const mean = meanInFlight(requests);
  return `object requests in flight at the server: ${mean === undefined ? '—' : mean.toFixed(1)} on average (client concurrency ${concurrency})`;
};

const splitNote = (s: NonNullable<ReturnType<typeof phaseSplit>>) =>
  `${fmtMs(s.beforeItemsMs)} before the first item object (page load and key derivation until the first request: ` +
  `${fmtMs(s.firstRequestMs)}; then probe, index), ` +
  `${fmtMs(s.itemsMs)} from the first to the last of ${s.items} item requests, ${fmtMs(s.afterItemsMs)} after it`;

/** The page's own clock (from navigation): when the page was parsed, the bundle fetched, the first storage request sent. */
async function pageStartNote(page: Page): Promise<string> {
  const t = await page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
    const resources = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
    const bundle = resources.find((r) => r.name.includes('/dist/cloudsync.js'));
    const storage = resources.filter((r) => !r.name.startsWith(location.origin)).map((r) => r.startTime);
    return { parsed: nav?.domContentLoadedEventEnd ?? 0, bundle: bundle?.responseEnd ?? 0, firstStorage: storage.length ? Math.min(...storage) : 0 };
  });
  return `in the page, from navigation: DOM ready ${fmtMs(t.parsed)}, bundle fetched ${fmtMs(t.bundle)}, first storage request ${fmtMs(t.firstStorage)}`;
}

const DAILY_MARKER = 'tcs_last-daily-backup';

/** What --trace records: tasks, script, garbage collection, IndexedDB, networking and loading. */
const TRACE_CATEGORIES = [
  'toplevel',
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
  'v8',
  'v8.execute',
  'disabled-by-default-v8.gc',
  'blink',
  'IndexedDB',
  'loading',
  'net',
];

/** True once the device's localStorage says today's daily backup is done (made, or found made by another device). */
async function waitForDailyMarker(d: Device, seconds: number): Promise<boolean> {
  const today = new Date().toISOString().slice(0, 10).replace(/-/g, '');
  const until = Date.now() + seconds * 1000;
  while (Date.now() < until) {
    if ((await d.page.evaluate((k) => localStorage.getItem(k), DAILY_MARKER)) === today) return true;
    await sleep(200);
  }
  return false;
}

/** The daily backup the extension starts by itself after its first automatic cycle: from then until its marker. */
async function automaticBackup(a: Device, proxy: S3Proxy, before: Traffic, timeoutS: number): Promise<BackupPhase> {
  const phase: BackupPhase = { ok: false, notes: [] };
  const heap = sampleHeap(a.session);
  const t0 = Date.now();
  try {
    const done = await waitForDailyMarker(a, timeoutS);
    phase.wallMs = Date.now() - t0;
    phase.traffic = diffTraffic(trafficOf(proxy.stats().byMethod), before);
    const under = proxy.stats().requests.filter((q) => q.key.startsWith('backups/') && q.method !== 'OPTIONS').length;
    // A server-side copy is a PUT without a body: the bytes up tell copies from uploads.
    phase.notes.push(`${under} of the requests were under backups/; ${fmtBytes(phase.traffic.bytesUp)} of bodies went up`);
    if (!done) throw new Error(`The extension did not mark today's daily backup done within ${timeoutS} s.`);
    phase.ok = true;
  } catch (e) {
    phase.error = message(e);
  } finally {
    phase.peakHeapBytes = await heap.stop();
  }
  return phase;
}

async function listBucket(admin: S3Client, bucket: string, keep: (key: string) => boolean): Promise<{ objects: number; bytes: number }> {
  let objects = 0;
  let bytes = 0;
  let token: string | undefined;
  do {
    const page = await admin.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
    for (const c of page.Contents ?? []) {
      if (!keep(c.Key ?? '')) continue;
      objects += 1;
      bytes += c.Size ?? 0;
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return { objects, bytes };
}

function gitCommit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repoRoot, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

