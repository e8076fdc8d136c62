/**
 * The export run on the memory store (exact keys, no URL rules in between): keys that are paths, odd or equal
 * but for case all become files of their own inside items/, and each file names its exact key.
 */
import { describe, expect, it } from 'vitest';
import { serializeMetadata } from '../../../src/cloud';
import type { LiveEntry } from '../../../src/cloud/types';
import { createMemoryStore } from '../../../src/providers/memory';
import { runExport } from '../../../src/recovery/export-run';
import { encodeItem, encryptEncoded, entryFor } from '../../../src/sync/item-codec';
import { ODD_KEYS, PATH_KEYS } from '../../support/odd-keys';
import { keysFor } from '../../support/sim-device';

describe('runExport', () => {
  it('every key, however odd, gets one file inside its folder, which names the key exactly', async () => {
    const password = 'run test';
    const keys = await keysFor(password);
    const store = createMemoryStore();
    const all = [...ODD_KEYS, ...PATH_KEYS, 'CHAT_Case', 'CHAT_case', 'CHAT_CASE', '', '..', 'CON', 'ü'];
    const items: Record<string, LiveEntry> = {};
    for (const key of all) {
      const e = await encodeItem({ key, type: 'idb', value: { key, n: 0 } }, keys.hashKey);
      await store.put(`items/${key}.json`, await encryptEncoded(e, keys.contentKey));
      items[key] = entryFor(e, undefined, 1);
    }
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1]);
    for (const key of ['a', 'a.png', 'A.PNG']) {
      const e = await encodeItem({ key, type: 'blob', value: new Blob([png], { type: 'image/png' }) }, keys.hashKey);
      await store.put(`attachments/${key}.bin`, await encryptEncoded(e, keys.contentKey));
      items[key] = entryFor(e, undefined, 1);
    }
    await store.put('metadata.json', new TextEncoder().encode(serializeMetadata({ lastSync: 1, items })));

    const files = new Map<string, Uint8Array | string>();
    const summary = await runExport({
      store,
      password,
      sink: {
        open: async () => {},
        write: async (path, data) => {
          if (files.has(path)) throw new Error(`written twice: ${path}`);
          files.set(path, data);
        },
      },
    });
    expect(summary.skipped).toEqual([]);
    expect(summary.items).toBe(all.length + 3);
    const itemFiles = [...files.keys()].filter((p) => p.startsWith('items/'));
    const attachmentFiles = [...files.keys()].filter((p) => p.startsWith('attachments/'));
    expect(itemFiles.length).toBe(all.length + 3);
    expect(attachmentFiles.length).toBe(3);
    for (const p of [...itemFiles, ...attachmentFiles]) {
      const [, name, ...rest] = p.split('/');
      expect(rest, p).toEqual([]);
      expect(name === '' || name === '.' || name === '..' || name.startsWith('.'), p).toBe(false);
    }
    const folded = (ps: string[]) => new Set(ps.map((p) => p.toLowerCase())).size;
    expect(folded(itemFiles)).toBe(itemFiles.length);
    expect(folded(attachmentFiles)).toBe(3);
    const named = itemFiles.map((p) => (JSON.parse(files.get(p) as string) as { key: string }).key).sort();
    expect(named).toEqual([...all, 'a', 'a.png', 'A.PNG'].sort());
    for (const key of all) {
      const p = itemFiles.find((f) => (JSON.parse(files.get(f) as string) as { key: string }).key === key)!;
      expect(JSON.parse(files.get(p) as string).value).toEqual({ key, n: 0 });
    }
    const index = JSON.parse(files.get('index.json') as string) as { items: { key: string; file: string }[] };
    expect(index.items.map((r) => r.key).sort()).toEqual(named);
  });
});
