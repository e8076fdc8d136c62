/**
 * A tiny browser bundle for the S3 provider's browser tests: exposes the provider's public functions on
 * window, the way the extension's bundle uses them (fetch transport, no Node APIs), and runs scripted
 * operations so a test can drive them with one page.evaluate and get plain data back.
 */
import { createS3Store, type S3Settings } from '../../src/providers/s3/s3-store';
import { probeStore } from '../../src/providers/probe';
import { isCloudSyncError } from '../../src/errors';

type Op =
  | { op: 'put'; key: string; text: string; ifMatch?: string; ifNoneMatch?: '*' }
  | { op: 'get'; key: string; ifNoneMatch?: string }
  | { op: 'list'; prefix: string }
  | { op: 'copy'; from: string; to: string }
  | { op: 'delete'; keys: string[] };

async function run(settings: S3Settings, ops: Op[]): Promise<unknown[]> {
  const store = createS3Store(settings);
  const out: unknown[] = [];
  for (const o of ops) {
    try {
      switch (o.op) {
        case 'put':
          out.push(await store.put(o.key, new TextEncoder().encode(o.text), { ifMatch: o.ifMatch, ifNoneMatch: o.ifNoneMatch }));
          break;
        case 'get': {
          const r = await store.get(o.key, { ifNoneMatch: o.ifNoneMatch });
          out.push(r.kind === 'found' ? { kind: r.kind, etag: r.etag, text: new TextDecoder().decode(r.body) } : r);
          break;
        }
        case 'list': {
          const keys: string[] = [];
          for await (const page of store.list(o.prefix)) keys.push(...page.map((e) => e.key));
          out.push(keys);
          break;
        }
        case 'copy':
          await store.copy(o.from, o.to);
          out.push('copied');
          break;
        case 'delete':
          await store.deleteMany(o.keys);
          out.push('deleted');
          break;
      }
    } catch (e) {
      out.push(isCloudSyncError(e) ? { error: e.code, message: e.message, details: { showCors: e.details.showCors } } : { error: String(e) });
    }
  }
  return out;
}

async function probe(settings: S3Settings): Promise<unknown> {
  return probeStore(createS3Store(settings), { pageOrigin: location.origin, endpoint: settings.endpoint, bucket: settings.bucket });
}

(window as unknown as { s3test: unknown }).s3test = { run, probe };
