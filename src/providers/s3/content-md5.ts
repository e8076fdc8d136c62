/**
 * DeleteObjects with a Content-MD5 header instead of the SDK's CRC32 checksum.
 *
 * Why: S3 requires an integrity header on a multi-object delete; the SDK now sends `x-amz-checksum-crc32`
 * only. AWS accepts Content-MD5 as well, and older MinIO (and other S3-compatibles that predate the flexible
 * checksums) accept nothing else: they answer 400 "Content-MD5 missing" to every batch delete. One header every
 * implementation knows keeps also the CORS rule short (GCS must list each request header). The MD5 and base64
 * codecs are the client's own (its public `md5` / `base64Encoder` config), so nothing new is bundled.
 */
import type { BuildMiddleware, HttpRequest, Checksum, Hash } from '@smithy/types';

type Md5Constructor = new () => Checksum | Hash;

/** A command-level build step (added with priority 'low', after the SDK's checksum step) for DeleteObjects. */
export function contentMd5Middleware<I extends object, O extends object>(md5: Md5Constructor, base64: (bytes: Uint8Array) => string): BuildMiddleware<I, O> {
  return (next) => async (args) => {
    const request = args.request as HttpRequest;
    const body = request.body as unknown;
    if (typeof body === 'string' || body instanceof Uint8Array) {
      const hash = new md5();
      hash.update(typeof body === 'string' ? new TextEncoder().encode(body) : body);
      const digest = await hash.digest();
      for (const h of Object.keys(request.headers)) {
        const l = h.toLowerCase();
        if (l.startsWith('x-amz-checksum-') || l === 'x-amz-sdk-checksum-algorithm' || l === 'content-md5') delete request.headers[h];
      }
      request.headers['content-md5'] = base64(digest);
    }
    return next(args);
  };
}
