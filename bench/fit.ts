/**
 * Fits the ranking weights (src/core/search/weights.json) on candidate dumps written by
 * `pinpoint eval <set> --repos <dir> --dump <file>`, and reports leave-one-REPOSITORY-out cross-validated numbers
 * (each repository's queries are ranked by a model that never saw that repository).
 *
 *   node out/bench/fit.js --dump bench/.work/dumps/swe.jsonl --dump bench/.work/dumps/doc.jsonl [--write] [--drop <feature>]…
 *     [--eval-only <set>]…   (rows of that set, e.g. `questions`, are ranked in the cross-validation, never trained on)
 *     [--masked-names <set>]… (that set's queries had their gold's own name masked, e.g. `docstring`: its rows train
 *                             without the name-mention features nameExact, nameStrong, nameQual, nameSpec)
 *     [--train-dump <file>]… (a dump whose rows are trained on in every fold, never held out or measured: extra
 *                             training queries, from repositories outside the evaluation sets)
 *     [--long-train-dump <file>]… (the same, but only its rows of the long class train, the issue model: commit
 *                             messages and subjects, which help that model and cost the short one held-out docstrings)
 *     [--trees <rounds>]      (boosted trees added to each chunk model, fitted on every candidate: bench/gbdt.ts; 0: none)
 *     [--file-trees <rounds>] (the same for each file model)
 *     [--positives any|every] (how a query's several golds count in the loss; fitLib.ts PositivesMode; default any)
 *     [--jobs <n>]            (folds fitted in n worker threads at once; default: the CPUs, at most 4. The results are
 *                             the same for any n: each fold's fit is deterministic and independent of the others)
 *     [--no-cv]               (no cross-validation: only the final models, at the one `--l2` given; minutes, not an
 *                             hour. For weights to try on a dump they were not fitted on, e.g. half of the extra rows)
 *     [--out <file>]          (write the weights there instead of src/core/search/weights.json; implies --write)
 *
 * Every thread reads every dump: with session 40's 17 dumps (1.3 GB) a thread needs more than node's default heap,
 * so run it as `node --max-old-space-size=9000 out/bench/fit.js …` (the threads take the same limit; ~11 GB in all).
 *
 * The L2 strength is chosen by the same cross-validation. Features that are zero throughout the data (editor
 * context: active/open/recent files) keep their prior weights.
 */
import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import { isMainThread, parentPort, Worker } from 'node:worker_threads';
import { CHUNK_BASE_FEATURES, CHUNK_FEATURES, FILE_FEATURES, DEFAULT_WEIGHTS, type QueryClass, type RankWeights } from '../src/core/search/model';
import { restrictOutcome, summarize, type QueryOutcome, type Summary } from '../src/core/search/eval/metrics';
import { args } from './common';
import type { TreeEnsemble } from '../src/core/search/trees';
import { chunkGroups, chunkOutcome, chunkVectors, DIMS, dotp, fileGroups, fileOutcome, classOf, fitListwise, normalizeRow, readDumpRows, repositoryFolds, scorer, setPositives, type DumpRow } from './fitLib';
import { fitTrees } from './gbdt';

const single = process.argv.includes('--single');
// `--positives every`: each gold of a query counts in its loss, not only the best one (fitLib.ts PositivesMode).
const positivesMode = args('--positives')[0] ?? 'any';
if (positivesMode !== 'any' && positivesMode !== 'every') throw new Error(`--positives: expected any or every, got "${positivesMode}"`);
setPositives(positivesMode);
// `--no-question`: questions are ranked by the short model (weights before session 12).
const CLASSES: QueryClass[] = process.argv.includes('--no-question') ? ['long', 'short'] : ['long', 'short', 'question'];
const classKey = (r: DumpRow): QueryClass => {
  const c = classOf(r);
  return c === 'question' && !CLASSES.includes('question') ? 'short' : c;
};

const dumps = args('--dump');
if (!dumps.length) dumps.push('bench/.work/dumps/swe.jsonl', 'bench/.work/dumps/doc.jsonl');
const readDump = (f: string) => readDumpRows(f).map((r) => normalizeRow(r));
// `--train-dump f`: its rows are never held out or measured; they join the training data of every fold but the one
// that holds out their own repository (none, for repositories outside the evaluation sets). `--long-train-dump f`:
// the same for its long-class rows; its other rows are left out.
const trainDumps = args('--train-dump');
const longTrainDumps = args('--long-train-dump');
const read = new Map([...dumps, ...trainDumps, ...longTrainDumps].map((f) => [f, readDump(f)]));
const trainOnly = new Set([...trainDumps.flatMap((f) => read.get(f)!), ...longTrainDumps.flatMap((f) => read.get(f)!.filter((r) => classKey(r) === 'long'))]);
const rows: DumpRow[] = [...dumps.flatMap((f) => read.get(f)!), ...trainOnly];
// A dump's candidates depend on the weights in place when it was written (every chunk of the file model's top 10 files
// joins them), so a fit remakes a weights.json only from the dumps it was fitted on: say which weights wrote each.
const dumpedUnder = [...read].map(([f, rs]) => [path.basename(f), [...new Set(rs.map((r) => r.weights ?? 'unrecorded'))].join('+')] as const);
const underKnown = new Set(dumpedUnder.flatMap(([, w]) => w.split('+')).filter((w) => w !== 'unrecorded'));
if (isMainThread) console.log(`dumped under weights: ${dumpedUnder.map(([f, w]) => `${f} ${w}`).join(', ')}`);
if (isMainThread && underKnown.size > 1) console.log(`warning: these dumps were written under ${underKnown.size} different weights (${[...underKnown].join(', ')})`);
const measured = (r: DumpRow) => !trainOnly.has(r);
// `--drop f`: the feature is zero throughout (an ablation: the same dumps with and without one feature).
for (const name of args('--drop')) {
  const fi = FILE_FEATURES.indexOf(name as (typeof FILE_FEATURES)[number]);
  const ci = CHUNK_BASE_FEATURES.indexOf(name as (typeof CHUNK_BASE_FEATURES)[number]);
  if (fi < 0 && ci < 0) throw new Error(`--drop: unknown feature "${name}"`);
  for (const r of rows) for (const c of fi >= 0 ? r.files : r.chunks) c.x[fi >= 0 ? fi : ci] = 0;
}
// `--masked-names s`: the set's queries have their gold's own name masked (docstring pairs: "this function"), so a
// name such a query mentions is never its gold; its rows train without the name-mention chunk features, which would
// otherwise learn that a named definition is a wrong one (bench/RESULTS.md, session 45), and are measured as they are.
const maskedSets = new Set(args('--masked-names'));
const MENTION_DIMS = (['nameExact', 'nameStrong', 'nameQual', 'nameSpec'] as const).map((n) => CHUNK_BASE_FEATURES.indexOf(n));
const unmasked = new WeakMap<DumpRow, DumpRow>();
function forTraining(r: DumpRow): DumpRow {
  if (!maskedSets.has(r.set)) return r;
  let u = unmasked.get(r);
  if (!u) {
    const chunks = r.chunks.map((c) => (MENTION_DIMS.some((d) => c.x[d]) ? { ...c, x: c.x.map((v, d) => (MENTION_DIMS.includes(d) ? 0 : v)) } : c));
    unmasked.set(r, (u = { ...r, chunks }));
  }
  return u;
}
// `--eval-only s`: the set's rows are measured, never fitted on (what the weights do to a set they did not see).
const evalOnly = new Set(args('--eval-only'));
const trainable = (r: DumpRow) => !evalOnly.has(r.set);
const l2Grid = args('--l2').length ? args('--l2').map(Number) : [0.0003, 0.003, 0.03];
const iters = Number(args('--iters')[0] ?? 300);
const rounds = (flag: string) => {
  const n = Number(args(flag)[0] ?? 0);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${flag}: a whole number of rounds (0: no trees)`);
  return n;
};
const treeRounds = rounds('--trees');
const fileTreeRounds = rounds('--file-trees');

const prior = (names: readonly string[], w: Record<string, number>) => names.map((n) => w[n] ?? 0);
const activeDims = (names: readonly string[], xs: number[][]) => new Set(names.map((_, d) => d).filter((d) => xs.some((x) => x[d] !== 0)));
const allFileX = rows.flatMap((r) => r.files.map((f) => f.x));
const fileActive = activeDims(FILE_FEATURES, allFileX);
const fileFrozen = new Set(FILE_FEATURES.map((_, d) => d).filter((d) => !fileActive.has(d)));

interface Fitted {
  wFile: number[];
  fileTrees?: TreeEnsemble;
  wChunk: number[];
  trees?: TreeEnsemble;
}

function fit(rowsToFit: DumpRow[], l2: number): Fitted {
  const train = rowsToFit.map(forTraining);
  const fileInit = prior(FILE_FEATURES, DEFAULT_WEIGHTS.file.weights).map((v, d) => (fileFrozen.has(d) ? v : 0));
  const wFile = fitListwise(fileGroups(train), DIMS.file, { l2, iters, init: fileInit, frozen: fileFrozen });
  const fileTrees = fileTreeRounds
    ? fitTrees(train.map((r) => ({ x: r.files.map((f) => f.x), y: r.files.map((f) => f.y), init: r.files.map((f) => dotp(wFile, f.x)) })), FILE_FEATURES, { rounds: fileTreeRounds })
    : undefined;
  const fileScore = scorer(wFile, fileTrees, FILE_FEATURES);
  const vectors = train.map((r) => chunkVectors(r, fileScore));
  const cg = chunkGroups(train, vectors);
  const chunkActive = activeDims(CHUNK_FEATURES, cg.flatMap((g) => g.x));
  const chunkFrozen = new Set(CHUNK_FEATURES.map((_, d) => d).filter((d) => !chunkActive.has(d)));
  const chunkInit = prior(CHUNK_FEATURES, DEFAULT_WEIGHTS.chunk.weights).map((v, d) => (chunkFrozen.has(d) ? v : 0));
  const wChunk = fitListwise(cg, DIMS.chunk, { l2, iters, init: chunkInit, frozen: chunkFrozen });
  if (!treeRounds) return { wFile, fileTrees, wChunk };
  // Trees see every candidate of a query (not the linear fit's hardest negatives) and fit what the linear model leaves.
  const groups = train.map((r, q) => ({ x: vectors[q], y: r.chunks.map((c) => (c.spans.length ? 1 : 0)), init: vectors[q].map((v) => dotp(wChunk, v)) }));
  return { wFile, fileTrees, wChunk, trees: fitTrees(groups, CHUNK_FEATURES, { rounds: treeRounds }) };
}

interface SetScores {
  file: Summary;
  func: Summary;
  /** Issue sets whose dumps carry `editedSpans`: functions as CoRNStack counts them (see SystemResult.funcEdited). */
  funcEdited?: Summary;
}

function evaluate(pairs: ({ row: DumpRow } & Fitted)[]): Record<string, SetScores> {
  const by: Record<string, { file: QueryOutcome[]; func: QueryOutcome[]; funcEdited: QueryOutcome[] }> = {};
  for (const { row, wFile, fileTrees, wChunk, trees } of pairs) {
    const o = (by[row.set] ??= { file: [], func: [], funcEdited: [] });
    const fileScore = scorer(wFile, fileTrees, FILE_FEATURES);
    o.file.push(fileOutcome(row, fileScore));
    const func = chunkOutcome(row, fileScore, scorer(wChunk, trees, CHUNK_FEATURES));
    o.func.push(func);
    if (row.editedSpans?.length) o.funcEdited.push(restrictOutcome(func, row.editedSpans));
  }
  return Object.fromEntries(
    Object.entries(by).map(([s, o]) => [s, { file: summarize(o.file), func: summarize(o.func), ...(o.funcEdited.length ? { funcEdited: summarize(o.funcEdited) } : {}) }]),
  );
}

const classes = (data: DumpRow[]) => (single ? [data] : CLASSES.map((c) => data.filter((r) => classKey(r) === c)).filter((c) => c.length));

/** One fit: fold `fold` of class group `group` (cross-validation), or the final model of a class. */
type Task = { l2: number; group: number; fold: number } | { l2: number; final: QueryClass };
let folds: ReturnType<typeof repositoryFolds<DumpRow>>[] | undefined;
const foldsOf = (group: number) => (folds ??= classes(rows).map((cls) => repositoryFolds(cls, measured, trainable)))[group];
const finalData = (c: QueryClass) => rows.filter((r) => (single || classKey(r) === c) && trainable(r));
const runTask = (t: Task): Fitted => fit('final' in t ? finalData(t.final) : foldsOf(t.group)[t.fold].train, t.l2);

// Worker threads each read the dumps themselves and fit the tasks they are sent; the largest training sets go first.
const jobs = Number(args('--jobs')[0] ?? Math.min(4, availableParallelism()));
if (!Number.isInteger(jobs) || jobs < 1) throw new Error('--jobs: a whole number of threads, 1 or more');
let workers: Worker[] | undefined;
async function runTasks(tasks: Task[]): Promise<Fitted[]> {
  if (jobs === 1 || tasks.length < 2) return tasks.map(runTask);
  const size = (t: Task) => ('final' in t ? finalData(t.final) : foldsOf(t.group)[t.fold].train).length;
  const order = tasks.map((t, i) => ({ i, n: size(t) })).sort((a, b) => b.n - a.n).map((x) => x.i);
  workers ??= Array.from({ length: jobs }, () => new Worker(__filename, { argv: process.argv.slice(2) }));
  const out: Fitted[] = new Array<Fitted>(tasks.length);
  let next = 0;
  await Promise.all(
    workers.map(
      (w) =>
        new Promise<void>((resolve, reject) => {
          const failed = (e: Error & { code?: string }) =>
            reject(e.code === 'ERR_WORKER_OUT_OF_MEMORY' ? new Error(`${e.message}: every thread holds every dump; run node with a larger heap (node --max-old-space-size=9000 out/bench/fit.js …) or fewer --jobs`) : e);
          const give = () => (next < order.length ? w.postMessage({ i: order[next], task: tasks[order[next++]] }) : (w.off('message', got), w.off('error', failed), resolve()));
          const got = ({ i, fitted }: { i: number; fitted: Fitted }) => ((out[i] = fitted), give());
          w.on('message', got);
          w.on('error', failed);
          give();
        }),
    ),
  );
  return out;
}
if (!isMainThread) parentPort!.on('message', ({ i, task }: { i: number; task: Task }) => parentPort!.postMessage({ i, fitted: runTask(task) }));

async function crossValidate(l2s: number[]): Promise<Record<string, SetScores>[]> {
  const groups = classes(rows).map((_, g) => g);
  const tasks: Task[] = l2s.flatMap((l2) => groups.flatMap((group) => foldsOf(group).map((_, fold) => ({ l2, group, fold }))));
  const fitted = await runTasks(tasks);
  return l2s.map((l2) =>
    evaluate(tasks.flatMap((t, i) => ('final' in t || t.l2 !== l2 ? [] : foldsOf(t.group)[t.fold].test.map((row) => ({ row, ...fitted[i] }))))),
  );
}

/** Mean over the trained-on sets of file MRR + function MRR + file Acc@5 + function Acc@10. */
const objective = (s: Record<string, SetScores>) => {
  const v = Object.entries(s).filter(([set]) => !evalOnly.has(set)).map(([, x]) => x);
  return v.reduce((a, x) => a + x.file.mrr + x.func.mrr + x.file.acc[5] + x.func.acc[10], 0) / v.length;
};

const fmt = (s: Summary) =>
  `Acc@1 ${(100 * s.acc[1]).toFixed(1)} Acc@3 ${(100 * s.acc[3]).toFixed(1)} Acc@5 ${(100 * s.acc[5]).toFixed(1)} Acc@10 ${(100 * s.acc[10]).toFixed(1)} ` +
  `Hit@5 ${(100 * s.hit[5]).toFixed(1)} R@10 ${(100 * s.recall[10]).toFixed(1)} MRR ${s.mrr.toFixed(3)} nDCG@10 ${s.ndcg10.toFixed(3)}`;

function printScores(set: string, v: SetScores): void {
  console.log(`  ${set} file: ${fmt(v.file)}\n  ${set} func: ${fmt(v.func)}`);
  if (v.funcEdited) console.log(`  ${set} func (edited functions, ${v.funcEdited.n} issues): ${fmt(v.funcEdited)}`);
}

async function main(): Promise<void> {
  let best: { l2: number; cv: Record<string, SetScores>; obj: number } | undefined;
  const noCv = process.argv.includes('--no-cv');
  if (noCv && l2Grid.length !== 1) throw new Error('--no-cv: give the one L2 to fit with (--l2 <value>)');
  if (noCv) best = { l2: l2Grid[0], cv: {}, obj: NaN };
  const t0 = Date.now();
  const cvs = noCv ? [] : await crossValidate(l2Grid);
  if (!noCv) console.log(`cross-validated ${l2Grid.length} L2 value(s) in ${((Date.now() - t0) / 1000).toFixed(1)} s (${jobs} thread(s))`);
  cvs.forEach((cv, k) => {
    const l2 = l2Grid[k];
    const obj = objective(cv);
    console.log(`l2=${l2}  objective ${obj.toFixed(4)}`);
    for (const [s, v] of Object.entries(cv)) printScores(s, v);
    if (!best || obj > best.obj) best = { l2, cv, obj };
  });
  // One model per class with rows (`--single`: one for all); a class without rows falls back as modelsFor does.
  const finalClasses = (single ? (['long'] as QueryClass[]) : CLASSES).filter((c) => finalData(c).length);
  const finalFits = await runTasks(finalClasses.map((c) => ({ l2: best!.l2, final: c })));
  for (const w of workers ?? []) void w.terminate();
  const finals = new Map<QueryClass, Fitted>(finalClasses.map((c, i) => [c, finalFits[i]]));
  const final = finals.get('long') ?? [...finals.values()][0];
  const modelOf = (c: QueryClass) => finals.get(c) ?? (c === 'question' ? finals.get('short') : undefined) ?? final;
  const inSample = evaluate(rows.filter(measured).map((row) => ({ row, ...modelOf(single ? 'long' : classKey(row)) })));
  console.log(`chosen l2=${best!.l2}; in-sample:`);
  for (const [s, v] of Object.entries(inSample)) printScores(s, v);

  const round = (x: number) => Number(x.toFixed(4));
  const models = (m: Fitted) => ({
    file: { bias: 0, weights: Object.fromEntries(FILE_FEATURES.map((n, d) => [n, round(m.wFile[d])])), ...(m.fileTrees ? { trees: m.fileTrees } : {}) },
    chunk: { bias: 0, weights: Object.fromEntries(CHUNK_FEATURES.map((n, d) => [n, round(m.wChunk[d])])), ...(m.trees ? { trees: m.trees } : {}) },
  });
  const weights: RankWeights = {
    version: 1,
    source: `bench/fit.ts ${new Date().toISOString().slice(0, 10)}: listwise softmax${treeRounds ? ` + ${treeRounds} boosted trees per chunk model` : ''}${fileTreeRounds ? ` + ${fileTreeRounds} per file model` : ''}${single ? '' : `, separate models for ${[...finals.keys()].join(' / ')} queries`}, L2 ${best!.l2}, on ${[...dumps, ...trainDumps, ...longTrainDumps.map((d) => `${d} (long rows)`)].map((d) => path.basename(d)).join(' + ')}${evalOnly.size ? ` (measured only: ${[...evalOnly].join(', ')})` : ''} (${rows.filter(trainable).length} queries, ${new Set(rows.filter(trainable).map((r) => r.repo)).size} repositories)${underKnown.size ? `, dumped under weights ${[...underKnown].join(', ')}` : ''}`,
    ...models(final),
    ...(!single && finals.has('short') ? { short: models(finals.get('short')!) } : {}),
    ...(!single && finals.has('question') ? { question: models(finals.get('question')!) } : {}),
    cv: {
      method: noCv ? 'none (bench/fit.ts --no-cv)' : 'leave-one-repository-out',
      ...Object.fromEntries(Object.entries(best!.cv).map(([s, v]) => [s, { file: brief(v.file), func: brief(v.func) }])),
    },
  };
  function brief(s: Summary) {
    return { acc1: round(s.acc[1]), acc3: round(s.acc[3]), acc5: round(s.acc[5]), acc10: round(s.acc[10]), mrr: round(s.mrr), ndcg10: round(s.ndcg10) };
  }
  const outFile = args('--out')[0];
  if (outFile || process.argv.includes('--write')) {
    const out = outFile ? path.resolve(outFile) : path.join(__dirname, '..', '..', 'src', 'core', 'search', 'weights.json');
    // A tree's node lists on one line each (hundreds of trees would otherwise take a line per number).
    writeFileSync(out, JSON.stringify(weights, null, 2).replace(/\[\n\s*(-?[\d.e+-]+(?:,\n\s*-?[\d.e+-]+)*)\n\s*\]/g, (_, xs: string) => `[${xs.replace(/\s+/g, '')}]`) + '\n');
    console.log(`wrote ${out}`);
  } else console.log(JSON.stringify(weights.file.weights), '\n', JSON.stringify(weights.chunk.weights));
}
if (isMainThread)
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
