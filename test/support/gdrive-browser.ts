/**
 * Google, as far as a browser test of the Drive provider needs it, for one browser context (one device):
 *
 *  - Drive: the page's requests to https://www.googleapis.com go to the Drive emulator instead (fetch is
 *    wrapped before the page runs). The emulator is another origin than the demo page, so every request is a
 *    real cross-origin request: Chromium sends the preflights and enforces the emulator's CORS answers.
 *  - Google Identity Services: `window.google.accounts.oauth2` is defined before the page runs (the extension
 *    then never loads Google's script). Like the real popup it opens only during a user's gesture: a request
 *    made within GESTURE_MS of a trusted click or key press (from Playwright's mouse and keyboard, never from
 *    page.evaluate or a timer) gets a token from the emulator, which expires after the emulator's
 *    tokenLifetimeMs; any other request fails with `popup_failed_to_open`, as a blocked popup does.
 */
import type { BrowserContext } from 'playwright-core';
import type { DriveEmulator } from './gdrive-emulator';

export const GOOGLE_API = 'https://www.googleapis.com';
/** How long after a trusted gesture the stand-in popup may open (Chromium's own window is about 5 s). */
export const GESTURE_MS = 1000;

export interface GisLog {
  prompts: string[];
  blocked: number;
  granted: number;
}

export async function installGoogleDoubles(context: BrowserContext, emu: DriveEmulator): Promise<void> {
  await context.addInitScript(
    ({ api, emulator, gestureMs }) => {
      const w = window as unknown as Record<string, unknown>;
      const realFetch = window.fetch.bind(window);
      window.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
        const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
        if (url.startsWith(api)) return realFetch(emulator + url.slice(api.length), init);
        return realFetch(input, init);
      };
      let lastGesture = -Infinity;
      for (const type of ['mousedown', 'click', 'keydown']) {
        window.addEventListener(type, (e) => e.isTrusted && (lastGesture = performance.now()), { capture: true });
      }
      const log = { prompts: [] as string[], blocked: 0, granted: 0 };
      w.__gisLog = log;
      w.google = {
        accounts: {
          oauth2: {
            initTokenClient(config: {
              scope: string;
              callback: (r: Record<string, unknown>) => void;
              error_callback?: (e: { type: string }) => void;
            }) {
              return {
                requestAccessToken(o?: { prompt?: string }) {
                  log.prompts.push(o?.prompt ?? '');
                  if (performance.now() - lastGesture > gestureMs) {
                    log.blocked++;
                    setTimeout(() => config.error_callback?.({ type: 'popup_failed_to_open' }), 0);
                    return;
                  }
                  void realFetch(`${emulator}/__emulator/token`, { method: 'POST' })
                    .then((r) => r.json())
                    .then((t: Record<string, unknown>) => {
                      log.granted++;
                      config.callback({ ...t, scope: config.scope });
                    });
                },
              };
            },
            revoke() {},
          },
        },
      };
    },
    { api: GOOGLE_API, emulator: emu.url, gestureMs: GESTURE_MS },
  );
}
