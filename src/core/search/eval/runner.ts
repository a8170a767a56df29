/**
 * Runs an eval set against real repositories, the way a user's checkout evolves:
 *  - SWE-bench: one working tree per repository (a `git clone --shared` of <repos>/<owner>__<name> under the
 *    work dir), instances in commit-date order; `git checkout --force <base_commit>` then `indexAll()` (the
 *    incremental catch-up a branch switch takes), then the query;
 *  - docstring: one tree per (repository, commit) with every gold function's doc comment blanked;
 *  - questions: one tree per (repository, commit), as it is.
 * Every system runs on the same index and files: the two BM25 baselines and the retriever's stages.
 * Optionally dumps every candidate's features with its labels (for bench/fit.ts).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, promises as fs, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { openWorkspaceIndex } from '../../index/workspaceIndex';
import type { VectorStore } from '../../index/vectorStore';
import { FILE_FEATURES, CHUNK_BASE_FEATURES, DEFAULT_WEIGHTS, weightsFingerprint, type RankWeights } from '../model';
import { RepoView } from '../repoView';
import { createRetriever, type Retriever, type Stage } from '../retriever';
import { Baselines } from './baselines';
import { firstPositions, restrictOutcome, percentile, summarize, type QueryOutcome, type Summary } from './metrics';
import { blankDocComment, isIssueSet, spanId, spanMatches, type EvalItem, type GoldSpan } from './sets';

export interface EvalOptions {
  reposDir: string;
  workDir: string;
  limit?: number;
  ablation?: boolean;
  /** Only these repositories (`owner/name`). */
  repos?: string[];
  workers?: number;
  weights?: RankWeights;
  /**
   * How the index follows each SWE-bench checkout after the first: 'updateFiles' (default) re-indexes the paths
   * `git diff --name-only` reports, as a file watcher would; 'indexAll' stats the whole tree (slower: it also
   * re-persists the lexical index every time).
   */
  catchUp?: 'updateFiles' | 'indexAll';
  /** Write candidate features + labels as JSON lines here. */
  dumpFile?: string;
  log?: (line: string) => void;
}

export interface SystemResult {
  file: Summary;
  func?: Summary;
  /**
   * Issue sets: function grain over the gold functions and methods that exist before the fix (a chunk of kind
   * function or method in the gold file at the base commit matches), and only for issues that have one. This is
   * how CoRNStack's SWE-bench evaluation counts (the published CodeRankEmbed 58.8): a changed import block, a
   * class body outside its methods, and a function the fix added are not gold. `func` counts every gold span.
   */
  funcEdited?: Summary;
  latencyMs?: { p50: number; p95: number; max: number };
}

export interface EvalReport {
  set: string;
  n: number;
  systems: Record<string, SystemResult>;
  perQuery: {
    id: string; repo: string; file: Record<string, number[]>; func: Record<string, number[]>; ms: number;
    /** Issue sets: indices (into `func` ranks) of the gold spans that are functions or methods before the fix. */
    edited?: number[];
  }[];
  indexMs: number;
}

const git = (dir: string, args: string[]) => execFileSync('git', ['-C', dir, ...args], { stdio: 'pipe', encoding: 'utf8', maxBuffer: 1 << 28 });

function checkout(tree: string, commit: string): void {
  try {
    git(tree, ['checkout', '-q', '--force', commit]);
  } catch (e) {
    // A blob missing from the fetched snapshot (astropy): git complains but moves HEAD; tolerate that only.
    if (git(tree, ['rev-parse', 'HEAD']).trim() !== commit) throw e;
  }
}

function ensureTree(reposDir: string, repo: string, dest: string): void {
  if (existsSync(path.join(dest, '.git'))) return;
  const src = path.join(reposDir, repo.replace('/', '__'));
  if (!existsSync(src)) throw new Error(`repository ${repo} not found at ${src}`);
  mkdirSync(path.dirname(dest), { recursive: true });
  execFileSync('git', ['clone', '-q', '--shared', '--no-checkout', src, dest], { stdio: 'pipe' });
}

const STAGES: Stage[] = ['lexical', 'hybrid', 'fusion', 'rerank'];

/**
 * The directory name, under `<work dir>/trees` and `<work dir>/index`, of the tree and index that `pinpoint eval`
 * queries for one repository of a set: an issue set moves one tree through its commits; other sets get a tree per
 * commit (a docstring set's with the gold doc comments blanked).
 */
export function evalTreeName(set: EvalItem['set'], repo: string, commit: string): string {
  const slug = repo.replace('/', '__');
  return isIssueSet(set) ? slug : `${set === 'docstring' ? 'doc' : 'q'}-${slug}-${commit.slice(0, 8)}`;
}

export async function runEval(items: EvalItem[], opts: EvalOptions): Promise<EvalReport> {
  const log = opts.log ?? (() => undefined);
  const set = items[0]?.set ?? 'empty';
  let todo = opts.repos ? items.filter((i) => opts.repos!.includes(i.repo)) : items;
  if (opts.limit) todo = todo.slice(0, opts.limit);
  const groups = new Map<string, EvalItem[]>();
  for (const it of todo) {
    const key = isIssueSet(it.set) ? it.repo : `${it.repo}@${it.commit}`;
    (groups.get(key) ?? groups.set(key, []).get(key)!).push(it);
  }
  const stages = opts.ablation ? STAGES : (['rerank'] as Stage[]);
  const outcomes: Record<string, { file: QueryOutcome[]; func: QueryOutcome[]; funcEdited: QueryOutcome[] }> = {};
  const latency: number[] = [];
  const perQuery: EvalReport['perQuery'] = [];
  const dump = opts.dumpFile ? await fs.open(opts.dumpFile, 'w') : undefined;
  const weightsTag = weightsFingerprint(opts.weights ?? DEFAULT_WEIGHTS); // which weights chose a dumped row's candidates
  let indexMs = 0;
  const record = (sys: string, file: QueryOutcome, func?: QueryOutcome, edited?: number[]) => {
    const o = (outcomes[sys] ??= { file: [], func: [], funcEdited: [] });
    o.file.push(file);
    if (func) o.func.push(func);
    if (func && edited?.length) o.funcEdited.push(restrictOutcome(func, edited));
  };

  for (const [key, group] of groups) {
    const repo = group[0].repo;
    const tree = path.join(opts.workDir, 'trees', evalTreeName(set, repo, group[0].commit));
    ensureTree(opts.reposDir, repo, tree);
    if (!isIssueSet(set)) {
      checkout(tree, group[0].commit);
      if (set === 'docstring') await blankGold(tree, group);
    } else {
      const date = (c: string) => Number(git(tree, ['show', '-s', '--format=%ct', c]).trim());
      const dates = new Map(group.map((g) => [g.commit, date(g.commit)]));
      group.sort((a, b) => dates.get(a.commit)! - dates.get(b.commit)! || (a.id < b.id ? -1 : 1));
    }
    const idx = await openWorkspaceIndex({
      root: tree, indexDir: path.join(opts.workDir, 'index', path.basename(tree)), owner: 'pinpoint eval', workers: opts.workers,
    });
    try {
      const view = new RepoView(idx.indexer.store, { fileIndex: true, lexical: idx.indexer.lexical });
      const retrievers = new Map<Stage, Retriever>(stages.map((s) => [s, createRetriever(idx, { stage: s, view, weights: opts.weights })]));
      const exts = new Set(group.flatMap((g) => g.goldFiles.map((f) => path.extname(f).toLowerCase())));
      const baselines = new Baselines(tree, exts);
      let first = true;
      for (const it of group) {
        const t0 = performance.now();
        let rep;
        if (isIssueSet(set) && !first && opts.catchUp !== 'indexAll') {
          // What an editor's file watcher sees on a branch switch: the changed paths, re-indexed one by one.
          const changed = git(tree, ['diff', '--name-only', '--no-renames', 'HEAD', it.commit]).split('\n').filter(Boolean);
          checkout(tree, it.commit);
          rep = await idx.indexer.updateFiles(changed);
        } else {
          if (isIssueSet(set)) checkout(tree, it.commit);
          rep = await idx.indexer.indexAll();
        }
        first = false;
        await baselines.sync(idx.indexer.store);
        view.sync();
        const dt = performance.now() - t0;
        indexMs += dt;
        log(`${it.id}: index +${rep.added} ~${rep.updated} -${rep.removed} (${Math.round(dt)} ms)`);
        const spans = resolveSpans(idx.indexer.store, it.goldSpans);
        const edited = isIssueSet(set) ? spans.flatMap((s, i) => (s.callable ? [i] : [])) : undefined;
        const pq: EvalReport['perQuery'][number] = { id: it.id, repo: it.repo, file: {}, func: {}, ms: 0, ...(edited ? { edited } : {}) };
        const goldSpanIds = it.goldSpans.map(spanId);
        const fileOut = (ranked: string[]) => firstPositions(ranked.map((p) => (it.goldFiles.includes(p) ? [p] : [])), it.goldFiles);

        const bf = fileOut(baselines.rankFiles(it.query, 100));
        const wins = baselines.rankWindows(it.query, 200);
        const wf = fileOut([...new Set(wins.map((w) => w.path))]);
        const wfn = firstPositions(wins.map((w) => windowMatches(w, spans)), goldSpanIds);
        record('bm25-files', bf);
        record('bm25-windows', wf, wfn, edited);
        Object.assign(pq.file, { 'bm25-files': bf.firstPos, 'bm25-windows': wf.firstPos });
        pq.func['bm25-windows'] = wfn.firstPos;

        for (const [stage, r] of retrievers) {
          const res = await r.retrieve(it.query, { k: 50, fileK: 50 });
          const fo = fileOut(res.files.map((f) => f.path));
          const co = firstPositions(res.chunks.map((h) => spanMatches(h.chunk, it.goldSpans)), goldSpanIds);
          record(stage, fo, co, edited);
          pq.file[stage] = fo.firstPos;
          pq.func[stage] = co.firstPos;
          if (stage === 'rerank') {
            pq.ms = res.timings.total - res.timings.sync;
            latency.push(pq.ms);
            if (dump) await dump.write(JSON.stringify(dumpRow(it, res, edited, weightsTag)) + '\n');
          }
        }
        perQuery.push(pq);
        log(`  file ranks: ${Object.entries(pq.file).map(([s, p]) => `${s}=${p.map(fmtPos).join('/')}`).join(' ')}`);
      }
    } finally {
      await idx.close();
    }
    log(`${key}: done`);
  }
  await dump?.close();
  const systems: Record<string, SystemResult> = {};
  for (const [sys, o] of Object.entries(outcomes)) {
    systems[sys] = { file: summarize(o.file), ...(o.func.length ? { func: summarize(o.func) } : {}), ...(o.funcEdited.length ? { funcEdited: summarize(o.funcEdited) } : {}) };
  }
  if (systems.rerank) systems.rerank.latencyMs = { p50: percentile(latency, 50), p95: percentile(latency, 95), max: Math.max(...latency) };
  return { set, n: todo.length, systems, perQuery, indexMs: Math.round(indexMs) };
}

const fmtPos = (p: number) => (Number.isFinite(p) ? String(p) : '-');

/**
 * Gold spans with line ranges from the indexed chunks (for window matching), and whether a function or method
 * chunk of the indexed tree matches the span (it exists before the fix).
 */
function resolveSpans(store: VectorStore, spans: GoldSpan[]): (GoldSpan & { ranges: [number, number][]; callable: boolean })[] {
  return spans.map((s) => {
    if (s.startLine !== undefined) return { ...s, ranges: [[s.startLine, s.endLine!]], callable: true };
    const f = store.getFile(s.path);
    const ranges: [number, number][] = [];
    let callable = false;
    for (const id of f?.chunkIds ?? []) {
      const c = store.getChunk(id);
      if (!c || !spanMatches(c, [s]).length) continue;
      ranges.push([c.startLine, c.endLine]);
      if (c.kind === 'function' || c.kind === 'method') callable = true;
    }
    return { ...s, ranges, callable };
  });
}

function windowMatches(w: { path: string; startLine: number; endLine: number }, spans: (GoldSpan & { ranges: [number, number][] })[]): string[] {
  return spans.filter((s) => s.path === w.path && s.ranges.some(([a, b]) => w.startLine <= b && w.endLine >= a)).map(spanId);
}

function dumpRow(it: EvalItem, res: Awaited<ReturnType<Retriever['retrieve']>>, edited: number[] | undefined, weights: string) {
  return {
    id: it.id, set: it.set, repo: it.repo, query: it.query, model: res.model, long: res.model === 'long', weights, goldFiles: it.goldFiles, goldSpans: it.goldSpans.map(spanId),
    ...(edited ? { editedSpans: edited } : {}), fileNames: FILE_FEATURES, chunkNames: CHUNK_BASE_FEATURES,
    files: res.candidates.files.map((f) => ({ path: f.path, y: it.goldFiles.includes(f.path) ? 1 : 0, x: Array.from(f.x) })),
    chunks: res.candidates.chunks.map(({ chunk, features }) => ({
      path: chunk.path, id: chunk.id, name: chunk.qualifiedName, spans: spanMatches(chunk, it.goldSpans), x: Array.from(features.subarray(0, CHUNK_BASE_FEATURES.length)),
    })),
  };
}

/** Blanks the doc comments of every gold function of a docstring group (rewrites a file only when it changes). */
async function blankGold(tree: string, group: EvalItem[]): Promise<void> {
  const byFile = new Map<string, GoldSpan[]>();
  for (const it of group) for (const s of it.goldSpans) (byFile.get(s.path) ?? byFile.set(s.path, []).get(s.path)!).push(s);
  for (const [rel, spans] of byFile) {
    const pristine = git(tree, ['show', `${group[0].commit}:${rel}`]);
    let lines = pristine.split('\n');
    for (const s of spans) lines = blankDocComment(lines, s.startLine!, s.endLine!, rel.endsWith('.py') ? 'py' : 'other');
    const next = lines.join('\n');
    const abs = path.join(tree, rel);
    const cur = await fs.readFile(abs, 'utf8').catch(() => '');
    if (cur !== next) await fs.writeFile(abs, next);
  }
}
