/**
 * bench/nbowTrain: trains the builtin embedder's learned part (src/core/embed/learned.ts) on bench/nbowPairs.ts's
 * pairs and writes models/<name>.json and models/<name>.bin.
 *   node out/bench/nbowTrain.js --pairs a.jsonl [--pairs b.jsonl …] --out models/<name> [--epochs 4] [--dim 64] [--per-repo 4000]
 *     [--tau 0.05] [--batch-by repo|dir|file] [--query-of DIR/NAME [--query-mode table|weight]]
 * (a new table needs a new name, and LEARNED_MODEL in learned.ts set to it: see there)
 * The model: a word table E (vocabulary × dim); a text is Σ (1 + ln tf) · idf(w) · E[w], L2-normalised. Training:
 * in-batch softmax over cosine / τ (`--tau`, 0.05 unless given), both directions (sentence → code and code →
 * sentence), batches of 128 pairs from one repository (its other functions are the hard negatives; with `--batch-by dir`
 * or `file`, mostly from one directory or a few files), Adam on the rows
 * a batch touches. Words seen in fewer than 3 pairs are left out. `--per-repo n` keeps a seeded sample of n pairs of a
 * repository that has more (one framework's thousands of one-line docblocks would otherwise make most of the
 * batches). Deterministic: a seeded generator draws the sample, the initial table and the batch order.
 *
 * `--query-of DIR/NAME` trains a query side for an existing table instead (session 37): that table stays as it is on the
 * code side (its vocabulary, idf and rows: the index's vectors do not change), and a second table of the same words,
 * started from its rows, is trained for the sentence side only. `--query-mode weight` trains one scale per word
 * instead of a whole row (the sentence side's row is the scale times the code side's: which words of a sentence
 * count). The output is a table file of the same shape, with `queryOf` naming the code side's table.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { loadLearnedModel, type LearnedModel } from '../src/core/embed/learned';
import { seededRandom, shuffle } from '../src/core/finetune/sample';
import { arg, args } from './common';

/** A text as sparse (row, weight) lists. */
interface Bag { rows: Int32Array; w: Float32Array }

export interface Pair { repo: string; path: string; q: string[]; c: string[] }

const BATCH = 128;
const dirOf = (p: string) => p.slice(0, p.lastIndexOf('/') + 1);
const MIN_DF = 3;

/**
 * `ids` shuffled so that the ids of one group (a file's pairs, or a directory's) are next to each other, the groups in
 * a shuffled order: cut into batches, a batch's negatives are then mostly its own neighbours, the candidates a reranker
 * has to tell apart once the right file is found.
 */
export function nearTogether(ids: readonly number[], groupOf: (id: number) => string, rand: () => number): number[] {
  const groups = new Map<string, number[]>();
  for (const i of shuffle(ids, rand)) {
    const g = groupOf(i);
    (groups.get(g) ?? groups.set(g, []).get(g)!).push(i);
  }
  return shuffle([...groups.values()], rand).flat();
}

/**
 * The pairs of these files (a sentence of at least two words, a text of at least three), by repository in the order
 * first seen; `--per-repo n` keeps a seeded sample of n pairs of a repository that has more. Shared with bench/tmTrain.ts.
 */
export function readPairs(files: readonly string[], rand: () => number): (readonly [string, Pair[]])[] {
  const perRepo = Number(arg('--per-repo', 'Infinity'));
  if (!(perRepo >= 1)) throw new Error(`--per-repo: expected a number of pairs, got "${arg('--per-repo')}"`);
  const inRepo = new Map<string, Pair[]>();
  for (const f of files) {
    for (const line of readFileSync(f, 'utf8').split('\n')) {
      if (!line) continue;
      const r = JSON.parse(line) as { repo: string; path?: string; q: string; c: string };
      const q = r.q.split(' ').filter(Boolean);
      const c = r.c.split(' ').filter(Boolean);
      if (q.length >= 2 && c.length >= 3) (inRepo.get(r.repo) ?? inRepo.set(r.repo, []).get(r.repo)!).push({ repo: r.repo, path: r.path ?? '', q, c });
    }
  }
  return [...inRepo].map(([repo, ps]) => [repo, ps.length > perRepo ? shuffle(ps, rand).slice(0, perRepo) : ps] as const);
}

function main() {
  const files = args('--pairs');
  const out = arg('--out');
  if (!files.length || !out) throw new Error('usage: nbowTrain.js --pairs FILE … --out models/<name> [--epochs 4] [--dim 64]');
  const epochs = Number(arg('--epochs', '4'));
  let dim = Number(arg('--dim', '64'));
  const lr = Number(arg('--lr', '0.002'));
  const seed = Number(arg('--seed', '1'));
  const tau = Number(arg('--tau', '0.05'));
  const batchBy = arg('--batch-by', 'repo') ?? 'repo';
  if (!['repo', 'dir', 'file'].includes(batchBy)) throw new Error(`--batch-by: expected repo, dir or file, got "${batchBy}"`);
  if (!(tau > 0)) throw new Error(`--tau: expected a temperature above 0, got "${arg('--tau')}"`);
  const rand = seededRandom(seed); // mulberry32: the result must not depend on Math.random

  const sampled = readPairs(files, rand);
  const pairs = sampled.flatMap(([, ps]) => ps);
  // A repository's pairs are contiguous in `pairs`; its batches are drawn from its range of indexes.
  let at = 0;
  const byRepo = new Map(sampled.map(([repo, ps]) => [repo, ps.map(() => at++)]));
  const queryOf = arg('--query-of');
  const queryMode = arg('--query-mode', 'table') ?? 'table';
  if (!['table', 'weight'].includes(queryMode)) throw new Error(`--query-mode: expected table or weight, got "${queryMode}"`);
  const anchor = Number(arg('--anchor', '0'));
  const base: LearnedModel | undefined = queryOf ? loadLearnedModel(path.basename(queryOf), path.dirname(path.resolve(queryOf))) : undefined;
  if (base && base.dim !== dim && arg('--dim')) throw new Error(`--dim ${dim}: ${queryOf} has ${base.dim} dimensions`);
  const df = new Map<string, number>();
  for (const p of pairs) for (const w of new Set([...p.q, ...p.c])) df.set(w, (df.get(w) ?? 0) + 1);
  const vocabList = base ? [...base.vocab.keys()] : [...df].filter(([, n]) => n >= MIN_DF).map(([w]) => w).sort();
  const vocab = base?.vocab ?? new Map(vocabList.map((w, i) => [w, i]));
  const V = vocabList.length;
  const N = pairs.length;
  const idf = base?.idf ?? Float32Array.from(vocabList, (w) => Math.log(1 + N / df.get(w)!));
  const bag = (words: string[]): Bag => {
    const tf = new Map<number, number>();
    for (const w of words) {
      const r = vocab.get(w);
      if (r !== undefined) tf.set(r, (tf.get(r) ?? 0) + 1);
    }
    const rows = Int32Array.from(tf.keys());
    return { rows, w: Float32Array.from(rows, (r) => (1 + Math.log(tf.get(r)!)) * idf[r]) };
  };
  const Q = pairs.map((p) => bag(p.q));
  const C = pairs.map((p) => bag(p.c));
  process.stderr.write(`${N} pairs, ${V} words\n`);

  // Initial table: N(0, 0.1²) by Box–Muller; with --query-of, the code side's rows (fixed) and a copy for the sentences.
  if (base) dim = base.dim;
  const E = base ? Float32Array.from(base.rows) : new Float32Array(V * dim);
  const code = base ? base.rows : E;
  const scale = new Float32Array(base && queryMode === 'weight' ? V : 0).fill(1);
  const sm1 = new Float32Array(scale.length);
  const sm2 = new Float32Array(scale.length);
  for (let i = 0; !base && i < E.length; i += 2) {
    const u = Math.max(rand(), 1e-12);
    const v = rand();
    const r = 0.1 * Math.sqrt(-2 * Math.log(u));
    E[i] = r * Math.cos(2 * Math.PI * v);
    if (i + 1 < E.length) E[i + 1] = r * Math.sin(2 * Math.PI * v);
  }
  const m1 = new Float32Array(V * dim);
  const m2 = new Float32Array(V * dim);
  const grad = new Float32Array(V * dim);
  let step = 0;

  for (let ep = 1; ep <= epochs; ep++) {
    const batches: number[][] = [];
    for (const ids of byRepo.values()) {
      const group = batchBy === 'dir' ? (i: number) => dirOf(pairs[i].path) : (i: number) => pairs[i].path;
      const s = batchBy === 'repo' ? shuffle(ids, rand) : nearTogether(ids, group, rand);
      for (let k = 0; k < s.length; k += BATCH) if (s.length - k >= 16) batches.push(s.slice(k, k + BATCH));
    }
    const order = shuffle(batches, rand);
    let loss = 0;
    for (const b of order) {
      loss += trainBatch(b.map((i) => Q[i]), b.map((i) => C[i]));
    }
    process.stderr.write(`epoch ${ep}: loss ${(loss / batches.length).toFixed(3)}\n`);
  }

  function trainBatch(qs: Bag[], cs: Bag[]): number {
    const n = qs.length;
    const enc = (bs: Bag[], T: Float32Array) => {
      const u = new Float64Array(n * dim);
      const norm = new Float64Array(n);
      bs.forEach((b, i) => {
        for (let k = 0; k < b.rows.length; k++) {
          const at = b.rows[k] * dim;
          for (let d = 0; d < dim; d++) u[i * dim + d] += b.w[k] * T[at + d];
        }
        let s = 0;
        for (let d = 0; d < dim; d++) s += u[i * dim + d] ** 2;
        norm[i] = Math.sqrt(s) + 1e-9;
        for (let d = 0; d < dim; d++) u[i * dim + d] /= norm[i];
      });
      return { v: u, norm };
    };
    const q = enc(qs, E);
    const c = enc(cs, code);
    const S = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      let s = 0;
      for (let d = 0; d < dim; d++) s += q.v[i * dim + d] * c.v[j * dim + d];
      S[i * n + j] = s / tau;
    }
    // dL/dS for the mean cross-entropy of rows (q → c) plus that of columns (c → q).
    const G = new Float64Array(n * n);
    let loss = 0;
    const softmaxInto = (get: (k: number) => number, put: (k: number, g: number) => void, gold: number) => {
      let mx = -Infinity;
      for (let k = 0; k < n; k++) mx = Math.max(mx, get(k));
      let z = 0;
      for (let k = 0; k < n; k++) z += Math.exp(get(k) - mx);
      for (let k = 0; k < n; k++) put(k, (Math.exp(get(k) - mx) / z - (k === gold ? 1 : 0)) / n / tau);
      return -(get(gold) - mx - Math.log(z));
    };
    for (let i = 0; i < n; i++) loss += softmaxInto((k) => S[i * n + k], (k, g) => (G[i * n + k] += g), i) / n;
    for (let j = 0; j < n; j++) softmaxInto((k) => S[k * n + j], (k, g) => (G[k * n + j] += g), j);
    // Through the cosine and the normalisation to each side's unnormalised sum, then to the rows of E.
    const back = (self: { v: Float64Array; norm: Float64Array }, other: { v: Float64Array }, bs: Bag[], rowsOfG: boolean) => {
      for (let i = 0; i < n; i++) {
        const dv = new Float64Array(dim);
        for (let j = 0; j < n; j++) {
          const g = rowsOfG ? G[i * n + j] : G[j * n + i];
          if (g === 0) continue;
          for (let d = 0; d < dim; d++) dv[d] += g * other.v[j * dim + d];
        }
        let dot = 0;
        for (let d = 0; d < dim; d++) dot += self.v[i * dim + d] * dv[d];
        for (let d = 0; d < dim; d++) dv[d] = (dv[d] - self.v[i * dim + d] * dot) / self.norm[i];
        const b = bs[i];
        for (let k = 0; k < b.rows.length; k++) {
          const at = b.rows[k] * dim;
          for (let d = 0; d < dim; d++) grad[at + d] += b.w[k] * dv[d];
        }
      }
    };
    back(q, c, qs, true);
    if (!base) back(c, q, cs, false);
    step++;
    const touched = new Set<number>();
    for (const b of base ? qs : [...qs, ...cs]) for (const r of b.rows) touched.add(r);
    const c1 = 1 - 0.9 ** step;
    const c2 = 1 - 0.999 ** step;
    if (scale.length) {
      // One scale per word: its gradient is the row's gradient along the code side's row.
      for (const r of touched) {
        let g = 0;
        for (let d = r * dim; d < (r + 1) * dim; d++) {
          g += grad[d] * code[d];
          grad[d] = 0;
        }
        g += anchor * (scale[r] - 1);
        sm1[r] = 0.9 * sm1[r] + 0.1 * g;
        sm2[r] = 0.999 * sm2[r] + 0.001 * g * g;
        scale[r] -= (lr * (sm1[r] / c1)) / (Math.sqrt(sm2[r] / c2) + 1e-8);
        for (let d = r * dim; d < (r + 1) * dim; d++) E[d] = scale[r] * code[d];
      }
      return loss;
    }
    for (const r of touched) {
      if (base && anchor) for (let d = r * dim; d < (r + 1) * dim; d++) grad[d] += anchor * (E[d] - code[d]);
      for (let d = r * dim; d < (r + 1) * dim; d++) {
        const g = grad[d];
        m1[d] = 0.9 * m1[d] + 0.1 * g;
        m2[d] = 0.999 * m2[d] + 0.001 * g * g;
        E[d] -= (lr * (m1[d] / c1)) / (Math.sqrt(m2[d] / c2) + 1e-8);
        grad[d] = 0;
      }
    }
    return loss;
  }

  // int8 rows with one float32 scale each.
  const bin = Buffer.alloc(V * 4 + V * dim);
  for (let r = 0; r < V; r++) {
    let mx = 0;
    for (let d = 0; d < dim; d++) mx = Math.max(mx, Math.abs(E[r * dim + d]));
    const scale = mx > 0 ? mx / 127 : 1;
    bin.writeFloatLE(scale, r * 4);
    for (let d = 0; d < dim; d++) bin.writeInt8(Math.round(E[r * dim + d] / scale), V * 4 + r * dim + d);
  }
  const repos = [...byRepo].map(([repo, ids]) => ({ repo, pairs: ids.length }));
  const query = base ? { queryOf: base.name, queryMode, ...(anchor ? { anchor } : {}) } : {};
  const meta = { comment: 'The builtin embedder\'s learned part (src/core/embed/learned.ts), written by bench/nbowTrain.ts.', dim, ...query, pairs: N, epochs, lr, seed, tau, ...(batchBy === 'repo' ? {} : { batchBy }), batch: BATCH, minDf: MIN_DF, repos, vocab: vocabList, idf: base ? readIdf(queryOf!) : Array.from(idf, (x) => Number(x.toFixed(4))) };
  writeFileSync(`${out}.json`, JSON.stringify(meta) + '\n');
  writeFileSync(`${out}.bin`, bin);
  process.stderr.write(`wrote ${out}.json and ${out}.bin (${V} × ${dim})\n`);
}

/** A table file's idf exactly as written (the loaded model holds it as float32). */
function readIdf(table: string): number[] {
  return (JSON.parse(readFileSync(`${path.resolve(table)}.json`, 'utf8')) as { idf: number[] }).idf;
}

if (require.main === module) main();
