import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { promptHidden } from '../../../src/cli/hidden-prompt';

function terminal() {
  const raw: boolean[] = [];
  const input = Object.assign(new EventEmitter(), {
    isRaw: false,
    setRawMode(on: boolean) {
      raw.push(on);
      input.isRaw = on;
      return input;
    },
    resume: () => input,
    pause: () => input,
    setEncoding: () => input,
  });
  let shown = '';
  const output = { write: (t: string) => ((shown += t), true) };
  return { input, output, raw, shown: () => shown };
}

describe('the secret prompt', () => {
  it('reads a line without echoing it, with backspace, and leaves the terminal as it was', async () => {
    const t = terminal();
    const answer = promptHidden('Encryption password: ', { input: t.input as never, output: t.output as never });
    t.input.emit('data', 'se\u007fcr');
    t.input.emit('data', 'et ✓\r');
    expect(await answer).toBe('scret ✓');
    expect(t.shown()).toBe('Encryption password: \n');
    expect(t.raw).toEqual([true, false]);
    expect(t.input.listenerCount('data')).toBe(0);
  });

  it('Ctrl-C cancels', async () => {
    const t = terminal();
    const answer = promptHidden('Secret access key: ', { input: t.input as never, output: t.output as never });
    t.input.emit('data', 'abc\u0003');
    await expect(answer).rejects.toThrow('Cancelled.');
    expect(t.raw).toEqual([true, false]);
  });
});
