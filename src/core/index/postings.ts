/**
 * A compact BM25F inverted index over a fixed set of fields, with typed-array posting lists.
 *
 * Why not a general full-text library: MiniSearch, measured on django (48k chunks), spent ~13 s of a 32 s cold
 * index in its radix tree and garbage collection, took ~435 MB of heap per 100k chunks, and visits every
 * posting of every query term with no top-k cut. Code search needs exact-token postings only (the tokenizer
 * already splits identifiers), so a flat vocabulary (Map) plus one posting list per (field, term) is enough:
 * each posting packs `doc << 8 | min(tf, 255)`.
 *
 * The lists live in one shared Int32Array (an arena) addressed by per-field offset/length/capacity arrays, not one
 * typed array per list: at 105k chunks there are ~470k lists, 58% with one posting, and a typed array apiece cost
 * ~150 MB of heap for ~31 MB of postings (bench/memory.ts); saving and loading make no object per list either. A
 * list that outgrows its room moves to the arena's end with twice the room; `compact()` reclaims the holes.
 *
 * Documents are numbered in insertion order; removal marks a document dead (its postings are skipped and its
 * lengths leave the averages) and `compact()` rewrites the lists without dead documents, renumbering.
 */
import { growList, type ListSlots, type ListSpace } from './listArena';
import { TopK } from './topK';
import { higherFirst } from '../order';

const TF_BITS = 8;
export const TF_MASK = (1 << TF_BITS) - 1; // also the largest tf a posting holds
const MAX_DOCS = 2 ** (31 - TF_BITS); // 8.4M live + dead documents between compactions

export interface FieldWeights {
  readonly [field: number]: number;
}

/** Per field: where each term's list lives in the arena (indexed by term id; cap 0 = no list). */
type FieldLists = ListSlots;

const emptyLists = (n: number): FieldLists => ({ off: new Int32Array(n), len: new Int32Array(n), cap: new Int32Array(n) });

/** The index in flat arrays (what `LexicalIndex.save` writes): no object per list (over a million at 200k chunks). */
export interface PostingsImage {
  fields: number;
  terms: string[];
  docs: (string | null)[];
  /** Per field: document lengths (Float32, dead documents included). */
  lengths: Float32Array[];
  /** (field, termIndex, count) of each non-empty list, field by field, terms in id order. */
  meta: Int32Array;
  /** The lists' packed postings back to back, in `meta`'s order. */
  postings: Int32Array;
}

export class Postings {
  private readonly vocab = new Map<string, number>();
  private readonly terms: string[] = [];
  /** lists[field]: offset/length/capacity of each term's postings in `arena`. */
  private lists: FieldLists[];
  private arena: Int32Array = new Int32Array(1024);
  /** Arena slots in use (live lists' capacity plus holes). */
  private arenaEnd = 0;
  /** Slots of the arena left behind by lists that moved. */
  private holes = 0;
  /** Every list in `pack` order with no spare room: the arena's start is `image`'s postings as they are. */
  private packed = true;
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
    this.packed = false;
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

  /** Appends a posting to the (field, term) list, moving the list to the arena's end when it is full (listArena.ts). */
  private push(f: number, tid: number, v: number): void {
    if (tid >= this.lists[f].off.length) this.growTerms(tid + 1);
    const l = this.lists[f];
    const len = l.len[tid];
    if (len === l.cap[tid]) growList(this.space, l, tid);
    this.arena[l.off[tid] + len] = v;
    l.len[tid] = len + 1;
  }

  /** This index's arena as `growList` sees it (its lists' room: which `pack` rewrites). */
  private readonly space: ListSpace = ((self: Postings) => ({
    get arena() {
      return self.arena;
    },
    get arenaEnd() {
      return self.arenaEnd;
    },
    set arenaEnd(n: number) {
      self.arenaEnd = n;
    },
    get holes() {
      return self.holes;
    },
    set holes(n: number) {
      self.holes = n;
    },
    reserve: (slots: number) => self.reserve(slots),
    pack: () => self.pack(),
  }))(this);

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
    this.packed = true;
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
      [this.scores, this.pseudo, this.masks] = [new Float32Array(n * 2), new Float32Array(n * 2), new Uint32Array(n * 2)];
      [this.touchedBuf, this.termBuf] = [new Int32Array(n * 2), new Int32Array(n * 2)];
    }
    const { scores, pseudo, masks, touchedBuf: touched, termBuf: termDocs } = this;
    let touchedLen = 0;
    const terms = query.slice(0, 32);
    const allFields = [...Array(this.fieldCount).keys()];
    // BM25F: per term, the boost-weighted, length-normalised tf is summed over fields first, then saturated
    // once with one idf — so a match in a boosted field cannot outweigh a rarer term by boost alone.
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
    return out.sort((a, c) => higherFirst(a.score, c.score) || (a.id < c.id ? -1 : 1));
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

  /** The index as a `PostingsImage`, packed first (dead documents dropped, lists in order): views, not copies. */
  image(): PostingsImage {
    this.compact();
    if (!this.packed) this.pack();
    const meta: number[] = [];
    this.lists.forEach((l, field) => {
      for (let term = 0; term < this.terms.length; term++) if (l.len[term]) meta.push(field, term, l.len[term]);
    });
    const lengths = this.lengths.map((l) => l.subarray(0, this.docs.length));
    return { fields: this.fieldCount, terms: this.terms, docs: this.docs, lengths, meta: Int32Array.from(meta), postings: this.arena.subarray(0, this.arenaEnd) };
  }

  /** The index an image holds; it takes `postings` as its own. Throws when `meta` and `postings` disagree. */
  static fromImage(s: PostingsImage): Postings {
    const p = new Postings(s.fields);
    for (const t of s.terms) p.vocab.set(t, p.terms.push(t) - 1);
    p.docs = s.docs;
    p.lengths = s.lengths.map((l) => Float32Array.from({ length: Math.max(64, s.docs.length) }, (_, i) => l[i] ?? 0));
    s.docs.forEach((id, i) => {
      if (id === null) return;
      p.docOf.set(id, i);
      p.live++;
      for (let f = 0; f < s.fields; f++) p.totalLen[f] += p.lengths[f][i];
    });
    p.lists = p.lists.map(() => emptyLists(Math.max(1024, s.terms.length)));
    let end = 0;
    for (let i = 0; i < s.meta.length; i += 3) {
      const field = s.meta[i];
      const term = s.meta[i + 1];
      const n = s.meta[i + 2];
      const l = p.lists[field];
      const inOrder = i === 0 || field > s.meta[i - 3] || (field === s.meta[i - 3] && term > s.meta[i - 2]);
      if (!l || !inOrder || !(term >= 0 && term < s.terms.length) || !(n > 0) || end + n > s.postings.length) {
        throw new Error(`posting list ${i / 3} (field ${field}, term ${term}, ${n} postings) is out of order or does not fit`);
      }
      l.off[term] = end;
      l.len[term] = l.cap[term] = n;
      end += n;
    }
    if (end !== s.postings.length) throw new Error(`${s.postings.length - end} postings belong to no list`);
    p.arena = s.postings;
    p.arenaEnd = end;
    p.packed = true;
    return p;
  }
}
