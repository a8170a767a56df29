import type { QueryTerm } from './lexical';

/**
 * Coverage of a query by a hit (bit i of `matched` = `terms[i]` matched): each word of the query (a concept:
 * the word, its identifier parts, its other forms) counts with the idf of its most common searched form of 3+
 * letters — "re-embedded" is worth what `embed` is worth, not what the rare compound is — and is covered by
 * its best matched term in proportion to that term's query weight (a part or another form counts less).
 */
export function queryCoverage(terms: readonly QueryTerm[], idf: (term: string) => number): (matched: number) => number {
  const concepts = new Map<string, { imp: number; maxW: number }>();
  for (const t of terms) {
    const key = t.concept ?? t.term;
    const c = concepts.get(key) ?? { imp: Infinity, maxW: 0 };
    if (t.term.length >= 3 || c.imp === Infinity) c.imp = Math.min(c.imp, idf(t.term));
    c.maxW = Math.max(c.maxW, t.weight);
    concepts.set(key, c);
  }
  let total = 0;
  for (const c of concepts.values()) total += c.imp;
  return (matched) => {
    if (!(total > 0)) return 0;
    const credit = new Map<string, number>();
    terms.forEach((t, i) => {
      if (i >= 32 || !(matched & (1 << i))) return; // the engine takes 32 terms
      const key = t.concept ?? t.term;
      credit.set(key, Math.max(credit.get(key) ?? 0, t.weight / concepts.get(key)!.maxW));
    });
    let sum = 0;
    for (const [key, c] of credit) sum += concepts.get(key)!.imp * c;
    return Math.min(1, sum / total);
  };
}
