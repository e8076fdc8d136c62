/**
 * Builds the CloudStore a configuration names, and remembers what the capability probe found for it.
 * Google's sign-in library is loaded only here, and only when Google Drive is chosen.
 */
import type { GoogleToken as ConfigGoogleToken, ResolvedConfig } from './config';
import { saveGoogleToken } from './config';
import type { Capabilities, CloudStore } from './providers/cloud-store';
import { createDriveStore, type DriveStore } from './providers/gdrive/drive-store';
import { createGoogleAuth, type GoogleAuth } from './providers/gdrive/google-auth';
import { createS3Store } from './providers/s3';

const CAPABILITIES_KEY = 'tcs_capabilities';

/** Which bucket (or Drive account folder) a configuration points at: the sync base belongs to one scope. */
export function scopeOf(config: ResolvedConfig): string {
  if (config.storageType === 'googleDrive') return `googleDrive:${config.googleClientId ?? ''}`;
  const s3 = config.s3;
  return `s3:${s3?.endpoint || 'aws'}:${s3?.region ?? ''}:${s3?.bucket ?? ''}`;
}

/** Capabilities the probe found for a scope (not secret: kept in localStorage beside the other tcs_ settings). */
export function savedCapabilities(storage: Storage, scope: string): Partial<Capabilities> | undefined {
  try {
    const all = JSON.parse(storage.getItem(CAPABILITIES_KEY) ?? '{}') as Record<string, Partial<Capabilities>>;
    return all[scope];
  } catch {
    return undefined;
  }
}

export function saveCapabilities(storage: Storage, scope: string, caps: Capabilities): void {
  let all: Record<string, Capabilities> = {};
  try {
    all = JSON.parse(storage.getItem(CAPABILITIES_KEY) ?? '{}');
  } catch {
    /* a damaged record is replaced */
  }
  all[scope] = caps;
  storage.setItem(CAPABILITIES_KEY, JSON.stringify(all));
}

export interface ProviderHandle {
  store: CloudStore;
  scope: string;
  /** Google Drive only: the sign-in, for the modal's button. */
  googleAuth?: GoogleAuth;
  /** Google Drive only: the store itself, for its reconnect state. */
  drive?: DriveStore;
}

/** The sign-in for a client ID, its token kept (sealed) across reloads. */
export function createGoogleSignIn(clientId: string, env: { indexedDB: IDBFactory; document: Document }, token?: ConfigGoogleToken): GoogleAuth {
  return createGoogleAuth({
    clientId,
    document: env.document,
    initialToken: token ? { accessToken: token.access_token, expiresAt: (token.iat ?? 0) + (token.expires_in ?? 0) * 1000, scope: token.scope } : undefined,
    onToken: (t) => {
      const saved: ConfigGoogleToken | null = t
        ? { access_token: t.accessToken, expires_in: Math.max(0, Math.round((t.expiresAt - Date.now()) / 1000)), scope: t.scope, iat: Date.now() }
        : null;
      void saveGoogleToken({ indexedDB: env.indexedDB }, saved).catch(() => {});
    },
  });
}

/**
 * `reuse.googleAuth`: a sign-in made before the settings were saved (the setup flow signs in, then saves); used
 * when its client ID is the configured one, so the setup check and the sync need no second sign-in.
 */
export function createProvider(
  config: ResolvedConfig,
  env: { localStorage: Storage; indexedDB: IDBFactory; document: Document },
  reuse: { googleAuth?: GoogleAuth; log?: (message: string) => void } = {},
): ProviderHandle | null {
  const scope = scopeOf(config);
  const caps = savedCapabilities(env.localStorage, scope);
  if (config.storageType === 'googleDrive') {
    if (!config.googleClientId) return null;
    const googleAuth =
      reuse.googleAuth && reuse.googleAuth.clientId === config.googleClientId ? reuse.googleAuth : createGoogleSignIn(config.googleClientId, env, config.googleToken);
    const store = createDriveStore({
      getAccessToken: (interactive) => googleAuth.getAccessToken(interactive),
      invalidateToken: (token) => googleAuth.invalidateToken(token),
      capabilities: caps,
      // What the store repairs by itself (duplicate folders merged, If-Match no longer honoured) is logged.
      log: reuse.log,
    });
    return { store, scope, googleAuth, drive: store };
  }
  const s3 = config.s3;
  if (!s3) return null;
  const store = createS3Store({
    bucket: s3.bucket,
    region: s3.region,
    endpoint: s3.endpoint,
    accessKeyId: s3.accessKeyId,
    secretAccessKey: s3.secretAccessKey,
    capabilities: caps,
  });
  return { store, scope };
}
