import { describe, expect, it } from 'vitest';
import { missingSecrets, parseExportArgs } from '../../../src/cli/export-args';
import { describeSummary } from '../../../src/cli/export-main';

const S3 = ['--bucket', 'b', '--access-key-id', 'AK', '--out', 'dir'];

describe('cloudsync-export options', () => {
  it('S3: endpoint optional (AWS), region defaults, secrets from the environment', () => {
    const p = parseExportArgs(S3, { CLOUDSYNC_SECRET_ACCESS_KEY: 'sk', CLOUDSYNC_PASSWORD: 'pw' });
    expect(p).toEqual({
      kind: 'run',
      args: { target: { kind: 's3', endpoint: undefined, region: 'us-east-1', bucket: 'b', accessKeyId: 'AK', secretAccessKey: 'sk' }, password: 'pw', backup: undefined, listBackups: false, out: 'dir', concurrency: 8, onCommandLine: [] },
    });
  });

  it('secrets on the command line are taken, and named for the warning', () => {
    const p = parseExportArgs([...S3, '--secret-access-key=sk', '--password', ' spaced pw '], {});
    expect(p.kind === 'run' && p.args.password).toBe(' spaced pw ');
    expect(p.kind === 'run' && p.args.onCommandLine).toEqual(['--secret-access-key', '--password']);
  });

  it('says which secrets are still missing, so they can be asked for', () => {
    const p = parseExportArgs(S3, {});
    if (p.kind !== 'run') throw new Error(p.kind);
    expect(missingSecrets(p.args).map((m) => m.env)).toEqual(['CLOUDSYNC_SECRET_ACCESS_KEY', 'CLOUDSYNC_PASSWORD']);
    const list = parseExportArgs(['--bucket', 'b', '--access-key-id', 'AK', '--list-backups'], { CLOUDSYNC_SECRET_ACCESS_KEY: 'sk' });
    if (list.kind !== 'run') throw new Error(list.kind);
    expect(missingSecrets(list.args)).toEqual([]);
  });

  it('Google Drive by its token', () => {
    const p = parseExportArgs(['--drive-token', 't', '--out', 'd'], { CLOUDSYNC_PASSWORD: 'pw' });
    expect(p.kind === 'run' && p.args.target).toEqual({ kind: 'googleDrive', token: 't', apiBase: undefined });
  });

  it('refuses what cannot be meant, in words', () => {
    const msg = (argv: string[]) => {
      const p = parseExportArgs(argv, {});
      return p.kind === 'error' ? p.message : `(${p.kind})`;
    };
    expect(msg(['--bucket', 'b', '--access-key-id', 'AK'])).toContain('--out DIR');
    expect(msg([...S3, '--list-backups', '--backup', 'x'])).toContain('not both');
    expect(msg([...S3, '--drive-token', 't'])).toContain('choose one');
    expect(msg(['--out', 'd'])).toContain('--bucket');
    expect(msg([...S3, '--bogus'])).toContain('Unknown option "--bogus"');
    expect(msg([...S3, '--endpoint', 'localhost:9000'])).toContain('must be a URL');
    expect(msg([...S3, '--concurrency', '0'])).toContain('1 to 64');
    expect(msg(['--bucket'])).toContain('needs a value');
    expect(msg([...S3, '--bucket', 'c'])).toContain('given twice');
    expect(parseExportArgs(['--help'], {}).kind).toBe('help');
  });

  it('the summary names every skipped item and why', () => {
    const text = describeSummary({ source: 'typingmind-backup-20261122', items: 3, attachments: 1, chats: 2, bytes: 2048, deleted: 1, skipped: [{ key: 'CHAT_x', reason: 'is unreadable' }] }, 'out');
    expect(text).toContain('Exported the backup typingmind-backup-20261122 to out: 3 items (2 chats, 1 attachments), 2.0 KB.');
    expect(text).toContain('1 deleted item(s) not exported');
    expect(text).toContain('"CHAT_x" is unreadable');
  });
});
