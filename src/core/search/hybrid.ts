import type { Chunk } from '../types';
import type { Embedder } from '../embed/embedder';
import type { LexicalIndex } from '../index/lexical';
import type { VectorStore } from '../index/vectorStore';
import { byValueThenKey, reciprocalRankFusion } from './fusion';

export interface SearchHit {
  chunk: Chunk;
  score: number;
  /** 1-based ranks in each candidate list the hit came from. */
  lexicalRank?: number;
  vectorRank?: number;
  matchedTerms?: string[];
}

export interface HybridSources {
  store: VectorStore;
  lexical: LexicalIndex;
  embedder: Embedder;
}

/** Lexical (BM25) and vector candidates fused by reciprocal rank: the plain-fusion baseline. */
export async function hybridSearch(src: HybridSources, query: string, k: number, pool = 100): Promise<SearchHit[]> {
  const lex = src.lexical.search(query, pool);
  const [qv] = await src.embedder.embed([query], { kind: 'query' });
  const vec = src.store.search(qv, pool);
  const fused = reciprocalRankFusion([{ ids: lex.map((h) => h.id) }, { ids: vec.map((h) => h.id) }]);
  const lexRank = new Map(lex.map((h, i) => [h.id, i + 1]));
  const vecRank = new Map(vec.map((h, i) => [h.id, i + 1]));
  const terms = new Map(lex.map((h) => [h.id, h.matchedTerms]));
  return [...fused]
    .sort(byValueThenKey)
    .slice(0, k)
    .flatMap(([id, score]) => {
      const chunk = src.store.getChunk(id);
      return chunk ? [{ chunk, score, lexicalRank: lexRank.get(id), vectorRank: vecRank.get(id), matchedTerms: terms.get(id) }] : [];
    });
}
