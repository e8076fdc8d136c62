export { S3Store, createS3Store, type S3Settings } from './s3-store';
export { mapS3Error, type S3ErrorContext, type S3Operation } from './s3-errors';
export { encodeCopySource } from './copy-source';
export { normalizeEtag } from './etag';
export { planParts, type PartRange } from './multipart-plan';
