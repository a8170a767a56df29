/**
 * What a query names outright, which the retriever puts first whatever the fitted weights prefer (retriever.ts
 * `rankWithModel`): the definitions a bare symbol names, those a short query or question names as `Owner.member`,
 * and the one line a query points at. Each is a rule because few or no training queries teach it (see each).
 */
import type { Chunk } from '../types';
import type { ParsedQuery } from './query';
import { definedNames } from './repoView';
import type { FileMention, Signals } from './signals';

/**
 * For a bare-symbol query (`Postings`, `LexicalIndex.rebuild`, `compute_tax()`, `shop.pricing.compute_tax`), a test
 * of whether a chunk defines it: its own name is the symbol's last part, and a dotted symbol's whole path ends the
 * chunk's qualified name, or its module path and qualified name together (`moduleOf`: a Python file's dotted module).
 * Otherwise undefined.
 */
export function symbolDefinitions(p: ParsedQuery, moduleOf: (path: string) => string | undefined = () => undefined): ((c: Chunk) => boolean) | undefined {
  if (p.kind !== 'symbol') return undefined;
  const parts = p.raw.trim().replace(/\(\)$/, '').split(/[.:#/\\]+/).filter(Boolean);
  const name = parts[parts.length - 1];
  if (!name) return undefined;
  const qual = parts.join('.');
  const ends = (full: string) => full === qual || full.endsWith(`.${qual}`);
  return (c) => {
    if (!definedNames(c).includes(name)) return false;
    if (parts.length === 1 || ends(c.qualifiedName)) return true;
    const mod = moduleOf(c.path);
    return mod !== undefined && ends(`${mod}.${c.qualifiedName}`);
  };
}

/** A chunk whose qualified name a dotted name of the query ends (signals.ts `qual`: two or more of its parts). */
export function qualifiedMention(sig: Pick<Signals, 'symbols'>): ((c: Chunk) => boolean) | undefined {
  for (const m of sig.symbols.values()) if (m.qual >= 2 / 3) return (c) => (sig.symbols.get(c.id)?.qual ?? 0) >= 2 / 3;
  return undefined;
}

/**
 * The one line a query points at: a link to a line (`…/blob/<ref>/shop/db/models.py#L9`) or a `path:line`, when it is
 * the query's only line and no traceback frame is in the query. Its innermost chunk comes first, after a bare
 * symbol's definitions, for a like reason: few training queries point at one line (six of the 136 development issues),
 * so the fitted weight of `lineHit` moves from one fit to the next (0.85 → 0.52 in session 40) and cannot be relied on
 * to put it there (bench/RESULTS.md, session 40).
 */
export function pointedLine(mentions: ReadonlyMap<string, FileMention>): { path: string; line: number } | undefined {
  let found: { path: string; line: number } | undefined;
  for (const [path, m] of mentions) {
    if (m.frame) return undefined;
    for (const line of new Set(m.lines)) {
      if (found) return undefined;
      found = { path, line };
    }
  }
  return found;
}
