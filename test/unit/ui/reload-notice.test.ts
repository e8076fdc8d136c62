// @vitest-environment happy-dom
import { beforeEach, describe, expect, it } from 'vitest';
import { NOTICE_ID, noticeText, showReloadNotice } from '../../../src/ui/reload-notice';

beforeEach(() => document.body.replaceChildren());

describe('reload notice', () => {
  it('words the count', () => {
    expect(noticeText(1)).toBe('1 item was updated from another device.');
    expect(noticeText(4)).toBe('4 items were updated from another device.');
    expect(noticeText(0)).toBe('Updated from another device.');
  });

  it('is one polite notice whose count adds up, reloads only when asked, and can be dismissed', () => {
    let reloads = 0;
    showReloadNotice(document, 2, () => reloads++);
    showReloadNotice(document, 3, () => reloads++);
    const notices = document.querySelectorAll(`#${NOTICE_ID}`);
    expect(notices).toHaveLength(1);
    const notice = notices[0] as HTMLElement;
    expect(notice.getAttribute('role')).toBe('status');
    expect(notice.textContent).toContain('5 items were updated from another device. Reload to see the changes.');
    expect(reloads).toBe(0);
    [...notice.querySelectorAll('button')].find((b) => b.textContent === 'Reload')!.click();
    expect(reloads).toBe(1);
    [...notice.querySelectorAll('button')].find((b) => b.textContent === 'Later')!.click();
    expect(document.getElementById(NOTICE_ID)).toBeNull();
    showReloadNotice(document, 1, () => {});
    expect(document.getElementById(NOTICE_ID)!.textContent).toContain('1 item was updated');
  });
});
