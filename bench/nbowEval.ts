/**
 * bench/nbowEval: how well a word table (bench/nbowTrain.ts's output) finds the function a docstring describes, before
 * any reranking: the first stage of judging a new table for the builtin embedder, in seconds instead of the hours of
 * fresh dumps and a refit.
 *   node out/bench/nbowEval.js --work-dir W --set FILE [--set FILE …] --table models/nbow-v2 [--table DIR/NAME[+DIR/QNAME] …] [--tm DIR/NAME] [--json]
 * W is a `pinpoint eval --work-dir W` of the same sets, already run: its trees and indexes (built with the shipped
 * table) give the chunks and the hashed part of their vectors. For each table, a chunk's learned part is computed from
 * `chunkEmbeddingText` as the embedder computes it; `A+B` embeds the chunks with table A and the queries with table B
 * (a query side trained by `nbowTrain.ts --query-of A`). Reported per set and table, function MRR:
 *  - `alone`: the learned cosine alone, over every chunk of the repository;
 *  - `mixed`: the whole vector's cosine as the index mixes the two parts (builtin.ts LEARNED_SHARE), over every chunk
 *    (the hashed half is the stored one: a chunk with no word the shipped table knows keeps its all-hashed vector);
 *  - `fileAlone`, `fileMixed`: the same among the chunks of the function's own file only, the choice left once the
 *    right file is found.
 * A pair's rank is its best-ranked chunk that matches its span (sets.ts `spanMatches`, as `pinpoint eval` counts);
 * pairs whose function has no chunk are left out (`n` counts the rest).
 *
 * `--tm DIR/NAME` also scores a translation table (bench/tmTrain.ts, src/core/search/translation.ts): its score alone (`alone`, `fileAlone`), and
 * added to the first table's `mixed` cosine after both are standardised over the repository's chunks (`mixed`,
 * `fileMixed`: a rough measure of what it adds to the vector, before any reranker). Reported as the table `tm:NAME`.
 */
import * as path from 'node:path';
import { BuiltinEmbedder, canonicalWord, LEARNED_SHARE } from '../src/core/embed/builtin';
import { chunkEmbeddingText, dot } from '../src/core/embed/embedder';
import { addLearned, LEARNED_DIMENSION, learnedWords, loadLearnedModel, type LearnedModel } from '../src/core/embed/learned';
import { openWorkspaceIndex } from '../src/core/index/workspaceIndex';
import { evalTreeName } from '../src/core/search/eval/runner';
import { loadEvalSet, spanMatches, type EvalItem } from '../src/core/search/eval/sets';
import { codeWordIds, loadTranslationModel, translationScorer, type TranslationModel } from '../src/core/search/translation';
import type { Chunk } from '../src/core/types';
import { arg, args } from './common';

interface Score { alone: number; mixed: number; fileAlone: number; fileMixed: number }
const KEYS: (keyof Score)[] = ['alone', 'mixed', 'fileAlone', 'fileMixed'];

/** The learned part of a text under `model`, unit length (all zeros when no word of it is in the table). */
function learnedVector(model: LearnedModel, text: string, count: Uint32Array): Float32Array {
  const rows: number[] = [];
  for (const w of learnedWords(text, canonicalWord)) {
    const r = model.vocab.get(w);
    if (r === undefined) continue;
    if (count[r]++ === 0) rows.push(r);
  }
  const out = new Float32Array(model.dim);
  addLearned(model, rows, count, out, 0, 1);
  for (const r of rows) count[r] = 0;
  return out;
}

/** 1 / the rank of the best-scored gold among the chunks `among` admits (ties count for the gold). */
function reciprocalRank(scores: Float64Array, golds: Set<number>, among: (i: number) => boolean): number {
  let best = -Infinity;
  for (const g of golds) best = Math.max(best, scores[g]);
  let rank = 1;
  for (let i = 0; i < scores.length; i++) if (!golds.has(i) && among(i) && scores[i] > best) rank++;
  return 1 / rank;
}

interface Tables { code: LearnedModel; query: LearnedModel }

/** (x − mean) / standard deviation. */
function standardised(x: Float64Array): Float64Array {
  const mean = x.reduce((a, v) => a + v, 0) / x.length;
  const sd = Math.sqrt(x.reduce((a, v) => a + (v - mean) ** 2, 0) / x.length) || 1;
  return x.map((v) => (v - mean) / sd);
}

async function scoreRepo(workDir: string, items: EvalItem[], tables: Tables[], embedder: BuiltinEmbedder, sums: Score[], counts: number[], tm?: TranslationModel): Promise<void> {
  const name = evalTreeName(items[0].set, items[0].repo, items[0].commit);
  const idx = await openWorkspaceIndex({ root: path.join(workDir, 'trees', name), indexDir: path.join(workDir, 'index', name), owner: 'nbowEval', workers: 0, allowReadOnly: true });
  try {
    const { store } = idx.indexer;
    const chunks: Chunk[] = [];
    for (const f of store.files()) for (const id of f.chunkIds) chunks.push(store.getChunk(id)!);
    const hashedDims = embedder.dimension - LEARNED_DIMENSION; // the stored vectors' hashed part comes first
    const hashed = chunks.map((c) => store.getVector(c.id)!.subarray(0, hashedDims));
    const texts = chunks.map((c) => chunkEmbeddingText(c));
    const golds = items.map((it) => new Set(chunks.flatMap((c, i) => (spanMatches(c, it.goldSpans).length ? [i] : []))));
    const queries = items.map((it) => embedder.embedOne(it.query));
    const codeWords = tm ? texts.map((x) => codeWordIds(tm, learnedWords(x, canonicalWord))) : undefined;
    tables.forEach(({ code, query }, t) => {
      if (query.vocab.size !== code.vocab.size) throw new Error(`${query.name} and ${code.name} do not share a vocabulary`);
      const count = new Uint32Array(code.vocab.size);
      const learned = texts.map((x) => learnedVector(code, x, count));
      items.forEach((it, q) => {
        const gold = golds[q];
        if (!gold.size) return;
        const goldPath = chunks[gold.values().next().value!].path;
        const ql = learnedVector(query, it.query, count);
        const alone = Float64Array.from(learned, (l) => dot(l, ql));
        const mixed = Float64Array.from(hashed, (h, i) => dot(h, queries[q]) + LEARNED_SHARE * alone[i]);
        const inFile = (i: number) => chunks[i].path === goldPath;
        const add = (at: number, a: Float64Array, m: Float64Array) => {
          sums[at].alone += reciprocalRank(a, gold, () => true);
          sums[at].mixed += reciprocalRank(m, gold, () => true);
          sums[at].fileAlone += reciprocalRank(a, gold, inFile);
          sums[at].fileMixed += reciprocalRank(m, gold, inFile);
          counts[at]++;
        };
        add(t, alone, mixed);
        if (tm && t === 0) {
          const score = translationScorer(tm, learnedWords(it.query, canonicalWord));
          const tmAlone = Float64Array.from(codeWords!, score);
          const m = standardised(mixed);
          add(tables.length, tmAlone, standardised(tmAlone).map((v, i) => v + m[i]));
        }
      });
    });
  } finally {
    await idx.close();
  }
}

async function main(): Promise<void> {
  const workDir = arg('--work-dir');
  const sets = args('--set');
  const tableArgs = args('--table');
  if (!workDir || !sets.length || !tableArgs.length) throw new Error('usage: nbowEval.js --work-dir W --set FILE … --table DIR/NAME … [--tm DIR/NAME] [--json]');
  const load = (t: string) => loadLearnedModel(path.basename(t), path.dirname(path.resolve(t)));
  const tables = tableArgs.map((t) => {
    const [code, query = code] = t.split('+');
    return { code: load(code), query: load(query) };
  });
  const tmArg = arg('--tm');
  const tm = tmArg ? loadTranslationModel(path.basename(tmArg), path.dirname(path.resolve(tmArg))) : undefined;
  const names = [...tableArgs, ...(tmArg ? [`tm:${tmArg}`] : [])];
  const embedder = new BuiltinEmbedder();
  const report: Record<string, Record<string, Score & { n: number }>> = {};
  for (const file of sets) {
    const items = loadEvalSet(file).filter((it) => it.set === 'docstring');
    if (!items.length) throw new Error(`${file}: no docstring → function pairs in it`);
    const sums: Score[] = names.map(() => ({ alone: 0, mixed: 0, fileAlone: 0, fileMixed: 0 }));
    const counts = names.map(() => 0);
    const byRepo = new Map<string, EvalItem[]>();
    for (const it of items) {
      const key = `${it.repo}@${it.commit}`;
      (byRepo.get(key) ?? byRepo.set(key, []).get(key)!).push(it);
    }
    for (const group of byRepo.values()) await scoreRepo(workDir, group, tables, embedder, sums, counts, tm);
    const set = path.basename(file, '.jsonl');
    report[set] = {};
    names.forEach((name, t) => {
      const row = { n: counts[t] } as Score & { n: number };
      for (const k of KEYS) row[k] = Number((sums[t][k] / Math.max(1, counts[t])).toFixed(4));
      report[set][name] = row;
      if (!process.argv.includes('--json')) process.stdout.write(`${set}  ${name}  n ${row.n}  ${KEYS.map((k) => `${k} ${row[k].toFixed(3)}`).join('  ')}\n`);
    });
  }
  if (process.argv.includes('--json')) process.stdout.write(JSON.stringify(report, null, 2) + '\n');
}

if (require.main === module) {
  main().catch((e) => {
    process.stderr.write(`${(e as Error).stack ?? e}\n`);
    process.exit(1);
  });
}
