/**
 * The extension's own CSS, injected once. Every rule is scoped to the Sync button or the modal, and sets what
 * it needs explicitly, so the UI looks right without TypingMind's Tailwind (the original did not:
 * original-ui.md §2.15, screens/09) and is not disturbed by the host's resets (e.g. Tailwind's preflight making
 * buttons transparent).
 */
export const STYLE_ID = 'tcs-style';

const CSS = `
[data-element-id="workspace-tab-cloudsync"] { cursor: pointer; }
[data-element-id="workspace-tab-cloudsync"] .tcs-icon-wrap { position: relative; display: inline-block; flex-shrink: 0; width: 16px; height: 16px; line-height: 0; }
[data-element-id="workspace-tab-cloudsync"].tcs-pinned .tcs-icon-wrap { width: 18px; height: 18px; }
[data-element-id="workspace-tab-cloudsync"] .tcs-icon-wrap > svg { display: block; width: 100%; height: 100%; }
[data-element-id="workspace-tab-cloudsync"] .tcs-label { display: block; font-weight: 400; font-size: 0.75rem; line-height: 1rem; text-align: center; hyphens: auto; word-break: break-word; }
#sync-status-dot { position: absolute; top: -3px; right: -6px; width: 8px; height: 8px; border-radius: 50%; background: #6b7280; display: none; z-index: 10; }

/* The page behind is dimmed and blurred as in the original, but the blur sits on four panes framing the dialog
   (top, left, right, bottom cells of a 3×3 grid), not on the overlay itself: without GPU compositing Chromium
   re-blurs a backdrop-filter layer whole whenever anything inside its bounds repaints, which with one full-page
   layer meant ~70 ms of compositor CPU for every progress tick or caret blink in the dialog (BENCHMARKS.md). */
.tcs-overlay { position: fixed; inset: 0; z-index: 99999; display: grid; --tcs-gap: 1rem;
  grid-template-columns: minmax(var(--tcs-gap), 1fr) minmax(0, 32rem) minmax(var(--tcs-gap), 1fr);
  grid-template-rows: minmax(var(--tcs-gap), 1fr) auto minmax(var(--tcs-gap), 1fr);
  background: rgba(0,0,0,.5); box-sizing: border-box; }
.tcs-blur { -webkit-backdrop-filter: blur(4px); backdrop-filter: blur(4px); }
.tcs-blur-top { grid-area: 1 / 1 / 2 / 4; }
.tcs-blur-left { grid-area: 2 / 1 / 3 / 2; }
.tcs-blur-right { grid-area: 2 / 3 / 3 / 4; }
.tcs-blur-bottom { grid-area: 3 / 1 / 4 / 4; }
.tcs-overlay *, .tcs-overlay *::before, .tcs-overlay *::after { box-sizing: border-box; }
.cloud-sync-modal { grid-area: 2 / 2 / 3 / 3; display: flex; flex-direction: column; width: 100%; max-width: 32rem; max-height: calc(100vh - 2 * var(--tcs-gap));
  background: rgb(39,39,42); color: #fff; border: 1px solid rgba(255,255,255,.1); border-radius: .5rem;
  box-shadow: 0 25px 50px -12px rgba(0,0,0,.5); font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; text-align: left; overflow: hidden; }
.cloud-sync-modal:focus { outline: none; }
.cloud-sync-modal-header { flex: none; padding: 1rem 1rem .5rem; }
.cloud-sync-modal-content { flex: 1 1 auto; min-height: 0; overflow-y: auto; padding: 0 1rem 1rem; }
.cloud-sync-modal-footer { flex: none; padding: .5rem 1rem .75rem; font-size: 12px; color: #a1a1aa; text-align: center; }
.tcs-title-row { display: flex; align-items: center; justify-content: space-between; gap: .75rem; }
.tcs-title { margin: 0; font-size: 1.25rem; line-height: 1.75rem; font-weight: 700; color: #fff; }
.tcs-toggle { display: inline-flex; align-items: center; gap: .5rem; color: #a1a1aa; font-size: 14px; cursor: pointer; }
.tcs-banner { margin-top: .75rem; padding: .5rem; border-radius: .5rem; background: #ea580c; border: 1px solid #f97316; color: #fff; }
.tcs-section { margin-top: .75rem; border: 1px solid #3f3f46; border-radius: .5rem; background: rgb(39,39,42); }
.tcs-section-header { display: flex; width: 100%; align-items: center; justify-content: space-between; gap: .5rem; min-height: 44px;
  padding: .5rem .75rem; margin: 0; border: 0; border-radius: .5rem; background: transparent; color: #d4d4d8; font: inherit; font-size: 14px;
  font-weight: 500; text-align: left; cursor: pointer; -webkit-tap-highlight-color: transparent; }
.tcs-section-header:hover { background: rgba(255,255,255,.04); }
.tcs-section-header:focus-visible { outline: 2px solid #3b82f6; outline-offset: -2px; }
.tcs-chevron { flex: none; width: 16px; height: 16px; color: #a1a1aa; transition: transform .2s; }
.tcs-section-header[aria-expanded="true"] .tcs-chevron { transform: rotate(180deg); }
.tcs-section-badge { margin-left: .5rem; padding: 0 .4rem; border-radius: 999px; background: #7f1d1d; color: #fecaca; font-size: 12px; font-weight: 500; }
.tcs-section-body { padding: 0 .75rem .75rem; }
.tcs-section-body[hidden] { display: none; }
/* Our own display rules (buttons are inline-flex) must not show what the hidden attribute hides. */
.tcs-overlay [hidden] { display: none !important; }
.tcs-field { display: block; margin-top: .5rem; }
.tcs-row { display: flex; gap: .75rem; }
.tcs-row > .tcs-field { flex: 1 1 0; min-width: 0; }
.tcs-row > .tcs-field.tcs-wide { flex: 2 1 0; }
.tcs-label-text { display: block; margin-bottom: .25rem; color: #d4d4d8; font-size: 14px; font-weight: 400; }
.tcs-required { color: #f87171; }
.tcs-hint { margin: .25rem 0 0; color: #a1a1aa; font-size: 12px; }
.tcs-error { margin: .25rem 0 0; color: #f87171; font-size: 12px; }
.tcs-error:empty { display: none; }
.cloud-sync-modal input[type="text"], .cloud-sync-modal input[type="password"], .cloud-sync-modal input[type="number"], .cloud-sync-modal select {
  display: block; width: 100%; margin: 0; padding: .375rem .5rem; border: 1px solid #52525b; border-radius: .375rem;
  background: #3f3f46; color: #fff; font: inherit; font-size: 14px; line-height: 1.25rem; min-height: 34px; box-shadow: none; }
.cloud-sync-modal input::placeholder { color: #a1a1aa; opacity: 1; }
.cloud-sync-modal input:focus, .cloud-sync-modal select:focus { outline: none; border-color: #3b82f6; box-shadow: 0 0 0 1px #3b82f6; }
.cloud-sync-modal input[aria-invalid="true"] { border-color: #f87171; }
.cloud-sync-modal input[type="checkbox"] { width: 16px; height: 16px; margin: 0; accent-color: #3b82f6; cursor: pointer; }
.tcs-btn { display: inline-flex; align-items: center; justify-content: center; gap: .25rem; margin: 0; padding: .375rem .75rem;
  border: 0; border-radius: .375rem; color: #fff; font: inherit; font-size: 14px; line-height: 1.25rem; cursor: pointer; }
.tcs-btn:focus-visible { outline: 2px solid #fff; outline-offset: 2px; }
.tcs-btn-blue { background: #2563eb; } .tcs-btn-blue:hover { background: #1d4ed8; }
.tcs-btn-green { background: #16a34a; } .tcs-btn-green:hover { background: #15803d; }
.tcs-btn-red { background: #dc2626; } .tcs-btn-red:hover { background: #b91c1c; }
.tcs-btn-plain { background: #3f3f46; } .tcs-btn-plain:hover { background: #52525b; }
.tcs-btn-wide { width: 100%; margin-top: .75rem; }
.tcs-btn:disabled, .tcs-btn:disabled:hover { background: #52525b; opacity: .5; cursor: not-allowed; }
.tcs-actions { display: flex; align-items: center; justify-content: space-between; gap: .5rem; margin-top: 1rem; }
.tcs-actions-right { display: flex; gap: .5rem; }
.tcs-logging-row { display: flex; justify-content: flex-end; margin-top: .75rem; }
#last-sync-msg { display: block; margin-top: .5rem; text-align: center; color: #a1a1aa; font-size: 12px; min-height: 1em; }
#action-msg { margin-top: .5rem; text-align: center; font-size: 14px; overflow-wrap: anywhere; }
#last-sync-msg:empty, #action-msg:empty { display: none; }
.tcs-msg-info { color: #3b82f6; } .tcs-msg-ok { color: #22c55e; } .tcs-msg-error { color: #ef4444; }
.tcs-table { width: 100%; border-collapse: collapse; font-size: 12px; color: #d4d4d8; }
.tcs-table th { background: rgb(82,82,91); color: #e4e4e7; font-weight: 600; padding: .25rem .5rem; text-align: left; }
.tcs-table th:last-child, .tcs-table td:last-child { text-align: right; }
.tcs-table td { padding: .3rem .5rem; border-bottom: 1px solid #3f3f46; overflow-wrap: anywhere; }
.tcs-probe { list-style: none; margin: .5rem 0 0; padding: 0; font-size: 12px; }
.tcs-probe li { display: flex; gap: .5rem; padding: .15rem 0; color: #d4d4d8; }
.tcs-probe .tcs-probe-ok { color: #22c55e; } .tcs-probe .tcs-probe-failed { color: #ef4444; } .tcs-probe .tcs-probe-skipped { color: #a1a1aa; }
.tcs-link { color: #60a5fa; background: none; border: 0; padding: 0; font: inherit; font-size: 12px; cursor: pointer; text-decoration: none; }
.tcs-link:hover { color: #93c5fd; text-decoration: underline; }
.tcs-guide { margin-top: .5rem; padding: .5rem .75rem; max-height: 12rem; overflow-y: auto; background: #18181b; border: 1px solid #3f3f46; border-radius: .5rem; font-size: 12px; color: #d4d4d8; }
.tcs-guide[hidden] { display: none; }
.tcs-guide ol { margin: .25rem 0 0; padding-left: 1.25rem; }
#google-auth-status { padding-top: .5rem; text-align: center; font-size: 12px; color: #a1a1aa; }
.tcs-danger-zone { margin-top: .75rem; padding-top: .5rem; border-top: 1px solid #3f3f46; }
.tcs-progress { margin-top: .5rem; text-align: center; color: #3b82f6; font-size: 12px; }
.tcs-progress[hidden] { display: none; }
#sync-progress { display: block; width: 100%; height: 6px; margin-bottom: .25rem; accent-color: #3b82f6; }
.tcs-probe .tcs-probe-fix { display: block; color: #d4d4d8; white-space: pre-wrap; overflow-wrap: anywhere; }
.tcs-verdict { margin: .25rem 0 .5rem; font-size: 13px; }
.tcs-verdict-ok { color: #22c55e; } .tcs-verdict-warn { color: #eab308; }
.tcs-keys-btn { background: none; border: 0; padding: 0; color: #60a5fa; font: inherit; cursor: pointer; text-decoration: underline; }
.tcs-keys-btn:disabled { color: inherit; text-decoration: none; cursor: default; }
.tcs-key-list { margin: .25rem 0 .5rem; padding: .25rem .5rem; max-height: 8rem; overflow-y: auto; list-style: none; background: #18181b; border: 1px solid #3f3f46; border-radius: .375rem; font: 11px/1.4 ui-monospace, monospace; color: #d4d4d8; }
.tcs-key-list[hidden] { display: none; }
@media (max-width: 640px) {
  .tcs-overlay { --tcs-gap: .5rem; }
  .tcs-row { flex-direction: column; gap: 0; }
  .tcs-actions { flex-wrap: wrap; }
}
`;

/** Adds the stylesheet once per document; later calls do nothing. */
export function ensureStyles(doc: Document): HTMLStyleElement {
  const existing = doc.getElementById(STYLE_ID);
  if (existing) return existing as HTMLStyleElement;
  const style = doc.createElement('style');
  style.id = STYLE_ID;
  style.textContent = CSS;
  (doc.head ?? doc.documentElement).append(style);
  return style;
}
