/**
 * Many small sorted lists of numbers (a BM25 index's postings, one list per term) in one Float64Array, each list
 * addressed by its id through offset / length / capacity arrays. One JS array per list cost the file-grain index
 * (search/bm25.ts) 235k arrays and ~56 MB of heap at 105k chunks (8.5k files), a quarter of the extension host's
 * heap for the collector to walk (bench/RESULTS.md, session 46). A list that outgrows its room moves to the arena's
 * end with twice the room; once holes are half the arena, the lists are packed again.
 */
export class ListArena {
  private data = new Float64Array(1024);
  private end = 0;
  private holes = 0;
  private off = new Int32Array(64);
  private len = new Int32Array(64);
  private cap = new Int32Array(64);

  /** The numbers of list `id` are `numbers[offset(id)]` … `numbers[offset(id) + length(id) − 1]`. */
  get numbers(): Float64Array {
    return this.data;
  }

  offset(id: number): number {
    return id < this.off.length ? this.off[id] : 0;
  }

  length(id: number): number {
    return id < this.len.length ? this.len[id] : 0;
  }

  /** Appends `v` to list `id`. */
  push(id: number, v: number): void {
    this.room(id);
    this.data[this.off[id] + this.len[id]++] = v;
  }

  /** Inserts `v` into list `id` (kept ascending) before the first number not below it; gives where. */
  insertSorted(id: number, v: number): number {
    this.room(id);
    const at = this.lowerBound(id, v);
    const o = this.off[id];
    this.data.copyWithin(o + at + 1, o + at, o + this.len[id]);
    this.data[o + at] = v;
    this.len[id]++;
    return at;
  }

  /** First position of list `id` (ascending) whose number is ≥ v. */
  lowerBound(id: number, v: number): number {
    const a = this.data;
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
    const o = this.off[id];
    this.data.copyWithin(o + at, o + at + 1, o + this.len[id]);
    if (--this.len[id] === 0) {
      this.holes += this.cap[id];
      this.cap[id] = 0;
    }
  }

  /** Every list empty, and the arena back to its first size. */
  clear(): void {
    this.data = new Float64Array(1024);
    this.end = this.holes = 0;
    this.off.fill(0);
    this.len.fill(0);
    this.cap.fill(0);
  }

  /** Room in list `id` for one more number: moved to the arena's end with twice its room when it is full. */
  private room(id: number): void {
    if (id >= this.off.length) this.growIds(id + 1);
    const len = this.len[id];
    if (len < this.cap[id]) return;
    const cap = Math.max(1, len * 2);
    if (this.end + cap > this.data.length && this.holes > this.end / 2) this.pack();
    const atEnd = len > 0 && this.off[id] + len === this.end;
    this.reserve(this.end + (atEnd ? cap - len : cap));
    if (atEnd) {
      this.end += cap - len; // the last list grows in place
    } else {
      this.data.copyWithin(this.end, this.off[id], this.off[id] + len);
      this.holes += this.cap[id];
      this.off[id] = this.end;
      this.end += cap;
    }
    this.cap[id] = cap;
  }

  private reserve(slots: number): void {
    if (slots <= this.data.length) return;
    const next = new Float64Array(Math.max(slots, Math.ceil(this.data.length * 1.5)));
    next.set(this.data.subarray(0, this.end));
    this.data = next;
  }

  private growIds(n: number): void {
    const size = Math.max(n, this.off.length * 2);
    const grow = (a: Int32Array) => {
      const g = new Int32Array(size);
      g.set(a);
      return g;
    };
    this.off = grow(this.off);
    this.len = grow(this.len);
    this.cap = grow(this.cap);
  }

  /** Rewrites the arena with every list packed (capacity = length), in id order: no holes, no spare room. */
  private pack(): void {
    let total = 0;
    for (let i = 0; i < this.len.length; i++) total += this.len[i];
    const next = new Float64Array(Math.max(1024, total));
    let end = 0;
    const a = this.data;
    for (let i = 0; i < this.len.length; i++) {
      const n = this.len[i];
      for (let j = 0, from = this.off[i]; j < n; j++) next[end + j] = a[from + j]; // most lists are tiny: no view each
      this.off[i] = end;
      this.cap[i] = n;
      end += n;
    }
    this.data = next;
    this.end = end;
    this.holes = 0;
  }
}
