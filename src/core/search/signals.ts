/**
 * Candidate generation: every source of evidence for one query, gathered once.
 *  - lexical: BM25 over code-aware tokens (the index's LexicalIndex), on the query text and, separately, on
 *    the identifiers the query names (so a symbol buried in a long issue still counts);
 *  - vector: the embedder's query vector against the store;
 *  - file BM25: the RepoView's file-grain index;
 *  - mentions: paths, `file:line`, traceback frames and dotted modules resolved to indexed files;
 *  - symbols: definitions whose name (or qualified name) the query mentions, weighted by how specific they are;
 *  - graph: files defining the identifiers used by the best early matches;
 *  - title: for an issue-like query, what its title line (issueTitle) retrieves on its own.
 */
import type { Chunk } from '../types';
import type { Embedder } from '../embed/embedder';
import type { LexicalHit, LexicalIndex } from '../index/lexical';
import type { VectorStore } from '../index/vectorStore';
import { stem } from '../text/stem';
import { tokenizeCode } from '../text/tokenize';
import { issueTitle, lowerBasename, parseQuery, type ParsedQuery } from './query';
import type { RepoView } from './repoView';
import { byKey, byValueThenKey, reciprocalRankFusion } from './fusion';

export interface SearchSources {
  store: VectorStore;
  lexical: LexicalIndex;
  embedder: Embedder;
}

export interface SymbolMatch {
  /** Best mention strength (1–3) / 3 of a query identifier equal to the chunk's name. */
  exact: number;
  strong: number;
  /** A dotted mention matched the chunk's qualified name suffix. */
  qual: number;
  /** Specificity: 1 / number of files defining the name. */
  spec: number;
}

export interface FileMention {
  path: number;
  module: number;
  frame: number;
  frameLast: number;
  /** Lines mentioned in this file (frames, `file:line`). */
  lines: number[];
}

/**
 * What the title of an issue-like query retrieves on its own, per file, in the forms the whole query's file
 * features take: `lex` the best chunk's lexical score over the title's best, `fbm` file BM25 over the title's
 * best, `sym` Σ exact × specificity of its symbol matches. No vector search: a second scan of the store cost
 * ~3 ms per issue at 105k chunks and, in cross-validation, bought ~1 issue in 136 (bench/RESULTS.md, session 14).
 */
export interface TitleSignals {
  text: string;
  lex: Map<string, number>;
  fbm: Map<string, number>;
  sym: Map<string, number>;
}

export interface Signals {
  parsed: ParsedQuery;
  isLong: boolean;
  lex: LexicalHit[];
  lexRank: Map<string, number>;
  lexScore: Map<string, number>;
  /** Share of the query each lexical hit covers (LexicalHit.coverage). */
  lexCover: Map<string, number>;
  identLexRank: Map<string, number>;
  vec: { id: string; score: number }[];
  vecRank: Map<string, number>;
  vecTop: number;
  queryVector?: Float32Array;
  /** Cosine of any chunk with the query, kept from the vector scan (VectorStore.searchWithScores). */
  vecScoreOf?: (id: string) => number | undefined;
  /** Best kept cosine among a file's first `n` chunks (VectorStore.searchWithScores). */
  vecBestOfFile?: (path: string, n: number) => number | undefined;
  fbm: { key: string; score: number }[];
  mentions: Map<string, FileMention>;
  symbols: Map<string, SymbolMatch>;
  /** Per file: Σ 1/|defining files| over query words that are definition names. */
  wordDefs: Map<string, number>;
  graph: Map<string, number>;
  /** Lower-cased tokens of the query (identifier parts and words). */
  queryTokens: Set<string>;
  /** Their stems (src/core/text/stem.ts). */
  queryStems: Set<string>;
  /** Distinct words of the query (parseQuery), at least 1: what a name's share of the query is counted in. */
  queryWordCount: number;
  /** Issue-like queries with a title line (rerank stage only). */
  title?: TitleSignals;
  timings: Record<string, number>;
}

export interface GatherOptions {
  pool?: number;
  useVector?: boolean;
  useSymbols?: boolean;
  useFileIndex?: boolean;
  /** Gather `title` (what only the reranker's features use). */
  useTitle?: boolean;
}

const GRAPH_STOP = new Set(
  ('self cls this none true false return def class import from for while if else elif try except finally with as pass ' +
    'raise yield lambda not and or in is del global nonlocal assert async await print len str int float dict list set tuple ' +
    'object type super isinstance range const let var function new null undefined export default public private static ' +
    'void string number boolean any err nil func package struct interface error args kwargs value name data result')
    .split(' '),
);

function addSym(map: Map<string, SymbolMatch>, id: string, m: Partial<SymbolMatch>): void {
  const cur = map.get(id) ?? { exact: 0, strong: 0, qual: 0, spec: 0 };
  map.set(id, {
    exact: Math.max(cur.exact, m.exact ?? 0),
    strong: Math.max(cur.strong, m.strong ?? 0),
    qual: Math.max(cur.qual, m.qual ?? 0),
    spec: Math.max(cur.spec, m.spec ?? 0),
  });
}

function mention(map: Map<string, FileMention>, path: string): FileMention {
  let m = map.get(path);
  if (!m) map.set(path, (m = { path: 0, module: 0, frame: 0, frameLast: 0, lines: [] }));
  return m;
}

export async function gatherSignals(src: SearchSources, view: RepoView, query: string, opts: GatherOptions = {}): Promise<Signals> {
  const pool = opts.pool ?? 200;
  const timings: Record<string, number> = {};
  let t = performance.now();
  const lap = (name: string) => {
    const now = performance.now();
    timings[name] = Number((now - t).toFixed(2));
    t = now;
  };
  const parsed = parseQuery(query);
  const isLong = parsed.kind === 'issue' || parsed.kind === 'trace';
  const useSymbols = opts.useSymbols ?? true;
  const useFileIndex = (opts.useFileIndex ?? true) && !!view.fileBm25;
  const title = isLong && (opts.useTitle ?? true) ? issueTitle(parsed.raw) : undefined;
  lap('parse');

  // The vector scan runs on the store's scan thread while this one does the lexical, file, symbol and title stages
  // (VectorStore.beginSearchWithScores); the 'vector' time is embedding the query and starting the scan, plus
  // whatever of the scan is left after them.
  let queryVector: Float32Array | undefined;
  let pending: ReturnType<SearchSources['store']['beginSearchWithScores']> | undefined;
  if (opts.useVector ?? true) {
    [queryVector] = await src.embedder.embed([query], { kind: 'query' });
    if (isLong && src.embedder.longQuery) queryVector = src.embedder.longQuery(queryVector);
    pending = src.store.beginSearchWithScores(queryVector, pool);
  }
  const tVector = performance.now() - t;
  t = performance.now();

  const lex = src.lexical.search(parsed.text, pool);
  const lexRank = new Map(lex.map((h, i) => [h.id, i + 1]));
  const top = lex[0]?.score || 1;
  const lexScore = new Map(lex.map((h) => [h.id, h.score / top]));
  const lexCover = new Map(lex.map((h) => [h.id, h.coverage]));
  const identLexRank = new Map<string, number>();
  if (useSymbols) {
    const idents = parsed.identifiers.filter((m) => m.strength >= 2).map((m) => m.name);
    if (idents.length && isLong) src.lexical.search(idents.join(' '), 50).forEach((h, i) => identLexRank.set(h.id, i + 1));
  }
  lap('lexical');

  const fbm = useFileIndex ? fileBm25(view, parsed.text) : [];
  lap('fileBm25');

  const mentions = new Map<string, FileMention>();
  const symbols = new Map<string, SymbolMatch>();
  const wordDefs = new Map<string, number>();
  const queryTokens = new Set(tokenizeCode(parsed.raw));
  const queryStems = new Set([...queryTokens].map(stem));
  const graph = new Map<string, number>();
  if (useSymbols) {
    resolveMentions(view, parsed, mentions);
    // A short query's doc-comment cross-references name other symbols than the one it describes (docRefs.ts); an
    // issue's name what it is about, as its fitted model learned, so the parser leaves its `refs` empty.
    resolveSymbols(src.store, view, parsed, symbols, wordDefs, new Set(parsed.refs));
    lap('symbols');
  }

  // An issue's title: its own lexical, file and symbol signals (independent of the vector hits, so the scan goes on).
  let titleSig: TitleSignals | undefined;
  if (title) {
    titleSig = titleSignals(src, view, title, pool, useSymbols, useFileIndex);
    lap('title');
  }

  let vec: { id: string; score: number }[] = [];
  let vecScoreOf: Signals['vecScoreOf'];
  let vecBestOfFile: Signals['vecBestOfFile'];
  if (pending) ({ hits: vec, scoreOf: vecScoreOf, bestOfFile: vecBestOfFile } = pending.collect());
  const vecRank = new Map(vec.map((h, i) => [h.id, i + 1]));
  lap('vector');
  timings.vector = Number((timings.vector + tVector).toFixed(2));

  if (useSymbols) {
    // Code graph: identifiers used by the best early matches, defined in other files.
    const early = reciprocalRankFusion([
      { ids: lex.slice(0, 20).map((h) => h.id) },
      { ids: vec.slice(0, 20).map((h) => h.id) },
      { ids: [...symbols].sort((a, b) => b[1].exact * b[1].spec - a[1].exact * a[1].spec || byKey(a, b)).slice(0, 10).map(([id]) => id) },
    ]);
    const seeds = [...early].sort(byValueThenKey).slice(0, 8).map(([id]) => src.store.getChunk(id)).filter((c): c is Chunk => !!c);
    graphScores(src.store, view, seeds, graph);
    lap('graph');
  }
  return {
    parsed, isLong, lex, lexRank, lexScore, lexCover, identLexRank, vec, vecRank, vecTop: vec[0]?.score ?? 0, queryVector, vecScoreOf, vecBestOfFile, fbm,
    mentions, symbols, wordDefs, graph, queryTokens, queryStems, queryWordCount: Math.max(1, new Set(parsed.words).size), title: titleSig, timings,
  };
}

/** File-grain BM25 of a query text (RepoView.fileBm25), best first. */
function fileBm25(view: RepoView, text: string): { key: string; score: number }[] {
  const terms = view.fileBm25!.plan(tokenizeCode(text, { minLength: 2 }), { maxTerms: 48, postingBudget: 150_000, stop: FBM_STOP });
  return view.fileBm25!.search(terms, 100);
}

/** Per file, the best of its chunks' scores, each divided by `top`. */
function bestPerFile(store: VectorStore, hits: readonly { id: string; score: number }[], top: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const h of hits) {
    const c = store.getChunk(h.id);
    if (c) out.set(c.path, Math.max(out.get(c.path) ?? -Infinity, h.score / top));
  }
  return out;
}

/** Symbol matches summed per file: Σ exact × specificity, the strongest quoted one, the best qualified one. */
export function symbolsByFile(store: VectorStore, symbols: Map<string, SymbolMatch>): Map<string, { def: number; strong: number; qual: number }> {
  const out = new Map<string, { def: number; strong: number; qual: number }>();
  for (const [id, m] of symbols) {
    const c = store.getChunk(id);
    if (!c) continue;
    const s = out.get(c.path) ?? { def: 0, strong: 0, qual: 0 };
    s.def += m.exact * m.spec;
    s.strong = Math.max(s.strong, m.strong * m.spec);
    s.qual = Math.max(s.qual, m.qual);
    out.set(c.path, s);
  }
  return out;
}

/** The title searched on its own: lexical, file BM25, symbols. */
function titleSignals(src: SearchSources, view: RepoView, title: string, pool: number, useSymbols: boolean, useFileIndex: boolean): TitleSignals {
  const parsed = parseQuery(title);
  const lex = src.lexical.search(parsed.text, pool);
  const fbm = useFileIndex ? fileBm25(view, parsed.text) : [];
  const sym = new Map<string, number>();
  if (useSymbols) {
    const symbols = new Map<string, SymbolMatch>();
    resolveSymbols(src.store, view, parsed, symbols, new Map(), NO_REFS);
    for (const [p, s] of symbolsByFile(src.store, symbols)) sym.set(p, s.def);
  }
  return { text: title, lex: bestPerFile(src.store, lex, lex[0]?.score || 1), fbm: new Map(fbm.map((h) => [h.key, h.score / (fbm[0]?.score || 1)])), sym };
}

const FBM_STOP = new Set(
  ('the and for that this with from have are was were not but can when what which will would should there their they then ' +
    'than into also just only some any all been being very here like want need see get got use used using issue bug error ' +
    'self none true false return def class import').split(' '),
);

/** A mention's line is a line of the file it names, not of the TypeScript source a compiled `.js` came from. */
function sameBasename(mentioned: string, file: string): boolean {
  return lowerBasename(mentioned) === lowerBasename(file);
}

/** Whether one of two `/`-separated paths is the other or ends with it at a segment boundary. */
function oneEndsTheOther(a: string, b: string): boolean {
  return a === b || a.endsWith(`/${b}`) || b.endsWith(`/${a}`);
}

function resolveMentions(view: RepoView, parsed: ParsedQuery, mentions: Map<string, FileMention>): void {
  for (const p of parsed.paths) {
    // A link names a workspace file only when one whole path ends the other: the link's path ends with the workspace
    // path (`…/blob/stable/2.2.x/django/db/models/query.py` names django/db/models/query.py; a workspace opened
    // inside the repository), or the workspace path ends with the whole link path (a workspace opened above the
    // repository: `shop/pricing.py` names acme-shop/shop/pricing.py). A link into another repository that shares
    // only a tail (`lib/cartopy/mpl/contour.py` against lib/matplotlib/contour.py) names nothing here.
    const files = view.resolvePath(p.path).filter((f) => !p.linked || oneEndsTheOther(p.path, f));
    if (!files.length || files.length > 3) continue;
    for (const f of files) {
      const m = mention(mentions, f);
      m.path = Math.max(m.path, 1 / files.length);
      if (p.line && sameBasename(p.path, f)) m.lines.push(p.line);
    }
  }
  const resolved = parsed.frames.map((fr) => ({ fr, files: view.resolvePath(fr.path) })).filter((x) => x.files.length && x.files.length <= 3);
  resolved.forEach(({ fr, files }) => {
    for (const f of files) {
      const m = mention(mentions, f);
      m.frame = 1;
      if (fr.line && sameBasename(fr.path, f)) m.lines.push(fr.line);
    }
  });
  if (resolved.length) {
    // Python tracebacks list the innermost call last; JS stacks list it first.
    const inner = /\.py$/.test(resolved[0].fr.path) ? resolved[resolved.length - 1] : resolved[0];
    for (const f of inner.files) mention(mentions, f).frameLast = 1;
  }
  for (const d of parsed.dotted) {
    const r = view.resolveDotted(d);
    if (!r) continue;
    // `pkg.mod` (a module) or `pkg.mod.Name[.member]` (a symbol inside it).
    const m = mention(mentions, r.path);
    m.module = Math.max(m.module, r.rest.length === 0 ? 1 : 0.7);
  }
}

const NO_REFS: ReadonlySet<string> = new Set();

/** Definitions the query names (`symbols`) and files defining its words (`wordDefs`); names in `refs` are not looked up. */
function resolveSymbols(
  store: VectorStore, view: RepoView, parsed: ParsedQuery, symbols: Map<string, SymbolMatch>, wordDefs: Map<string, number>, refs: ReadonlySet<string>,
): void {
  const filesOf = (ids: readonly string[]) => new Set(ids.map((id) => store.getChunk(id)?.path).filter(Boolean));
  for (const m of parsed.identifiers) {
    if (refs.has(m.name)) continue;
    const ids = view.definitions(m.name, 300);
    if (!ids.length) continue;
    const spec = 1 / filesOf(ids).size;
    for (const id of ids) {
      const c = store.getChunk(id);
      if (!c) continue;
      const caseOk = c.name === m.name || c.name.split(/\s*,\s*/).includes(m.name);
      if (m.strength === 1 && !caseOk) continue;
      const s = (m.strength / 3) * (caseOk ? 1 : 0.7);
      addSym(symbols, id, { exact: s, strong: m.strength === 3 ? 1 : 0, spec });
    }
  }
  // Dotted mentions: `Class.method`, `pkg.mod.Class` → qualified-name suffixes.
  for (const d of parsed.dotted) {
    if (refs.has(d)) continue;
    const parts = d.split('.');
    for (let n = Math.min(3, parts.length); n >= 2; n--) {
      const suffix = parts.slice(-n).join('.');
      const ids = view.definitions(parts[parts.length - 1]);
      let hit = false;
      for (const id of ids) {
        const c = store.getChunk(id);
        if (c && (c.qualifiedName === suffix || c.qualifiedName.endsWith('.' + suffix))) {
          addSym(symbols, id, { qual: n / 3, exact: 2 / 3, spec: 1 / Math.max(1, ids.length) });
          hit = true;
        }
      }
      if (hit) break;
    }
    const r = view.resolveDotted(d);
    if (r && r.rest.length) {
      const info = view.files.get(r.path);
      for (const id of info?.chunkIds ?? []) {
        const c = store.getChunk(id);
        if (c && (c.qualifiedName === r.rest.join('.') || c.name === r.rest[0])) addSym(symbols, id, { qual: 1, exact: 2 / 3, spec: 1 });
      }
    }
  }
  const seen = new Set(parsed.identifiers.map((m) => m.name.toLowerCase()));
  for (const w of new Set(parsed.words)) {
    if (w.length < 4 || seen.has(w)) continue;
    const ids = view.definitions(w, 100);
    if (!ids.length) continue;
    const files = filesOf(ids);
    for (const f of files) wordDefs.set(f!, (wordDefs.get(f!) ?? 0) + 1 / files.size);
  }
}

const IDENT = /[A-Za-z_][A-Za-z0-9_]{2,}/g;

function graphScores(store: VectorStore, view: RepoView, seeds: Chunk[], graph: Map<string, number>): void {
  const used = new Map<string, Set<string>>();
  for (const c of seeds) {
    for (const m of c.text.matchAll(IDENT)) {
      const name = m[0];
      if (GRAPH_STOP.has(name.toLowerCase())) continue;
      let s = used.get(name.toLowerCase());
      if (!s) used.set(name.toLowerCase(), (s = new Set()));
      s.add(c.path);
    }
  }
  for (const [name, from] of used) {
    const ids = view.definitions(name, 20);
    if (!ids.length) continue;
    const files = new Set(ids.map((id) => store.getChunk(id)?.path).filter((p): p is string => !!p));
    for (const f of files) {
      if (from.has(f) && from.size === 1) continue; // only used where it is defined
      graph.set(f, (graph.get(f) ?? 0) + 1 / files.size);
    }
  }
  let max = 0;
  for (const v of graph.values()) max = Math.max(max, v);
  if (max > 0) for (const [k, v] of graph) graph.set(k, v / max);
}
