/**
 * The best `k` of a stream of numbered items by a strict order (`less(a, b)`: a ranks below b), kept in a bounded
 * min-heap: O(n log k), and no garbage beyond the heap itself (swaps by a temporary: a destructuring swap allocated
 * an array each, ~300 KB per long query in Postings.search).
 */
export class TopK {
  readonly heap: number[] = [];

  constructor(private readonly k: number, private readonly less: (a: number, b: number) => boolean) {}

  /** Offers an item; returns nothing (the heap holds the best k so far, unordered). */
  offer(item: number): void {
    const heap = this.heap;
    const less = this.less;
    if (this.k <= 0) return;
    if (heap.length < this.k) {
      heap.push(item);
      for (let i = heap.length - 1; i > 0; ) {
        const p = (i - 1) >> 1;
        if (!less(heap[i], heap[p])) break;
        const x = heap[i];
        heap[i] = heap[p];
        heap[p] = x;
        i = p;
      }
      return;
    }
    if (!less(heap[0], item)) return;
    heap[0] = item;
    for (let i = 0; ; ) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && less(heap[l], heap[m])) m = l;
      if (r < heap.length && less(heap[r], heap[m])) m = r;
      if (m === i) return;
      const x = heap[i];
      heap[i] = heap[m];
      heap[m] = x;
      i = m;
    }
  }
}
