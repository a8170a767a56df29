/**
 * Ranking metrics. A ranked list of items, each matching a set of gold ids (possibly none); from the first
 * position at which each gold id is matched:
 *  - Acc@k: every gold id is matched within the top k (the LocAgent definition; strict for multi-gold items);
 *  - Hit@k: at least one gold id within the top k;  Recall@k: the fraction of gold ids within the top k;
 *  - MRR: 1 / position of the first match;  nDCG@10: binary gains, one per gold id at its first match.
 */
export interface QueryOutcome {
  /** 1-based first positions of each gold id (Infinity when never matched). */
  firstPos: number[];
}

export function firstPositions(ranked: readonly (readonly string[])[], gold: readonly string[]): QueryOutcome {
  const pos = new Map<string, number>();
  ranked.forEach((matches, i) => {
    for (const g of matches) if (!pos.has(g)) pos.set(g, i + 1);
  });
  return { firstPos: gold.map((g) => pos.get(g) ?? Infinity) };
}

/** The outcome over a subset of the gold ids: those at `indices` of the outcome's gold list. */
export function restrictOutcome(o: QueryOutcome, indices: readonly number[]): QueryOutcome {
  return { firstPos: indices.map((i) => o.firstPos[i]) };
}

export const KS = [1, 3, 5, 10] as const;

export interface Summary {
  n: number;
  acc: Record<number, number>;
  hit: Record<number, number>;
  recall: Record<number, number>;
  mrr: number;
  ndcg10: number;
}

export function summarize(outcomes: QueryOutcome[], ks: readonly number[] = KS): Summary {
  const n = outcomes.length;
  const acc: Record<number, number> = {};
  const hit: Record<number, number> = {};
  const recall: Record<number, number> = {};
  for (const k of ks) {
    acc[k] = mean(outcomes.map((o) => (o.firstPos.length && o.firstPos.every((p) => p <= k) ? 1 : 0)));
    hit[k] = mean(outcomes.map((o) => (o.firstPos.some((p) => p <= k) ? 1 : 0)));
    recall[k] = mean(outcomes.map((o) => (o.firstPos.length ? o.firstPos.filter((p) => p <= k).length / o.firstPos.length : 0)));
  }
  const mrr = mean(outcomes.map((o) => (o.firstPos.length ? 1 / Math.min(...o.firstPos) : 0)));
  const ndcg10 = mean(
    outcomes.map((o) => {
      const dcg = o.firstPos.filter((p) => p <= 10).reduce((s, p) => s + 1 / Math.log2(p + 1), 0);
      let ideal = 0;
      for (let i = 1; i <= Math.min(10, o.firstPos.length); i++) ideal += 1 / Math.log2(i + 1);
      return ideal ? dcg / ideal : 0;
    }),
  );
  return { n, acc, hit, recall, mrr, ndcg10 };
}

export function mean(xs: number[]): number {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0;
}

export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  if (!s.length) return NaN;
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}
