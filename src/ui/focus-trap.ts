/**
 * Keeps Tab and Shift+Tab inside the modal (a dialog that lets focus wander behind it is lost to keyboard and
 * screen-reader users; the original had no trap, original-ui.md §2.1).
 */
const FOCUSABLE = 'a[href], button, input, select, textarea, [tabindex]:not([tabindex="-1"])';

/** The elements Tab can reach inside root, in document order: not disabled, not inside a hidden part. */
export function focusableIn(root: Element): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>(FOCUSABLE)].filter(
    (el) => !(el as HTMLButtonElement).disabled && el.getAttribute('tabindex') !== '-1' && !el.closest('[hidden]') && el.getAttribute('type') !== 'hidden',
  );
}

/** Call from a keydown listener: wraps focus at both ends. Returns true when it moved the focus. */
export function trapTab(root: Element, event: KeyboardEvent): boolean {
  if (event.key !== 'Tab') return false;
  const items = focusableIn(root);
  if (items.length === 0) {
    event.preventDefault();
    return true;
  }
  const first = items[0];
  const last = items[items.length - 1];
  const active = root.ownerDocument.activeElement;
  const inside = active instanceof Element && root.contains(active);
  if (event.shiftKey && (active === first || !inside)) {
    event.preventDefault();
    last.focus();
    return true;
  }
  if (!event.shiftKey && (active === last || !inside)) {
    event.preventDefault();
    first.focus();
    return true;
  }
  return false;
}
