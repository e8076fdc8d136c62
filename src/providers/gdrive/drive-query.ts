/**
 * Builds the `q` strings for Drive's files.list. Pure.
 *
 * Drive's query language quotes strings with single quotes; a `'` or `\` inside a name must be
 * escaped with a backslash, or the query breaks (the original interpolated names raw,
 * original-format.md §6.4). Item keys are raw TypingMind keys, so they can hold either.
 */
export const FOLDER_MIME = 'application/vnd.google-apps.folder';

export function quoteQueryString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

export interface ChildQuery {
  /** Exact name to match. */
  name?: string;
  /** Only children of this folder id. */
  parentId?: string;
  /** Only folders. */
  foldersOnly?: boolean;
}

/** `name = '…' and '<id>' in parents and mimeType = '…folder' and trashed = false`, terms in that order. */
export function buildQuery(query: ChildQuery): string {
  const terms: string[] = [];
  if (query.name !== undefined) terms.push(`name = ${quoteQueryString(query.name)}`);
  if (query.parentId !== undefined) terms.push(`${quoteQueryString(query.parentId)} in parents`);
  if (query.foldersOnly) terms.push(`mimeType = ${quoteQueryString(FOLDER_MIME)}`);
  terms.push('trashed = false');
  return terms.join(' and ');
}
