/**
 * A small glob matcher for `list_files`: `**` any number of path segments, `*` within one segment, `?` one
 * character, `{a,b}` alternatives, `[abc]` / `[!abc]` classes. A pattern without `/` matches the file name at any
 * depth (`*.ts`); a pattern naming a directory (`src`, `src/`) matches everything below it.
 *
 * The model writes these patterns, so matching must not backtrack: compiled to a regular expression,
 * `*a*a*a*a*a*a*a*a*a*a*c` took 49 s against one 43-character file name. Here a segment is matched by the
 * two-pointer wildcard walk (time ≤ pattern × name) and `**` by a table over (pattern segment, path segment).
 */

type Tok = { k: 'lit'; c: string } | { k: 'any' } | { k: 'star' } | { k: 'class'; neg: boolean; set: string };
/** A pattern segment: tokens, or '**' (any number of path segments). */
type Seg = Tok[] | '**';

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

function tokens(seg: string): Tok[] {
  const out: Tok[] = [];
  for (let i = 0; i < seg.length; i++) {
    const ch = seg[i];
    if (ch === '*') {
      if (out[out.length - 1]?.k !== 'star') out.push({ k: 'star' });
    } else if (ch === '?') out.push({ k: 'any' });
    else if (ch === '[' && seg.indexOf(']', i + 2) > 0) {
      const end = seg.indexOf(']', i + 2);
      const body = seg.slice(i + 1, end);
      out.push({ k: 'class', neg: body.startsWith('!') || body.startsWith('^'), set: body.replace(/^[!^]/, '') });
      i = end;
    } else out.push({ k: 'lit', c: ch });
  }
  return out;
}

function inClass(set: string, c: string): boolean {
  for (let i = 0; i < set.length; i++) {
    if (set[i + 1] === '-' && i + 2 < set.length) {
      if (c >= set[i] && c <= set[i + 2]) return true;
      i += 2;
    } else if (set[i] === c) return true;
  }
  return false;
}

function one(t: Tok, c: string): boolean {
  return t.k === 'any' || (t.k === 'lit' ? t.c === c : t.k === 'class' && inClass(t.set, c) !== t.neg);
}

/** Wildcard match of one segment: on a mismatch, the last `*` takes one more character (no nested backtracking). */
function segMatch(t: Tok[], s: string): boolean {
  let ti = 0;
  let si = 0;
  let starT = -1;
  let starS = 0;
  while (si < s.length) {
    const tok = t[ti];
    if (tok && tok.k === 'star') {
      starT = ti++;
      starS = si;
    } else if (tok && one(tok, s[si])) {
      ti++;
      si++;
    } else if (starT >= 0) {
      ti = starT + 1;
      si = ++starS;
    } else return false;
  }
  while (t[ti]?.k === 'star') ti++;
  return ti === t.length;
}

/** Pattern segments; `**` inside a segment (`**.ts`, `a**`) spans segments, as `**` / `*`. */
function segments(p: string): Seg[] {
  const out: Seg[] = [];
  for (const part of p.split('/')) {
    if (part === '**') out.push('**');
    else if (part.includes('**')) {
      const at = part.indexOf('**');
      if (at > 0) out.push(tokens(`${part.slice(0, at)}*`));
      out.push('**');
      if (at + 2 < part.length) out.push(tokens(`*${part.slice(at + 2)}`));
    } else out.push(tokens(part));
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
    else ok = si < S && segMatch(seg, path[si]) && go(pi + 1, si + 1);
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
