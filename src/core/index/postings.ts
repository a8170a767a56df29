/**
 * A compact BM25F inverted index over a fixed set of fields, with typed-array posting lists.
 *
 * Why not a general full-text library: MiniSearch, measured on django (48k chunks), spent ~13 s of a 32 s cold
 * index in its radix tree and garbage collection, took ~435 MB of heap per 100k chunks, and visits every
 * posting of every query term with no top-k cut. Code search needs exact-token postings only (the tokenizer
 * already splits identifiers), so a flat vocabulary (Map) plus one posting list per (field, term) is enough:
 * each posting packs `doc << 8 | min(tf, 255)`.
 *
 * The lists live in one shared Int32Array (an arena) addressed by per-field offset/length/capacity arrays, not
 * one typed array per list: at 105k chunks there are ~470k lists, 58% with a single posting, and a typed array
 * apiece cost ~150 MB of heap for ~31 MB of postings (bench/memory.ts). A list that outgrows its room moves to the
 * end of the arena with twice the room; the holes left behind are reclaimed by `compact()` (and when they
 * outweigh the live postings).
 *
 * Documents are numbered in insertion order; removal marks a document dead (its postings are skipped and its
 * lengths leave the averages) and `compact()` rewrites the lists without dead documents, renumbering.
 */

import { TopK } from './topK';

const TF_BITS = 8;
export const TF_MASK = (1 << TF_BITS) - 1; // also the largest tf a posting holds
const MAX_DOCS = 2 ** (31 - TF_BITS); // 8.4M live + dead documents between compactions

export interface FieldWeights {
  readonly [field: number]: number;
}

/** Per field: where each term's list lives in the arena (indexed by term id; cap 0 = no list). */
interface FieldLists {
  off: Int32Array;
  len: Int32Array;
  cap: Int32Array;
}

const emptyLists = (n: number): FieldLists => ({ off: new Int32Array(n), len: new Int32Array(n), cap: new Int32Array(n) });

export interface PostingsSnapshot {
  fields: number;
  terms: string[];
  docs: (string | null)[];
  /** Per field: document lengths (Float32, dead documents included). */
  lengths: Float32Array[];
  /** (field, termIndex, packed postings) */
  lists: { field: number; term: number; postings: Int32Array }[];
}

export class Postings {
  private readonly vocab = new Map<string, number>();
  private readonly terms: string[] = [];
  /** lists[field]: offset/length/capacity of each term's postings in `arena`. */
  private lists: FieldLists[];
  private arena = new Int32Array(1024);
  /** Arena slots in use (live lists' capacity plus holes). */
  private arenaEnd = 0;
  /** Slots of the arena left behind by lists that moved. */
  private holes = 0;
  private docs: (string | null)[] = [];
  private readonly docOf = new Map<string, number>();
  private lengths: Float32Array[];
  private readonly totalLen: number[];
  private live = 0;
  private scores = new Float32Array(0);
  private masks = new Uint32Array(0);
  private pseudo = new Float32Array(0);
  // Scratch document lists of `search` (reused: a long query touches most documents, and growing JS arrays for it
  // was a megabyte of garbage per query).
  private touchedBuf = new Int32Array(0);
  private termBuf = new Int32Array(0);
  // Scratch of `add`: tf by term id (all zero between calls) and the document's term ids in first-occurrence order.
  private tfCount = new Int32Array(1024);
  private tfOrder: number[] = [];

  constructor(readonly fieldCount: number) {
    this.lists = Array.from({ length: fieldCount }, () => emptyLists(1024));
    this.lengths = Array.from({ length: fieldCount }, () => new Float32Array(64));
    this.totalLen = new Array<number>(fieldCount).fill(0);
  }

  get size(): number {
    return this.live;
  }
  get deadCount(): number {
    return this.docs.length - this.live;
  }
  has(id: string): boolean {
    return this.docOf.has(id);
  }
  /** Ids of live documents. */
  *ids(): IterableIterator<string> {
    for (const id of this.docs) if (id !== null) yield id;
  }

  /** Adds a document given each field's tokens (a document with this id must not exist). */
  add(id: string, fieldTokens: string[][]): void {
    const doc = this.docs.length;
    if (doc >= MAX_DOCS) throw new Error('lexical index is full: compact() it');
    this.docs.push(id);
    this.docOf.set(id, doc);
    this.live++;
    for (let f = 0; f < this.fieldCount; f++) {
      const tokens = fieldTokens[f] ?? [];
      if (this.lengths[f].length <= doc) {
        const next = new Float32Array(this.lengths[f].length * 2);
        next.set(this.lengths[f]);
        this.lengths[f] = next;
      }
      this.lengths[f][doc] = tokens.length;
      this.totalLen[f] += tokens.length;
      if (!tokens.length) continue;
      // Term frequencies counted by term id in a reused array (a Map per field per document was most of a cold
      // build's lexical garbage); postings go out in first-occurrence order, as new term ids are given.
      let distinct = 0;
      for (const t of tokens) {
        let tid = this.vocab.get(t);
        if (tid === undefined) {
          tid = this.terms.length;
          this.vocab.set(t, tid);
          this.terms.push(t);
        }
        if (tid >= this.tfCount.length) this.tfCount = Int32Array.from({ length: tid * 2 + 2 }, (_, i) => this.tfCount[i] ?? 0);
        if (this.tfCount[tid]++ === 0) this.tfOrder[distinct++] = tid;
      }
      for (let i = 0; i < distinct; i++) {
        const tid = this.tfOrder[i];
        this.push(f, tid, (doc << TF_BITS) | Math.min(this.tfCount[tid], TF_MASK));
        this.tfCount[tid] = 0;
      }
    }
  }

  /** Appends a posting to the (field, term) list, moving the list to the arena's end when it is full. */
  private push(f: number, tid: number, v: number): void {
    if (tid >= this.lists[f].off.length) this.growTerms(tid + 1);
    const l = this.lists[f];
    const len = l.len[tid];
    if (len === l.cap[tid]) {
      const cap = Math.max(1, len * 2);
      // Out of room and mostly holes: reclaim them rather than grow (this moves every list).
      if (this.arenaEnd + cap > this.arena.length && this.holes > this.arenaEnd / 2) this.pack();
      const atEnd = len > 0 && l.off[tid] + len === this.arenaEnd;
      this.reserve(this.arenaEnd + (atEnd ? cap - len : cap));
      if (atEnd) {
        this.arenaEnd += cap - len; // the last list grows in place
      } else {
        this.arena.copyWithin(this.arenaEnd, l.off[tid], l.off[tid] + len);
        this.holes += l.cap[tid];
        l.off[tid] = this.arenaEnd;
        this.arenaEnd += cap;
      }
      l.cap[tid] = cap;
    }
    this.arena[l.off[tid] + len] = v;
    l.len[tid] = len + 1;
  }

  private reserve(slots: number): void {
    if (slots <= this.arena.length) return;
    const next = new Int32Array(Math.max(slots, Math.ceil(this.arena.length * 1.5)));
    next.set(this.arena.subarray(0, this.arenaEnd));
    this.arena = next;
  }

  private growTerms(n: number): void {
    const size = Math.max(n, this.lists[0].off.length * 2);
    this.lists = this.lists.map((l) => {
      const g = emptyLists(size);
      g.off.set(l.off);
      g.len.set(l.len);
      g.cap.set(l.cap);
      return g;
    });
  }

  /** Rewrites the arena with every list packed (capacity = length), in (field, term) order: no holes, no spare room. */
  private pack(): void {
    let total = 0;
    for (const l of this.lists) for (let t = 0; t < this.terms.length; t++) total += l.len[t];
    const next = new Int32Array(Math.max(1024, total));
    let end = 0;
    const a = this.arena;
    for (const l of this.lists) {
      for (let t = 0; t < this.terms.length; t++) {
        const len = l.len[t];
        const from = l.off[t];
        if (len > 16) next.set(a.subarray(from, from + len), end);
        else for (let i = 0; i < len; i++) next[end + i] = a[from + i]; // most lists are tiny: no view object each
        l.off[t] = end;
        l.cap[t] = len;
        end += len;
      }
    }
    this.arena = next;
    this.arenaEnd = end;
    this.holes = 0;
  }

  remove(id: string): boolean {
    const doc = this.docOf.get(id);
    if (doc === undefined) return false;
    this.docOf.delete(id);
    this.docs[doc] = null;
    this.live--;
    for (let f = 0; f < this.fieldCount; f++) this.totalLen[f] -= this.lengths[f][doc];
    return true;
  }

  /** Number of postings of `term` in each field (dead documents included until compaction). */
  df(term: string): number[] {
    const tid = this.vocab.get(term);
    return this.lists.map((l) => (tid === undefined || tid >= l.len.length ? 0 : l.len[tid]));
  }

  /** The vocabulary in insertion order (append-only: term ids never change). */
  get vocabulary(): readonly string[] {
    return this.terms;
  }
  /** Document ids by document number (null: removed), as `forEachPosting` numbers them. */
  get documents(): readonly (string | null)[] {
    return this.docs;
  }
  /** Tokens of document number `doc` in field `f`. */
  documentLength(f: number, doc: number): number {
    return this.lengths[f][doc];
  }

  /** `fn(doc, tf)` for each posting of term number `term` in field `f`, documents ascending (tf capped at 255; removed documents included). */
  forEachPosting(f: number, term: number, fn: (doc: number, tf: number) => void): void {
    const l = this.lists[f];
    if (term >= l.len.length) return;
    for (let i = l.off[term], end = i + l.len[term]; i < end; i++) fn(this.arena[i] >>> TF_BITS, this.arena[i] & TF_MASK);
  }

  /**
   * BM25F top-k (boost-weighted tf summed over fields, then saturated once). `query[i]` is searched in `fields[i]` (all fields when undefined) with weight `weight[i]`;
   * the bit i of `matched` says which query terms a hit contains (at most 32 terms).
   */
  search(
    query: { term: string; weight: number; fields?: number[] }[],
    k: number,
    boost: FieldWeights,
    opts: { filter?: (id: string) => boolean; requireAll?: boolean; k1?: number; b?: number } = {},
  ): { id: string; score: number; matched: number }[] {
    const n = this.docs.length;
    if (!n || !this.live || k <= 0) return [];
    const k1 = opts.k1 ?? 1.2;
    const b = opts.b ?? 0.75;
    if (this.scores.length < n) {
      this.scores = new Float32Array(n * 2);
      this.masks = new Uint32Array(n * 2);
    }
    const scores = this.scores;
    const masks = this.masks;
    if (this.touchedBuf.length < n) {
      this.touchedBuf = new Int32Array(n * 2);
      this.termBuf = new Int32Array(n * 2);
    }
    const touched = this.touchedBuf;
    const termDocs = this.termBuf;
    let touchedLen = 0;
    const terms = query.slice(0, 32);
    const allFields = [...Array(this.fieldCount).keys()];
    // BM25F: per term, the boost-weighted, length-normalised tf is summed over fields first, then saturated
    // once with one idf — so a match in a boosted field cannot outweigh a rarer term by boost alone.
    const pseudo = this.pseudo.length >= n ? this.pseudo : (this.pseudo = new Float32Array(n * 2));
    terms.forEach((q, qi) => {
      const tid = this.vocab.get(q.term);
      if (tid === undefined) return;
      let df = 0;
      let termLen = 0;
      for (const f of q.fields ?? allFields) {
        const l = this.lists[f];
        const len = tid < l.len.length ? l.len[tid] : 0;
        const w = boost[f] ?? 1;
        if (!len || !w) continue;
        df = Math.max(df, len);
        const avg = this.totalLen[f] / this.live || 1;
        const lens = this.lengths[f];
        const data = this.arena;
        for (let i = l.off[tid], end = i + len; i < end; i++) {
          const p = data[i];
          const doc = p >>> TF_BITS;
          if (this.docs[doc] === null) continue;
          if (pseudo[doc] === 0) termDocs[termLen++] = doc;
          pseudo[doc] += (w * (p & TF_MASK)) / (1 - b + (b * lens[doc]) / avg);
        }
      }
      if (!termLen) return;
      const idf = Math.log(1 + (this.live - df + 0.5) / (df + 0.5));
      const scale = q.weight * idf * (k1 + 1);
      for (let j = 0; j < termLen; j++) {
        const doc = termDocs[j];
        const t = pseudo[doc];
        pseudo[doc] = 0;
        if (masks[doc] === 0) touched[touchedLen++] = doc;
        scores[doc] += (scale * t) / (k1 + t);
        masks[doc] |= 1 << qi;
      }
    });
    const all = terms.length >= 32 ? 0xffffffff : (1 << terms.length) - 1;
    // Equal scores rank by id (as the result is sorted), not by document number, which depends on past updates.
    const docs = this.docs;
    const top = new TopK(k, (a, c) => scores[a] < scores[c] || (scores[a] === scores[c] && docs[a]! > docs[c]!));
    for (let j = 0; j < touchedLen; j++) {
      const doc = touched[j];
      if (opts.requireAll && (masks[doc] & all) !== all) continue;
      if (opts.filter && !opts.filter(docs[doc]!)) continue;
      top.offer(doc);
    }
    const out = top.heap.map((doc) => ({ id: this.docs[doc]!, score: scores[doc], matched: masks[doc] }));
    for (let j = 0; j < touchedLen; j++) {
      scores[touched[j]] = 0;
      masks[touched[j]] = 0;
    }
    return out.sort((a, c) => c.score - a.score || (a.id < c.id ? -1 : 1));
  }

  /** Rewrites every list without dead documents, renumbering documents densely. */
  compact(): void {
    if (this.deadCount === 0) return;
    const remap = new Int32Array(this.docs.length).fill(-1);
    const docs: string[] = [];
    this.docs.forEach((id, old) => {
      if (id === null) return;
      remap[old] = docs.length;
      docs.push(id);
    });
    for (let f = 0; f < this.fieldCount; f++) {
      const lens = new Float32Array(Math.max(64, docs.length));
      this.docs.forEach((id, old) => {
        if (id !== null) lens[remap[old]] = this.lengths[f][old];
      });
      this.lengths[f] = lens;
      const l = this.lists[f];
      const a = this.arena;
      for (let t = 0; t < this.terms.length; t++) {
        const start = l.off[t];
        let w = start;
        for (let i = start, end = start + l.len[t]; i < end; i++) {
          const p = a[i];
          const nd = remap[p >>> TF_BITS];
          if (nd >= 0) a[w++] = (nd << TF_BITS) | (p & TF_MASK);
        }
        l.len[t] = w - start;
      }
    }
    this.pack();
    this.docs = docs;
    this.docOf.clear();
    docs.forEach((id, i) => this.docOf.set(id, i));
  }

  snapshot(): PostingsSnapshot {
    this.compact();
    const lists: PostingsSnapshot['lists'] = [];
    this.lists.forEach((l, field) => {
      for (let term = 0; term < this.terms.length; term++) {
        if (l.len[term]) lists.push({ field, term, postings: this.arena.subarray(l.off[term], l.off[term] + l.len[term]) });
      }
    });
    return { fields: this.fieldCount, terms: this.terms, docs: this.docs, lengths: this.lengths.map((l) => l.subarray(0, this.docs.length)), lists };
  }

  static restore(s: PostingsSnapshot): Postings {
    const p = new Postings(s.fields);
    s.terms.forEach((t, i) => {
      p.vocab.set(t, i);
      p.terms.push(t);
    });
    p.docs = s.docs;
    s.docs.forEach((id, i) => {
      if (id === null) return;
      p.docOf.set(id, i);
      p.live++;
    });
    for (let f = 0; f < s.fields; f++) {
      const lens = new Float32Array(Math.max(64, s.docs.length));
      lens.set(s.lengths[f]);
      p.lengths[f] = lens;
      s.docs.forEach((id, i) => {
        if (id !== null) p.totalLen[f] += lens[i];
      });
    }
    p.lists = p.lists.map(() => emptyLists(Math.max(1024, s.terms.length)));
    let total = 0;
    for (const { postings } of s.lists) total += postings.length;
    p.arena = new Int32Array(Math.max(1024, total));
    for (const { field, term, postings } of s.lists) {
      const l = p.lists[field];
      p.arena.set(postings, p.arenaEnd);
      l.off[term] = p.arenaEnd;
      l.len[term] = l.cap[term] = postings.length;
      p.arenaEnd += postings.length;
    }
    return p;
  }
}
