// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Window } from 'happy-dom';
import {
  createGoogleAuth,
  DRIVE_SCOPE,
  GIS_SCRIPT_URL,
  loadGisScript,
  type GisTokenClientConfig,
  type GisTokenResponse,
  type GoogleIdentity,
} from '../../../src/providers/gdrive/google-auth';
import { isCloudSyncError } from '../../../src/errors';

/** A stand-in for Google Identity Services: records requests, answers when the test says. */
function fakeGis() {
  const requests: (string | undefined)[] = [];
  let config: GisTokenClientConfig | undefined;
  const revoked: string[] = [];
  const gis: GoogleIdentity = {
    accounts: {
      oauth2: {
        initTokenClient(c) {
          config = c;
          return { requestAccessToken: (o) => requests.push(o?.prompt) };
        },
        revoke: (t) => revoked.push(t),
      },
    },
  };
  return {
    gis,
    requests,
    revoked,
    config: () => config as GisTokenClientConfig,
    answer: (r: GisTokenResponse) => config?.callback(r),
    fail: (type: string) => config?.error_callback?.({ type }),
  };
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (isCloudSyncError(e)) return e.code;
    throw e;
  }
  return 'resolved';
}

const flush = () => new Promise((r) => setTimeout(r, 0));

afterEach(() => {
  vi.useRealTimers();
});

describe('createGoogleAuth', () => {
  it('loads GIS only when a token is first needed, and asks with the drive.file scope and the user client ID', async () => {
    const g = fakeGis();
    const loadGis = vi.fn(async () => g.gis);
    const auth = createGoogleAuth({ clientId: 'cid.apps.googleusercontent.com', loadGis });
    expect(loadGis).not.toHaveBeenCalled();
    const p = auth.getAccessToken(true);
    await flush();
    expect(loadGis).toHaveBeenCalledTimes(1);
    expect(g.config().client_id).toBe('cid.apps.googleusercontent.com');
    expect(g.config().scope).toBe(DRIVE_SCOPE);
    expect(g.requests).toEqual(['consent']);
    g.answer({ access_token: 'tok-1', expires_in: 3599, scope: DRIVE_SCOPE });
    expect(await p).toBe('tok-1');
  });

  it('keeps using the token until it really expires (not 5 minutes early), then renews silently with prompt ""', async () => {
    let now = 1_000_000;
    const g = fakeGis();
    const seen: (string | undefined)[] = [];
    const auth = createGoogleAuth({ clientId: 'c', loadGis: async () => g.gis, now: () => now, onToken: (t) => seen.push(t?.accessToken) });
    const first = auth.getAccessToken(true);
    await flush();
    g.answer({ access_token: 'tok-1', expires_in: 3600 });
    await first;
    now += 59 * 60_000 + 50_000; // 10 seconds left: still good
    expect(await auth.getAccessToken(false)).toBe('tok-1');
    expect(g.requests).toEqual(['consent']);
    now += 10_000; // expired
    const renewed = auth.getAccessToken(false);
    await flush();
    expect(g.requests).toEqual(['consent', '']);
    g.answer({ access_token: 'tok-2', expires_in: 3600 });
    expect(await renewed).toBe('tok-2');
    expect(seen).toEqual(['tok-1', 'tok-2']);
  });

  it('a click does not wait behind a pending silent renewal: it asks GIS synchronously, and one answer serves both', async () => {
    const g = fakeGis();
    const auth = createGoogleAuth({ clientId: 'c', loadGis: async () => g.gis, initialToken: { accessToken: 'old', expiresAt: 0 } });
    const silent = auth.getAccessToken(false);
    await flush();
    expect(g.requests).toEqual(['']);
    // GIS is loaded now: the interactive request reaches requestAccessToken before getAccessToken returns,
    // i.e. inside the click's handler, where a popup is allowed.
    const clicked = auth.getAccessToken(true);
    expect(g.requests).toEqual(['', '']); // renewal: consent was given before, so no consent screen
    g.answer({ access_token: 'fresh', expires_in: 3600 });
    expect(await clicked).toBe('fresh');
    expect(await silent).toBe('fresh');
  });

  it('never tries a silent request before the user ever signed in', async () => {
    const g = fakeGis();
    const loadGis = vi.fn(async () => g.gis);
    const auth = createGoogleAuth({ clientId: 'c', loadGis });
    expect(await codeOf(auth.getAccessToken(false))).toBe('reconnect-required');
    expect(loadGis).not.toHaveBeenCalled();
    expect(g.requests).toEqual([]);
  });

  it('a silent renewal that Google does not answer times out as reconnect-required (the original hung forever)', async () => {
    vi.useFakeTimers();
    const g = fakeGis();
    const auth = createGoogleAuth({
      clientId: 'c',
      loadGis: async () => g.gis,
      silentTimeoutMs: 5000,
      initialToken: { accessToken: 'old', expiresAt: 0 },
    });
    const p = auth.getAccessToken(false);
    const code = codeOf(p);
    await vi.advanceTimersByTimeAsync(4999);
    expect(g.requests).toEqual(['']);
    await vi.advanceTimersByTimeAsync(1);
    expect(await code).toBe('reconnect-required');
  });

  it('a blocked or closed popup and an error answer reject with reconnect-required; concurrent callers share one request', async () => {
    const g = fakeGis();
    const auth = createGoogleAuth({ clientId: 'c', loadGis: async () => g.gis, initialToken: { accessToken: 'old', expiresAt: 0 } });
    const a = auth.getAccessToken(false);
    const b = auth.getAccessToken(false);
    await flush();
    expect(g.requests).toEqual(['']);
    g.fail('popup_failed_to_open');
    expect(await codeOf(a)).toBe('reconnect-required');
    expect(await codeOf(b)).toBe('reconnect-required');
    const c = auth.getAccessToken(false);
    await flush();
    g.answer({ error: 'interaction_required' });
    expect(await codeOf(c)).toBe('reconnect-required');
  });

  it('refuses a grant without the Drive scope, with access-denied', async () => {
    const g = fakeGis();
    const auth = createGoogleAuth({ clientId: 'c', loadGis: async () => g.gis });
    const p = auth.getAccessToken(true);
    await flush();
    g.answer({ access_token: 't', expires_in: 3600, scope: 'openid email' });
    expect(await codeOf(p)).toBe('access-denied');
    expect(auth.token).toBeUndefined();
  });

  it('invalidateToken drops only the token it names; signOut forgets and revokes', async () => {
    const g = fakeGis();
    const auth = createGoogleAuth({ clientId: 'c', loadGis: async () => g.gis, initialToken: { accessToken: 'tok', expiresAt: Date.now() + 3_600_000 } });
    auth.invalidateToken('other');
    expect(auth.token?.accessToken).toBe('tok');
    expect(await auth.getAccessToken(false)).toBe('tok');
    await codeOf(auth.getAccessToken(true)); // not needed: still valid, no request
    expect(g.requests).toEqual([]);
    auth.invalidateToken('tok');
    expect(auth.token).toBeUndefined();
    const p = auth.getAccessToken(false); // granted before, so a silent try is allowed
    await flush();
    expect(g.requests).toEqual(['']);
    g.answer({ access_token: 'tok2', expires_in: 3600 });
    await p;
    auth.signOut();
    expect(auth.token).toBeUndefined();
    expect(g.revoked).toEqual(['tok2']);
  });

  it('refuses an empty client ID with a message saying what to enter', () => {
    expect(() => createGoogleAuth({ clientId: '  ' })).toThrow(/client ID/);
  });
});

describe('loadGisScript', () => {
  it('adds one <script> for Google Identity Services and resolves with window.google once it loads', async () => {
    const win = new Window({ settings: { disableJavaScriptFileLoading: true, handleDisabledFileLoadingAsSuccess: true } });
    const doc = win.document as unknown as Document;
    const g = fakeGis();
    // happy-dom fires `load` during appendChild, so window.google appears as the script "runs":
    // absent at the first look, present from then on.
    let reads = 0;
    Object.defineProperty(win, 'google', { get: () => (reads++ === 0 ? undefined : g.gis), configurable: true });
    const p = loadGisScript(doc);
    const again = loadGisScript(doc);
    expect(await p).toBe(g.gis);
    expect(await again).toBe(g.gis);
    const scripts = [...doc.querySelectorAll('script')].map((s) => s.getAttribute('src'));
    expect(scripts).toEqual([GIS_SCRIPT_URL]);
    // Once loaded, no second script.
    expect(await loadGisScript(doc)).toBe(g.gis);
    expect(doc.querySelectorAll('script')).toHaveLength(1);
    await win.happyDOM.close();
  });

  it('a blocked script rejects with cors-or-network, and a later call may try again', async () => {
    const win = new Window({ settings: { disableJavaScriptFileLoading: true, handleDisabledFileLoadingAsSuccess: false } });
    const doc = win.document as unknown as Document;
    expect(await codeOf(loadGisScript(doc))).toBe('cors-or-network');
    expect(await codeOf(loadGisScript(doc))).toBe('cors-or-network');
    expect(doc.querySelectorAll('script')).toHaveLength(2);
    await win.happyDOM.close();
  });
});
