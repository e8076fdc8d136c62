/**
 * The extension's log. Unlike the original (§10), which dropped every line, errors included, unless `?log` was
 * set, this keeps recent entries in a ring buffer for the modal's log viewer, always keeps errors and warnings,
 * and writes to the console only when logging is on. Everything passes through the redactor first, so no secret
 * reaches the console or the buffer.
 */
import { createRedactor, type Redactor } from './redact';

export type LogLevel = 'debug' | 'info' | 'start' | 'success' | 'skip' | 'warn' | 'error';

export interface LogEntry {
  /** Increases by one per entry; lets the log viewer ask for what is new. */
  seq: number;
  time: number;
  level: LogLevel;
  /** Which part of the extension wrote it ("scheduler", "s3", …), or '' for the app. */
  scope: string;
  message: string;
  /** Redacted copy of the extra data, safe to show and to export. */
  data?: unknown;
}

/** The original's icons, so a user comparing both consoles recognises the lines. */
const ICONS: Record<LogLevel, string> = {
  debug: '·',
  info: 'ℹ️',
  start: '🔄',
  success: '✅',
  skip: '⏭️',
  warn: '⚠️',
  error: '❌',
};

export interface Log {
  debug(message: string, data?: unknown): void;
  info(message: string, data?: unknown): void;
  start(message: string, data?: unknown): void;
  success(message: string, data?: unknown): void;
  skip(message: string, data?: unknown): void;
  warn(message: string, data?: unknown): void;
  error(message: string, data?: unknown): void;
  /** A log whose entries carry `scope`; same buffer, same switch. */
  scoped(scope: string): Log;
}

export interface Logger extends Log {
  readonly enabled: boolean;
  setEnabled(on: boolean): void;
  /** Recent entries, oldest first; errors and warnings survive floods of chatter. */
  entries(sinceSeq?: number): LogEntry[];
  clear(): void;
  /** Called for every kept entry (the log viewer's live view). Returns an unsubscribe. */
  subscribe(listener: (entry: LogEntry) => void): () => void;
  /** Registers a secret value (password, secret key, token) that must never be printed. */
  addSecret(value: string | null | undefined): void;
  readonly redactor: Redactor;
}

export type ConsoleLike = Pick<Console, 'log' | 'warn' | 'error' | 'debug'>;

export interface LoggerOptions {
  enabled?: boolean;
  /** Entries kept in the main ring. */
  capacity?: number;
  /** Warnings and errors kept in their own ring, so chatter cannot push them out. */
  problemCapacity?: number;
  console?: ConsoleLike;
  now?: () => number;
  redactor?: Redactor;
}

/** The original's switch: any `log` parameter in the page URL (`?log`, `?log=`, `?log=true`). */
export function isLoggingRequested(search: string): boolean {
  try {
    return new URLSearchParams(search).has('log');
  } catch {
    return false;
  }
}

/**
 * The address with logging switched on (`?log=` added) or off (`log` removed), for `history.replaceState`:
 * the original's only way to keep the switch across reloads (§10). Other parameters and the hash are kept.
 */
export function loggingUrl(href: string, on: boolean): string {
  const url = new URL(href);
  if (on) {
    if (!url.searchParams.has('log')) url.searchParams.set('log', '');
  } else {
    url.searchParams.delete('log');
  }
  return url.href;
}

/** A fixed-size ring: O(1) push, oldest entry dropped when full. */
class Ring<T> {
  private items: (T | undefined)[];
  private start = 0;
  private size = 0;
  constructor(readonly capacity: number) {
    this.items = new Array(Math.max(1, capacity));
  }
  push(item: T): void {
    const cap = this.items.length;
    if (this.size < cap) {
      this.items[(this.start + this.size) % cap] = item;
      this.size++;
    } else {
      this.items[this.start] = item;
      this.start = (this.start + 1) % cap;
    }
  }
  toArray(): T[] {
    const out: T[] = [];
    for (let i = 0; i < this.size; i++) out.push(this.items[(this.start + i) % this.items.length] as T);
    return out;
  }
  clear(): void {
    this.items = new Array(this.items.length);
    this.start = 0;
    this.size = 0;
  }
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const out: ConsoleLike = options.console ?? console;
  const now = options.now ?? (() => Date.now());
  const redactor = options.redactor ?? createRedactor();
  const main = new Ring<LogEntry>(options.capacity ?? 500);
  const problems = new Ring<LogEntry>(options.problemCapacity ?? 100);
  const subscribers = new Set<(entry: LogEntry) => void>();
  let enabled = options.enabled ?? false;
  let seq = 0;

  const write = (level: LogLevel, scope: string, message: string, data: unknown) => {
    // Debug chatter is only worth its cost when someone asked for logs.
    if (level === 'debug' && !enabled) return;
    const entry: LogEntry = { seq: ++seq, time: now(), level, scope, message: redactor.redactText(String(message)) };
    if (data !== undefined) entry.data = redactor.redact(data);
    main.push(entry);
    if (level === 'warn' || level === 'error') problems.push(entry);
    for (const listener of [...subscribers]) {
      try {
        listener(entry);
      } catch {
        // A broken log viewer must not break logging.
      }
    }
    if (!enabled) return;
    const stamp = new Date(entry.time).toLocaleTimeString();
    const line = `${ICONS[level]} [${stamp}]${scope ? ` [${scope}]` : ''} ${entry.message}`;
    const args: unknown[] = entry.data === undefined ? [line] : [line, entry.data];
    if (level === 'error') out.error(...args);
    else if (level === 'warn') out.warn(...args);
    else if (level === 'debug') out.debug(...args);
    else out.log(...args);
  };

  const makeLog = (scope: string): Log => ({
    debug: (m, d) => write('debug', scope, m, d),
    info: (m, d) => write('info', scope, m, d),
    start: (m, d) => write('start', scope, m, d),
    success: (m, d) => write('success', scope, m, d),
    skip: (m, d) => write('skip', scope, m, d),
    warn: (m, d) => write('warn', scope, m, d),
    error: (m, d) => write('error', scope, m, d),
    scoped: (child) => makeLog(scope ? `${scope}/${child}` : child),
  });

  return {
    ...makeLog(''),
    get enabled() {
      return enabled;
    },
    setEnabled(on) {
      enabled = on;
    },
    entries(sinceSeq = 0) {
      const merged = new Map<number, LogEntry>();
      for (const e of problems.toArray()) merged.set(e.seq, e);
      for (const e of main.toArray()) merged.set(e.seq, e);
      return [...merged.values()].filter((e) => e.seq > sinceSeq).sort((a, b) => a.seq - b.seq);
    },
    clear() {
      main.clear();
      problems.clear();
    },
    subscribe(listener) {
      subscribers.add(listener);
      return () => {
        subscribers.delete(listener);
      };
    },
    addSecret: (value) => redactor.addSecret(value),
    redactor,
  };
}
