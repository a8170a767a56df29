import { wildcardMatch, wildcardTokens, type WildTok } from '../text/wildcard';

/**
 * A small glob matcher for `list_files`: `**` any number of path segments, `*` within one segment, `?` one
 * character, `{a,b}` alternatives, `[abc]` / `[!abc]` classes. A pattern without `/` matches the file name at any
 * depth (`*.ts`); a pattern naming a directory (`src`, `src/`) matches everything below it.
 *
 * The model writes these patterns, so matching must not backtrack: compiled to a regular expression,
 * `*a*a*a*a*a*a*a*a*a*a*c` took 49 s against one 43-character file name. Here a segment is matched by the
 * wildcard walk of text/wildcard.ts (time ≤ pattern × name) and `**` by a table over (pattern segment, path segment).
 */

/** A pattern segment: tokens, or '**' (any number of path segments). */
type Seg = WildTok[] | '**';

/** Brace alternatives expanded (`*.{py,md}` → `*.py`, `*.md`), at most MAX_ALTERNATIVES patterns. */
const MAX_ALTERNATIVES = 256;

function expandBraces(p: string): string[] {
  const open = p.indexOf('{');
  if (open < 0) return [p];
  const close = p.indexOf('}', open);
  if (close < 0) return [p]; // a lone `{` is a literal
  const head = p.slice(0, open);
  const out: string[] = [];
  for (const alt of p.slice(open + 1, close).split(',')) {
    for (const rest of expandBraces(p.slice(close + 1))) {
      out.push(head + alt + rest);
      if (out.length > MAX_ALTERNATIVES) throw new Error(`glob "${p}" has more than ${MAX_ALTERNATIVES} alternatives`);
    }
  }
  return out;
}

/** Pattern segments; `**` inside a segment (`**.ts`, `a**`) spans segments, as `**` / `*`. */
function segments(p: string): Seg[] {
  const out: Seg[] = [];
  for (const part of p.split('/')) {
    if (part === '**') out.push('**');
    else if (part.includes('**')) {
      const at = part.indexOf('**');
      if (at > 0) out.push(wildcardTokens(`${part.slice(0, at)}*`));
      out.push('**');
      if (at + 2 < part.length) out.push(wildcardTokens(`*${part.slice(at + 2)}`));
    } else out.push(wildcardTokens(part));
  }
  return out;
}

/** Whether path segments match pattern segments; a final `**` needs at least one segment (`src/**` is below src). */
function pathMatch(pat: Seg[], path: string[]): boolean {
  const P = pat.length;
  const S = path.length;
  const memo = new Uint8Array((P + 1) * (S + 1)); // 0 unknown, 1 no, 2 yes
  const go = (pi: number, si: number): boolean => {
    if (pi === P) return si === S;
    const key = pi * (S + 1) + si;
    if (memo[key]) return memo[key] === 2;
    const seg = pat[pi];
    let ok: boolean;
    if (seg === '**') ok = (pi + 1 < P || si < S) && ((pi + 1 < P && go(pi + 1, si)) || (si < S && (go(pi, si + 1) || go(pi + 1, si + 1))));
    else ok = si < S && wildcardMatch(seg, path[si]) && go(pi + 1, si + 1);
    memo[key] = ok ? 2 : 1;
    return ok;
  };
  return go(0, 0);
}

/** A predicate over workspace-relative `/`-separated paths. Throws on an unusable pattern. */
export function globMatcher(glob: string): (path: string) => boolean {
  let g = glob.trim().replace(/\\/g, '/').replace(/^\.\//, '');
  if (!g || g === '.' || g === '*' || g === '**' || g === '**/*') return () => true;
  g = g.replace(/^\/+/, '');
  const hasMeta = /[*?[{]/.test(g);
  if (!hasMeta) {
    const dir = g.replace(/\/+$/, '');
    return (p) => p === dir || p.startsWith(dir + '/') || (!dir.includes('/') && (p.endsWith('/' + dir)));
  }
  if (g.endsWith('/')) g += '**';
  const pats = expandBraces(g).map((alt) => (alt.includes('/') ? segments(alt) : ['**' as const, ...segments(alt)]));
  return (p) => {
    const path = p.split('/');
    return pats.some((pat) => pathMatch(pat, path));
  };
}
