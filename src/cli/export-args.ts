/**
 * The command line of `cloudsync-export`, parsed. Pure: argv and the environment in, options or a message
 * for a person out. Secrets may come from the command line, the environment, or (left to the caller) a
 * prompt; `needs` says which are still missing, so the caller can prompt for them or say how to give them.
 */

export interface S3Target {
  kind: 's3';
  endpoint?: string;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey?: string;
}

export interface DriveTarget {
  kind: 'googleDrive';
  token?: string;
  /** Google's API origin; another only for tests and proxies. */
  apiBase?: string;
}

export interface ExportArgs {
  target: S3Target | DriveTarget;
  password?: string;
  backup?: string;
  listBackups: boolean;
  out?: string;
  concurrency: number;
  /** Secrets that were typed on the command line (a warning: they stay in the shell's history). */
  onCommandLine: string[];
}

export type ParsedArgs = { kind: 'help' } | { kind: 'version' } | { kind: 'error'; message: string } | { kind: 'run'; args: ExportArgs };

export const USAGE = `Usage: cloudsync-export [options] --out DIR
       cloudsync-export [options] --list-backups

Reads the TypingMind Cloud Sync data in your S3 bucket or Google Drive (written by this extension or the
original V3/V4.2), decrypts it, and writes it to DIR. Reads only; never changes the bucket.

S3 and S3-compatible storage:
  --endpoint URL             S3-compatible endpoint (omit for AWS)
  --region R                 region (default us-east-1; "auto" for Cloudflare R2)
  --bucket B                 bucket name
  --access-key-id K          access key ID           (or CLOUDSYNC_ACCESS_KEY_ID / AWS_ACCESS_KEY_ID)
  --secret-access-key S      secret access key       (or CLOUDSYNC_SECRET_ACCESS_KEY / AWS_SECRET_ACCESS_KEY, or a prompt)
Google Drive:
  --drive-token T            an OAuth access token with a Drive scope (or CLOUDSYNC_DRIVE_TOKEN, or a prompt)
  --drive-api URL            Google's API origin (default https://www.googleapis.com; for tests and proxies)
Both:
  --password P               the encryption password (or CLOUDSYNC_PASSWORD, or a prompt)
  --backup NAME              export one backup (its folder, e.g. typingmind-backup-20261122, or a snapshot's name)
  --list-backups             list the backups and stop
  --out DIR                  where to write (created; must be empty)
  --concurrency N            downloads at once (default 8)
  -h, --help                 this text

Exit status: 0 everything exported; 1 failed (bad options, connection, credentials; a wrong password is
found before anything is written); 2 written, but some items could not be read (listed in the summary and
in DIR/index.json).`;

const VALUE_FLAGS = new Set([
  '--endpoint', '--region', '--bucket', '--access-key-id', '--secret-access-key', '--password', '--backup', '--out',
  '--drive-token', '--drive-api', '--concurrency',
]);
const SECRET_FLAGS = new Set(['--secret-access-key', '--password', '--drive-token']);

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v === '' ? undefined : v;
}

export function parseExportArgs(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): ParsedArgs {
  const flags = new Map<string, string>();
  let listBackups = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-h' || a === '--help') return { kind: 'help' };
    if (a === '--version') return { kind: 'version' };
    if (a === '--list-backups') {
      listBackups = true;
      continue;
    }
    const eq = a.indexOf('=');
    const name = a.startsWith('--') && eq > 0 ? a.slice(0, eq) : a;
    if (!VALUE_FLAGS.has(name)) return { kind: 'error', message: `Unknown option "${a}". Run cloudsync-export --help for the options.` };
    let value: string | undefined;
    if (name !== a) value = a.slice(eq + 1);
    else {
      value = argv[i + 1];
      if (value === undefined || (value.startsWith('--') && VALUE_FLAGS.has(value))) return { kind: 'error', message: `The option ${name} needs a value.` };
      i++;
    }
    if (flags.has(name)) return { kind: 'error', message: `The option ${name} is given twice.` };
    flags.set(name, value);
  }
  const onCommandLine = [...flags.keys()].filter((f) => SECRET_FLAGS.has(f));
  const concurrencyText = flags.get('--concurrency') ?? '8';
  const concurrency = Number(concurrencyText);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) return { kind: 'error', message: `--concurrency must be a whole number from 1 to 64 (got "${concurrencyText}").` };
  const backup = nonEmpty(flags.get('--backup'));
  const out = nonEmpty(flags.get('--out'));
  if (listBackups && backup) return { kind: 'error', message: 'Give either --list-backups or --backup, not both.' };
  if (!listBackups && !out) return { kind: 'error', message: 'Say where to write the export: --out DIR (a new or empty folder). Or --list-backups to see the backups.' };

  const driveToken = nonEmpty(flags.get('--drive-token')) ?? nonEmpty(env.CLOUDSYNC_DRIVE_TOKEN);
  const s3Flags = ['--endpoint', '--region', '--bucket', '--access-key-id', '--secret-access-key'].filter((f) => flags.has(f));
  const wantsDrive = flags.has('--drive-token') || flags.has('--drive-api') || (!flags.has('--bucket') && driveToken !== undefined);
  let target: S3Target | DriveTarget;
  if (wantsDrive) {
    if (s3Flags.length) return { kind: 'error', message: `Google Drive (--drive-token) and S3 (${s3Flags.join(', ')}) options were both given; choose one.` };
    target = { kind: 'googleDrive', token: driveToken, apiBase: nonEmpty(flags.get('--drive-api')) };
  } else {
    const bucket = nonEmpty(flags.get('--bucket'));
    if (!bucket) return { kind: 'error', message: 'Say which bucket to read: --bucket B (with --access-key-id and the secret), or --drive-token T for Google Drive.' };
    const accessKeyId = nonEmpty(flags.get('--access-key-id')) ?? nonEmpty(env.CLOUDSYNC_ACCESS_KEY_ID) ?? nonEmpty(env.AWS_ACCESS_KEY_ID);
    if (!accessKeyId) return { kind: 'error', message: 'The access key ID is missing: --access-key-id K (or CLOUDSYNC_ACCESS_KEY_ID).' };
    const endpoint = nonEmpty(flags.get('--endpoint'));
    if (endpoint !== undefined && !/^https?:\/\/[^/\s]+/i.test(endpoint)) return { kind: 'error', message: `--endpoint must be a URL such as https://<account>.r2.cloudflarestorage.com (got "${endpoint}").` };
    target = {
      kind: 's3',
      endpoint,
      region: nonEmpty(flags.get('--region')) ?? nonEmpty(env.AWS_REGION) ?? 'us-east-1',
      bucket,
      accessKeyId,
      secretAccessKey: nonEmpty(flags.get('--secret-access-key')) ?? nonEmpty(env.CLOUDSYNC_SECRET_ACCESS_KEY) ?? nonEmpty(env.AWS_SECRET_ACCESS_KEY),
    };
  }
  const password = flags.get('--password') ?? env.CLOUDSYNC_PASSWORD;
  return { kind: 'run', args: { target, password: password === '' ? undefined : password, backup, listBackups, out, concurrency, onCommandLine } };
}

/** The secrets still to ask for: [what to ask, the variable that would have given it]. */
export function missingSecrets(args: ExportArgs): { field: 'secretAccessKey' | 'token' | 'password'; prompt: string; env: string }[] {
  const out: { field: 'secretAccessKey' | 'token' | 'password'; prompt: string; env: string }[] = [];
  if (args.target.kind === 's3' && !args.target.secretAccessKey) out.push({ field: 'secretAccessKey', prompt: 'Secret access key: ', env: 'CLOUDSYNC_SECRET_ACCESS_KEY' });
  if (args.target.kind === 'googleDrive' && !args.target.token) out.push({ field: 'token', prompt: 'Google Drive access token: ', env: 'CLOUDSYNC_DRIVE_TOKEN' });
  if (args.password === undefined && !args.listBackups) out.push({ field: 'password', prompt: 'Encryption password: ', env: 'CLOUDSYNC_PASSWORD' });
  return out;
}
