import { higherFirst } from '../order';

/** Orders map entries by key: a tie-break, so that the order a map was filled in never decides a ranking. */
export const byKey = (a: [string, unknown], b: [string, unknown]): number => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);

/** Orders `[key, score]` entries by score, highest first, then by key. */
export const byValueThenKey = (a: [string, number], b: [string, number]): number => higherFirst(a[1], b[1]) || byKey(a, b);

/** Reciprocal rank fusion of ranked id lists: score(id) = Σ weight / (k + rank), rank 1-based. */
export function reciprocalRankFusion(lists: { ids: string[]; weight?: number }[], k = 60): Map<string, number> {
  const scores = new Map<string, number>();
  for (const { ids, weight = 1 } of lists) {
    ids.forEach((id, i) => scores.set(id, (scores.get(id) ?? 0) + weight / (k + i + 1)));
  }
  return scores;
}
