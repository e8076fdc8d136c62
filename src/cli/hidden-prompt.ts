/**
 * Asks for a secret on the terminal without echoing it (Node only), so it never enters the shell's history
 * or the screen. Enter ends it; Ctrl-C or Ctrl-D cancels.
 */
export interface PromptStreams {
  input: NodeJS.ReadStream;
  output: NodeJS.WriteStream;
}

export function promptHidden(question: string, { input, output }: PromptStreams): Promise<string> {
  return new Promise((resolvePrompt, reject) => {
    output.write(question);
    let value = '';
    const wasRaw = input.isRaw;
    input.setRawMode?.(true);
    input.resume();
    input.setEncoding('utf8');
    const done = (err?: Error) => {
      input.off('data', onData);
      input.setRawMode?.(wasRaw);
      input.pause();
      output.write('\n');
      if (err) reject(err);
      else resolvePrompt(value);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003' || ch === '\u0004') return done(new Error('Cancelled.'));
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    input.on('data', onData);
  });
}
