/**
 * The Drive store wired to the real GIS-based auth (Google's script replaced by a stand-in that
 * grants tokens the emulator knows), against the emulator: how a rejected token flows through.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDriveStore, createGoogleAuth, type GoogleIdentity } from '../../../src/providers/gdrive';
import type { GisTokenClientConfig } from '../../../src/providers/gdrive/google-auth';
import { startDriveEmulator, type DriveEmulator } from '../../support/gdrive-emulator';
import { isCloudSyncError } from '../../../src/errors';

let emu: DriveEmulator;
beforeEach(async () => {
  emu = await startDriveEmulator({ tokens: [] });
});
afterEach(async () => {
  await emu.stop();
});

/** GIS stand-in: each request is answered at once with the next token the test queued, or with an error. */
function gisGranting(answers: ({ token: string } | { error: string })[]) {
  const prompts: (string | undefined)[] = [];
  let config: GisTokenClientConfig;
  const gis: GoogleIdentity = {
    accounts: {
      oauth2: {
        initTokenClient(c) {
          config = c;
          return {
            requestAccessToken(o) {
              prompts.push(o?.prompt);
              const next = answers.shift() ?? { error: 'interaction_required' };
              queueMicrotask(() =>
                'token' in next ? config.callback({ access_token: next.token, expires_in: 3600 }) : config.error_callback?.({ type: next.error }),
              );
            },
          };
        },
      },
    },
  };
  return { gis, prompts };
}

function wire(gis: GoogleIdentity) {
  const auth = createGoogleAuth({ clientId: 'client-id', loadGis: async () => gis });
  const store = createDriveStore({
    getAccessToken: (interactive) => auth.getAccessToken(interactive),
    invalidateToken: (t) => auth.invalidateToken(t),
    apiBase: emu.url,
    sleep: async () => {},
  });
  return { auth, store };
}

describe('Drive store + Google sign-in', () => {
  it('signs in on a click, then renews silently when Drive rejects an expired token', async () => {
    emu.addToken('t1');
    const { gis, prompts } = gisGranting([{ token: 't1' }, { token: 't2' }]);
    const { store } = wire(gis);
    await store.reconnect(); // the user's click
    await store.put('metadata.json', new TextEncoder().encode('{}'));
    emu.revokeToken('t1'); // Google expired it early
    emu.addToken('t2');
    expect((await store.get('metadata.json')).kind).toBe('found');
    expect(prompts).toEqual(['consent', '']);
    expect(emu.requests.filter((r) => r.status === 401)).toHaveLength(1);
  });

  it('when silent renewal fails, the store needs a reconnect and makes no further requests or prompts', async () => {
    emu.addToken('t1');
    const { gis, prompts } = gisGranting([{ token: 't1' }, { error: 'popup_failed_to_open' }]);
    const { store } = wire(gis);
    await store.reconnect();
    emu.revokeToken('t1');
    let code = '';
    try {
      await store.get('metadata.json');
    } catch (e) {
      if (isCloudSyncError(e)) code = e.code;
    }
    expect(code).toBe('reconnect-required');
    expect(store.needsReconnect).toBe(true);
    const requests = emu.requests.length;
    await store.get('metadata.json').catch(() => {});
    expect(emu.requests.length).toBe(requests);
    expect(prompts).toEqual(['consent', '']);
  });

  it('never signs in on its own: before the first click, a sync attempt fails without any prompt', async () => {
    const { gis, prompts } = gisGranting([{ token: 't1' }]);
    const { store } = wire(gis);
    const drain = async () => {
      for await (const page of store.list('')) void page;
    };
    await expect(drain()).rejects.toMatchObject({ code: 'reconnect-required' });
    expect(prompts).toEqual([]);
    expect(emu.requests).toHaveLength(0);
  });
});
