/**
 * metadata.json parsed once per ETag: an idle cycle (a 304 every interval) must not re-parse an index that can
 * run to megabytes. The engine never mutates a parsed index (it builds the next one as a copy), so the one it
 * holds can be handed out as it is.
 */
import { parseMetadata } from '../cloud';
import type { Metadata } from '../cloud/types';

export class ParsedIndex {
  private last?: { etag: string; meta: Metadata };

  /** The index this ETag stands for, when it is the one held. */
  get(etag: string): Metadata | undefined {
    return this.last?.etag === etag ? this.last.meta : undefined;
  }

  /** The index of this text, parsed unless the one held has the same ETag. */
  parse(etag: string, text: string): Metadata {
    if (this.last?.etag !== etag) this.last = { etag, meta: parseMetadata(text) };
    return this.last.meta;
  }

  /** Holds an index this device just wrote. */
  set(etag: string, meta: Metadata): void {
    this.last = { etag, meta };
  }
}
