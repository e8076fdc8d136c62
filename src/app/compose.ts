/**
 * The composition root: the services a page makes once, in the order that matters. The change feed is
 * installed and the URL's secrets are taken off the address bar synchronously, before the first await, so no
 * TypingMind write is missed and nothing else on the page sees the secrets.
 */
import { loadConfig, type ConfigEnv } from '../config';
import { LS } from '../config/storage-keys';
import { parseConfigUrl } from '../config/url-params';
import { installChangeFeed } from '../host/change-feed';
import { DirtySet } from '../host/dirty-set';
import type { ProgressEvent } from '../api';
import { createEventBus, createLogger } from '../runtime';
import { throttleProgress } from '../runtime/progress-throttle';
import { BaseStore } from '../sync/base-store';
import { createDailyBackupTrigger } from './backup-trigger';
import type { AppContext, AppEvents } from './context';
import { createStatusStore } from './status-store';

/** Settings in the address, or a provider chosen before: this page will most likely sync. */
function likelyToSync(win: Window): boolean {
  try {
    if (parseConfigUrl(win.location.search).hasConfigParams) return true;
    return !!(win.localStorage.getItem(LS.bucket) || win.localStorage.getItem(LS.googleClientId));
  } catch {
    return false; // storage blocked: the usual path reports it
  }
}

export function compose(win: Window & typeof globalThis, resolveReady: () => void): AppContext {
  // The user's exclusions are known once the settings are read; until then only the system rules apply.
  // (`ctx` is assigned below, before any change can be reported.)
  // eslint-disable-next-line prefer-const
  let ctx: AppContext;
  const feed = installChangeFeed(win, { userExclusions: () => ctx?.config?.userExclusions ?? [] });
  const env: ConfigEnv = { localStorage: win.localStorage, indexedDB: win.indexedDB, location: win.location, history: win.history };
  // A page that is going to sync opens its sync database while the settings are read and the keys derived (a
  // first load creates it, ~40 ms on the way to the first request otherwise). Decided before loadConfig takes the
  // parameters out of the address; a page that turns out not to sync closes it unused.
  let earlyBase = likelyToSync(win) ? BaseStore.open(win.indexedDB).catch(() => undefined) : undefined;
  const configReady = loadConfig(env); // strips the URL's secrets synchronously, before its first await

  const logger = createLogger({ enabled: false });
  const log = logger.scoped('sync');
  const bus = createEventBus<AppEvents>();
  const dirty = new DirtySet();
  const store = createStatusStore({ pending: () => dirty.size });
  store.onStatus((s) => bus.emit('status', s));
  /** Every progress report (sync, backup, restore) goes through here: paced for the eye, see progress-throttle. */
  const progress = throttleProgress<ProgressEvent>(
    (p) => {
      store.progress(p);
      bus.emit('progress', p);
    },
    {
      setTimeout: (fn, ms) => win.setTimeout(fn, ms),
      clearTimeout: (h) => win.clearTimeout(h as number),
      setInterval: (fn, ms) => win.setInterval(fn, ms),
      clearInterval: (h) => win.clearInterval(h as number),
    },
  );

  ctx = {
    win,
    countWatchers: 0,
    env,
    feed,
    logger,
    log,
    bus,
    dirty,
    store,
    progress,
    dailyBackup: createDailyBackupTrigger({ storage: win.localStorage, progress, progressEnded: () => store.endProgress('backup'), log }),
    configReady,
    resolveReady,
    takeEarlyBase() {
      const b = earlyBase;
      earlyBase = undefined;
      return b;
    },
  };

  feed.onChange((keys) => {
    dirty.mark(keys);
    ctx.session?.runtime.noteLocalChange(keys);
    ctx.session?.runtime.scheduler.noteChange();
    if (store.status().pending !== dirty.size) store.set({});
  });
  return ctx;
}
