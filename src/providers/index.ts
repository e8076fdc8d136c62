export type { Capabilities, CloudStore, GetOptions, GetResult, ListEntry, PutOptions, PutResult, RequestOptions } from './cloud-store';
export { MemoryStore, createMemoryStore, type MemoryStoreOptions } from './memory';
export { S3Store, createS3Store, type S3Settings } from './s3';
export { probeStore, PROBE_PREFIX, type ProbeOptions, type ProbeResult, type ProbeStep, type ProbeStepName } from './probe';
export { corsInstructions, allCorsInstructions, guessCorsProvider, normaliseOrigin, s3CorsXml, type CorsInstructions, type CorsProvider } from './cors';
export { defaultHeadersForKey, headersForPut, METADATA_CACHE_CONTROL } from './object-headers';
