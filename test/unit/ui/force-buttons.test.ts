// @vitest-environment happy-dom
import { beforeEach, describe, expect, it } from 'vitest';
import type { ActionOutcome } from '../../../src/ui/controller';
import { openSyncModal } from '../../../src/ui/modal';
import { FakeController } from '../../support/ui-controller';

const flush = async () => {
  for (let i = 0; i < 4; i++) await new Promise((r) => setTimeout(r, 0));
};
const el = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

let ctl: FakeController;
let calls: string[];
let outcome: ActionOutcome;

beforeEach(() => {
  document.body.replaceChildren();
  calls = [];
  outcome = { ok: true, message: 'Force Export done.' };
  ctl = new FakeController();
  ctl.state = { ...ctl.state, configured: true };
  ctl.force = {
    export: async () => (calls.push('export'), outcome),
    import: async () => (calls.push('import'), outcome),
  };
});

describe('Import ↙ and Export ↗', () => {
  it('sit in the diagnostics section with the original ids, texts and tooltips', async () => {
    await openSyncModal(document, ctl).ready;
    const imp = el<HTMLButtonElement>('force-import-btn');
    const exp = el<HTMLButtonElement>('force-export-btn');
    expect(el('sync-diagnostics-content').contains(imp)).toBe(true);
    expect([imp.textContent, exp.textContent]).toEqual(['Import ↙', 'Export ↗']);
    expect(imp.title).toBe('Force Import from Cloud\nOverwrites local data with cloud data.');
    expect(exp.title).toBe('Force Export to Cloud\nOverwrites cloud data with local data.');
    expect(imp.disabled || exp.disabled).toBe(false);
  });

  it('are disabled while nothing is configured, and in NoSync mode', async () => {
    ctl.state = { ...ctl.state, configured: false };
    await openSyncModal(document, ctl).ready;
    expect(el<HTMLButtonElement>('force-export-btn').disabled).toBe(true);
    document.body.replaceChildren();
    ctl.state = { ...ctl.state, configured: true, noSync: true };
    const m = openSyncModal(document, ctl);
    await m.ready;
    expect(el<HTMLButtonElement>('force-import-btn').disabled).toBe(true);
    m.close();
  });

  it('export runs only after a second click that follows the warning, and says what it did', async () => {
    await openSyncModal(document, ctl).ready;
    const exp = el<HTMLButtonElement>('force-export-btn');
    exp.click();
    await flush();
    expect(calls).toEqual([]);
    expect(exp.textContent).toBe('Confirm export');
    expect(el('action-msg').textContent).toMatch(/overwrite the data in your cloud storage with the data from THIS BROWSER.*snapshot of the cloud is taken first/);
    exp.click();
    await flush();
    expect(calls).toEqual(['export']);
    expect(exp.textContent).toBe('Success!');
    expect(el('action-msg').textContent).toBe('✅ Force Export done.');
  });

  it('import shows the failure as the original words it', async () => {
    outcome = { ok: false, message: 'Force Import failed: The cloud holds no items.' };
    await openSyncModal(document, ctl).ready;
    const imp = el<HTMLButtonElement>('force-import-btn');
    imp.click();
    expect(el('action-msg').textContent).toMatch(/overwrite the data in THIS BROWSER/);
    imp.click();
    await flush();
    expect(calls).toEqual(['import']);
    expect(imp.textContent).toBe('Failed');
    expect(el('action-msg').textContent).toBe('❌ Force Import failed: The cloud holds no items.');
  });
});
