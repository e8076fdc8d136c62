/**
 * The sidebar "Sync" button, inserted right after TypingMind's Chat tab and re-inserted whenever the app
 * re-renders the sidebar away. Placeholder until the UI issue fills in the look (original-ui.md §1).
 */
const BUTTON_ID = 'workspace-tab-cloudsync';

export function mountSyncButton(doc: Document, onClick: () => void): () => void {
  const insert = () => {
    if (doc.querySelector(`[data-element-id="${BUTTON_ID}"]`)) return;
    const chat = doc.querySelector('button[data-element-id="workspace-tab-chat"]');
    if (!chat) return;
    const settings = doc.querySelector('button[data-element-id="workspace-tab-settings"]');
    const button = doc.createElement('button');
    button.setAttribute('data-element-id', BUTTON_ID);
    button.className = (settings ?? chat).className;
    button.textContent = 'Sync';
    button.addEventListener('click', onClick);
    chat.after(button);
  };
  insert();
  const observer = new MutationObserver(insert);
  const start = () => observer.observe(doc.body, { childList: true, subtree: true });
  if (doc.body) start();
  else doc.addEventListener('DOMContentLoaded', start, { once: true });
  return () => observer.disconnect();
}
