/**
 * A button that asks for a second click before doing something that cannot be undone, instead of the
 * original's native confirm(): a blocking dialog freezes the page (and every headless browser).
 */
export interface ConfirmTwiceOptions {
  idle: string;
  armed: string;
  /** How long the armed state lasts. */
  timeoutMs?: number;
  /** Called on the first click, e.g. to explain what the second click will do. */
  onArm?: () => void;
}

/** Wires the button; returns a function that cancels a pending arm (for cleanup). */
export function confirmTwice(button: HTMLButtonElement, options: ConfirmTwiceOptions, action: () => Promise<void>): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const disarm = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    button.textContent = options.idle;
  };
  button.addEventListener('click', async () => {
    if (!timer) {
      button.textContent = options.armed;
      timer = setTimeout(disarm, options.timeoutMs ?? 6000);
      options.onArm?.();
      return;
    }
    disarm();
    button.disabled = true;
    try {
      await action();
    } finally {
      button.disabled = false;
    }
  });
  return disarm;
}
