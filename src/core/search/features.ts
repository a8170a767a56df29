/**
 * Feature extraction: turns the Signals of one query into named feature records for candidate files and
 * chunks (see model.ts for the names). All features are cheap, bounded (mostly 0..1) and query-relative
 * (scores are divided by the query's best score), so one set of weights works across repositories.
 */
import type { Chunk } from '../types';
import type { VectorStore } from '../index/vectorStore';
import { CHUNK_FEATURES, FILE_FEATURES, recordOf, type ChunkFeature, type FileFeature } from './model';
import { byValueThenKey } from './fusion';
import { higherFirst } from '../order';
import { isTestScope, type FileInfo, type RepoView } from './repoView';
import { symbolsByFile, type Signals } from './signals';
import { chunkNameFeatures, ownerParts } from './nameMatch';

export interface SearchContext {
  /** Workspace-relative path of the file in the active editor. */
  activeFile?: string;
  openFiles?: string[];
  /** Recently edited files, most recent first. */
  recentEdits?: string[];
}

export type Features = Record<string, number>;

/** A candidate file: its features as a vector in FILE_FEATURES order (`features` gives the named form, built on read). */
export class FileCandidate {
  constructor(readonly path: string, readonly info: FileInfo, readonly x: Float64Array) {}
  get features(): Features {
    return recordOf(FILE_FEATURES, this.x);
  }
}

/** A package's entry file (`__init__.py`, `index.ts`…). */
const PACKAGE_INIT = /(^|\/)__init__\.py$|(^|\/)index\.[jt]sx?$/;

/** Position of each file feature in a FileCandidate's vector. */
const F = Object.fromEntries(FILE_FEATURES.map((n, i) => [n, i])) as Record<FileFeature, number>;

const damped = (xs: number[]) => {
  xs.sort(higherFirst);
  let s = 0;
  for (let i = 1; i < xs.length && i < 8; i++) s += xs[i] / 2 ** i;
  return s;
};

/** Exact cosine of a chunk with the query (vectors are unit length), kept from the vector scan; 0 without one. */
const cosine = (sig: Signals, id: string): number => sig.vecScoreOf?.(id) ?? 0;

/** Rank of each file by a per-file score (1 = best). */
function rankOf(best: Map<string, number>): Map<string, number> {
  return new Map([...best].sort(byValueThenKey).map(([p], i) => [p, i + 1]));
}

/** Candidate files and their features. */
export function fileCandidates(view: RepoView, store: VectorStore, sig: Signals, ctx: SearchContext = {}): FileCandidate[] {
  const lexBy = new Map<string, number[]>();
  const coverBy = new Map<string, number>();
  for (const h of sig.lex) {
    const c = store.getChunk(h.id);
    if (!c) continue;
    (lexBy.get(c.path) ?? lexBy.set(c.path, []).get(c.path)!).push(sig.lexScore.get(h.id)!);
    coverBy.set(c.path, Math.max(coverBy.get(c.path) ?? 0, h.coverage));
  }
  const vecBy = new Map<string, number[]>();
  for (const h of sig.vec) {
    const c = store.getChunk(h.id);
    if (c) (vecBy.get(c.path) ?? vecBy.set(c.path, []).get(c.path)!).push(h.score);
  }
  const identBy = new Map<string, number>();
  for (const [id, r] of sig.identLexRank) {
    const c = store.getChunk(id);
    if (c) identBy.set(c.path, Math.min(identBy.get(c.path) ?? Infinity, r));
  }
  const symBy = symbolsByFile(store, sig.symbols);
  const fbmTop = sig.fbm[0]?.score || 1;
  const fbmBy = new Map(sig.fbm.map((h, i) => [h.key, { s: h.score / fbmTop, r: i + 1 }]));

  const paths = new Set<string>([...lexBy.keys(), ...vecBy.keys(), ...fbmBy.keys(), ...sig.mentions.keys(), ...symBy.keys()]);
  for (const [p, g] of [...sig.graph].sort(byValueThenKey).slice(0, 30)) if (g > 0) paths.add(p);
  for (const [p] of [...sig.wordDefs].sort(byValueThenKey).slice(0, 30)) paths.add(p);
  const ctxFiles = [ctx.activeFile, ...(ctx.openFiles ?? []), ...(ctx.recentEdits ?? []).slice(0, 10)].filter((p): p is string => !!p);
  for (const p of ctxFiles) if (view.files.has(p)) paths.add(p);

  const lexMax = new Map([...lexBy].map(([p, xs]) => [p, Math.max(...xs)]));
  const vecMax = new Map([...vecBy].map(([p, xs]) => [p, Math.max(...xs)]));
  const lexR = rankOf(lexMax);
  const vecR = rankOf(vecMax);
  const recent = new Map((ctx.recentEdits ?? []).map((p, i) => [p, 1 / (1 + i)]));
  const open = new Set(ctx.openFiles ?? []);
  const long = sig.isLong ? 1 : 0;

  const out: FileCandidate[] = [];
  // Every candidate's features in one buffer (a Float64Array apiece cost ~0.6 µs each, a fifth of this function).
  const NF = FILE_FEATURES.length;
  const all = new Float64Array(paths.size * NF);
  for (const p of paths) {
    const info = view.files.get(p);
    if (!info) continue;
    let vmax = vecMax.get(p);
    // Not among the vector hits: the best exact cosine of (at most 40 of) its chunks.
    if (vmax === undefined && sig.queryVector) vmax = Math.max(0, sig.vecBestOfFile?.(p, 40) ?? 0);
    const lm = sig.mentions.get(p);
    const sym = symBy.get(p);
    const fb = fbmBy.get(p);
    const lx = lexMax.get(p) ?? 0;
    const vrel = sig.queryVector ? (vmax ?? 0) - sig.vecTop : 0;
    const x = all.subarray(out.length * NF, (out.length + 1) * NF);
    x[F.lexMax] = lx;
    x[F.lexSum] = damped([...(lexBy.get(p) ?? [])]);
    x[F.lexRR] = lexR.has(p) ? 1 / lexR.get(p)! : 0;
    x[F.lexCover] = coverBy.get(p) ?? 0;
    x[F.vecMax] = vmax ?? 0;
    x[F.vecRel] = vrel;
    x[F.vecRR] = vecR.has(p) ? 1 / vecR.get(p)! : 0;
    x[F.vecSum] = damped((vecBy.get(p) ?? []).map((v) => v / (sig.vecTop || 1)));
    x[F.fbm] = fb?.s ?? 0;
    x[F.fbmRR] = fb ? 1 / fb.r : 0;
    x[F.pathMention] = lm?.path ?? 0;
    x[F.moduleMention] = lm?.module ?? 0;
    x[F.frame] = lm?.frame ?? 0;
    x[F.frameLast] = lm?.frameLast ?? 0;
    x[F.symDef] = sym ? Math.log1p(sym.def) : 0;
    x[F.symDefStrong] = sym?.strong ?? 0;
    x[F.symQual] = sym?.qual ?? 0;
    x[F.wordDef] = Math.log1p(sig.wordDefs.get(p) ?? 0);
    x[F.stemMention] = info.stem.length >= 3 && sig.queryTokens.has(info.stem) ? 1 : 0;
    x[F.graph] = sig.graph.get(p) ?? 0;
    x[F.identLexRR] = identBy.has(p) ? 1 / identBy.get(p)! : 0;
    x[F.isTest] = info.isTest ? 1 : 0;
    x[F.isDoc] = info.isDoc ? 1 : 0;
    x[F.isExample] = info.isExample ? 1 : 0;
    x[F.nonCode] = info.isCode ? 0 : 1;
    x[F.isInit] = PACKAGE_INIT.test(p) ? 1 : 0;
    x[F.sizeLog] = Math.log1p(info.chunkIds.length) / 5;
    const t = sig.title;
    if (t) {
      x[F.titleLex] = t.lex.get(p) ?? 0;
      x[F.titleFbm] = t.fbm.get(p) ?? 0;
      x[F.titleSym] = Math.log1p(t.sym.get(p) ?? 0);
    }
    x[F.longLex] = long * lx;
    x[F.longVec] = long * vrel;
    x[F.longFbm] = long * (fb?.s ?? 0);
    x[F.ctxActive] = ctx.activeFile === p ? 1 : 0;
    x[F.ctxOpen] = open.has(p) ? 1 : 0;
    x[F.ctxRecent] = recent.get(p) ?? 0;
    out.push(new FileCandidate(p, info, x));
  }
  return out;
}

const MEMBER = /^[A-Za-z_$][\w$]*[!?]?$/;
/**
 * The class, module or namespace a definition sits in: the next-to-last segment of its qualified name
 * (`DecompressionReader` of `DecompressionReader.close`), when both segments are identifiers (block labels are not).
 */
export function ownerOf(qualifiedName: string): string | undefined {
  const last = qualifiedName.lastIndexOf('.');
  if (last <= 0) return undefined;
  const before = qualifiedName.lastIndexOf('.', last - 1);
  const owner = qualifiedName.slice(before + 1, last);
  return MEMBER.test(owner) && MEMBER.test(qualifiedName.slice(last + 1)) ? owner : undefined;
}

/** Position of each chunk feature in the vector `chunkFeatures` fills (CHUNK_FEATURES order). */
const C = Object.fromEntries(CHUNK_FEATURES.map((n, i) => [n, i])) as Record<ChunkFeature, number>;
const CLASS_KINDS = new Set(['class', 'interface', 'struct', 'trait', 'enum']);
const BLOCK_KINDS = new Set(['block', 'section', 'constant']);

/**
 * A chunk's features: from the chunk itself, plus the file model's verdict on its file (`file`, see
 * model.ts `fileDerived`), written as a vector in CHUNK_FEATURES order into `out` from `at` (`recordOf` gives the
 * named form). A vector in a buffer shared by the query's candidates, not a record: scoring a thousand candidates
 * per query is hot, and a record allocates a box per non-integer field.
 */
export function chunkFeatures(
  c: Chunk, info: FileInfo | undefined, sig: Signals, ctx: SearchContext,
  file: { fileScore: number; fileRR: number; fileTop: number },
  out: Float64Array, at: number,
): Float64Array {
  const sym = sig.symbols.get(c.id);
  const lr = sig.lexRank.get(c.id);
  const vr = sig.vecRank.get(c.id);
  const ir = sig.identLexRank.get(c.id);
  const cos = cosine(sig, c.id);
  const { share, words, sigParts, leadName } = chunkNameFeatures(c, sig);
  const m = sig.mentions.get(c.path);
  const long = sig.isLong ? 1 : 0;
  const lexS = sig.lexScore.get(c.id) ?? 0;
  const vecRel = sig.queryVector ? cos - sig.vecTop : 0;
  const kind = c.kind;
  out[at + C.lexS] = lexS;
  out[at + C.lexRR] = lr ? 1 / lr : 0;
  out[at + C.lexCover] = sig.lexCover.get(c.id) ?? 0;
  out[at + C.vecCos] = cos;
  out[at + C.vecRel] = vecRel;
  out[at + C.vecRR] = vr ? 1 / vr : 0;
  out[at + C.identLexRR] = ir ? 1 / ir : 0;
  out[at + C.nameExact] = sym?.exact ?? 0;
  out[at + C.nameStrong] = sym?.strong ?? 0;
  out[at + C.nameQual] = sym?.qual ?? 0;
  out[at + C.nameSpec] = sym ? sym.spec * sym.exact : 0;
  // nameParts: how much of the name the query explains. nameCover: how much of the query the name stands for, so that
  // of two siblings the more specific name that covers more of the query is not the one ranked lower (`save` vs
  // `save_user_profile` for "saves user profiles"). ownerParts: how much of its class's name the query explains; not for
  // issues and traces, whose many words name many classes (it cost issues function MRR, bench/RESULTS.md, session 30).
  out[at + C.nameParts] = share;
  out[at + C.nameCover] = Math.min(1, words / sig.queryWordCount);
  const owner = sig.isLong ? undefined : ownerOf(c.qualifiedName);
  out[at + C.ownerParts] = owner ? ownerParts(owner, sig) : 0;
  // sigParts: the query words the declaration line explains besides the name (parameters, types); leadName: the query
  // starts with the name's first word (a doc sentence's verb). Session 37.
  out[at + C.sigParts] = sigParts;
  out[at + C.leadName] = leadName;
  out[at + C.frameFunc] = m?.frame && sig.parsed.frames.some((fr) => fr.func === c.name || fr.func === c.qualifiedName) ? 1 : 0; // Python: `in name`; JS: `at Class.method`
  out[at + C.lineHit] = m?.lines.some((l) => l >= c.startLine && l <= c.endLine) ? 1 : 0;
  out[at + C.isTest] = info?.isTest || isTestScope(c.qualifiedName) ? 1 : 0;
  out[at + C.isDoc] = info?.isDoc ? 1 : 0;
  out[at + C.nonCode] = info && !info.isCode ? 1 : 0;
  out[at + C.isFunc] = kind === 'function' || kind === 'method' ? 1 : 0;
  out[at + C.isClass] = CLASS_KINDS.has(kind) ? 1 : 0;
  out[at + C.isBlock] = BLOCK_KINDS.has(kind) ? 1 : 0;
  out[at + C.lenLog] = Math.log1p(c.endLine - c.startLine + 1) / 5;
  out[at + C.longLex] = long * lexS;
  out[at + C.longVec] = long * vecRel;
  out[at + C.ctxActive] = ctx.activeFile === c.path ? 1 : 0;
  out[at + C.ctxRecent] = ctx.recentEdits?.includes(c.path) ? 1 : 0;
  out[at + C.fileScore] = file.fileScore;
  out[at + C.fileRR] = file.fileRR;
  out[at + C.fileTop] = file.fileTop;
  return out;
}

const IN_FILE = [[C.vecCos, C.vecInFile], [C.lexS, C.lexInFile], [C.nameParts, C.nameInFile]] as const;
const IN_NAME = [[C.vecCos, C.vecInName], [C.lexS, C.lexInName], [C.ownerParts, C.ownerInName]] as const;
const IN_OWNER = [[C.vecCos, C.vecInOwner], [C.lexS, C.lexInOwner]] as const;
const IN_DIR = [[C.vecCos, C.vecInDir], [C.lexS, C.lexInDir]] as const;

/**
 * The features that compare a candidate chunk with the query's other candidates like it, filled once `chunkFeatures`
 * has filled every candidate (`chunks[i]` is the chunk of the vector that starts at `i * stride` in `buf`):
 * - in its own file: its `vecCos`, `lexS` and `nameParts` minus the best of each among that file's candidates (0 for
 *   the file's best, negative below). The file model often finds the right file when the chunk model still ranks a
 *   sibling, or a namesake in another file, above the function asked for;
 * - among its namesakes (the same last segment of the qualified name, in any file): its `vecCos`, `lexS` and
 *   `ownerParts` minus the best of each. A repository has many `close` and `new` methods, and a docstring's words
 *   tell which one;
 * - among its class's methods (the same file and qualified-name prefix): its `vecCos` and `lexS` minus the best of each;
 * - in its folder (the same directory): the same two.
 */
export function relativeFeatures(chunks: readonly { path: string; qualifiedName: string }[], buf: Float64Array, stride: number): void {
  const group = new Int32Array(chunks.length);
  relativeTo(groupsOf(chunks, (c) => c.path, group), group, IN_FILE, buf, stride);
  relativeTo(groupsOf(chunks, (c) => c.qualifiedName.slice(c.qualifiedName.lastIndexOf('.') + 1), group), group, IN_NAME, buf, stride);
  relativeTo(groupsOf(chunks, ownerKey, group), group, IN_OWNER, buf, stride);
  relativeTo(groupsOf(chunks, (c) => c.path.slice(0, Math.max(0, c.path.lastIndexOf('/'))), group), group, IN_DIR, buf, stride);
}

/** A method's class (its path and qualified-name prefix); a top-level symbol is alone in its group. */
function ownerKey(c: { path: string; qualifiedName: string }): string {
  const dot = c.qualifiedName.lastIndexOf('.');
  return `${c.path}\0${dot < 0 ? `\0${c.qualifiedName}` : c.qualifiedName.slice(0, dot)}`;
}

/** Numbers each item's group by `key` into `group` (0, 1, … in order of first appearance); gives the number of groups. */
function groupsOf<T>(items: readonly T[], key: (item: T) => string, group: Int32Array): number {
  const ids = new Map<string, number>();
  for (let i = 0; i < items.length; i++) {
    const k = key(items[i]);
    let g = ids.get(k);
    if (g === undefined) ids.set(k, (g = ids.size));
    group[i] = g;
  }
  return ids.size;
}

/** For each vector `i` of group `group[i]`: `buf[to] = buf[from] − max over the group of buf[from]`, for each pair. */
function relativeTo(groups: number, group: Int32Array, pairs: readonly (readonly [number, number])[], buf: Float64Array, stride: number): void {
  const m = pairs.length;
  const best = new Float64Array(groups * m).fill(-Infinity);
  for (let i = 0; i < group.length; i++) {
    const at = i * stride;
    const b = group[i] * m;
    for (let j = 0; j < m; j++) best[b + j] = Math.max(best[b + j], buf[at + pairs[j][0]]);
  }
  for (let i = 0; i < group.length; i++) {
    const at = i * stride;
    const b = group[i] * m;
    for (let j = 0; j < m; j++) buf[at + pairs[j][1]] = buf[at + pairs[j][0]] - best[b + j];
  }
}
