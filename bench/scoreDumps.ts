/**
 * bench/scoreDumps: ranks the rows of `pinpoint eval --dump` files under a weights file, offline, as the product ranks
 * them (model.ts `modelsFor` by each row's query class), and reports file and function MRR / Acc@1 / Acc@10 per dump:
 * what a candidate feature or a retrained table does to sets already dumped, without re-running `pinpoint eval`.
 *   node out/bench/scoreDumps.js --weights W.json DUMP … [--vs W2.json DUMP2 …] [--json]
 * With `--vs`, the second arm's dumps pair up with the first's in order (the same queries, e.g. the same set dumped
 * with another table), and each pair also gets the paired function-MRR difference (second − first), the queries it
 * moved up and down, and a 95% bootstrap interval of the difference (2,000 resamples of the queries, seeded).
 * A row's function rank is fitLib's `chunkOutcome` (the first position of each gold span; ties by chunk id), as fit.ts
 * reports its in-sample numbers; `pinpoint eval` breaks ties among equal scores its own way, so the two can differ
 * by a query or two.
 */
import { readFileSync } from 'node:fs';
import { CHUNK_FEATURES, compileModel, FILE_FEATURES, modelsFor, scoreVector, weightsFingerprint, type RankWeights } from '../src/core/search/model';
import { summarize, type QueryOutcome, type Summary } from '../src/core/search/eval/metrics';
import { seededRandom } from '../src/core/finetune/sample';
import { chunkOutcome, classOf, fileOutcome, normalizeRow, readDumpRows, type DumpRow } from './fitLib';

export interface DumpScore {
  dump: string;
  file: Summary;
  func: Summary;
  /** Each row's function reciprocal rank (0: no gold found), in the dump's order. */
  rr: number[];
}

export function scoreRows(weights: RankWeights, rows: DumpRow[], dump = ''): DumpScore {
  const file: QueryOutcome[] = [];
  const func: QueryOutcome[] = [];
  for (const row of rows) {
    const r = normalizeRow(row, Infinity);
    const m = modelsFor(weights, classOf(r));
    const fm = compileModel(m.file, FILE_FEATURES);
    const cm = compileModel(m.chunk, CHUNK_FEATURES);
    const fileScore = (x: ArrayLike<number>) => scoreVector(fm, x);
    file.push(fileOutcome(r, fileScore));
    func.push(chunkOutcome(r, fileScore, (x) => scoreVector(cm, x)));
  }
  const rr = func.map((o) => (o.firstPos.length ? 1 / Math.min(...o.firstPos) : 0));
  return { dump, file: summarize(file), func: summarize(func), rr };
}

export interface PairedDiff {
  n: number;
  mean: number;
  up: number;
  down: number;
  ci95: [number, number];
}

/** The paired difference b − a of per-query reciprocal ranks, with a seeded bootstrap interval. */
export function pairedDiff(a: readonly number[], b: readonly number[], resamples = 2000, seed = 1): PairedDiff {
  if (a.length !== b.length) throw new Error(`scoreDumps: the paired dumps have ${a.length} and ${b.length} rows; --vs needs the same queries in both`);
  const d = a.map((x, i) => b[i] - x);
  const n = d.length;
  const mean = (xs: readonly number[]) => (xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : 0);
  const rand = seededRandom(seed);
  const means: number[] = [];
  for (let k = 0; k < resamples; k++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += d[Math.floor(rand() * n)];
    means.push(n ? s / n : 0);
  }
  means.sort((x, y) => x - y);
  const at = (q: number) => means[Math.min(means.length - 1, Math.floor(q * means.length))] ?? 0;
  return { n, mean: mean(d), up: d.filter((x) => x > 1e-12).length, down: d.filter((x) => x < -1e-12).length, ci95: [at(0.025), at(0.975)] };
}

function readWeights(file: string): RankWeights {
  let w: RankWeights | undefined;
  try {
    w = JSON.parse(readFileSync(file, 'utf8')) as RankWeights;
  } catch (e) {
    throw new Error(`scoreDumps: ${file} is not a weights file (${(e as Error).message})`);
  }
  if (!w || typeof w !== 'object' || !w.file || !w.chunk) throw new Error(`scoreDumps: ${file} is not a weights file (no file and chunk models)`);
  return w;
}

/** Splits argv into the arms: `--weights W d1 d2 … [--vs W2 e1 e2 …]`. */
export function parseArms(argv: readonly string[]): { weights: string; dumps: string[] }[] {
  const arms: { weights: string; dumps: string[] }[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--weights' || a === '--vs') {
      if ((a === '--weights') !== (arms.length === 0)) throw new Error('scoreDumps: --weights comes first, once; the second arm is --vs');
      if (!argv[i + 1] || argv[i + 1].startsWith('--')) throw new Error(`scoreDumps: ${a} needs a weights file`);
      arms.push({ weights: argv[++i], dumps: [] });
    } else if (a === '--json') continue;
    else if (!arms.length) throw new Error(`scoreDumps: "${a}" before --weights`);
    else arms[arms.length - 1].dumps.push(a);
  }
  if (!arms.length || arms[0].weights === undefined || !arms.every((x) => x.dumps.length)) {
    throw new Error('usage: scoreDumps.js --weights W.json DUMP … [--vs W2.json DUMP2 …] [--json]');
  }
  if (arms.length > 2 || (arms.length === 2 && arms[0].dumps.length !== arms[1].dumps.length)) {
    throw new Error('scoreDumps: --vs takes one second arm with as many dumps as the first');
  }
  return arms;
}

function main(): void {
  const argv = process.argv.slice(2);
  const arms = parseArms(argv);
  const scored = arms.map(({ weights, dumps }) => {
    const w = readWeights(weights);
    return { weights, fingerprint: weightsFingerprint(w), scores: dumps.map((d) => scoreRows(w, readDumpRows(d), d)) };
  });
  const diffs = scored.length === 2 ? scored[0].scores.map((s, i) => ({ dump: s.dump, vs: scored[1].scores[i].dump, ...pairedDiff(s.rr, scored[1].scores[i].rr) })) : [];
  if (argv.includes('--json')) {
    console.log(JSON.stringify({ arms: scored.map((a) => ({ ...a, scores: a.scores.map(({ rr: _rr, ...s }) => s) })), diffs }, null, 2));
    return;
  }
  const f = (x: number) => x.toFixed(3);
  const pct = (x: number) => (100 * x).toFixed(1);
  for (const a of scored) {
    console.log(`${a.weights} (${a.fingerprint})`);
    for (const s of a.scores) {
      console.log(`  ${s.dump}  n ${s.func.n}  file MRR ${f(s.file.mrr)} Acc@1 ${pct(s.file.acc[1])}  func MRR ${f(s.func.mrr)} Acc@1 ${pct(s.func.acc[1])} Acc@10 ${pct(s.func.acc[10])}`);
    }
  }
  for (const d of diffs) {
    console.log(`${d.vs} − ${d.dump}: func MRR ${d.mean >= 0 ? '+' : ''}${d.mean.toFixed(4)} (95% ${d.ci95.map((x) => x.toFixed(4)).join(' … ')}), ${d.up} up, ${d.down} down of ${d.n}`);
  }
}

if (require.main === module) {
  try {
    main();
  } catch (e) {
    console.error((e as Error).message);
    process.exit(1);
  }
}
