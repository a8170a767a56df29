/**
 * Secret files: never read, never indexed, never sent to a model. The walker checks names before any read,
 * and the assistant's tools call `isSecretPath` to refuse reads.
 *
 * Pattern syntax (kept deliberately small): `*` matches within one path segment, `?` one character,
 * `{a,b}` alternatives. A pattern without `/` matches the file name at any depth; a pattern with `/`
 * matches the trailing segments of the path (`.aws/credentials` matches `home/.aws/credentials`).
 * Matching is case-insensitive. Nothing here can be re-included by .pinpointignore.
 */
export const SECRET_PATTERNS: readonly string[] = [
  // environment files
  '.env', '.env.*', '*.env', '.envrc',
  // keys and key stores
  '*.pem', '*.key', '*.p12', '*.pfx', '*.keystore', '*.jks', '*.ppk', '*.keytab', '*.kdbx',
  'id_rsa*', 'id_dsa*', 'id_ecdsa*', 'id_ed25519*',
  // credential files of common tools
  '.netrc', '_netrc', '.pgpass', '.npmrc', '.pypirc', '.git-credentials', '.vault-token',
  'credentials', 'credentials.json', '.aws/credentials', '.docker/config.json', '.kube/config',
  'secrets.{yml,yaml,json,toml}', '.secrets',
  'service-account*.json', 'client_secret*.json',
  // infrastructure state and variables
  '*.tfvars', '*.tfstate', '*.tfstate.*',
  // web server password files
  'htpasswd', '.htpasswd',
];

function escapeRe(ch: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(ch) ? '\\' + ch : ch;
}

/** Compiles one pattern of the syntax above to a regex body (no anchors). */
function body(pattern: string): string {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '*') re += '[^/]*';
    else if (ch === '?') re += '[^/]';
    else if (ch === '{') {
      const end = pattern.indexOf('}', i);
      if (end < 0) { re += '\\{'; continue; }
      re += '(?:' + pattern.slice(i + 1, end).split(',').map((alt) => [...alt].map(escapeRe).join('')).join('|') + ')';
      i = end;
    } else re += escapeRe(ch);
  }
  return re;
}

/** A pattern matches a whole path, or its tail after a `/`. */
const anchor = (re: string): RegExp => new RegExp('(?:^|/)(?:' + re + ')$', 'i');
const COMPILED: ReadonlyArray<{ pattern: string; re: RegExp }> = SECRET_PATTERNS.map((pattern) => ({ pattern, re: anchor(body(pattern)) }));
/** All patterns in one regex: most paths are not secrets, and one test rejects them. */
const ANY = anchor(SECRET_PATTERNS.map(body).join('|'));

function normalise(relPath: string): string {
  return relPath.replace(/\\/g, '/').replace(/^(?:\.\/|\/)+/, '').replace(/\/+$/, '');
}

/** The secret pattern `relPath` matches, or undefined. */
export function matchSecretPattern(relPath: string): string | undefined {
  const p = normalise(relPath);
  if (!p || !ANY.test(p)) return undefined;
  for (const { pattern, re } of COMPILED) if (re.test(p)) return pattern;
  return undefined;
}

/** True when the file at `relPath` (workspace-relative, `/` or `\` separated) must never be read. */
export function isSecretPath(relPath: string): boolean {
  return matchSecretPattern(relPath) !== undefined;
}

/** User-facing detail for a skipped secret. */
export function secretDetail(pattern: string): string {
  return `matches secret pattern "${pattern}": secrets are never read, indexed or sent`;
}
