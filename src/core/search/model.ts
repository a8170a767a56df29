/**
 * The ranking model: named features, weights as data (weights.json, fitted by bench/fit.ts), a pure scoring
 * function, and the explanations (which features put a result where it is).
 *
 * Two models: one ranks files, one ranks chunks. Each is linear, and may add regression trees boosted from its
 * linear score (trees.ts; the shipped chunk models have 100 each, the file models none). The chunk model also sees
 * the file model's verdict on the chunk's file (`fileScore`, `fileRR`), so a function is found through its file and
 * its own evidence.
 */
import { createHash } from 'node:crypto';
import defaultWeightsJson from './weights.json';
import { higherFirst } from '../order';
import { attributeTreesInto, compileTrees, scoreTrees, validateTrees, type CompiledTrees, type TreeEnsemble } from './trees';

/** File features, in a fixed order (the fitted weight vector follows it by name). */
export const FILE_FEATURES = [
  'lexMax', 'lexSum', 'lexRR', 'lexCover', 'vecMax', 'vecRel', 'vecRR', 'vecSum', 'fbm', 'fbmRR',
  'pathMention', 'moduleMention', 'frame', 'frameLast', 'symDef', 'symDefStrong', 'symQual', 'wordDef', 'stemMention',
  'graph', 'identLexRR', 'isTest', 'isDoc', 'isExample', 'nonCode', 'isInit', 'sizeLog',
  'longLex', 'longVec', 'longFbm',
  'ctxActive', 'ctxOpen', 'ctxRecent',
  'titleLex', 'titleFbm', 'titleSym',
] as const;

/**
 * Chunk features computed from the chunk itself, then ten that compare it with the query's other candidates (the
 * `…InFile`, `…InName`, `…InOwner` and `…InDir` features, features.ts `relativeFeatures`); `fileScore`, `fileRR` and
 * `fileTop` are appended from the file model.
 */
export const CHUNK_BASE_FEATURES = [
  'lexS', 'lexRR', 'lexCover', 'vecCos', 'vecRel', 'vecRR', 'identLexRR',
  'nameExact', 'nameStrong', 'nameQual', 'nameSpec', 'nameParts', 'nameCover', 'frameFunc', 'lineHit',
  'isTest', 'isDoc', 'nonCode', 'isFunc', 'isClass', 'isBlock', 'lenLog',
  'longLex', 'longVec',
  'ctxActive', 'ctxRecent', 'ownerParts', 'sigParts', 'leadName', 'vecInFile', 'lexInFile', 'nameInFile', 'vecInName', 'lexInName', 'ownerInName',
  'vecInOwner', 'lexInOwner', 'vecInDir', 'lexInDir', 'tm', 'tmRel',
] as const;
export const CHUNK_FEATURES = [...CHUNK_BASE_FEATURES, 'fileScore', 'fileRR', 'fileTop'] as const;

export type FileFeature = (typeof FILE_FEATURES)[number];
export type ChunkFeature = (typeof CHUNK_FEATURES)[number];

export interface LinearModel {
  bias?: number;
  weights: Record<string, number>;
  /** Regression trees whose outputs are added to the linear score (boosted from it; see trees.ts). */
  trees?: TreeEnsemble;
}

export interface RankWeights {
  version: number;
  /** How the weights were obtained (script, date, data). */
  source?: string;
  file: LinearModel;
  chunk: LinearModel;
  /**
   * Models for short queries (a few words or a symbol: parseQuery kinds 'words' and 'symbol'); `file`/`chunk`
   * above then serve long ones (issues, stack traces). Absent: one model for all queries.
   */
  short?: { file: LinearModel; chunk: LinearModel };
  /** Models for short queries that are questions (`isQuestionText`); absent: `short` serves them. */
  question?: { file: LinearModel; chunk: LinearModel };
  /** Cross-validated numbers reported by the fit, for reference. */
  cv?: unknown;
}

export const DEFAULT_WEIGHTS = defaultWeightsJson as RankWeights;

/** Throws when a weights file names a feature the code does not compute (or misses the models). */
export function validateWeights(w: RankWeights): RankWeights {
  if (!w || typeof w !== 'object' || !w.file?.weights || !w.chunk?.weights) throw new Error('weights: missing file/chunk models');
  const known = { file: new Set<string>(FILE_FEATURES), chunk: new Set<string>(CHUNK_FEATURES) };
  const classes = [['short', w.short], ['question', w.question]] as const;
  for (const [cls, m] of classes) if (m && (!m.file?.weights || !m.chunk?.weights)) throw new Error(`weights: ${cls} needs file and chunk models`);
  for (const m of [w, w.short, w.question]) {
    if (!m) continue;
    for (const grain of ['file', 'chunk'] as const) for (const [name, v] of Object.entries(m[grain].weights)) {
      if (!known[grain].has(name)) throw new Error(`weights: unknown ${grain} feature "${name}"`);
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`weights: ${grain}.${name} is not a number`);
    }
    for (const grain of ['file', 'chunk'] as const) if (m[grain].trees) validateTrees(m[grain].trees!, known[grain], grain);
  }
  return w;
}

/** Which fitted models rank a query: long (issues, traces, a bare symbol, a path or a frame), short, or a short question (`queryClassOf`). */
export type QueryClass = 'long' | 'short' | 'question';

/** The models for a query class, falling back from question to short to the base models when the weights lack them. */
export function modelsFor(w: RankWeights, cls: QueryClass): { file: LinearModel; chunk: LinearModel } {
  if (cls === 'question' && w.question) return w.question;
  return cls !== 'long' && w.short ? w.short : { file: w.file, chunk: w.chunk };
}

/**
 * A linear model bound to a feature order, for features held as a dense vector (the hot path: about a thousand
 * chunks per query, where a record of doubles costs an allocation per field). The (position, weight) pairs keep
 * the weights' own order, so `scoreVector` adds the same terms in the same order as `score`: equal results. The
 * trees, if any, are compiled to the same feature order.
 */
export interface CompiledModel {
  bias: number;
  at: Int32Array;
  w: Float64Array;
  trees?: CompiledTrees;
}

const compiledCache = new WeakMap<LinearModel, Map<readonly string[], CompiledModel>>();
export function compileModel(model: LinearModel, names: readonly string[]): CompiledModel {
  let byNames = compiledCache.get(model);
  if (!byNames) compiledCache.set(model, (byNames = new Map()));
  let c = byNames.get(names);
  if (!c) {
    const pos = new Map(names.map((n, i) => [n, i]));
    const keys = Object.keys(model.weights).filter((k) => pos.has(k));
    c = { bias: model.bias ?? 0, at: Int32Array.from(keys, (k) => pos.get(k)!), w: Float64Array.from(keys, (k) => model.weights[k]) };
    if (model.trees) c.trees = compileTrees(model.trees, names);
    byNames.set(names, c);
  }
  return c;
}

/** Σ w·x + bias (+ the trees' outputs) over a feature vector (see CompiledModel) that starts at `from` in `x`. */
export function scoreVector(m: CompiledModel, x: ArrayLike<number>, from = 0): number {
  let s = m.bias;
  const { at, w } = m;
  for (let j = 0; j < at.length; j++) {
    const v = x[from + at[j]];
    if (v) s += w[j] * v;
  }
  return m.trees ? s + scoreTrees(m.trees, x, from) : s;
}

/** The record form of a feature vector (for explanations and output). */
export function recordOf(names: readonly string[], x: ArrayLike<number>): Record<string, number> {
  const out: Record<string, number> = {};
  names.forEach((n, i) => (out[n] = x[i]));
  return out;
}

/** Σ w·x + bias (+ the trees' outputs): the pure scoring function. */
export function score(model: LinearModel, f: Record<string, number>): number {
  let s = model.bias ?? 0;
  for (const k in model.weights) {
    const x = f[k];
    if (x) s += model.weights[k] * x;
  }
  return model.trees ? s + scoreTrees(compileTrees(model.trees, model.trees.features), treeInput(model.trees, f)) : s;
}

const treeInput = (t: TreeEnsemble, f: Record<string, number>) => t.features.map((n) => f[n] ?? 0);

/** Query-independent priors: they move scores but are not a reason a result matches the query. */
const PRIOR_FEATURES = ['isFunc', 'isClass', 'isBlock', 'lenLog', 'sizeLog', 'isInit', 'isTest', 'isDoc', 'isExample', 'nonCode', 'fileTop'] as const;
const PRIORS = new Set<string>(PRIOR_FEATURES);

/** A phrase for every feature that can be a reason (the type makes a new feature name its phrase, or be a prior). */
const LABELS: Record<Exclude<FileFeature | ChunkFeature, (typeof PRIOR_FEATURES)[number]>, string> = {
  lexMax: 'keyword match', lexSum: 'many keyword matches', lexRR: 'top keyword match', lexS: 'keyword match',
  lexCover: 'covers the query words',
  vecMax: 'semantic match', vecRel: 'semantic match', vecRR: 'top semantic match', vecSum: 'semantic matches',
  vecCos: 'semantic match', fbm: 'file keyword match', fbmRR: 'file keyword match',
  pathMention: 'path mentioned', moduleMention: 'module mentioned', frame: 'in the stack trace',
  frameLast: 'last stack frame', symDef: 'defines a mentioned symbol', symDefStrong: 'defines a quoted symbol',
  symQual: 'defines a qualified name mentioned', wordDef: 'defines a word of the query', stemMention: 'file name mentioned',
  graph: 'referenced by top matches', identLexRR: 'identifier match', nameExact: 'name matches', nameStrong: 'name quoted',
  nameQual: 'qualified name matches', nameSpec: 'rare name match', nameParts: 'name words match', nameCover: 'name covers the query', ownerParts: 'its class or module named', frameFunc: 'function in the stack trace',
  vecInFile: 'among its file\'s closest in meaning',
  lexInFile: 'among its file\'s best keyword matches',
  nameInFile: 'among its file\'s best name matches',
  vecInName: 'among its namesakes\' closest in meaning', lexInName: 'among its namesakes\' best keyword matches',
  ownerInName: 'its class named more than its namesakes\'',
  vecInOwner: 'among its class\'s closest in meaning', lexInOwner: 'among its class\'s best keyword matches',
  vecInDir: 'among its folder\'s closest in meaning', lexInDir: 'among its folder\'s best keyword matches',
  tm: 'its words are what such a sentence says', tmRel: 'its words are what such a sentence says',
  lineHit: 'line mentioned', fileScore: 'in a top file', fileRR: 'in a top file',
  longLex: 'keyword match', longVec: 'semantic match', longFbm: 'file keyword match',
  ctxActive: 'active file', ctxOpen: 'open file', ctxRecent: 'recently edited',
  sigParts: 'its parameters or types named', leadName: 'its name starts with the query\'s first word',
  titleLex: 'matches the title', titleFbm: 'matches the title', titleSym: 'defines a symbol in the title',
};

/**
 * The features that pushed a result up most (positive contributions, largest first), as short phrases; with
 * `withContributions`, also every feature's contribution (rounded), else an empty record.
 */
export function explain(
  model: LinearModel, f: Record<string, number>, withContributions = true, max = 3,
): { reasons: string[]; contributions: Record<string, number> } {
  const names = namesOf(model);
  return explainVector(model, names, Float64Array.from(names, (n) => f[n] ?? 0), 0, withContributions, max);
}

/** The features a model reads, in a fixed order: its weights' names, then those only its trees split on. */
const modelNames = new WeakMap<LinearModel, readonly string[]>();
function namesOf(model: LinearModel): readonly string[] {
  let names = modelNames.get(model);
  if (!names) {
    const own = Object.keys(model.weights);
    modelNames.set(model, (names = [...own, ...(model.trees?.features.filter((n) => !own.includes(n)) ?? [])]));
  }
  return names;
}

/** Scratch of `explainVector`, by feature position: each contribution, and whether it has a linear term. */
let contribution = new Float64Array(64);
let linear = new Uint8Array(64);
let shares = new Float64Array(64);

/**
 * `explain` of the feature vector in `names` order that starts at `from` in `x`: the same reasons and contributions,
 * with no record of the features (the rank stage explains ~60 hits a query). Contributions are listed the way they
 * always were: the linear terms in the weights' order, then features only the trees split on, in the order the
 * decision paths first reach them; ties keep that order.
 */
export function explainVector(
  model: LinearModel, names: readonly string[], x: ArrayLike<number>, from = 0, withContributions = true, max = 3,
): { reasons: string[]; contributions: Record<string, number> } {
  const c = compileModel(model, names);
  const n = names.length;
  if (contribution.length < n) [contribution, linear] = [new Float64Array(n), new Uint8Array(n)];
  contribution.fill(0, 0, n);
  linear.fill(0, 0, n);
  const order: number[] = [];
  for (let j = 0; j < c.at.length; j++) {
    const v = x[from + c.at[j]];
    if (!v) continue;
    const p = c.at[j];
    contribution[p] = c.w[j] * v;
    linear[p] = 1;
    order.push(p);
  }
  // Trees: each feature's share along the decision paths (attributeTreesInto), added to its linear term.
  if (c.trees) {
    const t = c.trees;
    if (shares.length < t.names.length) shares = new Float64Array(t.names.length);
    shares.fill(0, 0, t.names.length);
    const split: number[] = [];
    attributeTreesInto(t, x, from, shares, split);
    for (const f of split) {
      const p = t.position[f];
      if (p < 0) continue;
      if (!linear[p]) order.push(p);
      contribution[p] = contribution[p] + shares[f];
    }
  }
  order.sort((a, b) => higherFirst(contribution[a], contribution[b]));
  const reasons: string[] = [];
  for (const p of order) {
    const k = names[p];
    if (contribution[p] <= 0 || reasons.length >= max) break;
    if (PRIORS.has(k)) continue;
    const label = (LABELS as Record<string, string>)[k] ?? k;
    if (!reasons.includes(label)) reasons.push(label);
  }
  return { reasons, contributions: withContributions ? Object.fromEntries(order.map((p) => [names[p], Number(contribution[p].toFixed(4))])) : {} };
}

/** `fileDerived` of a chunk whose file is not a candidate. */
export const NO_FILE: Readonly<ReturnType<typeof fileDerived>> = { fileScore: -10, fileRR: 0, fileTop: 0 };

/** Chunk features derived from the file model: the file's score relative to the best file, and its rank. */
export function fileDerived(fileScore: number, topScore: number, fileRank: number): { fileScore: number; fileRR: number; fileTop: number } {
  return { fileScore: Math.max(-10, fileScore - topScore), fileRR: 1 / fileRank, fileTop: fileRank === 1 ? 1 : 0 };
}

/**
 * A short fingerprint of a weights file's content. Eval dumps record it: a dump's candidates include every chunk of
 * the files the file model ranks first, so a dump depends on the weights in place when it was written.
 */
export function weightsFingerprint(w: RankWeights): string {
  return createHash('sha256').update(JSON.stringify(w)).digest('hex').slice(0, 12);
}
