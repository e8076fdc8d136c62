/**
 * The UI controller (src/ui/controller.ts) over the app: the snapshot the views render comes from the status
 * store; each command calls the use case behind it and answers with a sentence for the action line. Lists
 * (backups, recently deleted, conflicts) are in ui-lists.ts.
 */
import { forgetDevice, prepareSettings, setAutoSync, setLogging } from '../config';
import { LS } from '../config/storage-keys';
import { createGoogleSignIn, createProvider, saveCapabilities, scopeOf } from '../provider-factory';
import { probeStore } from '../providers/probe';
import type { SaveOutcome, SettingsForm, UiController } from '../ui/controller';
import type { AppContext } from './context';
import { reconnectGoogle, startSession } from './cycle-runner';
import { refreshCounts } from './diagnostics-counts';
import type { CloudSyncApi } from '../api';
import { probeSteps, settingsStep } from './setup-check';
import { backupsController, conflictsController, deletedController } from './ui-lists';
import { createHistoryController } from './history-api';
import { historyApiOf } from './public-api';
import { describeForce } from '../commands/force-transfer';

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

export function createUiController(ctx: AppContext, api: CloudSyncApi): UiController {
  const { win, env, store, logger } = ctx;
  // The toggles change the page at once; the form read at load time must show them as they are now.
  const live: { autoSync?: boolean; logging?: boolean } = {};
  return {
    snapshot: () => store.snapshot(),
    subscribe: (l) => store.subscribe(l),
    async refreshCounts() {
      if (ctx.session) await refreshCounts(ctx, ctx.session);
    },
    watchCounts() {
      ctx.countWatchers++;
      if (ctx.session) void refreshCounts(ctx, ctx.session);
      let watching = true;
      return () => {
        if (watching) ctx.countWatchers--;
        watching = false;
      };
    },
    dismissSetupNotice() {
      try {
        win.localStorage.setItem(LS.setupNoticeDismissed, 'true');
      } catch {
        // storage blocked: the notice goes for this page load only
      }
      store.setupNotice(false);
    },
    async load() {
      const c = ctx.config ?? (await ctx.configReady);
      return { form: { ...c.form, ...live }, passwordSaved: !!c.keys, configured: c.configured, noSync: c.noSync, version: __CLOUDSYNC_VERSION__ };
    },
    save: (form) => save(ctx, form),
    async answerHeld(answer) {
      try {
        const report = await api.answerHeldDeletions(answer);
        const n = answer === 'delete' ? report.deleted.length : report.downloaded.length + report.uploaded.length;
        return { ok: report.errors.length === 0, message: answer === 'delete' ? `Deleted ${n} item(s) everywhere.` : `Brought back ${n} item(s).` };
      } catch (e) {
        return { ok: false, message: errorText(e) };
      }
    },
    async syncNow() {
      try {
        const report = await api.syncNow();
        const n = report.uploaded.length + report.downloaded.length + report.deleted.length;
        return { ok: report.errors.length === 0, report, message: n ? `Synced ${n} item(s).` : 'Everything is up to date.' };
      } catch (e) {
        return { ok: false, message: errorText(e) };
      }
    },
    async setAutoSync(on) {
      setAutoSync(win.localStorage, on);
      ctx.session?.runtime.setAutoSync(on);
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
        const s = ctx.session;
        const wanted = clientId.trim();
        if (s?.provider.drive && (wanted === '' || wanted === s.provider.googleAuth?.clientId)) {
          // The running session's own sign-in: this clears "reconnect required" and syncs at once.
          await reconnectGoogle(ctx, s);
          return { ok: true, message: 'Signed in to Google Drive. Syncing now.' };
        }
        if (!wanted) return { ok: false, message: 'Enter the Google Cloud Client ID first, then sign in.' };
        // Setting up (or changing the client ID): sign in now, before Save, so Save's check can use the token.
        if (ctx.setupAuth?.clientId !== wanted) ctx.setupAuth = createGoogleSignIn(wanted, { indexedDB: win.indexedDB, document: win.document });
        await ctx.setupAuth.getAccessToken(true);
        return { ok: true, message: 'Signed in to Google Drive. Now press Save: the connection is checked and sync starts.' };
      } catch (e) {
        return { ok: false, message: errorText(e) };
      }
    },
    async forgetDevice() {
      ctx.session?.runtime.stop();
      await forgetDevice(env);
    },
    backups: backupsController(ctx, api),
    conflicts: conflictsController(ctx),
    deleted: deletedController(ctx, api),
    force: {
      export: () => describeForce(() => api.forceExport(), 'export'),
      async import() {
        const o = await describeForce(() => api.forceImport(), 'import');
        if (o.ok) ctx.win.setTimeout(() => ctx.win.location.reload(), 3000); // as the original: TypingMind holds chats in memory
        return o;
      },
    },
    history: createHistoryController(historyApiOf(ctx)),
    logLines: () => logger.entries().map((e) => `${new Date(e.time).toISOString()} ${e.level} ${e.scope ? `[${e.scope}] ` : ''}${e.message}`),
  };
}

const KEPT = 'Nothing was saved: the settings in use stay as they were.';

/**
 * Save: check the fields, then the connection with the new settings, and store them only when both pass.
 * A wrong bucket, or Google Drive before its sign-in, must not replace a setup that works.
 */
async function save(ctx: AppContext, form: SettingsForm): Promise<SaveOutcome> {
  const { win } = ctx;
  try {
    const prepared = await prepareSettings(ctx.env, form);
    if (!prepared.ok) return { ok: false, problems: prepared.problems, probe: [settingsStep(prepared.problems)], message: `Please fix the fields marked below. ${KEPT}` };
    const candidate = prepared.config;
    const provider = createProvider(candidate, { localStorage: win.localStorage, indexedDB: win.indexedDB, document: win.document }, { googleAuth: ctx.setupAuth ?? ctx.session?.provider.googleAuth });
    if (!provider) return { ok: false, problems: [], message: `These settings name no storage provider. ${KEPT}` };
    const probe = await probeStore(provider.store, { pageOrigin: win.location.origin, endpoint: candidate.s3?.endpoint, bucket: candidate.s3?.bucket });
    const steps = [settingsStep([]), ...probeSteps(probe)];
    if (!probe.ok) return { ok: false, problems: [], probe: steps, message: `The connection check failed: see the steps below. ${KEPT}` };
    const saved = await prepared.commit();
    saveCapabilities(win.localStorage, scopeOf(saved), probe.capabilities);
    if (provider.drive && !ctx.session && !ctx.backupsOnly && !saved.noSync && saved.keys) {
      // First Google Drive setup: the sign-in made in this modal is used as it is; sync starts here, no reload.
      ctx.setupAuth = provider.googleAuth;
      ctx.config = saved;
      ctx.store.setupNotice(false);
      ctx.session = await startSession(ctx, saved);
      return { ok: true, problems: [], probe: steps, message: 'Saved. The connection works; syncing now.' };
    }
    win.setTimeout(() => win.location.reload(), 1500);
    return { ok: true, problems: [], probe: steps, message: 'Saved. The connection works; the page reloads to start syncing.' };
  } catch (e) {
    return { ok: false, problems: [], message: `${errorText(e)} ${KEPT}` };
  }
}
