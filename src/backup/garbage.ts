/**
 * Garbage collection (docs/backups.md, "Garbage"): deletes the item and attachment objects no `metadata.json`
 * entry names once they are old enough (garbage-plan.ts decides; this is the I/O around it).
 *
 * Order: both prefixes are listed first and the index is read after the listing, fresh (no If-None-Match). An
 * entry committed before that read is seen, and an object uploaded after the listing is not looked at, so the
 * only unseen window is the read and the deletes that follow it. Nothing is deleted when the index is missing,
 * not JSON, not an index (no `items`, e.g. a V2 bucket), or empty: read as empty, every object would look
 * orphaned.
 */
import { METADATA_KEY, metadataFromJson, type Metadata } from '../cloud';
import type { ListEntry } from '../providers/cloud-store';
import type { BackupDeps, RunOptions } from './backup-deps';
import { describeError, isFatalStoreError } from './copy-objects';
import { DELETE_CHUNK } from './folder-store';
import { GARBAGE_PREFIXES, planGarbage, referenceTime } from './garbage-plan';

export type GarbageRefusal = 'no-index' | 'damaged-index' | 'not-an-index' | 'empty-index';

export interface GarbageOutcome {
  /** How many objects were deleted. */
  removed: number;
  /** Their size in bytes, as listed. */
  bytes: number;
  /** The object keys deleted. */
  keys: string[];
  /** Objects no entry names, kept because they are younger than the minimum age (or of unknown age). */
  young: number;
  /** Objects whose delete failed; they are tried again next time. */
  failed: number;
  /** Set when nothing was deleted because the index could not be trusted; `message` says why. */
  refused?: GarbageRefusal;
  /** Why nothing (or not everything) was deleted, for the log and the UI. */
  message?: string;
}

export interface GarbageOptions extends RunOptions {
  /** How old an unnamed object must be (default 24 hours, GARBAGE_MIN_AGE_MS). */
  minAgeMs?: number;
}

function nothing(extra: Partial<GarbageOutcome> = {}): GarbageOutcome {
  return { removed: 0, bytes: 0, keys: [], young: 0, failed: 0, ...extra };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

type IndexRead = { kind: 'ok'; metadata: Metadata; lastModified?: number } | { kind: 'refused'; reason: GarbageRefusal; message: string };

const KEPT = 'No object was deleted.';

async function readIndex(deps: BackupDeps, options: RunOptions): Promise<IndexRead> {
  const res = await deps.store.get(METADATA_KEY, { signal: options.signal });
  if (res.kind !== 'found') {
    return { kind: 'refused', reason: 'no-index', message: `Garbage collection skipped: the bucket has no metadata.json, so every object would look unused. ${KEPT}` };
  }
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(res.body).trim());
  } catch {
    return { kind: 'refused', reason: 'damaged-index', message: `Garbage collection skipped: metadata.json is not valid JSON. ${KEPT}` };
  }
  if (!isPlainObject(value) || !isPlainObject(value.items)) {
    return { kind: 'refused', reason: 'not-an-index', message: `Garbage collection skipped: metadata.json has no "items" (not an index this version writes). ${KEPT}` };
  }
  const metadata = metadataFromJson(value);
  if (Object.keys(metadata.items).length === 0) {
    return {
      kind: 'refused',
      reason: 'empty-index',
      message: `Garbage collection skipped: metadata.json lists no item at all, which looks more like a reset index than a bucket whose every item was deleted. ${KEPT}`,
    };
  }
  return { kind: 'ok', metadata, lastModified: res.lastModified };
}

async function listPrefixes(deps: BackupDeps, options: RunOptions): Promise<ListEntry[]> {
  const out: ListEntry[] = [];
  for (const prefix of GARBAGE_PREFIXES) {
    for await (const page of deps.store.list(prefix, { signal: options.signal })) out.push(...page);
  }
  return out;
}

export async function collectGarbage(deps: BackupDeps, options: GarbageOptions = {}): Promise<GarbageOutcome> {
  const objects = await listPrefixes(deps, options);
  const index = await readIndex(deps, options);
  if (index.kind === 'refused') {
    deps.log('info', index.message);
    return nothing({ refused: index.reason, message: index.message });
  }
  const now = referenceTime(deps.now(), [index.lastModified, ...objects.map((o) => o.lastModified)]);
  const plan = planGarbage({ metadata: index.metadata, objects, now, minAgeMs: options.minAgeMs });

  const sizes = new Map<string, number>();
  for (const o of objects) sizes.set(o.key, (sizes.get(o.key) ?? 0) + (Number.isFinite(o.size) && o.size > 0 ? o.size : 0));
  const out = nothing({ young: plan.young });
  let firstError: string | undefined;
  for (let i = 0; i < plan.keys.length; i += DELETE_CHUNK) {
    const chunk = plan.keys.slice(i, i + DELETE_CHUNK);
    try {
      await deps.store.deleteMany(chunk, { signal: options.signal });
    } catch (e) {
      if (isFatalStoreError(e)) throw e;
      out.failed += chunk.length;
      firstError ??= describeError(e);
      continue;
    }
    out.keys.push(...chunk);
    out.removed += chunk.length;
    for (const k of chunk) out.bytes += sizes.get(k) ?? 0;
  }
  if (firstError) {
    out.message = `${out.failed} unused object(s) could not be deleted (${firstError}); they are tried again next time.`;
    deps.log('warn', `Garbage collection: ${out.message}`);
  }
  if (out.removed) deps.log('info', describeGarbageOutcome(out));
  return out;
}

/** One line for the log or the UI's action area. */
export function describeGarbageOutcome(o: GarbageOutcome): string {
  if (o.refused) return o.message ?? `Garbage collection skipped (${o.refused}).`;
  const parts = [o.removed ? `Removed ${o.removed} unused object(s) from the bucket (${formatBytes(o.bytes)})` : 'No unused object to remove'];
  if (o.young) parts.push(`${o.young} recent one(s) kept for now`);
  if (o.failed) parts.push(`${o.failed} could not be deleted`);
  return `${parts.join('; ')}.`;
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MB`;
}
