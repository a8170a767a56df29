/** Reciprocal rank fusion of ranked id lists: score(id) = Σ weight / (k + rank), rank 1-based. */
export function reciprocalRankFusion(lists: { ids: string[]; weight?: number }[], k = 60): Map<string, number> {
  const scores = new Map<string, number>();
  for (const { ids, weight = 1 } of lists) {
    ids.forEach((id, i) => scores.set(id, (scores.get(id) ?? 0) + weight / (k + i + 1)));
  }
  return scores;
}
