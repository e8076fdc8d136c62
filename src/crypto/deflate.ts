/**
 * deflate-raw / inflate-raw (RFC 1951, no zlib or gzip header) through the standard Compression Streams,
 * which exist in browsers and Node 20. Absent streams are reported, not polyfilled: the original then
 * stores JSON uncompressed, and readers fall back to plain JSON (original-format.md §1.4–1.5).
 */
import { concatBytes, toArrayBufferView } from './bytes';

export function canCompress(): boolean {
  return typeof globalThis.CompressionStream === 'function';
}

export function canDecompress(): boolean {
  return typeof globalThis.DecompressionStream === 'function';
}

function source(bytes: Uint8Array): ReadableStream<BufferSource> {
  return new ReadableStream<BufferSource>({
    start(controller) {
      controller.enqueue(toArrayBufferView(bytes));
      controller.close();
    },
  });
}

async function drain(stream: ReadableStream<Uint8Array>, stopWhen?: (soFar: Uint8Array) => boolean): Promise<Uint8Array | null> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  let checked = !stopWhen;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      length += value.length;
      // Asked once, on the first 8+ bytes: the answer cannot change with more output.
      if (!checked && length >= 8) {
        checked = true;
        if (stopWhen!(concatBytes(chunks))) {
          await reader.cancel().catch(() => undefined);
          return null;
        }
      }
    }
  } finally {
    reader.releaseLock();
  }
  return concatBytes(chunks);
}

/**
 * Runs `bytes` through a transform and collects the output, letting the platform pump the stream: a Response
 * over the bytes is a native stream and `arrayBuffer()` drains natively, where a JavaScript source and read loop
 * cost a few promise turns per chunk on the page's main thread, for every item of a sync.
 */
async function transform(bytes: Uint8Array, stream: TransformStream<BufferSource, Uint8Array>): Promise<Uint8Array> {
  // A Response made from bytes always has a body stream.
  const body = new Response(toArrayBufferView(bytes) as BodyInit).body!;
  return new Uint8Array(await new Response(body.pipeThrough(stream)).arrayBuffer());
}

export async function deflateRaw(bytes: Uint8Array): Promise<Uint8Array> {
  return transform(bytes, new CompressionStream('deflate-raw'));
}

/**
 * Inflates, or rejects when `bytes` is not a valid raw deflate stream. `abortIf` sees the first output
 * bytes (at least 8, or everything when shorter) and may stop early: the attachment reader uses it so a
 * large file that happens to start like a deflate stream is not inflated in full just to be rejected.
 * Stopping early resolves to null.
 */
export async function inflateRaw(bytes: Uint8Array, abortIf?: (prefix: Uint8Array) => boolean): Promise<Uint8Array | null> {
  if (!abortIf) return transform(bytes, new DecompressionStream('deflate-raw'));
  const out = await drain(source(bytes).pipeThrough(new DecompressionStream('deflate-raw')), abortIf);
  if (out && abortIf && out.length < 8 && abortIf(out)) return null;
  return out;
}
