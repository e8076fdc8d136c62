// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { createGestureRenewal } from '../../../src/providers/gdrive/gesture-renewal';

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('renewing the Google sign-in on the next gesture', () => {
  it('while armed, the next click calls renew inside the event handler (capture phase), once; success disarms', async () => {
    const order: string[] = [];
    let finish!: () => void;
    const renewal = createGestureRenewal(document, () => {
      order.push('renew');
      return new Promise<void>((r) => (finish = r));
    });
    const button = document.createElement('button');
    document.body.append(button);
    // The page's own handler stops propagation: the capture listener on the document has run already.
    button.addEventListener('click', (e) => {
      order.push('page');
      e.stopPropagation();
    });
    button.click();
    expect(order).toEqual(['page']); // not armed: nothing happens
    renewal.arm();
    button.click();
    expect(order).toEqual(['page', 'renew', 'page']); // renew ran synchronously, before the page's handler
    button.click(); // an attempt is running: no second one
    expect(order.filter((o) => o === 'renew')).toHaveLength(1);
    finish();
    await flush();
    expect(renewal.armed).toBe(false);
    button.click();
    expect(order.filter((o) => o === 'renew')).toHaveLength(1);
  });

  it('a key press renews too (not a bare modifier or Escape); a failed attempt stays armed for the next gesture', async () => {
    let calls = 0;
    const results: boolean[] = [];
    const renewal = createGestureRenewal(
      document,
      () => (++calls === 1 ? Promise.reject(new Error('popup closed')) : Promise.resolve()),
      (ok) => results.push(ok),
    );
    renewal.arm();
    document.dispatchEvent(new KeyboardEvent('keydown', { key: 'Shift' }));
    document.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape' }));
    expect(calls).toBe(0);
    document.dispatchEvent(new KeyboardEvent('keydown', { key: 'a' }));
    expect(calls).toBe(1);
    await flush();
    expect(results).toEqual([false]);
    expect(renewal.armed).toBe(true);
    document.body.click();
    expect(calls).toBe(2);
    await flush();
    expect(results).toEqual([false, true]);
    expect(renewal.armed).toBe(false);
  });
});
