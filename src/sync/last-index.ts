/**
 * metadata.json as this device last read or wrote it, from memory or the copy cached beside the base: no
 * request. For what the modal shows between cycles (diagnostics, recently deleted).
 */
import type { Metadata } from '../cloud/types';
import type { EngineEnv } from './engine-types';

export async function lastIndex(env: EngineEnv): Promise<Metadata | undefined> {
  const { base, scope } = env.deps;
  const state = await base.state();
  if (state.scope !== scope || !state.etag) return undefined;
  const cached = env.index.get(state.etag);
  if (cached) return cached;
  const index = await base.index();
  return index?.etag === state.etag ? env.index.parse(state.etag, index.text) : undefined;
}
