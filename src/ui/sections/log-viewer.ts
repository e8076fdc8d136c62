/** "Log": the extension's recent log lines, for browsers without developer tools (e.g. phones). */
import { h } from '../dom';
import { buildSection, type Section } from '../section';

export interface LogViewer {
  section: Section;
  refresh(): void;
}

export function buildLogViewer(doc: Document, lines: () => string[]): LogViewer {
  const output = h(doc, 'pre', { id: 'tcs-log-output', style: 'max-height:14rem;overflow:auto;margin:.5rem 0 0;padding:.5rem;background:#18181b;border:1px solid #3f3f46;border-radius:.375rem;font:11px/1.4 ui-monospace,monospace;white-space:pre-wrap;overflow-wrap:anywhere;color:#d4d4d8' });
  const refreshButton = h(doc, 'button', { type: 'button', id: 'refresh-log-btn', class: 'tcs-btn tcs-btn-plain' }, 'Refresh');
  const section = buildSection(doc, 'log-viewer', 'Log', null, h(doc, 'div', { class: 'tcs-actions', style: 'justify-content:flex-end;margin-top:0' }, refreshButton), output);
  const refresh = () => {
    let text: string;
    try {
      const all = lines();
      text = all.length ? all.join('\n') : 'Nothing logged yet.';
    } catch (e) {
      text = `The log could not be read: ${e instanceof Error ? e.message : String(e)}`;
    }
    output.textContent = text;
    output.scrollTop = output.scrollHeight;
  };
  refreshButton.addEventListener('click', refresh);
  section.header.addEventListener('click', refresh);
  return { section, refresh };
}
