/**
 * bench/tmTrain: a word translation table, P(sentence word | code word), trained by EM on bench/nbowPairs.ts's pairs
 * (IBM model 1, as in Berger & Lafferty's translation model for retrieval). The product's `tm` feature reads and
 * scores it (src/core/search/translation.ts); `bench/nbowEval.ts --tm` measures a table alone (bench/RESULTS.md,
 * sessions 42–43).
 *   node out/bench/tmTrain.js --pairs a.jsonl [--pairs b.jsonl …] --out DIR/NAME [--per-repo 4000] [--iters 6] [--seed 1]
 *     [--keep 0.001] [--max-code N]
 * Writes NAME.json (the sentence words with their background probabilities, the code words) and NAME.bin (for each
 * code word, its entries of at least `--keep`: sentence word as uint32, probability as float32). Code word 0 is the
 * empty word, which a sentence word may come from when nothing in the text explains it.
 *
 * Both sides count repeated words: a sentence word's alignment to a text weighs each code word by its count there,
 * and a sentence word said twice counts twice. Words seen in fewer than 3 pairs (after `--per-repo`) are left out, and
 * with `--max-code N` all but the N code words seen in most pairs (ties by the word), so that a text's code words fit
 * 16 bits (N = 65535 with the empty word).
 * Deterministic: the per-repository sample is seeded, and EM starts from a uniform table.
 */
import { writeFileSync } from 'node:fs';
import { seededRandom } from '../src/core/finetune/sample';
import { arg, args } from './common';
import { readPairs } from './nbowTrain';

const MIN_DF = 3;

function main(): void {
  const files = args('--pairs');
  const out = arg('--out');
  if (!files.length || !out) throw new Error('usage: tmTrain.js --pairs FILE … --out DIR/NAME [--per-repo 4000] [--iters 6] [--seed 1] [--keep 0.001] [--max-code N]');
  const iters = Number(arg('--iters', '6'));
  if (!Number.isInteger(iters) || iters < 1) throw new Error(`--iters: expected a whole number of EM iterations, 1 or more, got "${arg('--iters')}"`);
  const seed = Number(arg('--seed', '1'));
  const keep = Number(arg('--keep', '0.001'));
  if (!(keep > 0 && keep < 1)) throw new Error(`--keep: expected a probability between 0 and 1, got "${arg('--keep')}"`);
  const maxCode = Number(arg('--max-code', String(Number.MAX_SAFE_INTEGER)));
  if (!Number.isInteger(maxCode) || maxCode < 1) throw new Error(`--max-code: expected a whole number of code words, 1 or more, got "${arg('--max-code')}"`);
  const pairs = readPairs(files, seededRandom(seed)).flatMap(([, ps]) => ps);
  const dfS = new Map<string, number>();
  const dfC = new Map<string, number>();
  for (const p of pairs) {
    for (const w of new Set(p.q)) dfS.set(w, (dfS.get(w) ?? 0) + 1);
    for (const w of new Set(p.c)) dfC.set(w, (dfC.get(w) ?? 0) + 1);
  }
  const sentence = [...dfS].filter(([, n]) => n >= MIN_DF).map(([w]) => w).sort();
  const common = [...dfC].filter(([, n]) => n >= MIN_DF).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, maxCode);
  const code = ['', ...common.map(([w]) => w).sort()];
  const sId = new Map(sentence.map((w, i) => [w, i]));
  const cId = new Map(code.map((w, i) => [w, i]));
  const C = code.length;

  // One alignment group per (pair, sentence word): its code words (with their counts) and the sentence word's count.
  const key = new Map<number, number>(); // sentence word × C + code word → entry
  const entryS: number[] = [];
  const entryC: number[] = [];
  const inv: number[] = [];
  const weight: number[] = [];
  const groupEnd: number[] = [];
  const groupCount: number[] = [];
  const counts = (ws: string[], ids: Map<string, number>) => {
    const m = new Map<number, number>();
    for (const w of ws) {
      const i = ids.get(w);
      if (i !== undefined) m.set(i, (m.get(i) ?? 0) + 1);
    }
    return m;
  };
  for (const p of pairs) {
    const sc = counts(p.q, sId);
    const cc = counts(p.c, cId).set(0, 1);
    for (const [s, sn] of sc) {
      for (const [c, cn] of cc) {
        const k = s * C + c;
        let e = key.get(k);
        if (e === undefined) {
          key.set(k, (e = entryS.push(s) - 1));
          entryC.push(c);
        }
        inv.push(e);
        weight.push(cn);
      }
      groupEnd.push(inv.length);
      groupCount.push(sn);
    }
  }
  key.clear();
  const E = entryS.length;
  const invA = Int32Array.from(inv);
  const wA = Float32Array.from(weight);
  process.stderr.write(`${pairs.length} pairs, ${sentence.length} sentence words, ${C - 1} code words, ${E} entries, ${invA.length} alignments\n`);

  let t = new Float64Array(E).fill(1);
  for (let it = 1; it <= iters; it++) {
    const cnt = new Float64Array(E);
    let logLik = 0;
    for (let g = 0, from = 0; g < groupEnd.length; from = groupEnd[g++]) {
      let sum = 0;
      let words = 0;
      for (let j = from; j < groupEnd[g]; j++) {
        sum += t[invA[j]] * wA[j];
        words += wA[j];
      }
      if (it > 1) logLik += groupCount[g] * Math.log(sum / words); // the first starts from a table that is not one
      const f = groupCount[g] / sum;
      for (let j = from; j < groupEnd[g]; j++) cnt[invA[j]] += t[invA[j]] * wA[j] * f;
    }
    const total = new Float64Array(C);
    for (let e = 0; e < E; e++) total[entryC[e]] += cnt[e];
    for (let e = 0; e < E; e++) cnt[e] /= total[entryC[e]];
    t = cnt;
    if (it > 1) process.stderr.write(`iteration ${it}: mean log-likelihood of a sentence word before it ${(logLik / groupEnd.length).toFixed(4)}\n`);
  }

  // Each code word's kept entries, by sentence word.
  const rows: number[][] = code.map(() => []);
  for (let e = 0; e < E; e++) if (t[e] >= keep) rows[entryC[e]].push(e);
  for (const r of rows) r.sort((a, b) => entryS[a] - entryS[b]);
  const kept = rows.reduce((a, r) => a + r.length, 0);
  const bin = Buffer.alloc(8 * kept);
  let at = 0;
  for (const r of rows) for (const e of r) bin.writeUInt32LE(entryS[e], 4 * at++);
  at = 0;
  for (const r of rows) for (const e of r) bin.writeFloatLE(t[e], 4 * kept + 4 * at++);
  const dfTotal = sentence.reduce((a, w) => a + dfS.get(w)!, 0);
  const meta = {
    comment: 'A word translation table P(sentence word | code word), written by bench/tmTrain.ts (IBM model 1 by EM).',
    pairs: pairs.length, iters, seed, minDf: MIN_DF, keep, ...(maxCode < Number.MAX_SAFE_INTEGER ? { maxCode } : {}),
    sentence, background: sentence.map((w) => Number((dfS.get(w)! / dfTotal).toPrecision(4))), code, rows: rows.map((r) => r.length),
  };
  writeFileSync(`${out}.json`, JSON.stringify(meta) + '\n');
  writeFileSync(`${out}.bin`, bin);
  process.stderr.write(`wrote ${out}.json and ${out}.bin (${kept} entries)\n`);
}

if (require.main === module) main();
