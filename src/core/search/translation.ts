/**
 * The translation feature of short queries: how well a chunk's words explain a sentence's words under a word
 * translation table P(sentence word | code word) (IBM model 1, as in Berger & Lafferty's translation model for
 * retrieval), trained offline by bench/tmTrain.ts on doc-sentence → function pairs of public repositories that no
 * evaluation set uses. It learns what words a sentence says of code ("remove" of `unlink`, "number of elements" of
 * `len`), word by word, where the word table of learned.ts averages a text into one vector (bench/RESULTS.md,
 * sessions 42–43).
 *
 * A chunk's score for a sentence: the mean over the sentence's known words w of
 * log[(1 − λ)·P(w | text) + λ·P(w)] − log P(w), where P(w | text) is the mean of P(w | code word) over the text's
 * known words (repeats kept) and the empty word, P(w) the word's share of the training sentences and λ = 0.5.
 * Words are learned.ts's (`learnedWords`) of the chunk's embedding text (`chunkEmbeddingText`).
 *
 * The model is two files in models/, written by bench/tmTrain.ts:
 *  - `<name>.json`: `{ sentence: string[], background: number[], code: string[], rows: number[], … provenance }`;
 *    code word 0 is the empty word;
 *  - `<name>.bin`: for each code word in turn, its `rows[c]` entries: the sentence word as uint32, then (after all
 *    of them) the probabilities as float32.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Chunk } from '../types';
import { canonicalWord } from '../embed/builtin';
import { chunkEmbeddingText } from '../embed/embedder';
import { learnedWords, modelsDir } from '../embed/learned';
import { RunArena } from './runArena';

export const TRANSLATION_MODEL = 'tm-v1';
const LAMBDA = 0.5;

export interface TranslationModel {
  readonly name: string;
  /** Sentence word → its index. */
  readonly sentence: Map<string, number>;
  /** P(word) over the training sentences, by sentence word. */
  readonly background: Float32Array;
  /** Code word → its index (0 is the empty word). */
  readonly code: Map<string, number>;
  /** By sentence word s: its entries `start[s] … start[s+1]`, each a code word and P(s | code word). */
  readonly start: Uint32Array;
  readonly codeOf: Uint32Array;
  readonly p: Float32Array;
}

/**
 * A text's known code words, each once with its count, as `index · 65536 + count` (a table has at most 65,536 code
 * words; a count stops at 65,535): a repeated word's entries are walked once.
 */
export type CodeWordIds = Uint32Array;
const MAX_CODE_WORDS = 0x10000;

const cache = new Map<string, TranslationModel>();

/** Loads (once per thread) the table `name` from `dir`. Throws a clear error if its files are missing or disagree. */
export function loadTranslationModel(name = TRANSLATION_MODEL, dir = modelsDir()): TranslationModel {
  const key = path.join(dir, name);
  const hit = cache.get(key);
  if (hit) return hit;
  if (!existsSync(`${key}.json`) || !existsSync(`${key}.bin`)) {
    throw new Error(`search: the translation table ${name} is missing from ${dir} (expected ${name}.json and ${name}.bin; reinstall, or run npm run build)`);
  }
  const damaged = (why: string) => new Error(`search: translation table ${name} is damaged (${why}); reinstall`);
  let meta: { sentence: string[]; background: number[]; code: string[]; rows: number[] };
  try {
    meta = JSON.parse(readFileSync(`${key}.json`, 'utf8')) as typeof meta;
  } catch (e) {
    throw damaged(`${name}.json: ${(e as Error).message}`);
  }
  const { sentence, background, code, rows } = meta;
  if (![sentence, background, code, rows].every(Array.isArray) || background.length !== sentence.length || rows.length !== code.length) {
    throw damaged(`${name}.json lacks sentence, background, code or rows, or their lengths disagree`);
  }
  if (code.length > MAX_CODE_WORDS) throw damaged(`${code.length} code words, over ${MAX_CODE_WORDS}: retrain it with bench/tmTrain.js --max-code 65535`);
  const bin = readFileSync(`${key}.bin`);
  const n = rows.reduce((a, r) => a + r, 0);
  if (bin.length !== 8 * n) throw damaged(`${bin.length} bytes for ${n} entries`);
  const sentenceOf = new Uint32Array(bin.buffer.slice(bin.byteOffset, bin.byteOffset + 4 * n));
  const probs = new Float32Array(bin.buffer.slice(bin.byteOffset + 4 * n, bin.byteOffset + 8 * n));
  // The file is by code word; a query walks it by sentence word.
  const start = new Uint32Array(sentence.length + 1);
  for (let e = 0; e < n; e++) {
    if (sentenceOf[e] >= sentence.length) throw damaged(`entry ${e} names sentence word ${sentenceOf[e]} of ${sentence.length}`);
    start[sentenceOf[e] + 1]++;
  }
  for (let s = 0; s < sentence.length; s++) start[s + 1] += start[s];
  const fill = start.slice(0, sentence.length);
  const codeOf = new Uint32Array(n);
  const p = new Float32Array(n);
  for (let c = 0, e = 0; c < rows.length; c++) {
    for (const end = e + rows[c]; e < end; e++) {
      const at = fill[sentenceOf[e]]++;
      codeOf[at] = c;
      p[at] = probs[e];
    }
  }
  const model: TranslationModel = {
    name, sentence: new Map(sentence.map((w, i) => [w, i])), background: Float32Array.from(background),
    code: new Map(code.map((w, i) => [w, i])), start, codeOf, p,
  };
  cache.set(key, model);
  return model;
}

/** The known code words of `words`, each once with its count, in order of first appearance. */
export function codeWordIds(model: TranslationModel, words: readonly string[]): CodeWordIds {
  const count = new Map<number, number>();
  for (const w of words) {
    const c = model.code.get(w);
    if (c !== undefined && c > 0) count.set(c, Math.min(0xffff, (count.get(c) ?? 0) + 1));
  }
  const out = new Uint32Array(count.size);
  let i = 0;
  for (const [c, n] of count) out[i++] = c * 0x10000 + n;
  return out;
}

/**
 * The scorer of code texts (their `codeWordIds`) for one sentence (its words, as `learnedWords` gives them). 0 for
 * every text when no word of the sentence is known. Per query it links each code word to its entries for the
 * query's words (most code words have none), so a text costs one array read per distinct word and one add per entry
 * met.
 */
export function translationScorer(
  model: TranslationModel, sentenceWords: readonly string[], lambda = LAMBDA,
): (text: ArrayLike<number>, from?: number, to?: number) => number {
  const ids = [...new Set(sentenceWords.map((w) => model.sentence.get(w)).filter((i): i is number => i !== undefined))];
  const K = ids.length;
  if (!K) return () => 0;
  const { start, codeOf, p } = model;
  let entries = 0;
  for (const s of ids) entries += start[s + 1] - start[s];
  const head = new Int32Array(model.code.size).fill(-1); // code word → its first entry
  const next = new Int32Array(entries);
  const wordOf = new Int32Array(entries); // entry → which of the query's words
  const prob = new Float64Array(entries);
  let e = 0;
  ids.forEach((s, k) => {
    for (let j = start[s]; j < start[s + 1]; j++, e++) {
      const c = codeOf[j];
      wordOf[e] = k;
      prob[e] = p[j];
      next[e] = head[c];
      head[c] = e;
    }
  });
  const empty = new Float64Array(K);
  for (let x = head[0]; x >= 0; x = next[x]) empty[wordOf[x]] = prob[x];
  const logBg = ids.map((s) => Math.log(model.background[s]));
  const bg = ids.map((s) => lambda * model.background[s]);
  const sums = new Float64Array(K);
  return (text, from = 0, to = text.length) => {
    sums.set(empty);
    let n = 1; // the empty word
    for (let i = from; i < to; i++) {
      const v = text[i];
      const count = v & 0xffff;
      n += count;
      for (let x = head[v >>> 16]; x >= 0; x = next[x]) sums[wordOf[x]] += count * prob[x];
    }
    let score = 0;
    for (let k = 0; k < K; k++) score += Math.log(((1 - lambda) * sums[k]) / n + bg[k]) - logBg[k];
    return score / K;
  };
}

/** Every chunk's code words in the shipped table (`codeWordIds`), by the chunk object (an open store keeps one per chunk). */
const wordsOfChunks = new RunArena<Chunk>();
let shipped: TranslationModel | undefined;
const shippedModel = () => (shipped ??= loadTranslationModel());
const makeCodeWords = (c: Chunk) => codeWordIds(shippedModel(), learnedWords(chunkEmbeddingText(c), canonicalWord));

/**
 * A chunk's known code words in the shipped table, worked out once per chunk object: reading and tokenising its text
 * costs ~70 µs, too much for each of a query's ~900 candidates, so the warm-up works every chunk's out ahead
 * (`primeTranslation`). A copy, for tools and tests: the rank stage reads them in place.
 */
export function chunkCodeWords(c: Chunk): CodeWordIds {
  const at = wordsOfChunks.offset(c, makeCodeWords);
  const all = wordsOfChunks.numbers;
  return all.slice(at + 1, at + 1 + all[at]);
}

/** How many chunks' code words have been worked out in this thread (tests: priming twice works none out again). */
export const codeWordsWorkedOut = (): number => wordsOfChunks.made;

/** Works out these chunks' code words ahead of their first query (warmUp.ts). Yields between slices. */
export async function primeTranslation(chunks: Iterable<Chunk>, signal?: AbortSignal): Promise<void> {
  shippedModel(); // a missing table fails here, before any chunk
  await wordsOfChunks.prime(chunks, makeCodeWords, 256, signal); // ~20 ms slices: the host stays responsive
}

/**
 * The features `tm` (the chunk's score for the query) and `tmRel` (it less the best candidate's) of every candidate,
 * written at `tmAt` and `relAt` of each `stride`-long vector of `buf`.
 */
export function translationFeatures(query: string, chunks: readonly Chunk[], buf: Float64Array, stride: number, tmAt: number, relAt: number): void {
  const score = translationScorer(shippedModel(), learnedWords(query, canonicalWord));
  let best = -Infinity;
  for (let i = 0; i < chunks.length; i++) {
    const at = wordsOfChunks.offset(chunks[i], makeCodeWords);
    const words = wordsOfChunks.numbers; // after `offset`: it may have replaced the array
    const s = score(words, at + 1, at + 1 + words[at]);
    buf[i * stride + tmAt] = s;
    if (s > best) best = s;
  }
  for (let i = 0; i < chunks.length; i++) buf[i * stride + relAt] = buf[i * stride + tmAt] - best;
}
