/**
 * Wires the services together and returns the public API. Everything that touches the page starts here.
 *
 * Order matters: the change feed is installed and the URL's secrets are taken off the address bar
 * synchronously, before the first await, so no TypingMind write is missed and nothing else on the page sees
 * the secrets. Everything after that waits for the saved configuration.
 */
import type { ApiEvent, BackupInfo, CloudSyncApi, ProgressEvent, SyncReport, SyncStatus } from './api';
import { forgetDevice, loadConfig, saveSettings, setAutoSync, setLogging, type ConfigEnv, type ResolvedConfig } from './config';
import { LS } from './config/storage-keys';
import { parseConfigUrl } from './config/url-params';
import { CloudSyncError, isCloudSyncError } from './errors';
import { createHostStore } from './host/host-store';
import { installChangeFeed } from './host/change-feed';
import { DirtySet } from './host/dirty-set';
import type { ChangedKey } from './host/types';
import { createGoogleSignIn, createProvider, saveCapabilities, savedCapabilities, scopeOf, type ProviderHandle } from './provider-factory';
import type { GoogleAuth } from './providers/gdrive/google-auth';
import { createGestureRenewal, type GestureRenewal } from './providers/gdrive/gesture-renewal';
import { probeStore } from './providers/probe';
import { createEventBus, createLogger, createSyncRuntime, type SyncRuntime } from './runtime';
import { throttleProgress } from './runtime/progress-throttle';
import { createBackupService, describeBackupOutcome, describeRestoreOutcome, type BackupOutcome, type BackupService } from './backup';
import { BaseStore } from './sync/base-store';
import { SyncEngine, type CycleResult } from './sync/engine';
import type { UiController } from './ui/controller';
import { mountUi } from './ui';
import { showReloadNotice } from './ui/reload-notice';
import { describeForce, forceTransfer, type ForceDeps } from './commands/force-transfer';
import { purgeDeletedItem } from './commands/purge-deleted';

/** The backstop: a full comparison now and then catches what the change feed cannot see (another extension, devtools). */
const BACKSTOP_MS = 10 * 60_000;
const DAILY_KEY = 'tcs_last-daily-backup';
/** A key that never stops changing is still captured after this long (the next capture replaces it). */
const MAX_QUIET_WAIT_MS = 30_000;
/** What the dot and the modal say while the Google sign-in waits for the user's next gesture. */
const RECONNECT_GOOGLE =
  'reconnect Google: the Google sign-in expired. Click anywhere on the page (or press a key), or "Sign in with Google" in Sync settings; sync resumes at once.';

function isChangedKey(v: unknown): v is ChangedKey {
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

/** Settings in the address, or a provider chosen before: this page will most likely sync. */
function likelyToSync(win: Window): boolean {
  try {
    if (parseConfigUrl(win.location.search).hasConfigParams) return true;
    return !!(win.localStorage.getItem(LS.bucket) || win.localStorage.getItem(LS.googleClientId));
  } catch {
    return false; // storage blocked: the usual path reports it
  }
}

type Events = { status: SyncStatus; synced: SyncReport; error: { message: string; code?: string }; progress: ProgressEvent };

export function startExtension(win: Window & typeof globalThis): CloudSyncApi {
  let config: ResolvedConfig | undefined;
  // The user's exclusions are known once the settings are read; until then only the system rules apply.
  const feed = installChangeFeed(win, { userExclusions: () => config?.userExclusions ?? [] });
  const env: ConfigEnv = { localStorage: win.localStorage, indexedDB: win.indexedDB, location: win.location, history: win.history };
  // A page that is going to sync opens its sync database while the settings are read and the keys derived (a
  // first load creates it, ~40 ms on the way to the first request otherwise). Decided before loadConfig takes the
  // parameters out of the address; a page that turns out not to sync closes it unused.
  let earlyBase = likelyToSync(win) ? BaseStore.open(win.indexedDB).catch(() => undefined) : undefined;
  const takeEarlyBase = () => {
    const b = earlyBase;
    earlyBase = undefined;
    return b;
  };
  const configReady = loadConfig(env); // strips the URL's secrets synchronously, before its first await

  const logger = createLogger({ enabled: false });
  const log = logger.scoped('sync');
  const bus = createEventBus<Events>();
  const dirty = new DirtySet();
  /** Every progress report (sync, backup, restore) goes through here: paced for the eye, see progress-throttle. */
  const progress = throttleProgress<ProgressEvent>((p) => bus.emit('progress', p), {
    setTimeout: (fn, ms) => win.setTimeout(fn, ms),
    clearTimeout: (h) => win.clearTimeout(h as number),
    setInterval: (fn, ms) => win.setInterval(fn, ms),
    clearInterval: (h) => win.clearInterval(h as number),
  });
  let status: SyncStatus = { state: 'idle', lastSync: 0, pending: 0, leader: false };
  let session: Session | undefined;
  /** NoSync mode: the backups of the configured bucket, without a sync session. */
  let backupsOnly: BackupService | undefined;
  /** A Google sign-in made in the modal before the Drive settings were saved (the setup flow: sign in, check, save). */
  let setupAuth: GoogleAuth | undefined;
  /** Drive sessions: renews the sign-in on the user's next click or key press while it is needed. */
  let googleRenewal: GestureRenewal | undefined;
  let resolveReady!: () => void;
  const ready = new Promise<void>((r) => (resolveReady = r));

  const setStatus = (patch: Partial<SyncStatus>) => {
    status = { ...status, ...patch, pending: dirty.size };
    bus.emit('status', status);
    session?.runtime.publishStatus(status);
  };

  feed.onChange((keys) => {
    dirty.mark(keys);
    session?.runtime.noteLocalChange(keys);
    session?.runtime.scheduler.noteChange();
    if (status.pending !== dirty.size) setStatus({});
  });

  const controller = makeController();
  // The button appears as soon as TypingMind's sidebar does, configured or not.
  const ui = mountUi(win.document, controller);

  void (async () => {
    try {
      config = await configReady;
      logger.setEnabled(config.logging);
      logger.addSecret(config.s3?.secretAccessKey);
      logger.addSecret(config.s3?.accessKeyId);
      logger.addSecret(config.googleToken?.access_token);
      for (const p of config.urlProblems) log.warn(`URL parameter ignored: ${p.message}`);
      if (config.openModal) win.setTimeout(() => void ui.openModal(), 1000);
      if (!config.configured || !config.keys || config.noSync) void takeEarlyBase()?.then((b) => b?.close());
      if (!config.configured || !config.keys) {
        setStatus({ state: 'unconfigured' });
        resolveReady();
        return;
      }
      if (config.noSync) {
        // NoSync (§8): nothing syncs in this tab, but snapshots and the backup list still work — and, unlike the
        // original, a snapshot here does not run a full sync behind the user's back.
        const provider = createProvider(config, { localStorage: win.localStorage, indexedDB: win.indexedDB, document: win.document });
        if (provider) backupsOnly = createBackupService({ store: provider.store, keys: config.keys, log: (level, message) => log[level](message) });
        setStatus({ state: 'disabled' });
        resolveReady();
        return;
      }
      session = await startSession(config);
    } catch (e) {
      void takeEarlyBase()?.then((b) => b?.close());
      fail(e);
      resolveReady();
    }
  })();

  function fail(e: unknown) {
    const message = e instanceof Error ? e.message : String(e);
    log.error(message);
    if (googleRenewal && isCloudSyncError(e) && e.code === 'reconnect-required') needGoogle();
    else setStatus({ state: 'error', error: message });
    bus.emit('error', { message, code: isCloudSyncError(e) ? e.code : undefined });
  }

  /** The sign-in expired (or was never given): ask for it, and renew on the next gesture in the page. */
  function needGoogle() {
    setStatus({ state: 'needs-you', needs: { kind: 'reconnect-google', reason: RECONNECT_GOOGLE }, error: RECONNECT_GOOGLE });
    googleRenewal?.arm();
  }

  /**
   * From a user's gesture (synchronous up to Google's popup): signs in again, leaves the store's reconnect
   * state, and syncs at once.
   */
  function reconnectGoogle(s: Session): Promise<void> {
    const drive = s.provider.drive as NonNullable<ProviderHandle['drive']>;
    return drive.reconnect().then(() => {
      googleRenewal?.disarm();
      log.info('Reconnected to Google Drive.');
      if (status.needs?.kind === 'reconnect-google') setStatus({ state: 'idle', needs: undefined, error: undefined });
      void s.runtime.syncNow().catch(() => {}); // its outcome is reported through the status
    });
  }

  interface Session {
    provider: ProviderHandle;
    engine: SyncEngine;
    backups: BackupService;
    runtime: SyncRuntime<CycleResult, ChangedKey>;
    confirmed: Set<string>;
  }

  async function startSession(cfg: ResolvedConfig): Promise<Session> {
    const provider = createProvider(cfg, { localStorage: win.localStorage, indexedDB: win.indexedDB, document: win.document }, { googleAuth: setupAuth });
    if (!provider) throw new CloudSyncError('not-configured', 'Cloud Sync is not configured yet: open Sync to choose a provider.');
    if (provider.drive) {
      googleRenewal = createGestureRenewal(
        win.document,
        () => (session ? reconnectGoogle(session) : Promise.reject(new CloudSyncError('not-configured', 'Cloud Sync is still starting.'))),
        (ok, e) => {
          if (!ok) log.warn(`Renewing the Google sign-in failed: ${e instanceof Error ? e.message : String(e)}`);
        },
      );
    }
    // The first cycle's first request is the index read: its URL template is made while the databases open.
    provider.store.prepare?.();
    const host = createHostStore({ indexedDB: win.indexedDB, localStorage: win.localStorage, userExclusions: () => cfg.userExclusions, suppressor: feed });
    // Opened early (a failure there is met again here, with its own error).
    const base = (await takeEarlyBase()) ?? (await BaseStore.open(win.indexedDB));
    const engine = new SyncEngine({
      store: provider.store,
      host,
      base,
      keys: cfg.keys!,
      scope: provider.scope,
      options: { massDeleteThreshold: cfg.massDeleteThreshold, betweenBatches: () => idleSlice(win) },
      onProgress: progress,
      log: (level, message, data) => log[level](message, data),
      beforeWrites: () => probing ?? Promise.resolve(),
    });
    const backups = createBackupService({ store: provider.store, keys: cfg.keys!, log: (level, message) => log[level](message) });
    const confirmed = new Set<string>();
    let lastFull = 0;
    let capabilitiesKnown = savedCapabilities(win.localStorage, provider.scope) !== undefined;
    /** The capability probe while it runs (see run below). */
    let probing: Promise<void> | undefined;

    const runtime = createSyncRuntime<CycleResult, ChangedKey>({
      autoSync: cfg.autoSync,
      noSync: cfg.noSync,
      schedule: { intervalMs: cfg.syncIntervalMs, quietMs: cfg.quietPeriodMs },
      // Changes another tab of this browser saw, forwarded to the leader (this tab, when it leads).
      onDirtyKeys: (changes) => dirty.mark(changes),
      isChange: isChangedKey,
      onRemoteStatus: (s) => {
        status = { ...s, leader: false };
        bus.emit('status', status);
        if (s.state === 'success' || s.state === 'error') resolveReady();
      },
      onLeaderChange: (leader) => {
        setStatus({ leader });
        if (!leader) win.setTimeout(resolveReady, 3000); // a follower's first sync is the leader's
      },
      onRunError: (e) => fail(e),
      shouldFlushOnPageHide: () => dirty.size > 0 && dirty.size <= 20,
      run: async ({ trigger }) => {
        if (!capabilitiesKnown && provider.store.kind === 's3' && !probing) {
          // Once per bucket: does it honour conditional writes? That decides how this device writes, not how it
          // reads, so the probe runs beside the cycle's reads (a fresh device's download does not wait for its
          // dozen round trips) and the engine waits for it before its first write (beforeWrites).
          probing = probeStore(provider.store, { pageOrigin: win.location.origin, endpoint: cfg.s3?.endpoint, bucket: cfg.s3?.bucket })
            .then(
              (probe) => {
                if (!probe.ok) return;
                saveCapabilities(win.localStorage, provider.scope, probe.capabilities);
                Object.assign(provider.store.capabilities, probe.capabilities);
                capabilitiesKnown = true;
              },
              (e: unknown) => log.warn(`The storage check did not finish: ${e instanceof Error ? e.message : String(e)}`),
            )
            .finally(() => {
              probing = undefined;
            });
        }
        const now = Date.now();
        const full = lastFull === 0 || now - lastFull > BACKSTOP_MS;
        // Only keys quiet for the quiet period go up, so a chat still streaming is not captured half-written;
        // "Sync now" and the last attempt before the page goes away take everything.
        const quiet = trigger === 'manual' || trigger === 'pagehide' ? 0 : cfg.quietPeriodMs;
        const taken = dirty.take(dirty.settled(now, quiet, MAX_QUIET_WAIT_MS));
        log.start(`Sync started (${trigger}${full ? ', full comparison' : ''}; ${taken.length} local change(s) to look at, ${dirty.size} still settling)`);
        setStatus({ state: 'syncing', error: undefined });
        try {
          const r = await engine.runCycle({ full, dirty: new Map(taken.map((e) => [e.key, { area: e.area, at: e.at }])), confirmedDeletions: confirmed });
          await probing; // a cycle without writes did not wait for it; what runs next (the daily backup) may write
          if (full) lastFull = now;
          const failed = new Set(r.failedKeys);
          dirty.mark(taken.filter((e) => failed.has(e.key)));
          if (r.downloaded.length || r.deleted.some((k) => !r.uploaded.includes(k))) showReloadNotice(win.document, r.downloaded.length + r.deleted.length);
          // Held deletions wait for the user (no blocking dialog): the dot and the modal ask, with both answers
          // (answerHeldDeletions). The question is kept in the sync state, so every later cycle asks it again.
          const needs = r.held.length ? { kind: 'deletions' as const, count: r.held.length, reason: r.holdReason ?? `${r.held.length} deletion(s) wait for your answer.` } : undefined;
          if (provider.drive?.needsReconnect) {
            needGoogle();
            bus.emit('synced', r);
            resolveReady();
            return r;
          }
          setStatus({
            state: needs ? 'needs-you' : r.errors.length ? 'error' : 'success',
            lastSync: Date.now(),
            needs,
            error: needs?.reason ?? (r.errors[0] && `${r.errors.length} item(s) could not be synced: ${r.errors[0].message}`),
          });
          bus.emit('synced', r);
          resolveReady();
          if (trigger !== 'manual') dailyBackupIfDue(backups).catch(() => {}); // logged; the next cycle retries
          return r;
        } catch (e) {
          dirty.mark(taken);
          fail(e);
          resolveReady();
          throw e;
        }
      },
    });
    return { provider, engine, backups, runtime, confirmed };
  }

  /**
   * Today's daily backup, after an automatic cycle in the leader. The day it was made is remembered in
   * tcs_last-daily-backup (the original's key), so the check costs no request once it is done; the backup
   * service itself skips a day another device already claimed.
   */
  let dailyInFlight: Promise<BackupInfo | null> | undefined;
  /** One attempt at a time in this tab: cycles that end while it runs share it instead of claiming the day again. */
  function dailyBackupIfDue(backups: BackupService): Promise<BackupInfo | null> {
    dailyInFlight ??= makeDailyBackup(backups).finally(() => (dailyInFlight = undefined));
    return dailyInFlight;
  }

  async function makeDailyBackup(backups: BackupService): Promise<BackupInfo | null> {
    const today = new Date().toISOString().slice(0, 10).replace(/-/g, '');
    if (win.localStorage.getItem(DAILY_KEY) === today) return null;
    try {
      const r = await backups.runDailyBackup({ onProgress: progress });
      // Another device still making it ('in-progress') may fail: look again next cycle.
      if (r.backup || r.skipped === 'exists') win.localStorage.setItem(DAILY_KEY, today);
      if (r.backup) log.info(describeBackupOutcome(r.backup));
      return r.backup;
    } catch (e) {
      log.warn(`The daily backup failed: ${e instanceof Error ? e.message : String(e)}`);
      throw e;
    }
  }

  function backupService(): BackupService {
    return backupsOnly ?? requireSession().backups;
  }

  async function snapshot(name: string): Promise<BackupOutcome> {
    const backups = backupService();
    // A snapshot of the cloud should hold this device's latest edits too (the original syncs first as well);
    // in NoSync mode it is taken of the cloud as it is.
    if (session) await api.syncNow().catch((e) => log.warn(`Sync before the snapshot failed: ${e instanceof Error ? e.message : String(e)}`));
    const outcome = await backups.createSnapshot(name, { onProgress: progress });
    log.info(describeBackupOutcome(outcome));
    return outcome;
  }

  function forceDeps(s: Session): ForceDeps {
    return { engine: s.engine, backups: s.backups, store: s.provider.store, syncNow: () => s.runtime.syncNow(), onProgress: progress, log: (level, m) => log[level](m) };
  }

  function requireSession(): Session {
    if (session) return session;
    if (config?.noSync) throw new CloudSyncError('sync-disabled', 'Sync is turned off on this page (the URL has ?nosync).');
    throw new CloudSyncError('not-configured', 'Cloud Sync is not configured yet: open Sync to enter your storage settings and password.');
  }

  function makeController(): UiController {
    // The toggles change the page at once; the form read at load time must show them as they are now.
    const live: { autoSync?: boolean; logging?: boolean } = {};
    return {
      async load() {
        const c = config ?? (await configReady);
        return { form: { ...c.form, ...live }, passwordSaved: !!c.keys, configured: c.configured, noSync: c.noSync, version: __CLOUDSYNC_VERSION__ };
      },
      async save(form) {
        try {
          const saved = await saveSettings(env, form);
          if (!saved.ok) return { ok: false, problems: saved.problems, message: 'Please fix the fields marked below.' };
          const provider = createProvider(saved.config, { localStorage: win.localStorage, indexedDB: win.indexedDB, document: win.document }, { googleAuth: setupAuth ?? session?.provider.googleAuth });
          if (!provider) return { ok: false, problems: [], message: 'The settings were saved, but they do not name a storage provider.' };
          const probe = await probeStore(provider.store, { pageOrigin: win.location.origin, endpoint: saved.config.s3?.endpoint, bucket: saved.config.s3?.bucket });
          // A failed optional step (conditional writes, say) only means "not supported here": sync still works.
          const steps = probe.steps.map((s) => ({
            label: s.step,
            state: s.ok ? ('ok' as const) : s.required ? ('failed' as const) : ('skipped' as const),
            message: s.message + (s.cors ? `\n${s.cors.where}\n${s.cors.text}` : ''),
          }));
          if (!probe.ok) return { ok: false, problems: [], probe: steps, message: 'The settings were saved, but the connection check failed: see the steps below.' };
          saveCapabilities(win.localStorage, scopeOf(saved.config), probe.capabilities);
          if (provider.drive && !session && !backupsOnly && !saved.config.noSync && saved.config.keys) {
            // First Google Drive setup: the sign-in made in this modal is used as it is; sync starts here, no reload.
            setupAuth = provider.googleAuth;
            config = saved.config;
            session = await startSession(saved.config);
            return { ok: true, problems: [], probe: steps, message: 'Saved. The connection works; syncing now.' };
          }
          win.setTimeout(() => win.location.reload(), 1500);
          return { ok: true, problems: [], probe: steps, message: 'Saved. The connection works; the page reloads to start syncing.' };
        } catch (e) {
          return { ok: false, problems: [], message: e instanceof Error ? e.message : String(e) };
        }
      },
      async answerHeld(answer) {
        try {
          const report = await api.answerHeldDeletions(answer);
          const n = answer === 'delete' ? report.deleted.length : report.downloaded.length + report.uploaded.length;
          return { ok: report.errors.length === 0, message: answer === 'delete' ? `Deleted ${n} item(s) everywhere.` : `Brought back ${n} item(s).` };
        } catch (e) {
          return { ok: false, message: e instanceof Error ? e.message : String(e) };
        }
      },
      async syncNow() {
        try {
          const report = await api.syncNow();
          const n = report.uploaded.length + report.downloaded.length + report.deleted.length;
          return { ok: report.errors.length === 0, report, message: n ? `Synced ${n} item(s).` : 'Everything is up to date.' };
        } catch (e) {
          return { ok: false, message: e instanceof Error ? e.message : String(e) };
        }
      },
      status: () => status,
      onStatus: (l) => bus.on('status', l),
      async setAutoSync(on) {
        setAutoSync(win.localStorage, on);
        session?.runtime.setAutoSync(on);
        live.autoSync = on;
      },
      async setLogging(on) {
        setLogging(win.localStorage, on);
        logger.setEnabled(on);
        live.logging = on;
        // As the original: the address says it too (?log), so a reload keeps what the box shows.
        const url = new URL(win.location.href);
        if (on) url.searchParams.set('log', 'true');
        else url.searchParams.delete('log');
        if (url.href !== win.location.href) win.history.replaceState(win.history.state, '', url.href);
      },
      async signInWithGoogle(clientId) {
        try {
          const s = session;
          const wanted = clientId.trim();
          if (s?.provider.drive && (wanted === '' || wanted === s.provider.googleAuth?.clientId)) {
            // The running session's own sign-in: this clears "reconnect required" and syncs at once.
            await reconnectGoogle(s);
            return { ok: true, message: 'Signed in to Google Drive. Syncing now.' };
          }
          if (!wanted) return { ok: false, message: 'Enter the Google Cloud Client ID first, then sign in.' };
          // Setting up (or changing the client ID): sign in now, before Save, so Save's check can use the token.
          if (setupAuth?.clientId !== wanted) setupAuth = createGoogleSignIn(wanted, { indexedDB: win.indexedDB, document: win.document });
          await setupAuth.getAccessToken(true);
          return { ok: true, message: 'Signed in to Google Drive. Now press Save: the connection is checked and sync starts.' };
        } catch (e) {
          return { ok: false, message: e instanceof Error ? e.message : String(e) };
        }
      },
      async forgetDevice() {
        session?.runtime.stop();
        await forgetDevice(env);
      },
      backups: {
        list: () => (session || backupsOnly ? backupService().listBackups() : Promise.resolve([])),
        async createSnapshot(name) {
          try {
            const o = await snapshot(name);
            return { ok: o.failed.length === 0, message: describeBackupOutcome(o) };
          } catch (e) {
            return { ok: false, message: e instanceof Error ? e.message : String(e) };
          }
        },
        async restore(folder) {
          try {
            const o = await backupService().restoreBackup(folder, { onProgress: progress });
            // The user asked for these deletions: the mass-deletion guard must not hold them on this device.
            for (const k of o.tombstoned) session?.confirmed.add(k);
            await session?.engine.adoptCommits(o.committed);
            if (session) await api.syncNow().catch(() => {});
            return { ok: true, message: describeRestoreOutcome(o) };
          } catch (e) {
            return { ok: false, message: e instanceof Error ? e.message : String(e) };
          }
        },
        async delete(folder) {
          try {
            await backupService().deleteBackup(folder);
            return { ok: true, message: 'The backup was deleted.' };
          } catch (e) {
            return { ok: false, message: e instanceof Error ? e.message : String(e) };
          }
        },
      },
      conflicts: {
        async list() {
          if (!session) return [];
          return (await session.engine.conflicts()).filter((c): c is typeof c & { id: number } => c.id !== undefined);
        },
        async restore(id) {
          try {
            const s = requireSession();
            const { key, type } = await s.engine.restoreConflict(id);
            const change: ChangedKey = { key, area: type === 'ls' ? 'ls' : 'idb', at: Date.now() };
            dirty.mark([change]);
            s.runtime.noteLocalChange([change]);
            s.runtime.scheduler.noteChange();
            return { ok: true, message: `The other version of "${key}" is back on this device and will sync out. Reload to see it.` };
          } catch (e) {
            return { ok: false, message: e instanceof Error ? e.message : String(e) };
          }
        },
        async dismiss(id) {
          await session?.engine.dismissConflict(id);
          return { ok: true, message: 'Dismissed.' };
        },
      },
      onProgress: (listener) => bus.on('progress', listener),
      deleted: {
        async list() {
          if (!session) return [];
          return (await session.engine.recentlyDeleted()).map((d) => ({ key: d.key, deletedAt: d.deletedAt }));
        },
        async restore(keys) {
          try {
            const s = requireSession();
            const { restored, errors } = await s.engine.restoreDeleted(keys);
            // Our own writes are not echoed by the change feed: mark them, so the next cycle republishes them.
            const types = new Map((await s.engine.recentlyDeleted()).map((d) => [d.key, d.type]));
            const changes: ChangedKey[] = restored.map((key) => ({ key, area: types.get(key) === 'ls' ? 'ls' : 'idb', at: Date.now() }));
            dirty.mark(changes);
            s.runtime.noteLocalChange(changes);
            if (restored.length) await api.syncNow().catch(() => {});
            const msg = `Restored ${restored.length} item(s).` + (errors.length ? ` ${errors.length} could not be restored: ${errors[0].message}` : '');
            return { ok: errors.length === 0, message: restored.length ? `${msg} Reload to see them.` : msg };
          } catch (e) {
            return { ok: false, message: e instanceof Error ? e.message : String(e) };
          }
        },
        purge: (key) => purgeDeletedItem(requireSession, () => api.syncNow(), key),
      },
      force: {
        export: () => describeForce(() => api.forceExport(), 'export'),
        async import() {
          const o = await describeForce(() => api.forceImport(), 'import');
          if (o.ok) win.setTimeout(() => win.location.reload(), 3000); // as the original: TypingMind holds chats in memory
          return o;
        },
      },
      logLines: () => logger.entries().map((e) => `${new Date(e.time).toISOString()} ${e.level} ${e.scope ? `[${e.scope}] ` : ''}${e.message}`),
    };
  }

  const api: CloudSyncApi = {
    version: __CLOUDSYNC_VERSION__,
    ready,
    get status() {
      return { ...status };
    },
    async syncNow() {
      return requireSession().runtime.syncNow();
    },
    async answerHeldDeletions(answer: 'delete' | 'restore') {
      const s = requireSession();
      // Recorded in the sync state, where the cycle of whichever tab leads reads it.
      await s.engine.answerHeld(answer);
      return s.runtime.syncNow();
    },
    forceExport: () => forceTransfer(forceDeps(requireSession()), 'export'),
    forceImport: () => forceTransfer(forceDeps(requireSession()), 'import'),
    async runDailyBackup() {
      return dailyBackupIfDue(requireSession().backups); // no daily backups in NoSync mode, as the original
    },
    createSnapshot: (name: string) => snapshot(name),
    async listBackups() {
      return backupService().listBackups();
    },
    on(event: ApiEvent, listener: (payload: unknown) => void) {
      return bus.on(event, listener as never);
    },
  };
  return api;
}
