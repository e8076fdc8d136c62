import { describe, expect, it } from 'vitest';
import { createEventBus } from '../../../src/runtime/events';

type Events = { status: { state: string }; count: number };

describe('event bus', () => {
  it('delivers payloads to the listeners of that event only, and on() returns an unsubscribe', () => {
    const bus = createEventBus<Events>();
    const seen: unknown[] = [];
    const off = bus.on('status', (p) => seen.push(p.state));
    bus.on('count', (n) => seen.push(n));
    bus.emit('status', { state: 'syncing' });
    bus.emit('count', 3);
    off();
    off(); // twice is harmless
    bus.emit('status', { state: 'idle' });
    expect(seen).toEqual(['syncing', 3]);
    expect(bus.listenerCount('status')).toBe(0);
  });

  it('a listener that throws does not stop the others, and the error is reported', () => {
    const errors: [unknown, PropertyKey][] = [];
    const bus = createEventBus<Events>({ onListenerError: (e, ev) => errors.push([e, ev]) });
    const seen: number[] = [];
    bus.on('count', () => {
      throw new Error('broken panel');
    });
    bus.on('count', (n) => seen.push(n));
    bus.emit('count', 1);
    expect(seen).toEqual([1]);
    expect(errors).toHaveLength(1);
    expect((errors[0]![0] as Error).message).toBe('broken panel');
    expect(errors[0]![1]).toBe('count');
  });

  it('the same function added twice is called twice and removed one at a time; once() fires once', () => {
    const bus = createEventBus<Events>();
    let calls = 0;
    const fn = () => calls++;
    const off1 = bus.on('count', fn);
    bus.on('count', fn);
    bus.once('count', fn);
    bus.emit('count', 0);
    expect(calls).toBe(3);
    off1();
    bus.emit('count', 0);
    expect(calls).toBe(4);
  });

  it('listeners added or removed during an emit do not disturb it', () => {
    const bus = createEventBus<Events>();
    const seen: string[] = [];
    let offB: () => void = () => {};
    bus.on('count', () => {
      seen.push('a');
      offB();
      bus.on('count', () => seen.push('late'));
    });
    offB = bus.on('count', () => seen.push('b'));
    bus.emit('count', 0);
    expect(seen).toEqual(['a', 'b']);
  });
});
