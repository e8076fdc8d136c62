/**
 * Renews the Google sign-in on the user's next click or key press anywhere in the page.
 *
 * A GIS access token lasts about an hour and can only be renewed through Google's popup, which the browser
 * blocks unless it opens during a user gesture. A sync timer is no gesture, so once the token has expired the
 * renewal waits for one: while armed, a capture-phase listener on the document calls `renew` inside the
 * event's own handler (so GIS's requestAccessToken runs with the gesture's activation). The event itself is
 * left alone: the page sees the click or key press as usual.
 *
 * One attempt per gesture at most; while an attempt runs, further gestures are ignored. A failed attempt
 * (popup closed, Google refused) re-arms, so the next gesture tries again.
 */
export interface GestureRenewal {
  /** Starts listening (idempotent). */
  arm(): void;
  /** Stops listening (after a sign-in from elsewhere, say). */
  disarm(): void;
  readonly armed: boolean;
}

/** Events a browser treats as activation (a popup may open from their handlers). */
const GESTURES = ['click', 'keydown'] as const;

export function createGestureRenewal(doc: Document, renew: () => Promise<void>, onResult?: (ok: boolean, error?: unknown) => void): GestureRenewal {
  let armed = false;
  let running = false;
  const handler = (event: Event) => {
    if (!armed || running) return;
    // Modifier keys alone are no activation in Chromium, and Escape never is.
    if (event.type === 'keydown') {
      const key = (event as KeyboardEvent).key;
      if (key === 'Escape' || key === 'Shift' || key === 'Control' || key === 'Alt' || key === 'Meta') return;
    }
    running = true;
    let attempt: Promise<void>;
    try {
      attempt = renew(); // synchronous up to GIS's requestAccessToken: still inside the gesture
    } catch (e) {
      attempt = Promise.reject(e);
    }
    attempt.then(
      () => {
        running = false;
        api.disarm();
        onResult?.(true);
      },
      (e: unknown) => {
        running = false;
        onResult?.(false, e);
      },
    );
  };
  const api: GestureRenewal = {
    arm() {
      if (armed) return;
      armed = true;
      for (const type of GESTURES) doc.addEventListener(type, handler, { capture: true });
    },
    disarm() {
      if (!armed) return;
      armed = false;
      for (const type of GESTURES) doc.removeEventListener(type, handler, { capture: true });
    },
    get armed() {
      return armed;
    },
  };
  return api;
}
