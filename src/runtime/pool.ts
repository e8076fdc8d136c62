/**
 * How many transfers to keep in flight to one host. A browser opens at most 6 connections per host over
 * HTTP/1.1 (every major browser's limit): a 7th request waits in the browser for a free connection, holding
 * its encoded body in memory meanwhile and buying nothing. HTTP/2 (and 3) carries every request over one
 * connection, so more can overlap; 16 keeps a 40 ms round trip busy without flooding a slow link.
 */
export const PARALLELISM = { 'http/1.1': 6, h2: 16 } as const;

export type WireProtocol = keyof typeof PARALLELISM;

/** The transfers to keep in flight over a connection that speaks `protocol`. */
export function parallelismFor(protocol: WireProtocol): number {
  return PARALLELISM[protocol];
}

/**
 * The one worker pool: runs `fn` over `items` with at most `limit` calls in flight and resolves with the
 * results in input order. Items are handed out in index order. When a call throws, no further item is
 * started and the pool rejects with that error; calls already in flight run to their end on their own.
 */
export async function mapPool<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      const i = next++;
      try {
        out[i] = await fn(items[i], i);
      } catch (e) {
        failed = true;
        throw e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}
