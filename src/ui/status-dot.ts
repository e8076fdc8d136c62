/**
 * The status dot on the Sync button: which colour, and whether it shows at all. Pure.
 * Colours are the original's (original-ui.md §1.5); like the original, the dot stays hidden until the
 * extension is configured and has something to report.
 */
import type { SyncStatus } from '../api';

export const DOT_COLOURS = {
  syncing: '#3b82f6',
  success: '#22c55e',
  error: '#ef4444',
  warning: '#eab308',
  other: '#6b7280',
} as const;

export interface DotLook {
  visible: boolean;
  color: string;
  /** Read by screen readers on the button. */
  label: string;
}

export function dotFor(status: SyncStatus): DotLook {
  switch (status.state) {
    case 'syncing':
      return { visible: true, color: DOT_COLOURS.syncing, label: 'Syncing' };
    case 'success':
      return { visible: true, color: DOT_COLOURS.success, label: 'Synced' };
    case 'error':
      return { visible: true, color: DOT_COLOURS.error, label: status.error ? `Sync error: ${status.error}` : 'Sync error' };
    case 'needs-you':
      return { visible: true, color: DOT_COLOURS.warning, label: `Sync needs you: ${status.needs?.reason ?? status.error ?? 'open Sync'}` };
    case 'idle':
      // Green after a successful sync, as the original keeps it; nothing to say before the first one.
      return status.lastSync > 0
        ? { visible: true, color: DOT_COLOURS.success, label: 'Synced' }
        : { visible: false, color: DOT_COLOURS.other, label: 'Not synced yet' };
    case 'disabled':
      return { visible: false, color: DOT_COLOURS.other, label: 'Sync is off' };
    case 'unconfigured':
    default:
      return { visible: false, color: DOT_COLOURS.other, label: 'Not configured' };
  }
}
