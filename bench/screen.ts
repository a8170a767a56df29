/**
 * bench/screen: a quick look at a candidate chunk column before it is built and fitted (a fit takes ~20–40 minutes).
 *   node out/bench/screen.js --column out/bench/screens/leadSecond.js [--lambda 0,0.25,0.5,1,2] DUMP.jsonl …
 * The column is a module exporting `column(query, name)`: a number for a query and a candidate's qualified name
 * (what a dump row holds). Each dump's candidates are scored by the shipped models (weights.json, the row's query
 * class) plus λ × the column, and function MRR is printed for each λ. λ = 0 is the shipped ranking of the dump. A
 * column that tells the model something it lacks raises MRR at some λ > 0. The weights were fitted on these dumps,
 * so this is a screen, not a verdict: a column that passes still needs dumps written by the code and a fit
 * (bench/RESULTS.md, session 38).
 */
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { CHUNK_FEATURES, compileModel, DEFAULT_WEIGHTS, FILE_FEATURES, modelsFor, scoreVector, type LinearModel } from '../src/core/search/model';
import { arg } from './common';
import { chunkVectors, classOf, normalizeRow, readDumpRows, type DumpRow, type Scorer } from './fitLib';

export type Column = (query: string, name: string) => number;

/** The last segment of a qualified name (`Cls.method` → `method`): the name the chunk features see. */
export const shortName = (qualified: string): string => qualified.slice(qualified.lastIndexOf('.') + 1);

/** A shipped model's score of a feature vector, as the retriever computes it (its compiled form). */
function scorerOf(m: LinearModel, names: readonly string[]): Scorer {
  const compiled = compileModel(m, names);
  return (x) => scoreVector(compiled, x);
}

/** Function MRR of the rows at each λ: rank of the first chunk matching a gold span, by shipped score + λ × column. */
export function screenRows(rows: DumpRow[], column: Column, lambdas: readonly number[]): number[] {
  const rr = lambdas.map(() => 0);
  for (const row of rows) {
    const models = modelsFor(DEFAULT_WEIGHTS, classOf(row));
    const chunkScore = scorerOf(models.chunk, CHUNK_FEATURES);
    const base = chunkVectors(row, scorerOf(models.file, FILE_FEATURES)).map((x) => chunkScore(x));
    const extra = row.chunks.map((c) => column(row.query ?? '', c.name ?? ''));
    lambdas.forEach((l, k) => {
      const s = base.map((b, i) => b + l * extra[i]);
      const gold = row.chunks.map((c, i) => (c.spans.length ? s[i] : -Infinity)).reduce((a, b) => Math.max(a, b), -Infinity);
      if (gold === -Infinity) return;
      rr[k] += 1 / (1 + s.filter((v) => v > gold).length);
    });
  }
  return rr.map((x) => (rows.length ? x / rows.length : 0));
}

function main(): void {
  const modulePath = arg('--column');
  const dumps = process.argv.slice(2).filter((a) => a.endsWith('.jsonl'));
  if (!modulePath || !dumps.length) throw new Error('usage: screen.js --column MODULE.js [--lambda 0,0.5,1] DUMP.jsonl …');
  const column = (createRequire(__filename)(path.resolve(modulePath)) as { column: Column }).column; // a compiled module, by path
  const lambdas = (arg('--lambda') ?? '0,0.25,0.5,1,2').split(',').map(Number);
  for (const f of dumps) {
    const rows = readDumpRows(f).map((r) => normalizeRow(r));
    const mrr = screenRows(rows, column, lambdas);
    console.log(`${path.basename(f)} (${rows.length} queries): ${lambdas.map((l, k) => `λ ${l}: ${mrr[k].toFixed(4)}`).join('  ')}`);
  }
}

if (require.main === module) main();
