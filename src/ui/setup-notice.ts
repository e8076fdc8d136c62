/**
 * The first-time notice: on a page where Cloud Sync is not configured yet, a quiet box says what to do and
 * offers the settings. It does not block the page (the original showed an alert on every load, §3.3), and
 * once dismissed it stays away on this device (the app remembers that). A view of the snapshot's
 * `setupNotice`: shown while it is true.
 */
export const SETUP_NOTICE_ID = 'tcs-setup-notice';

export const SETUP_NOTICE_TEXT =
  'Cloud Sync is installed but not set up yet. Open Sync in the sidebar, choose your storage (Amazon S3 or S3-compatible, or Google Drive), enter the same encryption key on every device, and press Save.';

export interface SetupNotice {
  update(show: boolean): void;
  dispose(): void;
}

export function mountSetupNotice(doc: Document, actions: { open(): void; dismiss(): void }): SetupNotice {
  let box: HTMLElement | null = null;
  let wanted = false;

  const build = () => {
    const el = doc.createElement('div');
    el.id = SETUP_NOTICE_ID;
    el.setAttribute('role', 'status');
    el.setAttribute('aria-label', 'Cloud Sync setup');
    // Inline styles: the notice must look right without the host's CSS and before the modal's stylesheet.
    el.style.cssText =
      'position:fixed;left:16px;bottom:16px;z-index:2147483000;max-width:min(24rem,calc(100vw - 32px));box-sizing:border-box;' +
      'display:flex;flex-direction:column;gap:8px;padding:12px 14px;border-radius:8px;background:#1f2937;color:#f9fafb;' +
      'font:14px/1.4 system-ui,sans-serif;box-shadow:0 4px 16px rgba(0,0,0,.25)';
    const text = doc.createElement('p');
    text.style.cssText = 'margin:0';
    text.textContent = SETUP_NOTICE_TEXT;
    const row = doc.createElement('div');
    row.style.cssText = 'display:flex;gap:8px;justify-content:flex-end';
    const button = (id: string, label: string, primary: boolean, onClick: () => void) => {
      const b = doc.createElement('button');
      b.type = 'button';
      b.id = id;
      b.textContent = label;
      b.style.cssText = `border:0;border-radius:6px;padding:4px 10px;cursor:pointer;font:inherit;${primary ? 'background:#3b82f6;color:#fff' : 'background:transparent;color:inherit'}`;
      b.addEventListener('click', onClick);
      return b;
    };
    row.append(
      button('tcs-setup-notice-dismiss', 'Dismiss', false, () => actions.dismiss()),
      button('tcs-setup-notice-open', 'Set up Cloud Sync', true, () => actions.open()),
    );
    el.append(text, row);
    return el;
  };

  const update = (show: boolean) => {
    wanted = show;
    if (!show) {
      box?.remove();
      box = null;
      return;
    }
    if (box?.isConnected) return;
    if (!doc.body) {
      doc.addEventListener('DOMContentLoaded', () => update(wanted), { once: true });
      return;
    }
    box = build();
    doc.body.append(box);
  };
  return { update, dispose: () => update(false) };
}
