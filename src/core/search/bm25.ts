/**
 * A small incremental BM25 index over string keys (used at file grain, and by the eval baselines).
 * Documents are token lists; postings are term → (doc → tf). Queries are weighted term lists; `plan`
 * keeps the most selective terms within a posting budget so a long issue text stays cheap.
 */
import { ownString } from '../text/strings';
import { ListArena } from '../index/listArena';
import { TopK } from '../index/topK';
import { higherFirst } from '../order';

export interface Bm25Options {
  k1?: number;
  b?: number;
}

export interface WeightedTerm {
  term: string;
  weight: number;
}

/** A posting packs (doc, tf) into one number: doc · TF_SPAN + tf (tf capped), so a list is a plain list of numbers. */
const TF_SPAN = 2 ** 20;

export class Bm25Index {
  private readonly keys: (string | undefined)[] = [];
  private readonly idOf = new Map<string, number>();
  private readonly lens: number[] = [];
  /** Per document, the ids of its distinct terms (to remove it). */
  private readonly docTerms: (Int32Array | undefined)[] = [];
  /**
   * Term → term id; per term id, its postings sorted by doc, in one arena (index/listArena.ts). Compact: one number
   * per (doc, term), terms stored once.
   */
  private readonly termIds = new Map<string, number>();
  private readonly postings = new ListArena();
  private readonly termOf: string[] = [];
  private readonly freeTerms: number[] = [];
  private readonly free: number[] = [];
  private totalLen = 0;
  private count = 0;
  /** Score accumulator of `search` and its touched marks, by doc id; all zero between searches. */
  private acc = new Float64Array(0);
  private seen = new Uint8Array(0);
  // Scratch list of `search`: the documents a query touched (no garbage per query beyond the top-k heap).
  private touchedBuf = new Int32Array(0);
  private readonly k1: number;
  private readonly b: number;

  constructor(opts: Bm25Options = {}) {
    this.k1 = opts.k1 ?? 1.2;
    this.b = opts.b ?? 0.75;
  }

  get size(): number {
    return this.count;
  }

  has(key: string): boolean {
    return this.idOf.has(key);
  }

  /** Adds (or replaces) a document. */
  add(key: string, tokens: string[]): void {
    const tf = new Map<string, number>();
    for (const t of tokens) tf.set(t, (tf.get(t) ?? 0) + 1);
    this.addCounts(key, tf, tokens.length);
  }

  /** Adds (or replaces) a document given its term frequencies and length (its number of tokens). */
  addCounts(key: string, tf: ReadonlyMap<string, number>, length: number): void {
    this.remove(key);
    const id = this.free.pop() ?? this.keys.length;
    const ids = new Int32Array(tf.size);
    let i = 0;
    for (const [t, n] of tf) {
      const tid = this.termId(t);
      this.postings.insertSorted(tid, id * TF_SPAN + Math.min(n, TF_SPAN - 1));
      ids[i++] = tid;
    }
    this.keys[id] = key;
    this.idOf.set(key, id);
    this.lens[id] = length;
    this.docTerms[id] = ids;
    this.totalLen += length;
    this.count++;
  }

  /**
   * Fills an empty index term by term, without a map per document: `beginFill` names the documents (document i
   * is `keys[i]` with `lengths[i]` tokens), `fillTerm` gives each term once with its documents (ascending) and
   * their term frequencies, `endFill` finishes. The same index as `addCounts` per document, in key order.
   */
  beginFill(keys: readonly string[], lengths: ArrayLike<number>): void {
    if (this.keys.length) throw new Error('Bm25Index.beginFill: the index is not empty');
    keys.forEach((key, id) => {
      this.keys[id] = key;
      this.idOf.set(key, id);
      this.lens[id] = lengths[id];
      this.totalLen += lengths[id];
      this.count++;
    });
  }

  fillTerm(term: string, docs: ArrayLike<number>, tfs: ArrayLike<number>, n = docs.length): void {
    if (!n) return;
    const tid = this.termId(term);
    if (this.postings.length(tid)) throw new Error(`Bm25Index.fillTerm: term "${term}" given twice`);
    for (let i = 0; i < n; i++) {
      if ((i && docs[i] <= docs[i - 1]) || docs[i] >= this.count) throw new Error(`Bm25Index.fillTerm: bad documents for "${term}"`);
      this.postings.push(tid, docs[i] * TF_SPAN + Math.min(tfs[i], TF_SPAN - 1));
    }
  }

  endFill(): void {
    const n = new Int32Array(this.keys.length);
    const each = (fn: (doc: number, tid: number) => void) => {
      const a = this.postings.numbers;
      for (let tid = 0; tid < this.termOf.length; tid++) {
        for (let i = this.postings.offset(tid), end = i + this.postings.length(tid); i < end; i++) fn(Math.floor(a[i] / TF_SPAN), tid);
      }
    };
    each((doc) => n[doc]++);
    const ids = Array.from(n, (c) => new Int32Array(c));
    n.fill(0);
    each((doc, tid) => (ids[doc][n[doc]++] = tid));
    ids.forEach((a, doc) => (this.docTerms[doc] = a));
    this.postings.pack(); // filled list after list, each with up to twice its room: none spare now
  }

  /** Back to empty. */
  clear(): void {
    for (const a of [this.keys, this.lens, this.docTerms, this.termOf, this.freeTerms, this.free]) a.length = 0;
    this.postings.clear();
    this.idOf.clear();
    this.termIds.clear();
    this.totalLen = 0;
    this.count = 0;
  }

  private termId(t: string): number {
    let tid = this.termIds.get(t);
    if (tid === undefined) {
      tid = this.freeTerms.pop() ?? this.termOf.length; // a freed term's list is empty
      const own = ownString(t);
      this.termIds.set(own, tid);
      this.termOf[tid] = own;
    }
    return tid;
  }

  remove(key: string): void {
    const id = this.idOf.get(key);
    if (id === undefined) return;
    const lists = this.postings;
    for (const tid of this.docTerms[id] ?? []) {
      const at = lists.lowerBound(tid, id * TF_SPAN);
      if (at < lists.length(tid) && Math.floor(lists.numbers[lists.offset(tid) + at] / TF_SPAN) === id) lists.removeAt(tid, at);
      if (!lists.length(tid)) {
        this.termIds.delete(this.termOf[tid]);
        this.freeTerms.push(tid);
      }
    }
    this.totalLen -= this.lens[id];
    this.keys[id] = undefined;
    this.docTerms[id] = undefined;
    this.idOf.delete(key);
    this.free.push(id);
    this.count--;
  }

  df(term: string): number {
    const tid = this.termIds.get(term);
    return tid === undefined ? 0 : this.postings.length(tid);
  }

  idf(term: string): number {
    const df = this.df(term);
    return Math.log(1 + (this.count - df + 0.5) / (df + 0.5));
  }

  /** Weighted terms of a token list (repeats weigh 1 + ln(tf)/2, at most 2), most selective first, within budget. */
  plan(tokens: string[], opts: { maxTerms?: number; postingBudget?: number; stop?: Set<string> } = {}): WeightedTerm[] {
    const tf = new Map<string, number>();
    for (const t of tokens) if (!opts.stop?.has(t)) tf.set(t, (tf.get(t) ?? 0) + 1);
    const terms = [...tf.keys()].filter((t) => this.df(t) > 0).sort((a, b) => this.df(a) - this.df(b));
    const maxTerms = opts.maxTerms ?? Infinity;
    const budget = opts.postingBudget ?? Infinity;
    const out: WeightedTerm[] = [];
    let spent = 0;
    for (const t of terms) {
      if (out.length >= maxTerms || (out.length && spent + this.df(t) > budget)) break;
      spent += this.df(t);
      out.push({ term: t, weight: Math.min(2, 1 + Math.log(tf.get(t)!) / 2) });
    }
    return out;
  }

  /** Top `k` documents by BM25, best first (ties by key). */
  search(terms: WeightedTerm[], k: number, filter?: (key: string) => boolean): { key: string; score: number }[] {
    if (!this.count || k <= 0) return [];
    const avg = this.totalLen / this.count || 1;
    // Scores accumulate in reused arrays indexed by doc id; `seen` marks the documents touched (all clear between searches).
    if (this.acc.length < this.keys.length) {
      this.acc = new Float64Array(Math.ceil(this.keys.length * 1.25));
      this.seen = new Uint8Array(this.acc.length);
      this.touchedBuf = new Int32Array(this.acc.length);
    }
    const acc = this.acc;
    const seen = this.seen;
    const touched = this.touchedBuf;
    let touchedLen = 0;
    for (const { term, weight } of terms) {
      const tid = this.termIds.get(term);
      if (tid === undefined) continue;
      const idf = this.idf(term) * weight;
      const list = this.postings.numbers;
      for (let j = this.postings.offset(tid), end = j + this.postings.length(tid); j < end; j++) {
        const packed = list[j];
        const id = Math.floor(packed / TF_SPAN);
        const tf = packed - id * TF_SPAN;
        const norm = tf + this.k1 * (1 - this.b + (this.b * this.lens[id]) / avg);
        if (!seen[id]) {
          seen[id] = 1;
          touched[touchedLen++] = id;
        }
        acc[id] += (idf * tf * (this.k1 + 1)) / norm;
      }
    }
    // The best k in a bounded heap (ties by key, as the result is sorted): a long issue touches tens of thousands.
    const keys = this.keys;
    const top = new TopK(k, (a, c) => acc[a] < acc[c] || (acc[a] === acc[c] && keys[a]! > keys[c]!));
    for (let j = 0; j < touchedLen; j++) if (!filter || filter(keys[touched[j]]!)) top.offer(touched[j]);
    const out = top.heap.map((id) => ({ key: keys[id]!, score: acc[id] }));
    for (let j = 0; j < touchedLen; j++) {
      acc[touched[j]] = 0;
      seen[touched[j]] = 0;
    }
    return out.sort((a, b) => higherFirst(a.score, b.score) || (a.key < b.key ? -1 : 1));
  }
}
