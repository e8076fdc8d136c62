/**
 * `cloudsync-export`: the recovery tool's command (docs: README "Recovering your data"). Builds the store
 * from the options, asks for missing secrets, runs the export (src/recovery/) and reports. IO comes in as
 * `CliIo`, so tests run it in-process against s3rver and the Drive emulator.
 */
import { backupFolderName } from '../cloud';
import { isCloudSyncError } from '../errors';
import type { CloudStore } from '../providers/cloud-store';
import { createDriveStore } from '../providers/gdrive/drive-store';
import { createS3Store } from '../providers/s3/s3-store';
import { runExport, type ExportProgress, type ExportSummary } from '../recovery/export-run';
import { listBackupsReadOnly } from '../recovery/source-index';
import { missingSecrets, parseExportArgs, USAGE, type ExportArgs } from './export-args';
import { createFolderSink } from './folder-sink';

export interface CliOutput {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface CliIo {
  env: Readonly<Record<string, string | undefined>>;
  stdout: CliOutput;
  stderr: CliOutput;
  /** Asks for a secret without echo; absent when there is no terminal to ask on. */
  prompt?: (question: string) => Promise<string>;
  version?: string;
}

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_INCOMPLETE = 2;

function storeFor(args: ExportArgs): CloudStore {
  const t = args.target;
  if (t.kind === 'googleDrive') {
    const token = t.token!;
    return createDriveStore({ getAccessToken: async () => token, apiBase: t.apiBase });
  }
  return createS3Store({ bucket: t.bucket, region: t.region, endpoint: t.endpoint, accessKeyId: t.accessKeyId, secretAccessKey: t.secretAccessKey! });
}

function megabytes(bytes: number): string {
  return bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** The summary, a few lines a person reads at the end. */
export function describeSummary(s: ExportSummary, out: string): string {
  const what = s.source === 'live' ? 'the live data' : `the backup ${s.source}`;
  const lines = [`Exported ${what} to ${out}: ${s.items} items (${s.chats} chats, ${s.attachments} attachments), ${megabytes(s.bytes)}.`];
  if (s.deleted) lines.push(`${s.deleted} deleted item(s) not exported (the index keeps them only as deletions).`);
  if (s.skipped.length) {
    lines.push(`Skipped ${s.skipped.length} item(s) that could not be read:`);
    for (const k of s.skipped) lines.push(`  ${JSON.stringify(k.key)} ${k.reason}`);
  }
  lines.push('TypingMind import file: typingmind-export.json; every item exactly: items/ and attachments/ (see index.json).');
  return lines.join('\n') + '\n';
}

function progressLine(p: ExportProgress): string {
  return `\rReading ${p.done}/${p.total} items, ${megabytes(p.bytes)}   `;
}

async function fillSecrets(args: ExportArgs, io: CliIo): Promise<string | null> {
  for (const need of missingSecrets(args)) {
    if (!io.prompt) return `The ${need.prompt.replace(/: $/, '').toLowerCase()} is missing. Set ${need.env}, or run in a terminal to be asked for it.`;
    const value = await io.prompt(need.prompt);
    if (value === '') return `No ${need.prompt.replace(/: $/, '').toLowerCase()} was given.`;
    if (need.field === 'password') args.password = value;
    else if (need.field === 'token' && args.target.kind === 'googleDrive') args.target.token = value;
    else if (need.field === 'secretAccessKey' && args.target.kind === 's3') args.target.secretAccessKey = value;
  }
  return null;
}

function explain(e: unknown, args: ExportArgs): string {
  if (args.target.kind === 'googleDrive' && isCloudSyncError(e) && ['reconnect-required', 'bad-credentials', 'expired-credentials', 'access-denied'].includes(e.code)) {
    return 'Google Drive refused the access token: it has expired (they last about an hour) or lacks Drive access. Get a new one (README, "Recovering your data") and run again.';
  }
  return e instanceof Error ? e.message : String(e);
}

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseExportArgs(argv, io.env);
  if (parsed.kind === 'help') {
    io.stdout.write(USAGE + '\n');
    return EXIT_OK;
  }
  if (parsed.kind === 'version') {
    io.stdout.write(`${io.version ?? 'unknown'}\n`);
    return EXIT_OK;
  }
  if (parsed.kind === 'error') {
    io.stderr.write(`cloudsync-export: ${parsed.message}\n`);
    return EXIT_FAILED;
  }
  const args = parsed.args;
  if (args.onCommandLine.length) {
    io.stderr.write(`Note: ${args.onCommandLine.join(', ')} on the command line stays in your shell's history; the environment variables or the prompt do not.\n`);
  }
  const missing = await fillSecrets(args, io).catch((e: unknown) => (e instanceof Error ? e.message : String(e)));
  if (missing) {
    io.stderr.write(`cloudsync-export: ${missing}\n`);
    return EXIT_FAILED;
  }
  const store = storeFor(args);
  try {
    if (args.listBackups) {
      const { backups, warnings } = await listBackupsReadOnly(store);
      for (const w of warnings) io.stderr.write(`warning: ${w}\n`);
      if (backups.length === 0) io.stdout.write('No backups in this bucket.\n');
      for (const b of backups) {
        io.stdout.write(`${backupFolderName(b.folder)}\t${b.kind}\t${new Date(b.created).toISOString()}\t${b.totalItems} items\t${b.name}\n`);
      }
      return EXIT_OK;
    }
    const tty = io.stderr.isTTY === true;
    const summary = await runExport({
      store,
      password: args.password!,
      backup: args.backup,
      sink: createFolderSink(args.out!),
      concurrency: args.concurrency,
      onProgress: tty ? (p) => io.stderr.write(progressLine(p)) : undefined,
    });
    if (tty) io.stderr.write('\n');
    io.stdout.write(describeSummary(summary, args.out!));
    return summary.skipped.length ? EXIT_INCOMPLETE : EXIT_OK;
  } catch (e) {
    if (io.stderr.isTTY) io.stderr.write('\n');
    io.stderr.write(`cloudsync-export: ${explain(e, args)}\n`);
    return EXIT_FAILED;
  }
}
