/**
 * The quiet "updated from another device" notice. TypingMind keeps chats in memory, so values the sync wrote
 * into its storage show only after a reload; reloading on its own would lose what the user is typing, so the
 * user decides. One notice at a time: it adds up its count instead of stacking.
 */
export const NOTICE_ID = 'tcs-reload-notice';

export function noticeText(count: number): string {
  if (count <= 0) return 'Updated from another device.';
  return count === 1 ? '1 item was updated from another device.' : `${count} items were updated from another device.`;
}

export function showReloadNotice(doc: Document, count: number, reload: () => void = () => doc.defaultView?.location.reload()): void {
  if (!doc.body) return;
  let box = doc.getElementById(NOTICE_ID);
  if (!box) {
    box = doc.createElement('div');
    box.id = NOTICE_ID;
    box.setAttribute('role', 'status');
    box.dataset.count = '0';
    // Inline styles: the notice must look right without the host's CSS and without the modal's stylesheet.
    box.style.cssText =
      'position:fixed;right:16px;bottom:16px;z-index:2147483000;display:flex;gap:10px;align-items:center;' +
      'padding:10px 14px;border-radius:8px;background:#1f2937;color:#f9fafb;font:14px/1.4 system-ui,sans-serif;' +
      'box-shadow:0 4px 16px rgba(0,0,0,.25)';
    const text = doc.createElement('span');
    text.className = 'tcs-reload-text';
    const button = (label: string, onClick: () => void, primary: boolean) => {
      const b = doc.createElement('button');
      b.type = 'button';
      b.textContent = label;
      b.style.cssText = `border:0;border-radius:6px;padding:4px 10px;cursor:pointer;font:inherit;${primary ? 'background:#3b82f6;color:#fff' : 'background:transparent;color:inherit'}`;
      b.addEventListener('click', onClick);
      return b;
    };
    box.append(text, button('Reload', () => reloadFns.get(box!)?.(), true), button('Later', () => box?.remove(), false));
    doc.body.append(box);
  }
  reloadFns.set(box, reload);
  const total = Number(box.dataset.count ?? 0) + count;
  box.dataset.count = String(total);
  box.querySelector('.tcs-reload-text')!.textContent = `${noticeText(total)} Reload to see the changes.`;
}

const reloadFns = new WeakMap<HTMLElement, () => void>();
