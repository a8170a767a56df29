/**
 * The retriever: query understanding → candidates (lexical, vector, symbols, paths, graph) → features →
 * the fitted ranking model (weights.json) → optional second-stage reranker. Results at two grains (chunks and
 * files), each with the reasons that put it there, and a token-budgeted context pack.
 *
 *   const r = createRetriever(workspaceIndex);            // or { store, lexical, embedder }
 *   const hits = await r.search('why does QuerySet.bulk_create ignore …', 10);   // RankedHit[] ⊇ SearchHit
 *   const files = await r.searchFiles(query, 5);
 *   const pack = r.contextPack(hits, 4000);
 *
 * `stage` selects an ablation: 'lexical' (BM25 only), 'hybrid' (+ vector, RRF), 'fusion' (+ symbols, paths,
 * file BM25, graph, RRF), 'rerank' (the feature model; default).
 */
import type { Chunk } from '../types';
import type { SearchHit } from './hybrid';
import { byKey, byValueThenKey, reciprocalRankFusion } from './fusion';
import { RepoView, stubImplementations } from './repoView';
import { isQuestionText, visibleQueryText, type ParsedQuery } from './query';
import { gatherSignals, type SearchSources, type Signals } from './signals';
import { pointedLine, qualifiedMention, symbolDefinitions } from './named';
import { chunkFeatures, fileCandidates, relativeFeatures, type FileCandidate, type Features, type SearchContext } from './features';
import {
  CHUNK_FEATURES, compileModel, DEFAULT_WEIGHTS, explainVector, FILE_FEATURES, fileDerived, modelsFor, NO_FILE, recordOf, scoreVector, validateWeights,
  type FileFeature, type LinearModel, type QueryClass, type RankWeights,
} from './model';
import { higherFirst } from '../order';
import { contextPack, type ContextPack, type PackOptions } from './pack';
import type { Reranker } from './rerankers';
import { translationFeatures } from './translation';

export type { SearchContext } from './features';

export interface RankedHit extends SearchHit {
  /** Short phrases: why this was retrieved (the largest positive feature contributions). */
  reasons: string[];
  features?: Features;
  /** Per-feature contributions to the score (w·x), when explain is on. */
  contributions?: Record<string, number>;
}

export interface FileHit {
  path: string;
  score: number;
  reasons: string[];
  /** This file's hits among the ranked chunks, best first. */
  chunks: RankedHit[];
  features?: Features;
  contributions?: Record<string, number>;
}

export type Stage = 'lexical' | 'hybrid' | 'fusion' | 'rerank';

export interface RetrieverOptions {
  weights?: RankWeights;
  stage?: Stage;
  /** Candidates taken from each of the lexical and vector lists. Default 200. */
  pool?: number;
  /** Chunks of the best `expandFiles` files join the chunk candidates. Default 10. */
  expandFiles?: number;
  /** Maintain the file-grain BM25 index (memory ≈ the lexical index). Default true. */
  fileIndex?: boolean;
  /** A second-stage reranker over the top `rerankTop` chunks (cross-encoder / LLM judge). */
  reranker?: Reranker;
  rerankTop?: number;
  /** Attach features and contributions to every hit. Default false. */
  explain?: boolean;
  /** Share one RepoView between retrievers of the same index (it must wrap the same store). */
  view?: RepoView;
}

export interface RetrieveOptions {
  k?: number;
  fileK?: number;
  context?: SearchContext;
  signal?: AbortSignal;
}

export interface Retrieval {
  chunks: RankedHit[];
  files: FileHit[];
  signals: Signals;
  /** Every candidate with its features, for fitting and inspection (chunk features as a vector in CHUNK_FEATURES order). */
  candidates: { files: FileCandidate[]; chunks: { chunk: Chunk; features: Float64Array }[] };
  timings: Record<string, number>;
  /** Set when the second-stage reranker failed and the model's order was kept. */
  rerankError?: string;
  /** Which fitted model ranked (stage 'rerank'): see `queryClassOf`. */
  model?: QueryClass;
}

export interface Retriever {
  readonly view: RepoView;
  search(query: string, k: number, context?: SearchContext): Promise<RankedHit[]>;
  searchFiles(query: string, k: number, context?: SearchContext): Promise<FileHit[]>;
  retrieve(query: string, opts?: RetrieveOptions): Promise<Retrieval>;
  contextPack(hits: readonly { chunk: Chunk }[], budgetTokens: number, opts?: PackOptions): ContextPack;
}

/** Accepts a WorkspaceIndex ({indexer, embedder}) or the bare sources. */
export type RetrieverIndex = SearchSources | { indexer: { store: SearchSources['store']; lexical: SearchSources['lexical'] }; embedder: SearchSources['embedder'] };

/**
 * Which fitted model ranks a query. The long-query model learned from issues and stack traces; it also ranks a bare
 * symbol and a short query that names a path or a frame, whose worth that model learned. A short sentence that quotes
 * an identifier (a title like "`SparseCoder` doesn't expose `max_iter`", a doc line citing :meth:`invoke`) is a short
 * query, or a question: the short models learn from such sentences, and routing them to the long model (until
 * session 15) cost the issues' model accuracy in cross-validation (bench/RESULTS.md, session 15). A function of the
 * query text alone, so bench/fit.ts classes old dumps by it too.
 */
export function queryClassOf(p: ParsedQuery): QueryClass {
  const long = p.kind === 'issue' || p.kind === 'trace' || p.kind === 'symbol' || p.paths.length > 0 || p.frames.length > 0;
  return long ? 'long' : isQuestionText(p.raw) ? 'question' : 'short';
}

export function createRetriever(index: RetrieverIndex, opts: RetrieverOptions = {}): Retriever {
  const src: SearchSources = 'indexer' in index ? { store: index.indexer.store, lexical: index.indexer.lexical, embedder: index.embedder } : index;
  const weights = validateWeights(opts.weights ?? DEFAULT_WEIGHTS);
  const stage = opts.stage ?? 'rerank';
  const view = opts.view ?? new RepoView(src.store, { fileIndex: opts.fileIndex, lexical: src.lexical });

  async function retrieve(asked: string, ro: RetrieveOptions = {}): Promise<Retrieval> {
    const t0 = performance.now();
    const query = visibleQueryText(asked); // every stage, the second-stage reranker too, sees what the asker saw
    await view.syncAsync();
    const tSync = performance.now() - t0;
    const sig = await gatherSignals(src, view, query, {
      pool: opts.pool,
      useVector: stage !== 'lexical',
      useSymbols: stage === 'fusion' || stage === 'rerank',
      useFileIndex: stage === 'fusion' || stage === 'rerank',
      useTitle: stage === 'rerank',
    });
    const t1 = performance.now();
    const ctx = ro.context ?? {};
    const files = fileCandidates(view, src.store, sig, ctx);
    const tFiles = performance.now();
    const k = ro.k ?? 10;
    const fileK = ro.fileK ?? 10;
    let res: Omit<Retrieval, 'signals' | 'timings'>;
    if (stage === 'rerank') res = rankWithModel(files, sig, ctx, k, fileK);
    else res = rankWithFusion(files, sig, stage, k, fileK);
    const t2 = performance.now();
    let rerankError: string | undefined;
    if (opts.reranker && res.chunks.length) {
      try {
        res.chunks = await secondStage(opts.reranker, query, res.chunks, opts.rerankTop ?? 20, ro.signal);
      } catch (e) {
        rerankError = (e as Error).message;
      }
    }
    const timings = { sync: round(tSync), ...sig.timings, files: round(tFiles - t1), rank: round(t2 - t1), total: round(performance.now() - t0) };
    return { ...res, signals: sig, timings, ...(rerankError ? { rerankError } : {}) };
  }

  function rankWithModel(files: FileCandidate[], sig: Signals, ctx: SearchContext, k: number, fileK: number) {
    const cls = queryClassOf(sig.parsed);
    const models = modelsFor(weights, cls);
    const fileModel = compileModel(models.file, FILE_FEATURES);
    const scored = files.map((f) => ({ f, s: scoreVector(fileModel, f.x) })).sort((a, b) => higherFirst(a.s, b.s) || (a.f.path < b.f.path ? -1 : 1));
    const top = scored[0]?.s ?? 0;
    const fileRank = new Map(scored.map((x, i) => [x.f.path, fileDerived(x.s, top, i + 1)]));
    const ids = new Set<string>([...sig.lexRank.keys(), ...sig.vecRank.keys(), ...sig.symbols.keys(), ...sig.identLexRank.keys()]);
    for (const { f } of scored.slice(0, opts.expandFiles ?? 10)) for (const id of f.info.chunkIds) ids.add(id);
    const chunkModel = compileModel(models.chunk, CHUNK_FEATURES);
    const NF = CHUNK_FEATURES.length;
    const buf = new Float64Array(ids.size * NF); // every candidate's features, one vector after another
    // A bare symbol asks for its definition (go-to-symbol): the definitions it names come first, in the model's order,
    // then the rest. No development set holds such queries, so no fitted weight can say this; the fitted models
    // learned from issues to prefer methods over their class, and `Postings` ranked its class 21st.
    // So does a short query or question that names `Owner.member` (or `pkg.mod.Name`) outside doc-comment markup: in
    // the development issue titles that did, the edited function was that definition in 7 of 8 (bench/RESULTS.md,
    // session 45), where the short model, taught by docstrings whose own name is masked, put it ninth.
    const defines = symbolDefinitions(sig.parsed, (path) => view.files.get(path)?.module) ?? (cls === 'long' ? undefined : qualifiedMention(sig));
    const chunks: { chunk: Chunk; at: number; s: number; def: number }[] = [];
    for (const id of ids) {
      const c = src.store.getChunk(id);
      if (!c) continue;
      const at = chunks.length * NF;
      chunkFeatures(c, view.files.get(c.path), sig, ctx, fileRank.get(c.path) ?? NO_FILE, buf, at);
      chunks.push({ chunk: c, at, s: 0, def: defines?.(c) ? 1 : 0 });
    }
    const candidates = chunks.map((x) => x.chunk);
    relativeFeatures(candidates, buf, NF);
    // Short sentences only (docstrings, titles): questions and issues were not fitted with it (bench/RESULTS.md, session 43).
    if (cls === 'short') translationFeatures(sig.parsed.raw, candidates, buf, NF, TM, TM_REL);
    for (const x of chunks) x.s = scoreVector(chunkModel, buf, x.at);
    const pointed = pointedLine(sig.mentions);
    const holder = pointed && chunks
      .filter(({ chunk: c }) => c.path === pointed.path && c.startLine <= pointed.line && pointed.line <= c.endLine)
      .sort((a, b) => a.chunk.endLine - a.chunk.startLine - (b.chunk.endLine - b.chunk.startLine))[0];
    const pin = (x: (typeof chunks)[number]) => (x === holder ? 1 : 0);
    chunks.sort((a, b) => b.def - a.def || pin(b) - pin(a) || higherFirst(a.s, b.s) || (a.chunk.id < b.chunk.id ? -1 : 1));
    const featuresOf = (at: number) => buf.subarray(at, at + NF);
    const n = Math.max(k, 50);
    const ordered = stubsAfterImplementations(chunks, n, (x) => chunkKey(x.chunk.path, x.chunk.qualifiedName), (x) => stubImplementations(x.chunk.path).map((p) => chunkKey(p, x.chunk.qualifiedName)));
    // A short question gets variety: a trait implemented a hundred times in one file does not fill its results. An
    // issue keeps every namesake (its fix often touches all the `_latex` methods of a module), as does a named symbol.
    const placed = cls === 'long' ? ordered.slice(0, n) : spreadSiblings(ordered, n, (x) => x.def === 1 || (sig.symbols.get(x.chunk.id)?.exact ?? 0) > 0);
    // Reasons are worked out for the hits returned (the first k, and each file's first five) and no others.
    const hits = placed.map(({ chunk, s }) => bareHit(chunk, s, sig));
    const fileHits: FileHit[] = stubsAfterImplementations(scored, fileK, (x) => x.f.path, (x) => stubImplementations(x.f.path)).slice(0, fileK).map(({ f, s }) => {
      const e = explainVector(models.file, FILE_FEATURES, f.x, 0, !!opts.explain);
      return {
        path: f.path, score: s, reasons: e.reasons, chunks: hits.filter((h) => h.chunk.path === f.path).slice(0, 5),
        ...(opts.explain ? { features: f.features, contributions: e.contributions } : {}),
      };
    });
    const slot = new Map(hits.map((h, i) => [h, placed[i]]));
    for (const h of new Set([...hits.slice(0, k), ...fileHits.flatMap((f) => f.chunks)])) {
      const { at, def } = slot.get(h)!;
      explainHit(h, models.chunk, buf, at);
      if (def) h.reasons.unshift('defines the symbol');
    }
    return {
      chunks: hits.slice(0, k), files: fileHits,
      candidates: { files, get chunks() { return chunks.map(({ chunk, at }) => ({ chunk, features: featuresOf(at) })); } }, // built when read (eval dumps)
      model: cls,
    };
  }

  /** A hit without its reasons (`explainHit` adds them). */
  function bareHit(chunk: Chunk, s: number, sig: Signals): RankedHit {
    return {
      chunk, score: s, lexicalRank: sig.lexRank.get(chunk.id), vectorRank: sig.vecRank.get(chunk.id),
      matchedTerms: sig.lex.find((h) => h.id === chunk.id)?.matchedTerms, reasons: [],
    };
  }

  /** Sets a hit's reasons from its chunk feature vector (the one at `at` in `buf`); with `explain`, its features too. */
  function explainHit(hit: RankedHit, model: LinearModel, buf: Float64Array, at: number): void {
    const e = explainVector(model, CHUNK_FEATURES, buf, at, !!opts.explain);
    hit.reasons = e.reasons;
    if (opts.explain) Object.assign(hit, { features: recordOf(CHUNK_FEATURES, buf.subarray(at, at + CHUNK_FEATURES.length)), contributions: e.contributions });
  }

  function rankWithFusion(files: FileCandidate[], sig: Signals, st: Stage, k: number, fileK: number) {
    const lists: { ids: string[]; name: string }[] = [{ ids: sig.lex.map((h) => h.id), name: 'keyword match' }];
    if (st !== 'lexical') lists.push({ ids: sig.vec.map((h) => h.id), name: 'semantic match' });
    if (st === 'fusion') {
      lists.push({ ids: [...sig.symbols].sort((a, b) => b[1].exact * b[1].spec + b[1].qual - (a[1].exact * a[1].spec + a[1].qual) || byKey(a, b)).map(([id]) => id), name: 'symbol mentioned' });
      lists.push({ ids: [...sig.identLexRank].sort((a, b) => a[1] - b[1] || byKey(a, b)).map(([id]) => id), name: 'identifier match' });
    }
    const fusedChunks = st === 'lexical' ? new Map(sig.lex.map((h, i) => [h.id, 1 / (60 + i + 1)])) : reciprocalRankFusion(lists);
    const order = [...fusedChunks].sort(byValueThenKey);
    const hits: RankedHit[] = [];
    for (const [id, s] of order.slice(0, Math.max(k, 50))) {
      const chunk = src.store.getChunk(id);
      if (!chunk) continue;
      const reasons = lists.filter((l) => l.ids.includes(id)).map((l) => l.name);
      hits.push({ chunk, score: s, lexicalRank: sig.lexRank.get(id), vectorRank: sig.vecRank.get(id), reasons });
    }
    // Files: RRF of per-file lists (a file ranks by its best chunk in each chunk list, plus file-grain lists).
    const byFile = (ids: string[]) => [...new Set(ids.map((id) => src.store.getChunk(id)?.path).filter((p): p is string => !!p))];
    const fileLists = lists.map((l) => ({ ids: byFile(l.ids) }));
    if (st === 'fusion') {
      const rank = (key: FileFeature) => {
        const i = FILE_FEATURES.indexOf(key);
        return files.filter((f) => f.x[i] > 0).sort((a, b) => b.x[i] - a.x[i] || (a.path < b.path ? -1 : 1)).map((f) => f.path);
      };
      fileLists.push({ ids: sig.fbm.map((h) => h.key) }, { ids: rank('pathMention') }, { ids: rank('moduleMention') }, { ids: rank('frame') }, { ids: rank('graph') });
    }
    const fusedFiles = reciprocalRankFusion(fileLists);
    const fileHits = [...fusedFiles].sort(byValueThenKey).slice(0, fileK).map(([path, s]) => ({
      path, score: s, reasons: ['fused rank'], chunks: hits.filter((h) => h.chunk.path === path).slice(0, 5),
    }));
    return { chunks: hits.slice(0, k), files: fileHits, candidates: { files, chunks: [] } };
  }

  return {
    view,
    async search(query, k, context) {
      return (await retrieve(query, { k, context })).chunks;
    },
    async searchFiles(query, k, context) {
      return (await retrieve(query, { fileK: k, context })).files;
    },
    retrieve,
    contextPack: (hits, budget, po) => contextPack(hits, budget, po),
  };
}

async function secondStage(reranker: Reranker, query: string, hits: RankedHit[], top: number, signal?: AbortSignal): Promise<RankedHit[]> {
  const head = hits.slice(0, top);
  const docs = head.map((h) => `${h.chunk.path}:${h.chunk.startLine}-${h.chunk.endLine}\n${h.chunk.text}`);
  const scores = await reranker.rerank(query, docs, signal);
  const order = head.map((h, i) => ({ h, s: scores[i], i })).sort((a, b) => higherFirst(a.s, b.s) || a.i - b.i);
  const reranked = order.map(({ h, s }) => ({ ...h, score: s, reasons: [`${reranker.id} ${s.toFixed(2)}`, ...h.reasons] }));
  return [...reranked, ...hits.slice(top)];
}

/**
 * The first `n` of a ranked list, with same-named siblings of one file spread out: past the third `name_long` of one
 * file (a trait implemented a hundred times over: ripgrep's flag definitions), the rest wait until every other
 * result is placed. `exempt` ones are never held back (the definitions a query names: go-to-symbol wants them all).
 */
export function spreadSiblings<T extends { chunk: Chunk }>(ranked: readonly T[], n: number, exempt: (x: T) => boolean = () => false, keep = 3): T[] {
  const count = new Map<string, number>();
  const head: T[] = [];
  const later: T[] = [];
  for (const x of ranked) {
    if (head.length === n) return head;
    if (exempt(x)) {
      head.push(x);
      continue;
    }
    const key = `${x.chunk.path}\0${x.chunk.name}`;
    const c = (count.get(key) ?? 0) + 1;
    count.set(key, c);
    (c > keep ? later : head).push(x);
  }
  return head.concat(later.slice(0, n - head.length));
}

/**
 * A declaration stub (`collections.pyi`, `index.d.ts`) does not outrank the implementation it declares: a stub ranked
 * above its implementation moves to just after it. A stub matches a query with the implementation's own names and
 * signatures in fewer words (matplotlib's `collections.pyi` ranked above `collections.py` for an issue about
 * `ContourSet.set_paths`). Only the stubs move, so nothing else changes rank but by them. A stub whose
 * implementation is not among the first `n` (a C extension's `.pyi`, or one ranked too low to be shown) keeps its
 * place. `keyOf` names an item (a path, or a path and a qualified name); `implKeysOf` gives the keys of the
 * implementations an item declares (none for an item that is not a stub).
 */
export function stubsAfterImplementations<T>(ranked: readonly T[], n: number, keyOf: (x: T) => string, implKeysOf: (x: T) => string[]): readonly T[] {
  const stubs: { i: number; impls: string[] }[] = [];
  for (let i = 0; i < ranked.length && i < n; i++) {
    const impls = implKeysOf(ranked[i]);
    if (impls.length) stubs.push({ i, impls });
  }
  if (!stubs.length) return ranked; // the usual case: no stub among the first n, nothing to key
  const at = new Map<string, number>();
  for (let i = 0; i < ranked.length && i < n; i++) {
    const key = keyOf(ranked[i]);
    if (!at.has(key)) at.set(key, i);
  }
  const after = new Map<number, T[]>(); // an implementation's position → the stubs that follow it
  const moved = new Set<number>();
  for (const { i, impls } of stubs) {
    for (const k of impls) {
      const j = at.get(k);
      if (j !== undefined && j > i) {
        (after.get(j) ?? after.set(j, []).get(j)!).push(ranked[i]);
        moved.add(i);
        break;
      }
    }
  }
  if (!moved.size) return ranked;
  const out: T[] = [];
  ranked.forEach((x, i) => {
    if (!moved.has(i)) out.push(x);
    const following = after.get(i);
    if (following) out.push(...following);
  });
  return out;
}

const TM = CHUNK_FEATURES.indexOf('tm');
const TM_REL = CHUNK_FEATURES.indexOf('tmRel');

const chunkKey = (path: string, qualifiedName: string) => `${path}\0${qualifiedName}`;

const round = (x: number) => Number(x.toFixed(2));
