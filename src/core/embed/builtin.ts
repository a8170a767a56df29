/**
 * The builtin embedder: offline, deterministic, no download, no native code.
 *
 * Signed feature hashing ("hashing trick") of code-aware features into D dimensions:
 *  - word features: every identifier part (from the shared tokenizer) and natural-language word,
 *    lower-cased, mapped through an abbreviation/synonym table (lexicon.json: cfg/conf/configuration →
 *    config) or else lightly stemmed (parsing/parsed/parser → pars);
 *  - character trigrams of each part with boundary marks (`^co con onf … on$`): sub-word similarity
 *    for words the table does not know (tokenizer ~ tokens);
 *  - whole compound identifiers (`parseconfig`): exact-identifier matches;
 *  - bigrams of consecutive content words (parse|config matches both `parseConfig` and "parse the config").
 * Stopwords are dropped; very common code tokens are down-weighted (a static idf substitute); term
 * frequency is sublinear (1 + ln tf). The hashed part fills the first D − 64 dimensions; the last 64 are
 * the learned word table's vector of the same text (learned.ts), which relates words that share no
 * letters ("whitespace" ~ `TrimSpace`). The whole vector has unit length. Queries and documents go
 * through the same pipeline (a long query then drops the learned part: `longQuery`). Features of a token
 * are computed once and memoised, so the cost per chunk is dominated by tokenization.
 *
 * Changing anything here or in lexicon.json changes the vectors: bump BUILTIN_MODEL so that the index
 * (keyed by embedderKey) is rebuilt rather than mixed. A retrained table is a new LEARNED_MODEL name.
 */
import { stem } from '../text/stem';
import { tokenizeCode } from '../text/tokenize';
import { abortError, l2normalize, type Embedder, type EmbedOptions } from './embedder';
import { compoundParts, fmix32, followedBy, hashString } from './hashing';
import { addLearned, LEARNED_DIMENSION, LEARNED_MODEL, learnedWord, loadLearnedModel, type LearnedModel } from './learned';
import lexicon from './lexicon.json';

export const BUILTIN_MODEL = `hash-v2+${LEARNED_MODEL}`;
/** 384 hashed dimensions, then the learned model's 64 (learned.ts). */
export const BUILTIN_DEFAULT_DIMENSION = 384 + LEARNED_DIMENSION;
/**
 * The learned part's share of the vector's squared length: the cosine of two vectors is (hashed cosine + 2 · learned
 * cosine) / 3. Chosen on the docstring sets (bench/RESULTS.md, session 22): 2 and 4 did the same on the held-out pairs.
 */
export const LEARNED_SHARE = 2 / 3;
const HASH_LENGTH = Math.sqrt(1 - LEARNED_SHARE);
const LEARNED_LENGTH = Math.sqrt(LEARNED_SHARE);

const WORD_W = 1.0;
const TRIGRAM_W = 0.55; // L2 mass of all trigrams of one part
const WHOLE_W = 0.6;
const BIGRAM_W = 0.45;
const COMMON_W = 0.25;
const NUMBER_W = 0.3;
/**
 * Tokens memoised before the memo starts over. An entry costs ~1 KB of heap (its features' typed arrays): at 200k
 * each index worker held ~350 MB at 207k chunks, and the build was no faster than at 50k (bench/RESULTS.md, session 36).
 */
const MAX_MEMO = 50_000;
const FRONT_MASK = 4095;

const SYNONYMS = new Map<string, string>();
for (const group of lexicon.synonyms) for (const w of group) if (!SYNONYMS.has(w)) SYNONYMS.set(w, group[0]);
const STOPWORDS = new Set<string>(lexicon.stopwords);
const COMMON = new Set<string>(lexicon.common);

export { hashString } from './hashing';

const SEED_WORD = 0x811c9dc5;
const SEED_TRI = 0x2f6b1a3d;
const SEED_WHOLE = 0x5bd1e995;

/** The canonical form of a word/part: synonym table first, then the stemmed form (and its synonym). */
export function canonicalWord(word: string): string {
  const direct = SYNONYMS.get(word);
  if (direct !== undefined) return direct;
  const s = stem(word);
  return SYNONYMS.get(s) ?? s;
}

/** Memoised features of one token; `epoch`/`count` are scratch space for the current text. */
interface Features {
  idx: Uint16Array;
  val: Float32Array;
  /** Hash of the canonical word (for bigrams); 0 for stopwords and wholes. */
  wordHash: number;
  weight: number;
  epoch: number;
  count: number;
}

/** A compound identifier (whole) and its parts' features, cached together. */
interface Whole {
  f: Features;
  parts: string[];
  partF: Features[];
  /** The parts' rows in the learned model (-1: not in its vocabulary). */
  partRow: Int32Array;
}

interface MemoEntry {
  key: string;
  part: Features | undefined;
  whole: Whole | undefined;
  /** The token's row in the learned model: -1 when it has none, -2 until looked up. */
  row: number;
}

/** Every entry gets all its fields at once: one hidden class, so the hot loop is not deoptimized as they fill in. */
function memoEntry(key: string): MemoEntry {
  return { key, part: undefined, whole: undefined, row: -2 };
}

const EMPTY: Features = { idx: new Uint16Array(0), val: new Float32Array(0), wordHash: 0, weight: 0, epoch: 0, count: 0 };

export interface BuiltinEmbedderOptions {
  /**
   * Default 448 (≈45 MB of int8 vectors per 100k chunks in memory, ≈180 MB of float32 on disk): the learned model's
   * 64 dimensions, and the rest for the hashed features.
   */
  dimension?: number;
}

export class BuiltinEmbedder implements Embedder {
  readonly id = 'builtin';
  readonly model = BUILTIN_MODEL;
  readonly dimension: number;
  /** Dimensions of the hashed features: the first `hashDimension` of the vector; the learned part follows. */
  private readonly hashDimension: number;
  private readonly learned: LearnedModel;
  // This text's learned-model rows and their counts, cleared by epoch stamps.
  private readonly rowCount: Uint32Array;
  private readonly rowStamp: Int32Array;
  private readonly rowsUsed: number[] = [];
  private memo = new Map<number, MemoEntry>();
  private collisions = new Map<string, MemoEntry>();
  private readonly frontKeys: string[] = new Array<string>(FRONT_MASK + 1).fill('');
  private readonly frontVals: MemoEntry[] = new Array<MemoEntry>(FRONT_MASK + 1);
  private epoch = 0;
  private touched: Features[] = [];
  // Open-addressing table of this text's bigrams (hash → summed weight), cleared by epoch stamps.
  private bgKeys = new Int32Array(4096);
  private bgVals = new Float32Array(4096);
  private bgStamp = new Int32Array(4096);
  private bgUsed: number[] = [];

  constructor(opts: BuiltinEmbedderOptions = {}) {
    const d = opts.dimension ?? BUILTIN_DEFAULT_DIMENSION;
    if (!Number.isInteger(d) || d < 8 + LEARNED_DIMENSION || d > 65535) throw new RangeError(`builtin embedder: bad dimension ${d}`);
    this.dimension = d;
    this.hashDimension = d - LEARNED_DIMENSION;
    this.learned = loadLearnedModel();
    if (this.learned.dim !== LEARNED_DIMENSION) throw new Error(`builtin embedder: learned model has ${this.learned.dim} dimensions, expected ${LEARNED_DIMENSION}`);
    this.rowCount = new Uint32Array(this.learned.vocab.size);
    this.rowStamp = new Int32Array(this.learned.vocab.size);
  }

  async embed(texts: string[], opts: EmbedOptions = {}): Promise<Float32Array[]> {
    const out: Float32Array[] = new Array(texts.length);
    for (let i = 0; i < texts.length; i++) {
      if (i % 256 === 0) {
        if (opts.signal?.aborted) throw abortError();
        if (i > 0) await new Promise<void>((r) => setImmediate(r)); // keep the event loop responsive
        if (opts.signal?.aborted) throw abortError();
      }
      out[i] = this.embedOne(texts[i]);
    }
    return out;
  }

  /** Synchronous embedding of one text (documents and queries alike). */
  embedOne(text: string): Float32Array {
    const D = this.hashDimension;
    const vec = new Float32Array(this.dimension);
    if (this.memo.size > MAX_MEMO) {
      this.memo = new Map();
      this.collisions = new Map();
      this.frontKeys.fill('');
    }
    const memo = this.memo;
    const frontKeys = this.frontKeys;
    const frontVals = this.frontVals;
    const epoch = ++this.epoch;
    const touched = this.touched;
    touched.length = 0;
    this.bgUsed.length = 0;
    const rowCount = this.rowCount;
    const rowStamp = this.rowStamp;
    const rowsUsed = this.rowsUsed;
    rowsUsed.length = 0;
    const countRow = (row: number) => {
      if (row < 0) return;
      if (rowStamp[row] !== epoch) {
        rowStamp[row] = epoch;
        rowCount[row] = 1;
        rowsUsed.push(row);
      } else rowCount[row]++;
    };
    let prevHash = 0;
    let prevWeight = 0;
    const count = (f: Features) => {
      if (f.idx.length === 0) return;
      if (f.epoch !== epoch) {
        f.epoch = epoch;
        f.count = 0;
        touched.push(f);
      }
      f.count++;
    };
    const part = (f: Features) => {
      if (f.wordHash !== 0) {
        if (prevHash !== 0) this.addBigram(fmix32(Math.imul(prevHash, 0x9e3779b1) ^ f.wordHash) | 0, prevWeight < f.weight ? prevWeight : f.weight, epoch);
        prevHash = f.wordHash;
        prevWeight = f.weight;
      }
      count(f);
    };

    const toks = tokenizeCode(text);
    const n = toks.length;
    for (let i = 0; i < n; ) {
      const t = toks[i];
      // Memo lookup by a JS-computed hash (Smi key): V8 hashing of fresh strings is the hot spot
      // otherwise. A small direct-mapped front cache serves repeated tokens; the key is verified.
      const tl = t.length;
      let h = 0x811c9dc5;
      for (let k = 0; k < tl; k++) h = Math.imul(h ^ t.charCodeAt(k), 0x01000193);
      h &= 0x3fffffff;
      const slot = h & FRONT_MASK;
      let e: MemoEntry | undefined;
      if (frontKeys[slot] === t) e = frontVals[slot];
      else {
        e = memo.get(h);
        if (e === undefined) memo.set(h, (e = memoEntry(t)));
        else if (e.key !== t) {
          e = this.collisions.get(t);
          if (e === undefined) this.collisions.set(t, (e = memoEntry(t)));
        }
        frontKeys[slot] = t;
        frontVals[slot] = e;
      }
      if (i + 1 < n && t.length > toks[i + 1].length) {
        // A compound identifier: the whole, then its parts (cached together: one lookup for all).
        let w = e.whole;
        if (w === undefined || !followedBy(toks, i + 1, w.parts)) {
          const k = compoundParts(toks, i);
          w = k > 0 ? (e.whole = this.wholeEntry(t, toks.slice(i + 1, i + 1 + k))) : undefined;
        }
        if (w !== undefined) {
          countRow(e.row === -2 ? (e.row = this.rowOf(t)) : e.row);
          for (let j = 0; j < w.partRow.length; j++) countRow(w.partRow[j]);
          count(w.f);
          for (let j = 0; j < w.partF.length; j++) part(w.partF[j]);
          i += 1 + w.parts.length;
          continue;
        }
      }
      countRow(e.row === -2 ? (e.row = this.rowOf(t)) : e.row);
      part((e.part ??= this.partFeatures(t)));
      i++;
    }

    for (let k = 0; k < touched.length; k++) {
      const f = touched[k];
      const tf = f.count === 1 ? 1 : 1 + Math.log(f.count);
      const idx = f.idx;
      const val = f.val;
      for (let j = 0; j < idx.length; j++) vec[idx[j]] += val[j] * tf;
    }
    const bgUsed = this.bgUsed;
    for (let k = 0; k < bgUsed.length; k++) {
      const slot = bgUsed[k];
      const h = this.bgKeys[slot] >>> 0;
      const w = this.bgVals[slot];
      const tf = w > 1 ? 1 + Math.log(w) : w;
      vec[h % D] += (h & 0x80000000 ? -BIGRAM_W : BIGRAM_W) * tf;
    }
    touched.length = 0;
    // The hashed part at length √(1 − share), the learned part at √share: unit length, and the cosine of two vectors
    // is the two parts' cosines mixed by the share. A text without a known word is all hashed part.
    const hashed = vec.subarray(0, D);
    l2normalize(hashed);
    if (rowsUsed.length === 0) return vec;
    for (let k = 0; k < D; k++) hashed[k] *= HASH_LENGTH;
    addLearned(this.learned, rowsUsed, rowCount, vec, D, LEARNED_LENGTH);
    return vec;
  }

  /**
   * A long query searches with the hashed part alone. The learned part is a weighted mean of the text's words, and
   * for a query of a hundred words and more (an issue, a trace) that mean points nowhere in particular: with it, the
   * cross-validated SWE-bench function Acc@10 fell 44.1 → 41.2 while the docstring MRR rose (bench/RESULTS.md,
   * session 22). Documents keep both parts, so the scores are the hashed cosine scaled by √(1 − share) (unscaled for
   * a document without a word the table knows, whose vector is all hashed part).
   */
  longQuery(queryVector: Float32Array): Float32Array {
    const v = queryVector.slice();
    v.fill(0, this.hashDimension);
    return l2normalize(v);
  }

  /** The learned model's row of a token (-1: a stop word, too long, or not in its vocabulary). */
  private rowOf(t: string): number {
    const w = learnedWord(t, canonicalWord);
    return w === undefined ? -1 : (this.learned.vocab.get(w) ?? -1);
  }

  private partOf(t: string): Features {
    let h = 0x811c9dc5;
    for (let k = 0; k < t.length; k++) h = Math.imul(h ^ t.charCodeAt(k), 0x01000193);
    h &= 0x3fffffff;
    let e = this.memo.get(h);
    if (e === undefined) this.memo.set(h, (e = memoEntry(t)));
    else if (e.key !== t) {
      e = this.collisions.get(t);
      if (e === undefined) this.collisions.set(t, (e = memoEntry(t)));
    }
    return (e.part ??= this.partFeatures(t));
  }

  private wholeEntry(t: string, parts: string[]): Whole {
    const h = hashString(t, SEED_WHOLE);
    const f: Features = {
      idx: Uint16Array.of(h % this.hashDimension),
      val: Float32Array.of(h & 0x80000000 ? -WHOLE_W : WHOLE_W),
      wordHash: 0,
      weight: WHOLE_W,
      epoch: 0,
      count: 0,
    };
    return { f, parts, partF: parts.map((p) => this.partOf(p)), partRow: Int32Array.from(parts, (p) => this.rowOf(p)) };
  }

  private addBigram(h: number, w: number, epoch: number): void {
    let mask = this.bgKeys.length - 1;
    if (this.bgUsed.length * 2 > mask) {
      // grow (rare: > 2k distinct bigrams in one text) and re-insert
      const keys = this.bgKeys;
      const vals = this.bgVals;
      const used = this.bgUsed.splice(0);
      const size = keys.length * 2;
      this.bgKeys = new Int32Array(size);
      this.bgVals = new Float32Array(size);
      this.bgStamp = new Int32Array(size);
      for (const slot of used) this.addBigram(keys[slot], vals[slot], epoch);
      mask = size - 1;
    }
    const keys = this.bgKeys;
    const stamp = this.bgStamp;
    let slot = h & mask;
    while (stamp[slot] === epoch) {
      if (keys[slot] === h) {
        this.bgVals[slot] += w;
        return;
      }
      slot = (slot + 1) & mask;
    }
    stamp[slot] = epoch;
    keys[slot] = h;
    this.bgVals[slot] = w;
    this.bgUsed.push(slot);
  }

  private partFeatures(t: string): Features {
    if (STOPWORDS.has(t)) return EMPTY;
    const D = this.hashDimension;
    const numeric = t.charCodeAt(0) >= 48 && t.charCodeAt(0) <= 57;
    const weight = numeric ? NUMBER_W : COMMON.has(t) ? COMMON_W : WORD_W;
    const canon = numeric ? t : canonicalWord(t);
    const wordHash = hashString(canon, SEED_WORD) || 1;
    const tri = !numeric && t.length >= 4 ? t.length : 0; // trigrams of ^t$
    const idx = new Uint16Array(1 + tri);
    const val = new Float32Array(1 + tri);
    idx[0] = wordHash % D;
    val[0] = wordHash & 0x80000000 ? -weight : weight;
    if (tri) {
      const w = (weight * TRIGRAM_W) / Math.sqrt(tri);
      const n = t.length;
      for (let i = 0; i < tri; i++) {
        // trigram starting at position i-1 of t, with '^' (94) before and '$' (36) after
        let h = SEED_TRI;
        for (let k = i - 1; k <= i + 1; k++) {
          h ^= k < 0 ? 94 : k >= n ? 36 : t.charCodeAt(k);
          h = Math.imul(h, 0x01000193);
        }
        h = fmix32(h);
        idx[1 + i] = h % D;
        val[1 + i] = h & 0x80000000 ? -w : w;
      }
    }
    return { idx, val, wordHash, weight, epoch: 0, count: 0 };
  }

}
