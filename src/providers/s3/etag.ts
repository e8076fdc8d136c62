/**
 * ETags as one canonical string: S3 sends them quoted ("abc"); some S3-compatibles drop the quotes in
 * listings or headers. Comparing and sending them back in If-Match needs one form, the quoted one.
 */
export function normalizeEtag(raw: string | undefined | null): string | undefined {
  if (raw === undefined || raw === null) return undefined;
  const t = raw.trim();
  if (t === '') return undefined;
  if (t.startsWith('W/')) return t;
  if (t.startsWith('"') && t.endsWith('"') && t.length >= 2) return t;
  return `"${t}"`;
}
