/**
 * A tiny typed event bus: the app's announcements to whoever listens. app.ts creates one and emits `status`,
 * `synced`, `error` and `progress` on it (from the runtime's and the engine's callbacks); the UI controller
 * and the public API's `on()` subscribe. The runtime and the engine do not use it: they report through the
 * callbacks app.ts gives them.
 *
 * A listener that throws must not stop the others (one broken panel must not hide the status dot), so each
 * call is isolated and the error is handed to `onListenerError` when one is given (the app gives none, so
 * such an error is dropped).
 */
export type Listener<T> = (payload: T) => void;

export interface EventBus<Events extends object> {
  /** Adds a listener; the returned function removes it (calling it twice is harmless). */
  on<K extends keyof Events>(event: K, listener: Listener<Events[K]>): () => void;
  /** Like `on`, but the listener is removed after its first call. */
  once<K extends keyof Events>(event: K, listener: Listener<Events[K]>): () => void;
  emit<K extends keyof Events>(event: K, payload: Events[K]): void;
  listenerCount<K extends keyof Events>(event: K): number;
  /** Removes every listener (used when the extension shuts down in tests). */
  clear(): void;
}

export interface EventBusOptions {
  onListenerError?: (error: unknown, event: PropertyKey) => void;
}

export function createEventBus<Events extends object>(options: EventBusOptions = {}): EventBus<Events> {
  const listeners = new Map<keyof Events, Set<Listener<never>>>();

  const report = (error: unknown, event: PropertyKey) => {
    if (options.onListenerError) {
      try {
        options.onListenerError(error, event);
      } catch {
        // The error reporter itself failed; there is nowhere left to report to.
      }
    }
  };

  const bus: EventBus<Events> = {
    on(event, listener) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      // Wrap so the same function can be added twice and removed independently.
      const entry: Listener<never> = (payload) => (listener as Listener<unknown>)(payload);
      set.add(entry);
      return () => {
        set!.delete(entry);
      };
    },
    once(event, listener) {
      const off = bus.on(event, (payload) => {
        off();
        listener(payload);
      });
      return off;
    },
    emit(event, payload) {
      const set = listeners.get(event);
      if (!set) return;
      // Copy first: a listener may add or remove listeners while we iterate.
      for (const listener of [...set]) {
        try {
          (listener as Listener<unknown>)(payload);
        } catch (error) {
          report(error, event);
        }
      }
    },
    listenerCount(event) {
      return listeners.get(event)?.size ?? 0;
    },
    clear() {
      listeners.clear();
    },
  };
  return bus;
}
