import { describe, expect, it } from 'vitest';
import { PasswordGate } from '../../../src/sync/password-gate';

const wrong = () => new Error('wrong password');

/** Enters `n` downloads; returns what each entry resolved to (or 'refused'), as they settle. */
function enterMany(gate: PasswordGate, n: number) {
  const outcomes: (boolean | 'refused' | 'waiting')[] = Array.from({ length: n }, () => 'waiting');
  const done = Array.from({ length: n }, (_, i) =>
    gate.enter().then(
      (first) => void (outcomes[i] = first),
      () => void (outcomes[i] = 'refused'),
    ),
  );
  return { outcomes, done: Promise.all(done) };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('PasswordGate', () => {
  it('lets the first wave in at once and holds the rest until one of them decrypts', async () => {
    const gate = new PasswordGate(3, wrong);
    const { outcomes, done } = enterMany(gate, 5);
    await tick();
    expect(outcomes).toEqual([true, true, true, 'waiting', 'waiting']);
    gate.settle('other'); // a missing object proves nothing
    await tick();
    expect(outcomes.slice(3)).toEqual(['waiting', 'waiting']);
    gate.settle('decrypted');
    await done;
    expect(outcomes).toEqual([true, true, true, false, false]);
    expect(gate.proven).toBe(true);
    gate.settle('wrong-password'); // a damaged object after the proof changes nothing
    expect(gate.proven).toBe(true);
    expect(await gate.enter()).toBe(false);
  });

  it('refuses the rest when the whole first wave failed and some said wrong password', async () => {
    const gate = new PasswordGate(2, wrong);
    const { outcomes, done } = enterMany(gate, 4);
    gate.settle('wrong-password');
    await tick();
    expect(outcomes.slice(2)).toEqual(['waiting', 'waiting']); // one first-wave download still out
    gate.settle('other');
    await done;
    expect(outcomes).toEqual([true, true, 'refused', 'refused']);
    expect(gate.wrong).toBe(true);
    await expect(gate.enter()).rejects.toThrow('wrong password');
  });

  it('lets the rest go, unproven, when nothing decrypted and nothing said wrong', async () => {
    const gate = new PasswordGate(2, wrong);
    const { outcomes, done } = enterMany(gate, 3);
    gate.settle('other');
    gate.settle('other');
    await done;
    expect(outcomes).toEqual([true, true, false]);
    expect(gate.proven).toBe(false);
    expect(gate.wrong).toBe(false);
    // The downloads let through still tell: a wrong password first, then one that decrypts outweighs it.
    gate.settle('wrong-password', false);
    expect(gate.wrong).toBe(true);
    gate.settle('decrypted', false);
    expect([gate.proven, gate.wrong]).toEqual([true, false]);
    expect(await gate.enter()).toBe(false);
  });
});
