/**
 * Starts the extension on a page and returns the public API. The parts live in src/app/: the composition
 * root (compose.ts), the sync session and its cycle (cycle-runner.ts), the live state (status-store.ts), the
 * daily-backup trigger (backup-trigger.ts), the UI controller (ui-controller.ts, ui-lists.ts) and the public
 * API (public-api.ts). This file only puts them in order: compose, mount the UI, then read the settings and
 * start what they call for.
 */
import type { CloudSyncApi } from './api';
import { createBackupService } from './backup';
import { LS } from './config/storage-keys';
import { createProvider } from './provider-factory';
import { mountUi, type MountedUi } from './ui';
import { compose } from './app/compose';
import type { AppContext } from './app/context';
import { fail, startSession } from './app/cycle-runner';
import { createPublicApi } from './app/public-api';
import { createUiController } from './app/ui-controller';

export function startExtension(win: Window & typeof globalThis): CloudSyncApi {
  let resolveReady!: () => void;
  const ready = new Promise<void>((r) => (resolveReady = r));
  const ctx = compose(win, () => resolveReady());
  const api = createPublicApi(ctx, ready);
  // The button appears as soon as TypingMind's sidebar does, configured or not.
  const ui = mountUi(win.document, createUiController(ctx, api));
  void boot(ctx, ui);
  return api;
}

/** Reads the settings, then starts what they call for: nothing (unconfigured), backups only (NoSync), or sync. */
async function boot(ctx: AppContext, ui: MountedUi): Promise<void> {
  const { win, log, logger } = ctx;
  try {
    const config = (ctx.config = await ctx.configReady);
    logger.setEnabled(config.logging);
    logger.addSecret(config.s3?.secretAccessKey);
    logger.addSecret(config.s3?.accessKeyId);
    logger.addSecret(config.googleToken?.access_token);
    for (const p of config.urlProblems) log.warn(`URL parameter ignored: ${p.message}`);
    if (config.openModal) win.setTimeout(() => void ui.openModal(), 1000);
    if (!config.configured || !config.keys || config.noSync) void ctx.takeEarlyBase()?.then((b) => b?.close());
    if (!config.configured || !config.keys) {
      ctx.store.set({ state: 'unconfigured' });
      // What to do, once, without blocking the page (the original's alert came back on every load).
      ctx.store.setupNotice(!config.noSync && !noticeDismissed(win));
      ctx.resolveReady();
      return;
    }
    if (config.noSync) {
      // NoSync (§8): nothing syncs in this tab, but snapshots and the backup list still work — and, unlike the
      // original, a snapshot here does not run a full sync behind the user's back.
      const provider = createProvider(config, { localStorage: win.localStorage, indexedDB: win.indexedDB, document: win.document });
      if (provider) ctx.backupsOnly = createBackupService({ store: provider.store, keys: config.keys, log: (level, message) => log[level](message) });
      ctx.store.set({ state: 'disabled' });
      ctx.resolveReady();
      return;
    }
    ctx.session = await startSession(ctx, config);
  } catch (e) {
    void ctx.takeEarlyBase()?.then((b) => b?.close());
    fail(ctx, e);
    ctx.resolveReady();
  }
}

function noticeDismissed(win: Window): boolean {
  try {
    return win.localStorage.getItem(LS.setupNoticeDismissed) === 'true';
  } catch {
    return false;
  }
}
