/**
 * The extension's own IndexedDB database for secrets at rest (DESIGN.md, Secrets):
 *   contentKey, hashKey  non-extractable CryptoKeys derived from the password (the password is never stored);
 *   deviceKey            a non-extractable AES-GCM key created in this browser;
 *   credentials          the cloud credentials, sealed with the device key.
 * Each operation opens and closes its own connection, so forgetDevice (and other tabs) are never blocked.
 *
 * The factory is passed in (tests give a fresh fake-indexeddb one), but idb recognises requests through the
 * global IDBRequest/IDBDatabase classes, so those globals must be the factory's own, as they are in a page.
 */
import { wrap, type DBSchema, type IDBPDatabase } from 'idb';
import { CloudSyncError } from '../errors';
import { createDeviceKey, isSealedBlob, seal, unseal, type SealedBlob } from './sealing';
import type { ContentKeys, SealedCredentials } from './settings-model';
import { SECRETS_DB } from './storage-keys';

type SecretName = 'contentKey' | 'hashKey' | 'deviceKey' | 'credentials';

interface SecretsSchema extends DBSchema {
  secrets: { key: SecretName; value: CryptoKey | SealedBlob };
}

const STORE = 'secrets';
const VERSION = 1;

export interface CredentialsRead {
  credentials: SealedCredentials;
  /** Sealed credentials exist but cannot be opened (device key lost or data damaged). */
  unreadable: boolean;
}

function unavailable(cause: unknown): CloudSyncError {
  return new CloudSyncError(
    'host-unavailable',
    'Cloud Sync cannot keep its keys in this browser because its database (IndexedDB) is not available, ' +
      'as happens in some private windows or when site data is blocked. Open TypingMind in a normal window ' +
      'and allow site data, then try again.',
    { cause },
  );
}

function isCryptoKey(value: unknown): value is CryptoKey {
  return typeof CryptoKey !== 'undefined' && value instanceof CryptoKey;
}

export class SecretStore {
  constructor(private readonly factory: IDBFactory) {}

  private async open(): Promise<IDBPDatabase<SecretsSchema>> {
    try {
      const request = this.factory.open(SECRETS_DB, VERSION);
      request.onupgradeneeded = () => {
        if (!request.result.objectStoreNames.contains(STORE)) request.result.createObjectStore(STORE);
      };
      const db = (await wrap(request)) as unknown as IDBPDatabase<SecretsSchema>;
      // Let a deletion (forgetDevice) or a future upgrade in another tab proceed.
      db.addEventListener('versionchange', () => db.close());
      return db;
    } catch (e) {
      throw unavailable(e);
    }
  }

  private async use<T>(fn: (db: IDBPDatabase<SecretsSchema>) => Promise<T>): Promise<T> {
    const db = await this.open();
    try {
      return await fn(db);
    } finally {
      db.close();
    }
  }

  async readKeys(): Promise<ContentKeys | null> {
    return this.use(async (db) => {
      const tx = db.transaction(STORE, 'readonly');
      const [contentKey, hashKey] = await Promise.all([tx.store.get('contentKey'), tx.store.get('hashKey')]);
      await tx.done;
      return isCryptoKey(contentKey) && isCryptoKey(hashKey) ? { contentKey, hashKey } : null;
    });
  }

  /** Both keys in one transaction: a reader never sees a content key with the hash key of another password. */
  async writeKeys(keys: ContentKeys): Promise<void> {
    await this.use(async (db) => {
      const tx = db.transaction(STORE, 'readwrite');
      await Promise.all([tx.store.put(keys.contentKey, 'contentKey'), tx.store.put(keys.hashKey, 'hashKey'), tx.done]);
    });
  }

  async readCredentials(): Promise<CredentialsRead> {
    return this.use(async (db) => {
      const tx = db.transaction(STORE, 'readonly');
      const [deviceKey, sealed] = await Promise.all([tx.store.get('deviceKey'), tx.store.get('credentials')]);
      await tx.done;
      if (sealed === undefined) return { credentials: {}, unreadable: false };
      if (!isCryptoKey(deviceKey) || !isSealedBlob(sealed)) return { credentials: {}, unreadable: true };
      try {
        return { credentials: await unseal<SealedCredentials>(deviceKey, sealed), unreadable: false };
      } catch {
        return { credentials: {}, unreadable: true };
      }
    });
  }

  async writeCredentials(credentials: SealedCredentials): Promise<void> {
    const deviceKey = await this.deviceKey();
    const sealed = await seal(deviceKey, credentials);
    await this.use(async (db) => {
      await db.put(STORE, sealed, 'credentials');
    });
  }

  /** The device key, created on first use. Two tabs creating it at once agree on the first one stored. */
  private async deviceKey(): Promise<CryptoKey> {
    const existing = await this.use((db) => db.get(STORE, 'deviceKey'));
    if (isCryptoKey(existing)) return existing;
    const fresh = await createDeviceKey();
    return this.use(async (db) => {
      const tx = db.transaction(STORE, 'readwrite');
      const current = await tx.store.get('deviceKey');
      if (isCryptoKey(current)) {
        await tx.done;
        return current;
      }
      await Promise.all([tx.store.put(fresh, 'deviceKey'), tx.done]);
      return fresh;
    });
  }
}
