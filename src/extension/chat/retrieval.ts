/**
 * Retrieval glue for the chat (no `vscode` here): the retriever of each folder index (the reranked one with
 * per-hit reasons when available), a recording wrapper that reports what a turn retrieved — the "context used"
 * list — and the choice of folder in a multi-root workspace.
 */
import * as path from 'node:path';
import { hybridRetriever } from '../../core/assistant/workspace';
import type { Retriever, SearchHit } from '../../core/assistant/types';
import type { WorkspaceIndex } from '../../core/index/workspaceIndex';
import { createRetriever } from '../../core/search/retriever';
import type { ContextItem } from '../protocol';

/** Candidates the folder probe asks each index for (≥ what runTurn / answerOffline ask for, so it is reused). */
export const PROBE_K = 10;

const defaults = new WeakMap<WorkspaceIndex, Retriever>();

/** The default retriever of an index: the reranked retriever (one per index), else plain hybrid search. */
export function defaultRetriever(index: WorkspaceIndex, log?: (m: string) => void): Retriever {
  let r = defaults.get(index);
  if (!r) {
    try {
      r = createRetriever(index);
    } catch (e) {
      log?.(`reranked retriever unavailable, using hybrid search: ${e instanceof Error ? e.message : String(e)}`);
      r = hybridRetriever(index);
    }
    defaults.set(index, r);
  }
  return r;
}

type HitWithReasons = SearchHit & { reasons?: string[] };

/** Why a hit was retrieved: the retriever's own reasons, else what the hybrid ranks say. */
export function reasonsOf(h: HitWithReasons): string[] {
  if (h.reasons?.length) return h.reasons.slice(0, 6);
  const out: string[] = [];
  if (h.lexicalRank) out.push(`keyword match #${h.lexicalRank}${h.matchedTerms?.length ? ` (${h.matchedTerms.slice(0, 5).join(', ')})` : ''}`);
  if (h.vectorRank) out.push(`semantic match #${h.vectorRank}`);
  return out.length ? out : ['retrieved'];
}

export function contextItemOf(h: HitWithReasons): ContextItem {
  const c = h.chunk;
  const name = c.qualifiedName || c.name;
  return {
    path: c.path, startLine: c.startLine, endLine: c.endLine, ...(name ? { name } : {}), ...(c.kind ? { kind: c.kind } : {}),
    score: Number.isFinite(h.score) ? Number(h.score.toFixed(4)) : 0, reasons: reasonsOf(h),
  };
}

/**
 * A retriever that reports each search and remembers results per query (so the folder probe's search is not
 * repeated by the turn that follows it).
 */
export class RecordingRetriever implements Retriever {
  private readonly cache = new Map<string, SearchHit[]>();
  onSearch?: (query: string, hits: SearchHit[]) => void;

  constructor(private readonly base: Retriever) {}

  async search(query: string, k: number): Promise<SearchHit[]> {
    const cached = this.cache.get(query);
    const hits = cached && cached.length >= k ? cached.slice(0, k) : await this.base.search(query, k);
    if (!cached || hits.length > cached.length) this.cache.set(query, hits);
    try {
      this.onSearch?.(query, hits);
    } catch {
      /* a broken listener must not break retrieval */
    }
    return hits;
  }
}

/** Is `file` (absolute) inside `root`? */
export function isInside(root: string, file: string): boolean {
  const rel = path.relative(root, file);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * The folder a question is answered from: the preferred one (the active editor's, or the selection's) when it is
 * indexed; the only one; else the folder whose best hit for the question scores highest.
 */
export async function pickIndex(
  indexes: readonly WorkspaceIndex[],
  query: string,
  retrieverFor: (index: WorkspaceIndex) => Retriever,
  preferPath?: string,
): Promise<{ index: WorkspaceIndex; retriever: RecordingRetriever }> {
  if (!indexes.length) throw new Error('no index');
  const wrap = (index: WorkspaceIndex) => ({ index, retriever: new RecordingRetriever(retrieverFor(index)) });
  if (preferPath && path.isAbsolute(preferPath)) {
    // The innermost folder containing the path (folders may nest).
    const containing = indexes.filter((i) => isInside(i.root, preferPath)).sort((a, b) => b.root.length - a.root.length);
    if (containing.length) return wrap(containing[0]);
  }
  if (indexes.length === 1) return wrap(indexes[0]);
  let best: { index: WorkspaceIndex; retriever: RecordingRetriever; score: number } | undefined;
  for (const index of indexes) {
    const w = wrap(index);
    let score = -Infinity;
    try {
      const hits = await w.retriever.search(query, PROBE_K);
      score = hits[0]?.score ?? -Infinity;
    } catch {
      /* an index that cannot search loses the probe */
    }
    if (!best || score > best.score) best = { ...w, score };
  }
  return best ?? wrap(indexes[0]);
}
