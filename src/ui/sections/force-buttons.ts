/**
 * "Import ↙" and "Export ↗" in the diagnostics section (original-ui.md §2.5, §2.14): Force Import and Force
 * Export. A second click confirms, after the original's warning is shown in the action line (instead of its
 * blocking confirm()); the button says "Importing..." / "Exporting..." while it runs (the progress bar shows the
 * snapshot and the transfers), then "Success!" or "Failed" for 2 s. Disabled while nothing is configured.
 */
import type { ForceController } from '../controller';
import { confirmTwice } from '../confirm-twice';
import { h } from '../dom';

type Say = (text: string, tone: 'info' | 'ok' | 'error') => void;

/** The original's confirmation texts, and what this build adds: the snapshot taken first. */
export const FORCE_WARNINGS = {
  export:
    '⚠️ WARNING: This will completely overwrite the data in your cloud storage with the data from THIS BROWSER. Any changes made on other devices that have not been synced here will be PERMANENTLY LOST. ' +
    'A snapshot of the cloud is taken first (Available Backups). Click "Confirm export" to proceed.',
  import:
    '⚠️ WARNING: This will completely overwrite the data in THIS BROWSER with the data from your cloud storage. Any local changes you have made that are not saved in the cloud will be PERMANENTLY LOST. ' +
    "A snapshot of this browser's data is saved to the cloud first (Available Backups). Click \"Confirm import\" to proceed.",
} as const;

export interface ForceButtons {
  element: HTMLElement;
  setEnabled(on: boolean): void;
  cleanup(): void;
}

export function buildForceButtons(doc: Document, force: ForceController, say: Say): ForceButtons {
  const importButton = h(doc, 'button', { type: 'button', id: 'force-import-btn', class: 'tcs-btn tcs-btn-blue', title: 'Force Import from Cloud\nOverwrites local data with cloud data.', disabled: true }, 'Import ↙');
  const exportButton = h(doc, 'button', { type: 'button', id: 'force-export-btn', class: 'tcs-btn tcs-btn-blue', title: 'Force Export to Cloud\nOverwrites cloud data with local data.', disabled: true }, 'Export ↗');
  const element = h(doc, 'div', { class: 'tcs-actions', style: 'justify-content:flex-end;margin-top:.5rem' }, importButton, exportButton);
  let enabled = false;
  const timers: ReturnType<typeof setTimeout>[] = [];

  const wire = (button: HTMLButtonElement, direction: 'import' | 'export', idle: string, running: string) =>
    confirmTwice(button, { idle, armed: direction === 'import' ? 'Confirm import' : 'Confirm export', onArm: () => say(FORCE_WARNINGS[direction], 'info') }, async () => {
      importButton.disabled = exportButton.disabled = true;
      button.textContent = running;
      say(`${running}`, 'info');
      const o = await force[direction]().catch((e: unknown) => ({ ok: false, message: e instanceof Error ? e.message : String(e) }));
      say(o.ok ? `✅ ${o.message}` : `❌ ${o.message}`, o.ok ? 'ok' : 'error');
      button.textContent = o.ok ? 'Success!' : 'Failed';
      timers.push(
        setTimeout(() => {
          button.textContent = idle;
          importButton.disabled = exportButton.disabled = !enabled;
        }, 2000),
      );
    });
  const disarms = [wire(importButton, 'import', 'Import ↙', 'Importing...'), wire(exportButton, 'export', 'Export ↗', 'Exporting...')];

  return {
    element,
    setEnabled(on) {
      enabled = on;
      importButton.disabled = exportButton.disabled = !on;
    },
    cleanup() {
      for (const d of disarms) d();
      for (const t of timers) clearTimeout(t);
    },
  };
}
