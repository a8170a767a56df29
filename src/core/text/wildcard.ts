/**
 * Matching of one path segment against a wildcard pattern (`*`, `?`, `[a-z]`, `[!abc]`, `\x` a literal x), without
 * backtracking: on a mismatch only the last `*` takes one more character, so time is at most pattern × name. Used for
 * `list_files` globs (which a model writes) and `.gitignore` negations. Compiled to regular expressions instead,
 * `*a*a*a*a*a*a*a*a*a*a*c` took 49 s against one 43-character name.
 */

export type WildTok = { k: 'lit'; c: string } | { k: 'any' } | { k: 'star' } | { k: 'class'; neg: boolean; set: string };

/** The tokens of one segment pattern; with `ignoreCase`, literals and classes lower-cased (match lower-cased names). */
export function wildcardTokens(seg: string, ignoreCase = false): WildTok[] {
  const fold = (s: string) => (ignoreCase ? s.toLowerCase() : s);
  const out: WildTok[] = [];
  for (let i = 0; i < seg.length; i++) {
    const ch = seg[i];
    if (ch === '\\' && i + 1 < seg.length) out.push({ k: 'lit', c: fold(seg[++i]) });
    else if (ch === '*') {
      if (out[out.length - 1]?.k !== 'star') out.push({ k: 'star' });
    } else if (ch === '?') out.push({ k: 'any' });
    else if (ch === '[' && seg.indexOf(']', i + 2) > 0) {
      const end = seg.indexOf(']', i + 2);
      const body = seg.slice(i + 1, end);
      out.push({ k: 'class', neg: body.startsWith('!') || body.startsWith('^'), set: fold(body.replace(/^[!^]/, '')) });
      i = end;
    } else out.push({ k: 'lit', c: fold(ch) });
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

function one(t: WildTok, c: string): boolean {
  return t.k === 'any' || (t.k === 'lit' ? t.c === c : t.k === 'class' && inClass(t.set, c) !== t.neg);
}

/** Whether `s` matches the tokens (`s` lower-cased by the caller when the tokens were). */
export function wildcardMatch(t: readonly WildTok[], s: string): boolean {
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

/** A segment pattern as a predicate with `test`, like the RegExp it replaces. */
export function segmentMatcher(seg: string, ignoreCase = false): { test(s: string): boolean } {
  const toks = wildcardTokens(seg, ignoreCase);
  return { test: (s) => wildcardMatch(toks, ignoreCase ? s.toLowerCase() : s) };
}
