/**
 * The lines a cycle writes to the log (pure): what it planned, for which keys and why, and what it did. Worded
 * for a bug report a user pastes: item keys and counts, never values (a chat's text stays on the device), and
 * secrets never reach here (the logger redacts what does).
 */
import type { CycleResult } from './engine-types';
import type { Action, ActionKind, LocalStatus, RemoteStatus } from './planner';

/** Keys named per group; the rest are counted. */
const NAMED = 10;

const LOCAL_WHY: Partial<Record<LocalStatus, string>> = { changed: 'edited here', new: 'new here', deleted: 'deleted here' };
const REMOTE_WHY: Partial<Record<RemoteStatus, string>> = {
  changed: 'changed in the cloud',
  new: 'new in the cloud',
  deleted: 'deleted in the cloud',
  'deleted-unknown': 'deleted in the cloud',
  vanished: 'gone from the cloud index',
};

const GROUPS: [ActionKind, string][] = [
  ['upload', 'upload'],
  ['download', 'download'],
  ['reconcile', 'merge (changed on both sides)'],
  ['tombstone', 'delete in the cloud'],
  ['delete-local', 'delete here'],
];

/** Why a key got its action: what changed on which side since the last sync. */
export function actionReason(a: Action): string {
  const why = [LOCAL_WHY[a.local], REMOTE_WHY[a.remote]].filter((w): w is string => w !== undefined);
  return why.length ? why.join(', ') : 'to match';
}

function named(actions: readonly Action[], reasons: boolean): string {
  const shown = actions.slice(0, NAMED).map((a) => (reasons ? `${a.key} (${actionReason(a)})` : a.key));
  const more = actions.length > NAMED ? `, … and ${actions.length - NAMED} more` : '';
  return `${shown.join(', ')}${more}`;
}

/** One line for a plan: each kind of work with its keys and reasons, then what needs nothing. */
export function describePlan(actions: readonly Action[], context: { full: boolean; indexChanged: boolean; force?: 'export' | 'import' }): string {
  const parts: string[] = [];
  for (const [kind, label] of GROUPS) {
    const of = actions.filter((a) => a.kind === kind);
    if (of.length) parts.push(`${label} ${of.length}: ${named(of, !context.force)}`);
  }
  const adopt = actions.filter((a) => a.kind === 'adopt').length;
  const rest = actions.filter((a) => a.kind === 'noop' || a.kind === 'forget').length;
  if (adopt) parts.push(`${adopt} already the same on both sides`);
  if (rest) parts.push(`${rest} unchanged`);
  const how = context.force
    ? `Force ${context.force === 'export' ? 'Export' : 'Import'}`
    : `${context.full ? 'full comparison' : 'changed keys only'}, cloud index ${context.indexChanged ? 'changed' : 'unchanged'}`;
  return `Plan (${actions.length} keys; ${how}): ${parts.length ? parts.join('; ') : 'nothing to do'}`;
}

/** One line for a finished cycle: what moved, what failed or waits, and what it cost. */
export function describeResult(r: CycleResult): { level: 'info' | 'warn'; line: string } {
  const cost = `${r.requests} request(s), ${r.durationMs} ms`;
  if (r.idle) return { level: 'info', line: `Sync: nothing changed anywhere (${cost})` };
  const parts = [`uploaded ${r.uploaded.length}`, `downloaded ${r.downloaded.length}`, `deleted ${r.deleted.length}`];
  if (r.conflicts.length) parts.push(`conflicts ${r.conflicts.length} (${r.conflicts.slice(0, NAMED).join(', ')}; see Conflicts)`);
  if (r.dropped.length) parts.push(`dropped from the index ${r.dropped.length}`);
  const problems: string[] = [];
  if (r.errors.length) problems.push(`skipped ${r.errors.length}: ${r.errors.slice(0, NAMED).map((e) => `${e.key} (${e.message})`).join('; ')}`);
  if (r.deferred.length) parts.push(`deferred ${r.deferred.length} to the next cycle: ${r.deferred.slice(0, NAMED).map((e) => `${e.key} (${e.message})`).join('; ')}`);
  if (r.held.length) problems.push(`${r.held.length} deletion(s) held for your answer: ${r.holdReason ?? ''}`.trim());
  const forced = r.forced ? `Force ${r.forced.direction === 'export' ? 'Export' : 'Import'} ` : '';
  return { level: problems.length ? 'warn' : 'info', line: `${forced}Sync done (${cost}): ${[...parts, ...problems].join('; ')}` };
}
