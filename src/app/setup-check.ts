/**
 * Save's setup check as the modal lists it: the settings themselves, then each step of the connection probe,
 * each with ✓ / ✗ (or "skipped": an optional capability the storage lacks) and, for a failure, what to fix.
 * Pure.
 */
import type { SettingsProblem } from '../config';
import type { ProbeResult, ProbeStepName } from '../providers/probe';
import type { ProbeStep } from '../ui/controller';

export const STEP_LABELS: Record<ProbeStepName, string> = {
  list: 'List the bucket',
  write: 'Write a test object',
  read: 'Read it back',
  'conditional-create': 'Refuse to overwrite when asked (If-None-Match)',
  'conditional-update': 'Compare-and-swap (If-Match)',
  'conditional-get': 'Skip unchanged downloads (If-None-Match on read)',
  copy: 'Copy inside the storage (backups)',
  delete: 'Delete the test object',
};

/** The first line of the list: the settings passed the form's checks (or which did not). */
export function settingsStep(problems: SettingsProblem[]): ProbeStep {
  if (problems.length === 0) return { label: 'Settings filled in', state: 'ok', message: 'Every required field is filled in and valid.' };
  return { label: 'Settings filled in', state: 'failed', message: problems.map((p) => p.message).join(' ') };
}

export function probeSteps(probe: ProbeResult): ProbeStep[] {
  // A failed optional step (conditional writes, say) only means "not supported here": sync still works.
  return probe.steps.map((s) => ({
    label: STEP_LABELS[s.step] ?? s.step,
    state: s.ok ? 'ok' : s.required ? 'failed' : 'skipped',
    message: s.message + (s.cors ? `\n${s.cors.where}\n${s.cors.text}` : ''),
  }));
}
