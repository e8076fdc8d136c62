import { CloudSyncError } from '../../errors';

/**
 * Google sign-in for the Drive provider, with Google Identity Services' token model (as the
 * original: an access token from a popup, no refresh token, original-format.md §6.1).
 *
 * - GIS's script is the one script we load at run time, and only when Drive is chosen: the
 *   first getAccessToken() loads it.
 * - getAccessToken(false) never asks the user: it returns the token in memory, or tries a silent
 *   `prompt: ''` request bounded by a timeout (the original had none and could hang forever,
 *   W19); failure means "reconnect required". getAccessToken(true) is for a user's click only:
 *   called inside a click or key handler, it calls GIS's requestAccessToken synchronously once GIS is
 *   loaded, so the popup opens with the gesture and is not blocked. Its prompt is 'consent' for the
 *   first sign-in and '' for a renewal (the popup then closes by itself when consent was given).
 * - The token lives in memory; `onToken` lets the settings layer persist it if it chooses.
 */
export const DRIVE_SCOPE = 'https://www.googleapis.com/auth/drive.file';
export const GIS_SCRIPT_URL = 'https://accounts.google.com/gsi/client';
/**
 * A token this close to its expiry is treated as expired. Small on purpose: renewing needs Google's popup,
 * which a browser blocks outside a user's click, so a token is used until it really expires (the original
 * renewed 5 minutes early and so lost the connection 5 minutes sooner in a background tab).
 */
const EXPIRY_MARGIN_MS = 1000;

export interface GoogleToken {
  accessToken: string;
  /** Epoch ms. */
  expiresAt: number;
  scope?: string;
}

// The part of GIS we use (https://developers.google.com/identity/oauth2/web/reference/js-reference).
export interface GisTokenResponse {
  access_token?: string;
  expires_in?: number | string;
  scope?: string;
  error?: string;
  error_description?: string;
}
export interface GisTokenClient {
  requestAccessToken(overrides?: { prompt?: string }): void;
}
export interface GisTokenClientConfig {
  client_id: string;
  scope: string;
  callback: (response: GisTokenResponse) => void;
  error_callback?: (error: { type?: string; message?: string }) => void;
}
export interface GoogleIdentity {
  accounts: {
    oauth2: {
      initTokenClient(config: GisTokenClientConfig): GisTokenClient;
      revoke?(accessToken: string, done?: () => void): void;
    };
  };
}

export interface GoogleAuthOptions {
  /** The user's OAuth client ID: it must be the one the original used, or Drive hides its files (drive.file). */
  clientId: string;
  scope?: string;
  /** Loads GIS; default: a <script> for GIS_SCRIPT_URL in `document`. */
  loadGis?: () => Promise<GoogleIdentity>;
  document?: Document;
  silentTimeoutMs?: number;
  interactiveTimeoutMs?: number;
  now?: () => number;
  initialToken?: GoogleToken;
  onToken?: (token: GoogleToken | undefined) => void;
}

export interface GoogleAuth {
  getAccessToken(interactive: boolean): Promise<string>;
  /** Drive rejected this token: forget it, so the next call gets a fresh one. */
  invalidateToken(token: string): void;
  readonly token: GoogleToken | undefined;
  /** The OAuth client ID this sign-in is for. */
  readonly clientId: string;
  /** Forgets the token and asks Google to revoke it. */
  signOut(): void;
}

export function createGoogleAuth(opts: GoogleAuthOptions): GoogleAuth {
  return new GisAuth(opts);
}

type Pending = { resolve: (t: string) => void; reject: (e: unknown) => void };
type Flight = { promise: Promise<string>; interactive: boolean };

class GisAuth implements GoogleAuth {
  private current: GoogleToken | undefined;
  private client: GisTokenClient | undefined;
  private gis: GoogleIdentity | undefined;
  /** Callers waiting for GIS's answer (GIS answers every request through the one callback). */
  private pending: Pending[] = [];
  private inFlight: Flight | undefined;
  /** Google granted us a token before (now or in an earlier session); only then is a silent try worth it. */
  private everGranted: boolean;
  private readonly now: () => number;

  constructor(private readonly opts: GoogleAuthOptions) {
    if (!opts.clientId || !opts.clientId.trim()) {
      throw new CloudSyncError(
        'invalid-settings',
        'Google Drive needs an OAuth client ID. Enter the client ID from your Google Cloud console (the same one the original extension used) in Cloud Sync settings.',
      );
    }
    this.now = opts.now ?? Date.now;
    this.current = opts.initialToken;
    this.everGranted = opts.initialToken !== undefined;
  }

  get token(): GoogleToken | undefined {
    return this.current;
  }

  get clientId(): string {
    return this.opts.clientId;
  }

  getAccessToken(interactive: boolean): Promise<string> {
    if (this.current && this.current.expiresAt - EXPIRY_MARGIN_MS > this.now()) return Promise.resolve(this.current.accessToken);
    // One request to Google at a time: concurrent callers share it. A click does not wait for a silent try
    // (which a background tab's browser blocks anyway): it asks again, with the gesture.
    if (this.inFlight && (this.inFlight.interactive || !interactive)) return this.inFlight.promise;
    // Never granted: a silent request could only fail (or flash a blocked popup). Ask for a click.
    if (!interactive && !this.everGranted) {
      return Promise.reject(
        new CloudSyncError('reconnect-required', 'Google Drive is not connected yet. Click "Sign in with Google" in Cloud Sync settings.'),
      );
    }
    const flight: Flight = { interactive, promise: undefined as unknown as Promise<string> };
    flight.promise = this.request(interactive).finally(() => {
      if (this.inFlight === flight) this.inFlight = undefined;
    });
    this.inFlight = flight;
    return flight.promise;
  }

  invalidateToken(token: string): void {
    if (this.current?.accessToken === token) this.setToken(undefined);
  }

  signOut(): void {
    const token = this.current?.accessToken;
    this.setToken(undefined);
    if (token) this.gis?.accounts.oauth2.revoke?.(token);
  }

  private setToken(token: GoogleToken | undefined): void {
    this.current = token;
    this.opts.onToken?.(token);
  }

  /** Synchronous up to requestAccessToken once GIS is loaded: inside a click handler the popup keeps the gesture. */
  private request(interactive: boolean): Promise<string> {
    if (this.client) return this.ask(this.client, interactive);
    return this.tokenClient().then((client) => this.ask(client, interactive));
  }

  private ask(client: GisTokenClient, interactive: boolean): Promise<string> {
    const timeoutMs = interactive ? (this.opts.interactiveTimeoutMs ?? 5 * 60_000) : (this.opts.silentTimeoutMs ?? 20_000);
    return new Promise<string>((resolve, reject) => {
      const entry: Pending = {
        resolve: (t) => {
          clearTimeout(timer);
          resolve(t);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      const timer = setTimeout(() => {
        this.pending = this.pending.filter((p) => p !== entry);
        reject(
          interactive
            ? new CloudSyncError('reconnect-required', 'Google sign-in did not finish. If a popup was blocked, allow popups for this site and click "Sign in with Google" again.')
            : reconnectRequired('Google did not renew the sign-in in time'),
        );
      }, timeoutMs);
      this.pending.push(entry);
      // 'consent' shows the account chooser and consent screen (the original's choice for an explicit
      // sign-in); '' lets Google answer without asking again when consent was given before.
      client.requestAccessToken({ prompt: interactive && !this.everGranted ? 'consent' : '' });
    });
  }

  private settle(): Pending[] {
    const waiting = this.pending;
    this.pending = [];
    return waiting;
  }

  private async tokenClient(): Promise<GisTokenClient> {
    if (this.client) return this.client;
    this.gis = await (this.opts.loadGis ?? (() => loadGisScript(this.opts.document ?? document)))();
    this.client ??= this.gis.accounts.oauth2.initTokenClient({
      client_id: this.opts.clientId,
      scope: this.opts.scope ?? DRIVE_SCOPE,
      callback: (response) => this.onResponse(response),
      error_callback: (error) => {
        const why = reconnectRequired(
          error.type === 'popup_closed'
            ? 'the Google sign-in window was closed'
            : error.type === 'popup_failed_to_open'
              ? 'the browser blocked Google\'s sign-in window (it opens only right after a click)'
              : `Google sign-in failed (${error.type ?? 'unknown'})`,
        );
        for (const p of this.settle()) p.reject(why);
      },
    });
    return this.client;
  }

  private onResponse(response: GisTokenResponse): void {
    const waiting = this.settle();
    if (response.error || !response.access_token) {
      const e = reconnectRequired(`Google refused the sign-in (${response.error ?? 'no token'})`);
      for (const p of waiting) p.reject(e);
      return;
    }
    const scopes = (response.scope ?? '').split(' ');
    const wanted = this.opts.scope ?? DRIVE_SCOPE;
    if (response.scope !== undefined && !scopes.includes(wanted)) {
      const e = new CloudSyncError(
        'access-denied',
        'Google sign-in succeeded, but access to Google Drive was not granted. Click "Sign in with Google" again and tick the Google Drive permission.',
      );
      for (const p of waiting) p.reject(e);
      return;
    }
    this.everGranted = true;
    const expiresIn = Number(response.expires_in ?? 3600);
    // A late answer (after a timeout) still stores the token: the next call can use it.
    this.setToken({ accessToken: response.access_token, expiresAt: this.now() + expiresIn * 1000, scope: response.scope });
    for (const p of waiting) p.resolve(response.access_token);
  }
}

function reconnectRequired(why: string): CloudSyncError {
  return new CloudSyncError('reconnect-required', `Google Drive needs you to sign in again: ${why}. Click "Sign in with Google" in Cloud Sync settings.`);
}

/** One load per document (a page has one; tests have several). */
const gisLoading = new WeakMap<Document, Promise<GoogleIdentity>>();

/** Adds GIS's <script> once and resolves with `window.google` when it has loaded. */
export function loadGisScript(doc: Document, timeoutMs = 20_000): Promise<GoogleIdentity> {
  const win = doc.defaultView as (Window & { google?: GoogleIdentity }) | null;
  if (win?.google?.accounts?.oauth2) return Promise.resolve(win.google);
  const loading = gisLoading.get(doc);
  if (loading) return loading;
  const failed = (why: string) =>
    new CloudSyncError(
      'cors-or-network',
      `Could not load Google's sign-in library (${why}). Check your connection, and that no ad or script blocker blocks accounts.google.com.`,
    );
  const promise = new Promise<GoogleIdentity>((resolve, reject) => {
    const script = doc.createElement('script');
    script.src = GIS_SCRIPT_URL;
    script.async = true;
    const timer = setTimeout(() => reject(failed('timed out')), timeoutMs);
    script.addEventListener('load', () => {
      clearTimeout(timer);
      const google = (doc.defaultView as (Window & { google?: GoogleIdentity }) | null)?.google;
      if (google?.accounts?.oauth2) resolve(google);
      else reject(failed('it loaded but did not set up google.accounts'));
    });
    script.addEventListener('error', () => {
      clearTimeout(timer);
      reject(failed('blocked or unreachable'));
    });
    doc.head.appendChild(script);
  }).catch((e: unknown) => {
    gisLoading.delete(doc); // let a later attempt try again
    throw e;
  });
  gisLoading.set(doc, promise);
  return promise;
}
