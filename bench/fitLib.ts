/**
 * Training helpers for bench/fit.ts: a listwise (softmax over each query's candidates, several positives
 * allowed) linear ranker fitted by Adam with L2 regularisation, and ranking of dumped candidates.
 */
import { readFileSync } from 'node:fs';
import { CHUNK_BASE_FEATURES, CHUNK_FEATURES, FILE_FEATURES, fileDerived, NO_FILE, type QueryClass } from '../src/core/search/model';
import { firstPositions, type QueryOutcome } from '../src/core/search/eval/metrics';
import { compileTrees, scoreTrees, type TreeEnsemble } from '../src/core/search/trees';
import { parseQuery, visibleQueryText } from '../src/core/search/query';
import { queryClassOf } from '../src/core/search/retriever';

export interface DumpRow {
  id: string;
  set: string;
  repo: string;
  /** The query text (dumps since session 10). */
  query?: string;
  /** The model the retriever ranked with (dumps since session 13). */
  model?: QueryClass;
  /** Whether it was the long-query model (dumps before session 13; fit.ts classes rows with a query by the current rule). */
  long?: boolean;
  /** `weightsFingerprint` of the weights in place when the row was dumped (dumps since session 28). */
  weights?: string;
  goldFiles: string[];
  goldSpans: string[];
  /** Issue sets: indices of the gold spans that are functions or methods before the fix (dumps since session 14). */
  editedSpans?: number[];
  files: { path: string; y: number; x: number[] }[];
  chunks: { path: string; id: string; name?: string; spans: string[]; x: number[] }[];
  fileNames?: string[];
  chunkNames?: string[];
  /** Chunk indexes used for training (positives and the hardest negatives); set by normalizeRow. */
  train?: number[];
}

/** Column names of dumps written before the names were recorded. */
const LEGACY_CHUNK = [
  'lexS', 'lexRR', 'vecCos', 'vecRel', 'vecRR', 'identLexRR', 'nameExact', 'nameStrong', 'nameQual', 'nameSpec', 'nameParts', 'frameFunc',
  'lineHit', 'isTest', 'isDoc', 'nonCode', 'isFunc', 'isClass', 'isBlock', 'lenLog', 'hasDoc', 'longLex', 'longVec', 'ctxActive', 'ctxRecent',
];

const PRIOR_FEATURES: readonly (typeof CHUNK_BASE_FEATURES)[number][] = ['lexS', 'lexRR', 'lexCover', 'vecRel', 'identLexRR', 'nameStrong'];

/** The rows of a `pinpoint eval --dump` file, as written (normalise each before ranking it: `normalizeRow`). */
export function readDumpRows(file: string): DumpRow[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as DumpRow);
}

/** Re-orders a row's feature columns to the current feature lists (by name) and picks its training chunks. */
export function normalizeRow(r: DumpRow, maxNegatives = 300): DumpRow {
  const remap = (names: readonly string[], have: readonly string[]) => {
    const idx = names.map((n) => have.indexOf(n));
    return (x: number[]) => idx.map((i) => (i >= 0 ? x[i] ?? 0 : 0));
  };
  const fm = remap(FILE_FEATURES, r.fileNames ?? FILE_FEATURES);
  const cm = remap(CHUNK_BASE_FEATURES, r.chunkNames ?? LEGACY_CHUNK);
  const files = r.files.map((f) => ({ ...f, x: fm(f.x) }));
  const chunks = r.chunks.map((c) => ({ ...c, x: cm(c.x) }));
  // Hardest negatives by a fixed, simple prior (lexical + vector + name evidence), all positives. Named, not
  // positional: these are the columns the shipped weights were fitted with (inserting a feature must not move them).
  const priorIdx = PRIOR_FEATURES.map((n) => CHUNK_BASE_FEATURES.indexOf(n));
  const prior = (x: number[]) => priorIdx.reduce((s, i) => s + x[i], 0);
  const neg = chunks.map((c, i) => ({ i, s: prior(c.x), pos: c.spans.length > 0 })).filter((c) => !c.pos).sort((a, b) => b.s - a.s);
  const train = [...chunks.flatMap((c, i) => (c.spans.length ? [i] : [])), ...neg.slice(0, maxNegatives).map((c) => c.i)];
  return { ...r, files, chunks, train };
}

export interface Group {
  x: number[][];
  y: number[];
}

/** Fits w (no bias: a per-query constant does not change a ranking) minimising Σ_q −log Σ_pos softmax + λ|w|². */
export function fitListwise(groups: Group[], dim: number, opts: { l2: number; iters?: number; lr?: number; init?: number[]; frozen?: Set<number> }): number[] {
  const w = opts.init ? [...opts.init] : new Array<number>(dim).fill(0);
  const m = new Array<number>(dim).fill(0);
  const v = new Array<number>(dim).fill(0);
  const iters = opts.iters ?? 600;
  const lr = opts.lr ?? 0.05;
  const usable = groups.filter((g) => g.y.some((y) => y > 0) && g.y.some((y) => y === 0));
  for (let t = 1; t <= iters; t++) {
    const grad = new Array<number>(dim).fill(0);
    for (const g of usable) {
      const s = g.x.map((x) => dotp(w, x));
      const coefs = new Float64Array(s.length);
      listwiseGradient(s, g.y, 0, s.length, coefs);
      // d/dw [−log zPos + log zAll] = Σ_i (p_all_i − p_pos_i) x_i
      for (let i = 0; i < g.x.length; i++) {
        const coef = coefs[i];
        if (coef === 0) continue;
        const xi = g.x[i];
        for (let d = 0; d < dim; d++) if (xi[d]) grad[d] += coef * xi[d];
      }
    }
    for (let d = 0; d < dim; d++) {
      if (opts.frozen?.has(d)) continue;
      const gd = grad[d] / Math.max(1, usable.length) + 2 * opts.l2 * w[d];
      m[d] = 0.9 * m[d] + 0.1 * gd;
      v[d] = 0.999 * v[d] + 0.001 * gd * gd;
      const mh = m[d] / (1 - 0.9 ** t);
      const vh = v[d] / (1 - 0.999 ** t);
      w[d] -= (lr * mh) / (Math.sqrt(vh) + 1e-8);
    }
  }
  return w;
}

/**
 * How a query's several positives count in its loss: `any` (the default), the loss of their union, −log Σ_pos
 * softmax(s), which one positive on top satisfies (MRR's view); `every`, the mean of each one's, −mean_pos log
 * softmax(s)_pos, which asks for all of them high (the strict Acc@k's view: every gold span in the top k).
 */
export type PositivesMode = 'any' | 'every';
let positives: PositivesMode = 'any';
export function setPositives(mode: PositivesMode): void {
  positives = mode;
}

/**
 * d/ds of one query's loss over its candidates' scores s[a, b): p_i − p_pos_i into `g`, where p is the softmax over
 * every candidate and p_pos, for `any` (−log Σ_pos softmax(s)), the softmax over the positives (y > 0), for `every`
 * (PositivesMode) 1 / their count. `p`, when given, receives p_i. The
 * linear fit and the trees (gbdt.ts) both use it. Positives scored so far below the best that their exp()
 * underflows get their own softmax, shifted by their best, instead of 0 / 0.
 */
export function listwiseGradient(s: ArrayLike<number>, y: ArrayLike<number>, a: number, b: number, g: Float64Array, p?: Float64Array): void {
  let max = -Infinity;
  for (let i = a; i < b; i++) if (s[i] > max) max = s[i];
  let zAll = 0;
  let zPos = 0;
  for (let i = a; i < b; i++) {
    const e = Math.exp(s[i] - max);
    g[i] = e;
    zAll += e;
    if (y[i] > 0) zPos += e;
  }
  let posMax = -Infinity;
  if (zPos === 0) {
    for (let i = a; i < b; i++) if (y[i] > 0 && s[i] > posMax) posMax = s[i];
    for (let i = a; i < b; i++) if (y[i] > 0) zPos += Math.exp(s[i] - posMax);
  }
  let nPos = 0;
  if (positives === 'every') for (let i = a; i < b; i++) if (y[i] > 0) nPos++;
  for (let i = a; i < b; i++) {
    const pa = g[i] / zAll;
    const pp = !(y[i] > 0) ? 0 : positives === 'every' ? 1 / nPos : posMax === -Infinity ? g[i] / zPos : Math.exp(s[i] - posMax) / zPos;
    g[i] = pa - pp;
    if (p) p[i] = pa;
  }
}

export const dotp = (w: number[], x: number[]): number => {
  let s = 0;
  for (let i = 0; i < w.length; i++) s += w[i] * (x[i] ?? 0);
  return s;
};

export function fileGroups(rows: DumpRow[]): Group[] {
  return rows.map((r) => ({ x: r.files.map((f) => f.x), y: r.files.map((f) => f.y) }));
}

/** A model's score of a feature vector: the linear terms, plus the trees' outputs when it has trees. */
export type Scorer = (x: number[]) => number;
export function scorer(w: number[], trees: TreeEnsemble | undefined, names: readonly string[]): Scorer {
  const t = trees && compileTrees(trees, names);
  return t ? (x) => dotp(w, x) + scoreTrees(t, x) : (x) => dotp(w, x);
}

/** Ranked file scores of one row under a file model: path → {score, rank}. */
export function rankFiles(r: DumpRow, fileScore: Scorer): Map<string, { s: number; r: number }> {
  const scored = r.files.map((f) => ({ p: f.path, s: fileScore(f.x) })).sort((a, b) => b.s - a.s || (a.p < b.p ? -1 : 1));
  return new Map(scored.map((x, i) => [x.p, { s: x.s, r: i + 1 }]));
}

/** Full chunk feature vectors (base + file-model derived), in CHUNK_FEATURES order. */
export function chunkVectors(r: DumpRow, fileScore: Scorer): number[][] {
  const fr = rankFiles(r, fileScore);
  const top = Math.max(...[...fr.values()].map((x) => x.s), 0);
  const topScore = fr.size ? [...fr.values()].find((x) => x.r === 1)!.s : top;
  return r.chunks.map((c) => {
    const f = fr.get(c.path);
    const d = f ? fileDerived(f.s, topScore, f.r) : NO_FILE;
    const base = c.x.slice(0, CHUNK_BASE_FEATURES.length);
    return [...base, d.fileScore, d.fileRR, d.fileTop];
  });
}

/** Training groups of the linear chunk fit: each row's positives and hardest negatives, from its `chunkVectors`. */
export function chunkGroups(rows: DumpRow[], vectors: number[][][]): Group[] {
  return rows.map((r, q) => {
    const xs = vectors[q];
    const keep = r.train ?? r.chunks.map((_, i) => i);
    return { x: keep.map((i) => xs[i]), y: keep.map((i) => (r.chunks[i].spans.length ? 1 : 0)) };
  });
}

export function fileOutcome(r: DumpRow, fileScore: Scorer): QueryOutcome {
  const fr = rankFiles(r, fileScore);
  const ranked = [...fr].sort((a, b) => a[1].r - b[1].r).map(([p]) => (r.goldFiles.includes(p) ? [p] : []));
  return firstPositions(ranked, r.goldFiles);
}

export function chunkOutcome(r: DumpRow, fileScore: Scorer, chunkScore: Scorer): QueryOutcome {
  const xs = chunkVectors(r, fileScore);
  const order = r.chunks.map((c, i) => ({ c, s: chunkScore(xs[i]) })).sort((a, b) => b.s - a.s || (a.c.id < b.c.id ? -1 : 1));
  return firstPositions(order.map((o) => o.c.spans), r.goldSpans);
}

export const DIMS = { file: FILE_FEATURES.length, chunk: CHUNK_FEATURES.length };

/**
 * Leave-one-repository-out folds of one query class: each repository with measured rows is held out once; a fold
 * trains on every trainable row of the other repositories, the extra training rows (`measured` false) included, and
 * measures the held-out repository's measured rows.
 */
export function repositoryFolds<R extends { repo: string }>(rows: readonly R[], measured: (r: R) => boolean, trainable: (r: R) => boolean = () => true): { repo: string; train: R[]; test: R[] }[] {
  return [...new Set(rows.filter(measured).map((r) => r.repo))].map((repo) => ({
    repo,
    train: rows.filter((r) => r.repo !== repo && trainable(r)),
    test: rows.filter((r) => r.repo === repo && measured(r)),
  }));
}

/**
 * Query class of a dumped row: the retriever's own rule (`queryClassOf`) on the row's query text, so old dumps are
 * classed as the product classes them now (session 15 moved short sentences quoting code to the short models).
 * Dumps without the query text (before session 10) fall back to the model they recorded, or `long`.
 */
export function classOf(r: DumpRow): QueryClass {
  if (r.query !== undefined) return queryClassOf(parseQuery(visibleQueryText(r.query)));
  return r.model ?? (r.long ?? r.set === 'swebench' ? 'long' : 'short');
}
