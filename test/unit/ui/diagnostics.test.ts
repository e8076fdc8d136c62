// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SyncStatus } from '../../../src/api';
import type { SyncCounts, UiSnapshot } from '../../../src/ui/controller';
import { openSyncModal } from '../../../src/ui/modal';
import { diagnosticsRows, verdict } from '../../../src/ui/sections/diagnostics';
import { FakeController } from '../../support/ui-controller';

const status = (patch: Partial<SyncStatus> = {}): SyncStatus => ({ state: 'success', lastSync: 1, pending: 0, leader: true, ...patch });
const counts = (patch: Partial<SyncCounts> = {}): SyncCounts => ({
  localItems: 9,
  cloudItems: 9,
  chatsLocal: 3,
  chatsCloud: 3,
  excluded: ['TM_useLastVerifiedToken'],
  skipped: [],
  conflicts: 0,
  onlyLocal: [],
  onlyCloud: [],
  at: 1,
  ...patch,
});
const snap = (s: Partial<UiSnapshot> = {}): UiSnapshot => ({ status: status(), setupNotice: false, ...s });
const labels = (s: UiSnapshot) => diagnosticsRows(s).map((r) => r.label);

describe('diagnostics rows and verdict (pure)', () => {
  it('lists the counts the original README asks users to compare, when they are known', () => {
    expect(labels(snap({ counts: counts() }))).toEqual([
      'State',
      '📱 Local Items',
      '☁️ Cloud Items',
      '💬 Chats (local ⟷ cloud)',
      '⏭️ Excluded',
      '⚠️ Skipped or unreadable',
      '🔀 Conflicts',
      'Last sync',
      'Changes waiting to upload',
      'This tab',
    ]);
    expect(diagnosticsRows(snap({ counts: counts() })).find((r) => r.label.startsWith('💬'))).toEqual({ label: '💬 Chats (local ⟷ cloud)', value: '3 ⟷ 3' });
  });

  it('has no "This tab" row where no tab syncs (unconfigured, NoSync)', () => {
    expect(labels(snap({ status: status({ state: 'unconfigured', leader: false }) }))).not.toContain('This tab');
    expect(labels(snap({ status: status({ state: 'disabled', leader: false }) }))).not.toContain('This tab');
    expect(diagnosticsRows(snap({ status: status({ leader: false }) })).find((r) => r.label === 'This tab')).toEqual({ label: 'This tab', value: 'Another tab runs the syncs' });
  });

  it('says "in sync" only when nothing differs and nothing waits', () => {
    expect(verdict(snap({ counts: counts() }))).toEqual({ ok: true, text: 'In sync: 9 items on this device and in the cloud.' });
    expect(verdict(snap({ counts: counts(), status: status({ pending: 2 }) }))).toEqual({ ok: false, text: 'In sync apart from 2 changes waiting to upload (sent at the next sync).' });
    const differ = verdict(snap({ counts: counts({ onlyLocal: ['a', 'b'], onlyCloud: ['c'], skipped: [{ key: 'b', message: 'corrupt' }] }) }));
    // 'b' is both only-local and skipped: three keys differ, each reason counted.
    expect(differ).toEqual({ ok: false, text: '3 items differ: 2 only on this device (not uploaded yet), 1 only in the cloud (not downloaded yet), 1 could not be synced.' });
    expect(verdict(snap({ status: status({ state: 'unconfigured' }) })).text).toMatch(/^Not set up yet/);
    expect(verdict(snap({ status: status({ state: 'disabled' }) })).text).toMatch(/\?nosync/);
    expect(verdict(snap()).text).toMatch(/^Not compared yet/);
  });
});

describe('diagnostics in the modal', () => {
  let ctl: FakeController;
  beforeEach(() => {
    document.body.replaceChildren();
    ctl = new FakeController();
    ctl.state = { ...ctl.state, configured: true };
  });
  afterEach(() => document.getElementById('close-modal')?.click());

  it('asks for fresh counts on open, redraws live, and lists excluded and skipped keys as text on click', async () => {
    const modal = openSyncModal(document, ctl);
    await modal.ready;
    expect(ctl.countRequests).toBe(1);
    expect(ctl.countWatchers).toBe(1);
    ctl.push({ status: status(), counts: counts({ skipped: [{ key: 'CHAT_x', message: '<b>bad</b> object' }] }) });
    const cell = (label: string) => [...document.querySelectorAll('#sync-diagnostics-body tr')].find((tr) => tr.firstElementChild!.textContent === label)!.lastElementChild!;
    expect(cell('📱 Local Items').textContent).toBe('9');
    expect(document.getElementById('sync-diagnostics-verdict')!.textContent).toBe('1 item differs: 1 could not be synced.');
    const list = document.getElementById('sync-diagnostics-keys')!;
    expect(list.hidden).toBe(true);
    (cell('⚠️ Skipped or unreadable').querySelector('button') as HTMLButtonElement).click();
    expect(list.hidden).toBe(false);
    expect([...list.querySelectorAll('li')].map((li) => li.textContent)).toEqual(['CHAT_x: <b>bad</b> object']);
    expect(list.querySelector('b')).toBeNull();
    // The open list follows the next snapshot.
    ctl.push({ counts: counts({ skipped: [] }) });
    expect((cell('⚠️ Skipped or unreadable').querySelector('button') as HTMLButtonElement).disabled).toBe(true);
    expect(document.getElementById('sync-diagnostics-verdict')!.textContent).toBe('In sync: 9 items on this device and in the cloud.');
    (cell('⏭️ Excluded').querySelector('button') as HTMLButtonElement).click();
    expect([...list.querySelectorAll('li')].map((li) => li.textContent)).toEqual(['TM_useLastVerifiedToken']);
    // Opening the section again asks for fresh counts again.
    document.getElementById('sync-diagnostics-header')!.click();
    document.getElementById('sync-diagnostics-header')!.click();
    expect(ctl.countRequests).toBe(2);
    modal.close();
    // Closed: nobody looks at the counts, so syncs no longer list the whole store to make them.
    expect(ctl.countWatchers).toBe(0);
  });
});
