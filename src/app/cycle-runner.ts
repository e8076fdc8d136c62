/**
 * A syncing page's session: the provider, the engine and the tab runtime, and the one cycle the runtime runs
 * (which keys go up, the engine's cycle, what the status says after it, the daily backup). Also what a
 * failure and an expired Google sign-in do to the status.
 */
import { createChatHistory } from '../recovery/chat-history';
import { CloudSyncError, isCloudSyncError } from '../errors';
import type { ResolvedConfig } from '../config';
import { createHostStore } from '../host/host-store';
import type { ChangedKey } from '../host/types';
import { createProvider, saveCapabilities, savedCapabilities, type ProviderHandle } from '../provider-factory';
import { createGestureRenewal } from '../providers/gdrive/gesture-renewal';
import { probeStore } from '../providers/probe';
import { ProbePacing } from '../providers/probe-pacing';
import { endpointProtocol } from '../config/endpoint';
import { parallelismFor } from '../runtime/pool';
import { createSyncRuntime } from '../runtime';
import { createBackupService } from '../backup';
import { BaseStore } from '../sync/base-store';
import { SyncEngine, type CycleResult } from '../sync/engine';
import { showReloadNotice } from '../ui/reload-notice';
import type { AppContext, Session } from './context';
import { refreshCounts } from './diagnostics-counts';

/** The backstop: a full comparison now and then catches what the change feed cannot see (another extension, devtools). */
const BACKSTOP_MS = 10 * 60_000;
/** A key that never stops changing is still captured after this long (the next capture replaces it). */
const MAX_QUIET_WAIT_MS = 30_000;
/** What the dot and the modal say while the Google sign-in waits for the user's next gesture. */
const RECONNECT_GOOGLE =
  'reconnect Google: the Google sign-in expired. Click anywhere on the page (or press a key), or "Sign in with Google" in Sync settings; sync resumes at once.';

export function isChangedKey(v: unknown): v is ChangedKey {
  const c = v as ChangedKey;
  return !!c && typeof c.key === 'string' && (c.area === 'idb' || c.area === 'ls') && typeof c.at === 'number';
}

/** Resolves in the page's next idle period (or soon, where requestIdleCallback is missing), at most 1 s later. */
function idleSlice(win: Window): Promise<void> {
  return new Promise((resolve) => {
    if (typeof win.requestIdleCallback === 'function') win.requestIdleCallback(() => resolve(), { timeout: 1000 });
    else win.setTimeout(resolve, 0);
  });
}

/** A failure of the page's sync: logged, shown on the status (or as "reconnect Google"), announced. */
export function fail(ctx: AppContext, e: unknown): void {
  const message = e instanceof Error ? e.message : String(e);
  ctx.log.error(message);
  if (ctx.googleRenewal && isCloudSyncError(e) && e.code === 'reconnect-required') needGoogle(ctx);
  else ctx.store.set({ state: 'error', error: message });
  ctx.bus.emit('error', { message, code: isCloudSyncError(e) ? e.code : undefined });
}

/** The sign-in expired (or was never given): ask for it, and renew on the next gesture in the page. */
export function needGoogle(ctx: AppContext): void {
  ctx.store.set({ state: 'needs-you', needs: { kind: 'reconnect-google', reason: RECONNECT_GOOGLE }, error: RECONNECT_GOOGLE });
  ctx.googleRenewal?.arm();
}

/**
 * From a user's gesture (synchronous up to Google's popup): signs in again, leaves the store's reconnect
 * state, and syncs at once.
 */
export function reconnectGoogle(ctx: AppContext, s: Session): Promise<void> {
  const drive = s.provider.drive as NonNullable<ProviderHandle['drive']>;
  return drive.reconnect().then(() => {
    ctx.googleRenewal?.disarm();
    ctx.log.info('Reconnected to Google Drive.');
    if (ctx.store.status().needs?.kind === 'reconnect-google') ctx.store.set({ state: 'idle', needs: undefined, error: undefined });
    void s.runtime.syncNow().catch(() => {}); // its outcome is reported through the status
  });
}

export async function startSession(ctx: AppContext, cfg: ResolvedConfig): Promise<Session> {
  const { win } = ctx;
  const provider = createProvider(cfg, { localStorage: win.localStorage, indexedDB: win.indexedDB, document: win.document }, { googleAuth: ctx.setupAuth, log: (m) => ctx.log.info(m) });
  if (!provider) throw new CloudSyncError('not-configured', 'Cloud Sync is not configured yet: open Sync to choose a provider.');
  if (provider.drive) {
    ctx.googleRenewal = createGestureRenewal(
      win.document,
      () => (ctx.session ? reconnectGoogle(ctx, ctx.session) : Promise.reject(new CloudSyncError('not-configured', 'Cloud Sync is still starting.'))),
      (ok, e) => {
        if (!ok) ctx.log.warn(`Renewing the Google sign-in failed: ${e instanceof Error ? e.message : String(e)}`);
      },
    );
  }
  // The first cycle's first request is the index read: its URL template is made while the databases open.
  provider.store.prepare?.();
  const host = createHostStore({ indexedDB: win.indexedDB, localStorage: win.localStorage, userExclusions: () => cfg.userExclusions, suppressor: ctx.feed });
  // Opened early (a failure there is met again here, with its own error).
  const base = (await ctx.takeEarlyBase()) ?? (await BaseStore.open(win.indexedDB));
  const probe = capabilityProbe(ctx, provider, cfg);
  // Transfers in flight: what the connection to the storage fits (6 over HTTP/1.1, more over HTTP/2).
  const transfers = parallelismFor(provider.drive ? 'h2' : endpointProtocol(cfg.s3?.endpoint ?? ''));
  const engine = new SyncEngine({
    store: provider.store,
    host,
    base,
    keys: cfg.keys!,
    scope: provider.scope,
    options: { massDeleteThreshold: cfg.massDeleteThreshold, betweenBatches: () => idleSlice(win), concurrency: transfers },
    onProgress: ctx.progress,
    log: (level, message, data) => ctx.log[level](message, data),
    beforeWrites: () => probe.running(),
  });
  const backups = createBackupService({ store: provider.store, keys: cfg.keys!, concurrency: transfers, log: (level, message) => ctx.log[level](message) });
  let lastFull = 0;

  const history = createChatHistory({ store: provider.store, keys: cfg.keys!, host });
  const session: Session = { provider, engine, host, base, backups, history, runtime: undefined as never };

  const runCycle = async ({ trigger }: { trigger: string }): Promise<CycleResult> => {
    probe.startIfUnknown();
    const now = Date.now();
    const full = lastFull === 0 || now - lastFull > BACKSTOP_MS;
    // Only keys quiet for the quiet period go up, so a chat still streaming is not captured half-written;
    // "Sync now" and the last attempt before the page goes away take everything.
    const quiet = trigger === 'manual' || trigger === 'pagehide' ? 0 : cfg.quietPeriodMs;
    const taken = ctx.dirty.take(ctx.dirty.settled(now, quiet, MAX_QUIET_WAIT_MS));
    ctx.log.start(`Sync started (${trigger}${full ? ', full comparison' : ''}; ${taken.length} local change(s) to look at, ${ctx.dirty.size} still settling)`);
    ctx.store.set({ state: 'syncing', error: undefined });
    try {
      const r = await engine.runCycle({ full, dirty: new Map(taken.map((e) => [e.key, { area: e.area, at: e.at }])), retryFailed: trigger === 'manual' });
      await probe.running(); // a cycle without writes did not wait for it; what runs next (the daily backup) may write
      if (full) lastFull = now;
      const failed = new Set(r.failedKeys);
      ctx.dirty.mark(taken.filter((e) => failed.has(e.key)));
      if (r.downloaded.length || r.deleted.some((k) => !r.uploaded.includes(k))) showReloadNotice(win.document, r.downloaded.length + r.deleted.length);
      finishStatus(ctx, provider, r);
      ctx.bus.emit('synced', r);
      ctx.resolveReady();
      // An idle cycle changed nothing the counts are made of (and its one request stays its only cost).
      if (!r.idle && ctx.countWatchers > 0) void refreshCounts(ctx, session);
      if (trigger !== 'manual' && !provider.drive?.needsReconnect) ctx.dailyBackup(backups).catch(() => {}); // logged; the next cycle retries
      return r;
    } catch (e) {
      ctx.dirty.mark(taken);
      fail(ctx, e);
      ctx.resolveReady();
      throw e;
    }
  };

  session.runtime = createSyncRuntime<CycleResult, ChangedKey>({
    autoSync: cfg.autoSync,
    noSync: cfg.noSync,
    schedule: { intervalMs: cfg.syncIntervalMs, quietMs: cfg.quietPeriodMs },
    // Changes another tab of this browser saw, forwarded to the leader (this tab, when it leads).
    onDirtyKeys: (changes) => ctx.dirty.mark(changes),
    isChange: isChangedKey,
    onRemoteStatus: (s) => {
      ctx.store.adoptRemote(s);
      if (s.state === 'success' || s.state === 'error') ctx.resolveReady();
    },
    onLeaderChange: (leader) => {
      ctx.store.set({ leader });
      if (!leader) win.setTimeout(ctx.resolveReady, 3000); // a follower's first sync is the leader's
    },
    onRunError: (e) => fail(ctx, e),
    shouldFlushOnPageHide: () => ctx.dirty.size > 0 && ctx.dirty.size <= 20,
    run: runCycle,
  });
  ctx.store.setPublisher((s) => session.runtime.publishStatus(s));
  return session;
}

/**
 * Once per bucket: does it honour conditional writes? That decides how this device writes, not how it reads,
 * so the probe runs beside the cycle's reads (a fresh device's download does not wait for its dozen round
 * trips) and the engine waits for it before its first write (beforeWrites).
 */
function capabilityProbe(ctx: AppContext, provider: ProviderHandle, cfg: ResolvedConfig): { startIfUnknown(): void; running(): Promise<void> } {
  const { win } = ctx;
  let known = savedCapabilities(win.localStorage, provider.scope) !== undefined;
  let probing: Promise<void> | undefined;
  // A failing probe is tried again with the one back-off, not on every cycle (probe-pacing.ts).
  const pacing = new ProbePacing();
  return {
    startIfUnknown() {
      if (known || provider.store.kind !== 's3' || probing || !pacing.due(Date.now())) return;
      probing = probeStore(provider.store, { pageOrigin: win.location.origin, endpoint: cfg.s3?.endpoint, bucket: cfg.s3?.bucket })
        .then(
          (probe) => {
            if (!probe.ok) return pacing.failed(Date.now());
            pacing.succeeded();
            saveCapabilities(win.localStorage, provider.scope, probe.capabilities);
            Object.assign(provider.store.capabilities, probe.capabilities);
            known = true;
          },
          (e: unknown) => {
            pacing.failed(Date.now());
            ctx.log.warn(`The storage check did not finish: ${e instanceof Error ? e.message : String(e)}`);
          },
        )
        .finally(() => {
          probing = undefined;
        });
    },
    running: () => probing ?? Promise.resolve(),
  };
}

/** The status after a cycle: needs you (held deletions, Google sign-in), failed items, or synced. */
function finishStatus(ctx: AppContext, provider: ProviderHandle, r: CycleResult): void {
  if (provider.drive?.needsReconnect) return needGoogle(ctx);
  // Held deletions wait for the user (no blocking dialog): the dot and the modal ask, with both answers
  // (answerHeldDeletions). The question is kept in the sync state, so every later cycle asks it again.
  const needs = r.held.length ? { kind: 'deletions' as const, count: r.held.length, reason: r.holdReason ?? `${r.held.length} deletion(s) wait for your answer.` } : undefined;
  ctx.store.set({
    state: needs ? 'needs-you' : r.errors.length ? 'error' : 'success',
    lastSync: Date.now(),
    needs,
    error: needs?.reason ?? (r.errors[0] && `${r.errors.length} item(s) could not be synced: ${r.errors[0].message}`),
  });
}
