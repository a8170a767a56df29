/** Glue from an opened workspace index to what the assistant needs. */
import type { WorkspaceIndex } from '../index/workspaceIndex';
import { hybridSearch } from '../search/hybrid';
import { createRetriever } from '../search/retriever';
import type { AssistantWorkspace, Retriever } from './types';

/** The plain hybrid (BM25 + vector, fused) search as a Retriever: the baseline, kept for comparisons. */
export function hybridRetriever(index: WorkspaceIndex): Retriever {
  return {
    search: (query, k) => hybridSearch({ store: index.indexer.store, lexical: index.indexer.lexical, embedder: index.embedder }, query, k),
  };
}

/** The assistant's view of an opened index; by default it retrieves with the reranked retriever. */
export function workspaceFromIndex(index: WorkspaceIndex, retriever: Retriever = createRetriever(index)): AssistantWorkspace {
  return { root: index.root, index: index.indexer.store, retriever };
}
