/** Object keys as any script on the page may choose them, for the S3 tests (s3rver and moto). */

/** Keys with characters URLs treat specially, whose every segment survives as it is. */
export const ODD_KEYS = ['pct%2Fslash', 'what?now', 'hash#tag', 'tab\there', 'new\nline', 'spaces and + plus', 'https:%2F%2Fexample.com?c=d#e'];
/**
 * Keys with `.`, `..` or empty segments, which a URL parser would resolve or collapse into another object's
 * address (`items/../metadata.json` is the index itself, `items/x/../CHAT_victim.json` a neighbour,
 * `items/CHAT_a//b.json` is `items/CHAT_a/b.json` to some servers). Sent exactly, real S3 keeps each apart.
 * s3rver keeps objects as files and resolves such keys itself when it stores them, so on it they are checked
 * for what the client sends; the compatibility suite (moto, `npm run test:compat`) checks them end to end.
 */
export const PATH_KEYS = [
  'CHAT_a//b',
  '/leading',
  'trailing/',
  'CHAT_./x',
  '../metadata',
  'CHAT_x/../../metadata',
  'x/../CHAT_victim',
  'https://example.com/a/./b/../c',
];
