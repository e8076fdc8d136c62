import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  attachmentObjectKey,
  backupAttachmentKey,
  backupFolderKind,
  backupFolderName,
  backupItemKey,
  backupManifestKey,
  backupMetadataKey,
  backupObjectKeyFor,
  codecForObjectKey,
  dailyBackupFolder,
  itemObjectKey,
  MANIFEST_INDEX_KEY,
  METADATA_KEY,
  objectKeyFor,
  parseObjectKey,
  snapshotFolder,
} from '../../../src/cloud';

describe('object keys', () => {
  it('uses raw item keys: spaces, quotes, slashes and non-ASCII are kept', () => {
    expect(itemObjectKey("CHAT_with space 'q' a/b ü🔥")).toBe("items/CHAT_with space 'q' a/b ü🔥.json");
    expect(attachmentObjectKey('ATTACHMENT_doc.pdf')).toBe('attachments/ATTACHMENT_doc.pdf.bin');
  });

  it('routes by type: blob → attachments, idb and ls → items', () => {
    expect(objectKeyFor('k', 'blob')).toBe('attachments/k.bin');
    expect(objectKeyFor('k', 'idb')).toBe('items/k.json');
    expect(objectKeyFor('k', 'ls')).toBe('items/k.json');
  });

  it('names a snapshot folder like the original (UTC stamp, every non-alphanumeric code unit → -)', () => {
    const d = new Date(Date.UTC(2025, 0, 2, 3, 4, 5, 678));
    expect(snapshotFolder('My snap', d)).toBe('backups/s-My-snap-20250102T030405');
    expect(snapshotFolder('Lab snapshot A', new Date('2026-11-22T02:20:02.500Z'))).toBe('backups/s-Lab-snapshot-A-20261122T022002');
    // 🔥 is two UTF-16 code units → two dashes; ü one.
    expect(snapshotFolder('ü🔥/x', d)).toBe('backups/s-----x-20250102T030405');
  });

  it('names the daily folder with the UTC date, even just before midnight elsewhere', () => {
    expect(dailyBackupFolder(new Date('2026-11-22T23:59:59.999Z'))).toBe('backups/typingmind-backup-20261122');
    expect(dailyBackupFolder(new Date('2026-11-23T00:00:00.000Z'))).toBe('backups/typingmind-backup-20261123');
  });

  it('builds the keys inside a backup folder', () => {
    const f = 'backups/typingmind-backup-20261122';
    expect(backupItemKey(f, 'CHAT_a')).toBe(`${f}/items/CHAT_a.json`);
    expect(backupAttachmentKey(f, 'A.png')).toBe(`${f}/attachments/A.png.bin`);
    expect(backupObjectKeyFor(f, 'A.png', 'blob')).toBe(`${f}/attachments/A.png.bin`);
    expect(backupMetadataKey(f)).toBe(`${f}/metadata.json`);
    expect(backupManifestKey(f)).toBe(`${f}/backup-manifest.json`);
    expect(backupFolderName(f)).toBe('typingmind-backup-20261122');
    expect(backupFolderKind(f)).toBe('daily');
    expect(backupFolderKind('backups/s-x-20250102T030405')).toBe('snapshot');
    expect(backupFolderKind('backups/other')).toBe('unknown');
  });
});

describe('parseObjectKey (the inverse)', () => {
  it('recognises every kind', () => {
    expect(parseObjectKey(METADATA_KEY)).toEqual({ kind: 'metadata' });
    expect(parseObjectKey(MANIFEST_INDEX_KEY)).toEqual({ kind: 'manifest-index' });
    expect(parseObjectKey('items/a/b.json')).toEqual({ kind: 'item', itemKey: 'a/b' });
    expect(parseObjectKey('attachments/x.png.bin')).toEqual({ kind: 'attachment', itemKey: 'x.png' });
    expect(parseObjectKey('backups/s-a-1/backup-manifest.json')).toEqual({ kind: 'manifest', folder: 'backups/s-a-1' });
    expect(parseObjectKey('backups/s-a-1/metadata.json')).toEqual({ kind: 'metadata', folder: 'backups/s-a-1' });
    expect(parseObjectKey('backups/s-a-1/items/k/x.json')).toEqual({ kind: 'item', itemKey: 'k/x', folder: 'backups/s-a-1' });
    expect(parseObjectKey('items/.json')).toEqual({ kind: 'item', itemKey: '' });
  });

  it('returns null for keys outside the layout (legacy V1/V2 files, strays)', () => {
    for (const k of ['typingmind-backup.json', 'chats/abc.json', 'settings.json', 'items/x.bin', 'attachments/x.json', 'backups/', 'backups//items/a.json', 'backups/f', 'backups/f/zzz'])
      expect(parseObjectKey(k), k).toBeNull();
  });

  it('round-trips any item key through every builder', () => {
    fc.assert(
      fc.property(fc.string(), fc.constantFrom('idb', 'ls', 'blob') as fc.Arbitrary<'idb' | 'ls' | 'blob'>, (key, type) => {
        const live = parseObjectKey(objectKeyFor(key, type));
        const inBackup = parseObjectKey(backupObjectKeyFor('backups/s-x-20250102T030405', key, type));
        const kind = type === 'blob' ? 'attachment' : 'item';
        return (
          live?.kind === kind && live.itemKey === key && inBackup?.kind === kind && inBackup.itemKey === key &&
          inBackup.folder === 'backups/s-x-20250102T030405'
        );
      }),
    );
  });

  it('chooses the codec by prefix, backup attachments included', () => {
    expect(codecForObjectKey('metadata.json')).toBe('plaintext-json');
    expect(codecForObjectKey('backups/manifest-index.json')).toBe('plaintext-json');
    expect(codecForObjectKey('items/k.json')).toBe('json');
    expect(codecForObjectKey('attachments/k.bin')).toBe('bytes');
    expect(codecForObjectKey('backups/typingmind-backup-20261122/attachments/k.bin')).toBe('bytes');
    expect(codecForObjectKey('random')).toBeNull();
  });
});
