/**
 * The effectful steps shared by loadConfig and saveSettings: deriving keys from a password, sealing
 * credentials, taking over the original's secrets. Order matters: everything is stored in the secrets
 * database first, and a plaintext copy is removed from localStorage only after that succeeded.
 */
import { deriveHashKey, importContentKey } from '../crypto';
import { planLegacyImport, type LegacyPlan } from './legacy-import';
import type { SecretStore } from './secret-store';
import type { ContentKeys, SealedCredentials } from './settings-model';

export async function deriveKeys(password: string): Promise<ContentKeys> {
  const [contentKey, hashKey] = await Promise.all([importContentKey(password), deriveHashKey(password)]);
  return { contentKey, hashKey };
}

/** Merges the given credentials over the sealed ones and seals the result. No-op when nothing is given. */
export async function mergeCredentials(secrets: SecretStore, changes: SealedCredentials): Promise<void> {
  if (Object.keys(changes).length === 0) return;
  const current = await secrets.readCredentials();
  await secrets.writeCredentials({ ...current.credentials, ...changes });
}

/** Takes over the original's secrets from localStorage (see legacy-import.ts). */
export async function importFromOriginal(storage: Storage, secrets: SecretStore, otherPassword?: string): Promise<LegacyPlan> {
  const plan = planLegacyImport((k) => storage.getItem(k), otherPassword);
  if (plan.remove.length === 0) return plan;
  if (plan.password !== undefined) await secrets.writeKeys(await deriveKeys(plan.password));
  await mergeCredentials(secrets, plan.credentials);
  for (const key of plan.remove) storage.removeItem(key);
  return plan;
}
