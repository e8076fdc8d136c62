import type { DriveHttp } from './drive-http';
import type { Pacer } from './drive-pacer';
import { buildMultipartRelated, containsBytes, randomBoundary } from './multipart';
import { resumableUpload } from './resumable-upload';

/** One upload (create or update), multipart for small bodies (Drive caps those at 5 MB), resumable for large. */
export interface UploadRequest {
  method: string;
  /** The upload URL with its query (fields=…) already; uploadType is added here. */
  url: string;
  metadata: object;
  body: Uint8Array;
  mediaType: string;
  signal: AbortSignal | undefined;
  context: string;
  pace?: Pacer[];
}

export interface UploadLimits {
  multipartLimit: number;
  chunkSize: number;
  random: () => number;
}

/** The response; a 404 (the file or its folder is gone) is returned for the caller to handle. */
export function sendUpload(http: DriveHttp, up: UploadRequest, limits: UploadLimits): Promise<Response> {
  const { method, url, metadata, body, mediaType, signal, context, pace } = up;
  if (body.length > limits.multipartLimit) {
    return resumableUpload(http, {
      method,
      url: `${url}&uploadType=resumable`,
      metadata,
      mediaType,
      body,
      accept: [404],
      signal,
      context,
      chunkSize: limits.chunkSize,
      pace,
    });
  }
  // The boundary must not occur in the body; a counter guarantees progress even with a poor random.
  let boundary = randomBoundary(limits.random);
  for (let n = 0; containsBytes(body, new TextEncoder().encode(boundary)); n++) boundary = `${randomBoundary(limits.random)}${n}`;
  const multipart = buildMultipartRelated(metadata, body, mediaType, boundary);
  return http.send({
    method,
    url: `${url}&uploadType=multipart`,
    headers: { 'Content-Type': multipart.contentType },
    body: multipart.body,
    accept: [404],
    signal,
    context,
    pace,
  });
}
