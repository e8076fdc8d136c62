/**
 * Loads a bucket written by the original extension from test/fixtures/original-<name>-bucket/
 * (see each folder's README): the password, every object's bytes by exact object key, what each object
 * decodes to (`expected`) and the data seeded into the host page (`seed`). Reused to seed a real S3
 * bucket (s3rver) or the memory store from a fixture.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CloudStore } from '../../src/providers/cloud-store';

/** test/fixtures/: the original's buckets and crypto vectors, kept in the repository. */
export const FIXTURES_DIR = fileURLToPath(new URL('../fixtures', import.meta.url));

export const FIXTURE_BUCKETS = ['v3', 'v4.2'] as const;
export type FixtureBucketName = (typeof FIXTURE_BUCKETS)[number];

export interface FixtureIndexEntry {
  key: string;
  file: string;
  size: number;
  etag: string;
  contentType: string | null;
  cacheControl: string | null;
  lastModified: string;
}

/** What one object decodes to, per expected.json. */
export interface ExpectedObject {
  codec: 'plaintext-json' | 'json-deflate' | 'json-plain' | 'bytes' | 'bytes-as-json-object' | string;
  item?: string;
  folder?: string | null;
  area?: 'idb' | 'ls';
  /** 'final' | 'seed' | 'final=seed' | 'seed-blob' | null (then `value` holds the decoded value). */
  matches?: string | null;
  value?: unknown;
  size?: number;
  sha256?: string;
  note?: string;
}

export interface TaggedState {
  idb: Record<string, unknown>;
  ls: Record<string, string>;
}

export interface FixtureExpected {
  password: string;
  bucket: string;
  deletedKeys: string[];
  tombstonesInMetadata: string[];
  excludedKeys: string[];
  /** Device-1 storage at the end, synced keys only, tagged JSON (decode with decodeTagged). */
  expectedSynced: TaggedState;
  objects: Record<string, ExpectedObject>;
  [extra: string]: unknown;
}

export interface FixtureBucket {
  name: FixtureBucketName;
  dir: string;
  password: string;
  /** Exact object key → raw bytes. */
  objects: Map<string, Uint8Array>;
  index: FixtureIndexEntry[];
  expected: FixtureExpected;
  /** seed.json as stored (tagged); `decodeTagged(seed.idb[k], dir)` gives the real value. */
  seed: TaggedState & { about?: string };
}

export function fixtureDir(name: FixtureBucketName): string {
  return join(FIXTURES_DIR, `original-${name}-bucket`);
}

export function loadFixtureBucket(name: FixtureBucketName): FixtureBucket {
  const dir = fixtureDir(name);
  const password = readFileSync(join(dir, 'password.txt'), 'utf8');
  const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as FixtureIndexEntry[];
  const objects = new Map<string, Uint8Array>();
  for (const e of index) objects.set(e.key, new Uint8Array(readFileSync(join(dir, e.file))));
  const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as FixtureExpected;
  const seed = JSON.parse(readFileSync(join(dir, 'seed.json'), 'utf8')) as FixtureBucket['seed'];
  return { name, dir, password, objects, index, expected, seed };
}

/** Bytes of a seed blob (`{"$blob":{file}}`), relative to the fixture folder. */
export function readSeedBlob(dir: string, file: string): Uint8Array {
  return new Uint8Array(readFileSync(join(dir, file)));
}

/**
 * Tagged JSON → real values: `{"$date": iso}` → Date, `{"$blob": {type, file}}` → Blob with the bytes
 * from seed-blobs/. Everything else is copied as is.
 */
export function decodeTagged(value: unknown, dir: string): unknown {
  if (Array.isArray(value)) return value.map((v) => decodeTagged(v, dir));
  if (value === null || typeof value !== 'object') return value;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj);
  if (keys.length === 1 && keys[0] === '$date' && typeof obj.$date === 'string') return new Date(obj.$date);
  if (keys.length === 1 && keys[0] === '$blob') {
    const b = obj.$blob as { type: string; file: string };
    return new Blob([readSeedBlob(dir, b.file) as Uint8Array<ArrayBuffer>], { type: b.type });
  }
  const out: Record<string, unknown> = {};
  for (const k of keys) Object.defineProperty(out, k, { value: decodeTagged(obj[k], dir), enumerable: true, writable: true, configurable: true });
  return out;
}

/** The tagged `{$blob}` descriptor of an item, if it is one. */
export function taggedBlob(value: unknown): { type: string; size: number; sha256: string; file: string } | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const b = (value as { $blob?: unknown }).$blob;
  return b && typeof b === 'object' ? (b as { type: string; size: number; sha256: string; file: string }) : undefined;
}

/**
 * Writes every object of a fixture into a store (S3 over s3rver, memory, …) with the Content-Type and
 * Cache-Control the original used, so a test starts from the exact bucket the original left. Returns the
 * number of objects written.
 */
export async function seedStoreFromFixture(store: Pick<CloudStore, 'put'>, fx: FixtureBucket): Promise<number> {
  for (const e of fx.index) {
    await store.put(e.key, fx.objects.get(e.key)!, {
      contentType: e.contentType ?? undefined,
      cacheControl: e.cacheControl ?? undefined,
    });
  }
  return fx.index.length;
}
