/**
 * Many small sorted lists of numbers (a BM25 index's postings, one list per term) in one Float64Array, each list
 * addressed by its id through offset / length / capacity arrays. One JS array per list cost the file-grain index
 * (search/bm25.ts) 235k arrays and ~56 MB of heap at 105k chunks (8.5k files), a quarter of the extension host's
 * heap for the collector to walk (bench/RESULTS.md, session 46). A list that outgrows its room moves to the arena's
 * end with twice the room; once holes are half the arena, the lists are packed again (`growList`, which the lexical
 * index's per-field lists, index/postings.ts, use too).
 */

/** Offset, length and capacity of each list of an arena, by list id. */
export interface ListSlots {
  off: Int32Array;
  len: Int32Array;
  cap: Int32Array;
}

/** An arena of lists as `growList` sees it. */
export interface ListSpace {
  readonly arena: { readonly length: number; copyWithin(target: number, start: number, end?: number): unknown };
  /** Slots in use (live lists' room plus holes). */
  arenaEnd: number;
  /** Slots left behind by lists that moved. */
  holes: number;
  /** Makes the arena at least `slots` long, keeping what is in use. */
  reserve(slots: number): void;
  /** Rewrites the arena with every list packed: no holes, no spare room. */
  pack(): void;
}

/**
 * Room for one more number in the full list `id`: it moves to the arena's end with twice the room (the last list
 * grows in place), after packing every list when the arena is out of room and mostly holes.
 */
export function growList(space: ListSpace, l: ListSlots, id: number): void {
  const len = l.len[id];
  const cap = Math.max(1, len * 2);
  if (space.arenaEnd + cap > space.arena.length && space.holes > space.arenaEnd / 2) space.pack();
  const atEnd = len > 0 && l.off[id] + len === space.arenaEnd;
  space.reserve(space.arenaEnd + (atEnd ? cap - len : cap));
  if (atEnd) {
    space.arenaEnd += cap - len;
  } else {
    space.arena.copyWithin(space.arenaEnd, l.off[id], l.off[id] + len);
    space.holes += l.cap[id];
    l.off[id] = space.arenaEnd;
    space.arenaEnd += cap;
  }
  l.cap[id] = cap;
}

/** Sorted lists of numbers by id, in one Float64Array (numbers past int32 fit: bm25.ts packs doc · 2^20 + tf). */
export class ListArena implements ListSpace {
  arena = new Float64Array(1024);
  arenaEnd = 0;
  holes = 0;
  private l: ListSlots = { off: new Int32Array(64), len: new Int32Array(64), cap: new Int32Array(64) };

  /** The numbers of list `id` are `numbers[offset(id)]` … `numbers[offset(id) + length(id) − 1]`. */
  get numbers(): Float64Array {
    return this.arena;
  }

  offset(id: number): number {
    return id < this.l.off.length ? this.l.off[id] : 0;
  }

  length(id: number): number {
    return id < this.l.len.length ? this.l.len[id] : 0;
  }

  /** Appends `v` to list `id`. */
  push(id: number, v: number): void {
    this.room(id);
    this.arena[this.l.off[id] + this.l.len[id]++] = v;
  }

  /** Inserts `v` into list `id` (kept ascending) before the first number not below it; gives where. */
  insertSorted(id: number, v: number): number {
    this.room(id);
    const at = this.lowerBound(id, v);
    const o = this.l.off[id];
    this.arena.copyWithin(o + at + 1, o + at, o + this.l.len[id]);
    this.arena[o + at] = v;
    this.l.len[id]++;
    return at;
  }

  /** First position of list `id` (ascending) whose number is ≥ v. */
  lowerBound(id: number, v: number): number {
    const a = this.arena;
    const o = this.offset(id);
    let lo = 0;
    let hi = this.length(id);
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (a[o + mid] < v) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Removes the number at position `at` of list `id`. A list left empty gives up its room (a hole until packed). */
  removeAt(id: number, at: number): void {
    const { off, len, cap } = this.l;
    this.arena.copyWithin(off[id] + at, off[id] + at + 1, off[id] + len[id]);
    if (--len[id] === 0) {
      this.holes += cap[id];
      cap[id] = 0;
    }
  }

  /** Every list empty, and the arena back to its first size. */
  clear(): void {
    this.arena = new Float64Array(1024);
    this.arenaEnd = this.holes = 0;
    this.l = { off: new Int32Array(64), len: new Int32Array(64), cap: new Int32Array(64) };
  }

  reserve(slots: number): void {
    if (slots <= this.arena.length) return;
    const next = new Float64Array(Math.max(slots, Math.ceil(this.arena.length * 1.5)));
    next.set(this.arena.subarray(0, this.arenaEnd));
    this.arena = next;
  }

  /** Every list packed (capacity = length) in id order. */
  pack(): void {
    const { off, len, cap } = this.l;
    let total = 0;
    for (let i = 0; i < len.length; i++) total += len[i];
    const next = new Float64Array(Math.max(1024, total));
    let end = 0;
    const a = this.arena;
    for (let i = 0; i < len.length; i++) {
      const n = len[i];
      for (let j = 0, from = off[i]; j < n; j++) next[end + j] = a[from + j]; // most lists are tiny: no view each
      off[i] = end;
      cap[i] = n;
      end += n;
    }
    this.arena = next;
    this.arenaEnd = end;
    this.holes = 0;
  }

  /** Room in list `id` for one more number. */
  private room(id: number): void {
    if (id >= this.l.off.length) {
      const size = Math.max(id + 1, this.l.off.length * 2);
      const grow = (a: Int32Array) => {
        const g = new Int32Array(size);
        g.set(a);
        return g;
      };
      this.l = { off: grow(this.l.off), len: grow(this.l.len), cap: grow(this.l.cap) };
    }
    if (this.l.len[id] === this.l.cap[id]) growList(this, this.l, id);
  }
}
