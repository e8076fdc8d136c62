/**
 * One lazily opened connection to TypingMind's `keyval-store`, built so that it never gets in TypingMind's way:
 *  - it never creates the database (original-behaviour.md W20): when it is missing we wait, with backoff, for
 *    TypingMind to create it, and abort the accidental creation an `open()` without version would cause;
 *  - it closes itself on `versionchange`, so TypingMind can upgrade its schema, and reopens on next use.
 */
import { wrap, type IDBPDatabase } from 'idb';
import { CloudSyncError } from '../errors';
import { sleep as runtimeSleep } from '../runtime/sleep';
import { hostUnavailable } from './host-errors';
import { KEYVAL_DATABASE, KEYVAL_STORE } from './keyval-names';

export interface WaitForDatabaseOptions {
  /** First pause before looking again, ms (default 250). Each pause doubles, up to `maxDelayMs`. */
  initialDelayMs?: number;
  /** Longest pause between looks, ms (default 4000). */
  maxDelayMs?: number;
  /** Give up after this long, ms (default 60000), with a `host-unavailable` error. */
  timeoutMs?: number;
  /** Clock and timer, injectable for tests. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export interface KeyvalConnection {
  /** The open connection; waits for TypingMind to create the database first. */
  database(): Promise<IDBPDatabase>;
  /** Forgets the current connection (after the browser closed it), so the next use reopens. */
  reset(): void;
  close(): void;
}

type OpenAttempt = { kind: 'open'; db: IDBDatabase } | { kind: 'missing' };

async function isListed(factory: IDBFactory): Promise<boolean | undefined> {
  if (typeof factory.databases !== 'function') return undefined;
  try {
    const list = await factory.databases();
    return list.some((d) => d.name === KEYVAL_DATABASE);
  } catch {
    return undefined; // some browsers refuse in private mode: fall back to the guarded open
  }
}

/** One open without a version. If that would create the database, the creation is aborted. */
function openIfExists(factory: IDBFactory): Promise<OpenAttempt> {
  return new Promise((resolve, reject) => {
    let creating = false;
    let request: IDBOpenDBRequest;
    try {
      request = factory.open(KEYVAL_DATABASE);
    } catch (e) {
      reject(e);
      return;
    }
    request.onupgradeneeded = () => {
      // Without a version, upgradeneeded only fires when the database does not exist (oldVersion 0).
      creating = true;
      try {
        request.transaction?.abort();
      } catch {
        /* already finishing: the error handler below still reports 'missing' */
      }
    };
    request.onsuccess = () => {
      const db = request.result;
      if (creating) {
        db.close();
        resolve({ kind: 'missing' });
      } else {
        resolve({ kind: 'open', db });
      }
    };
    request.onerror = (event) => {
      if (creating) {
        event.preventDefault();
        resolve({ kind: 'missing' });
      } else {
        reject(request.error);
      }
    };
  });
}

function notCreatedYet(waitedMs: number): CloudSyncError {
  return new CloudSyncError(
    'host-unavailable',
    "TypingMind has not created its database in this browser yet, so there is nothing to sync here. " +
      'Use TypingMind once (open or start a chat), then sync again.',
    { details: { waitedMs } },
  );
}

function missingStore(): CloudSyncError {
  return new CloudSyncError(
    'host-unavailable',
    `TypingMind's database "${KEYVAL_DATABASE}" exists but has no "${KEYVAL_STORE}" table, so it cannot be read. ` +
      'This can happen when an older sync extension opened it before TypingMind did. Reload TypingMind; if this stays, ' +
      'export your data from TypingMind and clear the site data.',
  );
}

export function createKeyvalConnection(factory: IDBFactory, options: WaitForDatabaseOptions = {}): KeyvalConnection {
  const initialDelay = options.initialDelayMs ?? 250;
  const maxDelay = options.maxDelayMs ?? 4000;
  const timeout = options.timeoutMs ?? 60_000;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? runtimeSleep;

  let current: Promise<IDBPDatabase> | undefined;
  let raw: IDBDatabase | undefined;

  const forget = (db: IDBDatabase) => {
    if (raw === db) {
      raw = undefined;
      current = undefined;
    }
  };

  const adopt = (db: IDBDatabase): IDBPDatabase => {
    raw = db;
    // TypingMind wants to upgrade (or delete) its database: step aside at once, reopen on next use.
    db.addEventListener('versionchange', () => {
      db.close();
      forget(db);
    });
    // The browser closed it under us (storage cleared, disk error).
    db.addEventListener('close', () => forget(db));
    return wrap(db);
  };

  async function openWhenReady(): Promise<IDBPDatabase> {
    const started = now();
    let delay = initialDelay;
    for (;;) {
      let attempt: OpenAttempt;
      try {
        attempt = (await isListed(factory)) === false ? { kind: 'missing' } : await openIfExists(factory);
      } catch (e) {
        throw hostUnavailable('open the database', e);
      }
      if (attempt.kind === 'open') {
        if (!attempt.db.objectStoreNames.contains(KEYVAL_STORE)) {
          attempt.db.close();
          throw missingStore();
        }
        return adopt(attempt.db);
      }
      const waited = now() - started;
      if (waited >= timeout) throw notCreatedYet(waited);
      await sleep(Math.min(delay, Math.max(0, timeout - waited)));
      delay = Math.min(delay * 2, maxDelay);
    }
  }

  return {
    database() {
      if (!current) {
        const opening = openWhenReady();
        current = opening;
        opening.catch(() => {
          if (current === opening) current = undefined;
        });
      }
      return current;
    },
    reset() {
      current = undefined;
      raw = undefined;
    },
    close() {
      raw?.close();
      raw = undefined;
      current = undefined;
    },
  };
}
