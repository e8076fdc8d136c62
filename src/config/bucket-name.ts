/**
 * S3 bucket naming rules (AWS "General purpose bucket naming rules"), so a typo is caught here with a
 * plain message rather than as an opaque error from the server. Pure.
 *
 * S3-compatible services are a little more lenient: Google Cloud Storage allows "_" in names, so
 * underscores are only refused for AWS itself.
 */

const RESERVED_PREFIXES = ['xn--', 'sthree-', 'amzn-s3-demo-'];
const RESERVED_SUFFIXES = ['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3'];

/** Returns null when the name is acceptable, otherwise a message for a person. */
export function bucketNameProblem(name: string, options: { aws: boolean }): string | null {
  if (name.length < 3 || name.length > 63) {
    return `A bucket name is 3 to 63 characters long; "${name}" has ${name.length}.`;
  }
  const allowed = options.aws ? /[a-z0-9.-]/ : /[a-z0-9._-]/;
  const bad = [...new Set([...name].filter((c) => !allowed.test(c)))];
  if (bad.length > 0) {
    const shown = bad.map((c) => (c === ' ' ? 'space' : `"${c}"`)).join(', ');
    const lower = name.toLowerCase() !== name ? ' Bucket names are all lowercase.' : '';
    return (
      `A bucket name may only use lowercase letters, digits, dots (.) and hyphens (-); "${name}" contains ${shown}.` + lower
    );
  }
  if (!/^[a-z0-9]/.test(name) || !/[a-z0-9]$/.test(name)) {
    return `A bucket name must begin and end with a letter or a digit; check the start and end of "${name}".`;
  }
  if (name.includes('..')) return `A bucket name cannot contain two dots in a row ("${name}").`;
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(name)) {
    return `A bucket name cannot look like an IP address ("${name}"). Enter the bucket's name, and the server address as the endpoint.`;
  }
  const prefix = RESERVED_PREFIXES.find((p) => name.startsWith(p));
  if (prefix) return `S3 does not allow bucket names that start with "${prefix}".`;
  const suffix = RESERVED_SUFFIXES.find((s) => name.endsWith(s));
  if (suffix) return `S3 does not allow bucket names that end with "${suffix}".`;
  return null;
}
