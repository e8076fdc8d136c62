// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SyncStatus } from '../../../src/api';
import { dotFor, DOT_COLOURS } from '../../../src/ui/status-dot';
import { copyableClasses, isPinned, mountSyncButton, type SyncButtonHandle } from '../../../src/ui/sync-button';
import { mountUi } from '../../../src/ui/mount-ui';
import { FakeController } from '../../support/ui-controller';

const EXPANDED = 'text-white/70 sm:hover:bg-white/20 inline-flex rounded-xl px-0.5 py-1.5 flex-col h-12 shrink-0 focus:outline-0';
const PINNED = 'text-white/70 sm:hover:bg-white/20 flex rounded-[10px] w-9 h-9 items-center justify-center shrink-0';
const tick = () => new Promise((r) => setTimeout(r, 0));
const status = (state: SyncStatus['state'], lastSync = 0): SyncStatus => ({ state, lastSync, pending: 0, leader: true });

function tabBar(withChat = true) {
  const bar = document.createElement('div');
  bar.id = 'bar';
  const tab = (id: string, cls: string) => {
    const b = document.createElement('button');
    b.setAttribute('data-element-id', id);
    b.className = cls;
    b.textContent = id;
    return b;
  };
  if (withChat) bar.append(tab('workspace-tab-chat', `${EXPANDED} active`));
  bar.append(tab('workspace-tab-agents', EXPANDED), tab('workspace-tab-settings', `${EXPANDED} active aria-selected:bg-white selected`));
  document.body.append(bar);
  return bar;
}
const syncButton = () => document.querySelector<HTMLButtonElement>('[data-element-id="workspace-tab-cloudsync"]');
const order = () => [...document.getElementById('bar')!.children].map((c) => c.getAttribute('data-element-id'));

let handle: SyncButtonHandle | undefined;
beforeEach(() => {
  document.head.replaceChildren();
  document.body.replaceChildren();
});
afterEach(() => {
  handle?.dispose();
  handle = undefined;
});

describe('pure parts', () => {
  it('copies the Settings classes without its state classes', () => {
    expect(copyableClasses('a  active b aria-selected:x selected c')).toEqual(['a', 'b', 'c']);
    expect(isPinned(['w-9', 'h-9', 'flex'])).toBe(true);
    expect(isPinned(['w-9', 'h-12'])).toBe(false);
  });

  it('gives the original colours and hides the dot until there is something to say', () => {
    expect(dotFor(status('syncing'))).toMatchObject({ visible: true, color: '#3b82f6' });
    expect(dotFor(status('success'))).toMatchObject({ visible: true, color: '#22c55e' });
    expect(dotFor(status('error'))).toMatchObject({ visible: true, color: '#ef4444' });
    expect(dotFor({ ...status('error'), error: 'Bucket not found' }).label).toBe('Sync error: Bucket not found');
    expect(dotFor(status('idle', 1)).color).toBe(DOT_COLOURS.success);
    expect(dotFor(status('idle', 0)).visible).toBe(false);
    expect(dotFor(status('unconfigured')).visible).toBe(false);
    expect(dotFor(status('disabled')).visible).toBe(false);
  });
});

describe('sidebar Sync button', () => {
  it('goes right after the Chat tab with the Settings classes, the icon, the label and a hidden dot', () => {
    tabBar();
    handle = mountSyncButton(document, () => {});
    expect(order()).toEqual(['workspace-tab-chat', 'workspace-tab-cloudsync', 'workspace-tab-agents', 'workspace-tab-settings']);
    const b = syncButton()!;
    const classes = b.className.split(' ');
    for (const c of copyableClasses(EXPANDED)) expect(classes).toContain(c);
    expect(classes).not.toContain('active');
    expect(classes).not.toContain('selected');
    expect(b.getAttribute('data-tooltip-id')).toBe('global');
    expect(b.getAttribute('data-tooltip-place')).toBe('right');
    expect(b.textContent).toBe('Sync');
    expect(b.querySelectorAll('svg path')).toHaveLength(2);
    expect(b.querySelectorAll('svg polyline')).toHaveLength(2);
    const dot = b.querySelector<HTMLElement>('#sync-status-dot')!;
    expect(dot.style.display).not.toBe('block');
    expect(document.querySelectorAll('#tcs-style')).toHaveLength(1);
  });

  it('calls onClick', () => {
    tabBar();
    let clicks = 0;
    handle = mountSyncButton(document, () => clicks++);
    syncButton()!.click();
    expect(clicks).toBe(1);
  });

  it('waits for a Chat tab that appears late, however late', async () => {
    const bar = tabBar(false);
    handle = mountSyncButton(document, () => {});
    expect(syncButton()).toBeNull();
    await new Promise((r) => setTimeout(r, 50));
    const chat = document.createElement('button');
    chat.setAttribute('data-element-id', 'workspace-tab-chat');
    bar.prepend(chat);
    await tick();
    expect(order().slice(0, 2)).toEqual(['workspace-tab-chat', 'workspace-tab-cloudsync']);
  });

  it('comes back when the app re-renders the tab bar, keeping the dot colour', async () => {
    tabBar();
    handle = mountSyncButton(document, () => {});
    handle.setStatus(status('error'));
    document.getElementById('bar')!.remove();
    await tick();
    expect(syncButton()).toBeNull();
    tabBar();
    await tick();
    expect(order()).toEqual(['workspace-tab-chat', 'workspace-tab-cloudsync', 'workspace-tab-agents', 'workspace-tab-settings']);
    const dot = syncButton()!.querySelector<HTMLElement>('#sync-status-dot')!;
    expect(dot.style.display).toBe('block');
    expect(dot.style.backgroundColor).toMatch(/#ef4444|rgb\(239, 68, 68\)/);
    expect(document.querySelectorAll('[data-element-id="workspace-tab-cloudsync"]')).toHaveLength(1);
  });

  it('turns icon-only with a tooltip when the sidebar is pinned, and back', async () => {
    tabBar();
    handle = mountSyncButton(document, () => {});
    handle.setStatus(status('success'));
    const settings = document.querySelector('[data-element-id="workspace-tab-settings"]')!;
    settings.className = PINNED;
    await tick();
    const b = syncButton()!;
    expect(b.textContent).toBe('');
    expect(b.getAttribute('data-tooltip-content')).toBe('Sync');
    expect(b.className.split(' ')).toEqual(expect.arrayContaining(['w-9', 'h-9']));
    expect(b.querySelector<HTMLElement>('#sync-status-dot')!.style.display).toBe('block');
    settings.className = EXPANDED;
    await tick();
    expect(b.textContent).toBe('Sync');
    expect(b.hasAttribute('data-tooltip-content')).toBe(false);
  });

  it('follows the controller status and opens the modal on click (mountUi)', async () => {
    tabBar();
    const ctl = new FakeController();
    const ui = mountUi(document, ctl);
    const dot = () => syncButton()!.querySelector<HTMLElement>('#sync-status-dot')!;
    expect(dot().style.display).not.toBe('block');
    ctl.emit(status('syncing'));
    expect(dot().style.display).toBe('block');
    expect(dot().style.backgroundColor).toMatch(/#3b82f6|rgb\(59, 130, 246\)/);
    expect(syncButton()!.getAttribute('aria-label')).toBe('Cloud Sync: Syncing');
    syncButton()!.click();
    expect(document.querySelector('[role="dialog"]')).not.toBeNull();
    document.getElementById('close-modal')!.click();
    ui.dispose();
    expect(syncButton()).toBeNull();
  });
});
