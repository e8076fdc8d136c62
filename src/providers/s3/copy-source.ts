/**
 * CopyObject's `CopySource` header is "<bucket>/<key>", URL-encoded. The original sent it raw, so copies
 * of keys with `%`, `+`, `#`, `?`, spaces or unicode failed. Each path segment is
 * encoded and the slashes kept, which every S3-compatible accepts.
 */
import { rfc3986, wireKeyPath } from './rfc3986';

export function encodeCopySource(bucket: string, key: string): string {
  return `${rfc3986(bucket)}/${wireKeyPath(key)}`;
}
