/**
 * The learned part of the builtin embedder: a word-embedding table trained offline (bench/nbowTrain.ts) on
 * doc-sentence → function pairs from public repositories that no evaluation set uses. A text's learned vector is
 * the sum of its words' rows, each weighted by (1 + ln tf) · idf, L2-normalised: a "neural bag of words", the
 * CodeSearchNet baseline. It relates words that plain matching cannot (a doc's "number of elements" to `len`), which
 * the hashed features of builtin.ts do not learn.
 *
 * The model is two files in models/ (copied to <dist>/models by scripts/build.mjs):
 *  - `<name>.json`: `{ dim, vocab: string[], idf: number[], … provenance }`;
 *  - `<name>.bin`: one float32 scale per word, then `vocab.length × dim` int8 (row = int8 · scale).
 * Words are what `learnedWords` gives: every token of tokenizeCode (compound identifiers whole and in parts), stop
 * words and tokens over 40 characters dropped, mapped through canonicalWord (numbers as they are).
 * A retrained table gets a new name (nbow-v2, …): the name is part of the builtin embedder's model id, so an index
 * built with one table is never searched with another.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { findRepoRoot } from '../parsing/assets';
import { tokenizeCode } from '../text/tokenize';
import lexicon from './lexicon.json';

export const LEARNED_MODEL = 'nbow-v2';
export const LEARNED_DIMENSION = 64;
const MAX_LEARNED_TOKEN = 40;

const STOPWORDS = new Set<string>(lexicon.stopwords);

export interface LearnedModel {
  readonly name: string;
  readonly dim: number;
  /** Word → row. */
  readonly vocab: Map<string, number>;
  readonly idf: Float32Array;
  /** Dequantised rows, `vocab.size × dim`. */
  readonly rows: Float32Array;
}

/**
 * The model's word for one token of tokenizeCode (before the vocabulary lookup), or undefined for a stop word or a
 * token over 40 characters. `canon` is builtin.ts's canonicalWord. The trainer's words and the embedder's rows both
 * come from here.
 */
export function learnedWord(t: string, canon: (w: string) => string): string | undefined {
  if (STOPWORDS.has(t) || t.length > MAX_LEARNED_TOKEN) return undefined;
  return isNumeric(t) ? t : canon(t);
}

/** The model's words of a text, in order. */
export function learnedWords(text: string, canon: (w: string) => string): string[] {
  const out: string[] = [];
  for (const t of tokenizeCode(text)) {
    const w = learnedWord(t, canon);
    if (w !== undefined) out.push(w);
  }
  return out;
}

function isNumeric(t: string): boolean {
  const c = t.charCodeAt(0);
  return c >= 48 && c <= 57;
}

/** Where models/ is: next to the bundle when bundled, else at the repository root. */
export function modelsDir(): string {
  if (process.env.PINPOINT_BUNDLED === '1') return path.join(__dirname, 'models');
  const root = findRepoRoot(__dirname);
  if (!root) throw new Error(`Pinpoint: models/ not found above ${__dirname}`);
  return path.join(root, 'models');
}

const cache = new Map<string, LearnedModel>();

/** Loads (once per thread) the model `name` from `dir`. Throws a clear error if its files are missing or disagree. */
export function loadLearnedModel(name = LEARNED_MODEL, dir = modelsDir()): LearnedModel {
  const key = path.join(dir, name);
  const hit = cache.get(key);
  if (hit) return hit;
  const jsonFile = `${key}.json`;
  const binFile = `${key}.bin`;
  if (!existsSync(jsonFile) || !existsSync(binFile)) {
    throw new Error(`builtin embedder: its learned model ${name} is missing from ${dir} (expected ${name}.json and ${name}.bin; reinstall, or run npm run build)`);
  }
  const damaged = (why: string) => new Error(`builtin embedder: learned model ${name} is damaged (${why}); reinstall`);
  let meta: { dim: number; vocab: string[]; idf: number[] };
  try {
    meta = JSON.parse(readFileSync(jsonFile, 'utf8')) as typeof meta;
  } catch (e) {
    throw damaged(`${name}.json: ${(e as Error).message}`);
  }
  if (!Array.isArray(meta.vocab) || !Array.isArray(meta.idf) || !Number.isInteger(meta.dim)) throw damaged(`${name}.json lacks vocab, idf or dim`);
  const bin = readFileSync(binFile);
  const n = meta.vocab.length;
  const dim = meta.dim;
  if (meta.idf.length !== n || bin.length !== n * 4 + n * dim) {
    throw damaged(`${bin.length} bytes for ${n} words × ${dim}`);
  }
  const scales = new Float32Array(bin.buffer.slice(bin.byteOffset, bin.byteOffset + n * 4));
  const q = new Int8Array(bin.buffer, bin.byteOffset + n * 4, n * dim);
  const rows = new Float32Array(n * dim);
  for (let r = 0; r < n; r++) for (let d = 0; d < dim; d++) rows[r * dim + d] = q[r * dim + d] * scales[r];
  const vocab = new Map<string, number>();
  meta.vocab.forEach((w, i) => vocab.set(w, i));
  const model: LearnedModel = { name, dim, vocab, idf: Float32Array.from(meta.idf), rows };
  cache.set(key, model);
  return model;
}

/**
 * Adds the learned vector of a text's words to `out[at … at+dim)`, scaled to length `weight` (nothing when it is
 * zero): `rows` are the words' rows in the model, `count[row]` how often each occurs.
 */
export function addLearned(model: LearnedModel, rows: readonly number[], count: ArrayLike<number>, out: Float32Array, at: number, weight: number): void {
  const { dim, rows: table, idf } = model;
  for (let k = 0; k < rows.length; k++) {
    const row = rows[k];
    const n = count[row];
    const w = (n === 1 ? 1 : 1 + Math.log(n)) * idf[row];
    const base = row * dim;
    for (let d = 0; d < dim; d++) out[at + d] += w * table[base + d];
  }
  let s = 0;
  for (let d = 0; d < dim; d++) s += out[at + d] * out[at + d];
  if (s === 0) return;
  const k = weight / Math.sqrt(s);
  for (let d = 0; d < dim; d++) out[at + d] *= k;
}
