/**
 * Numbers worked out once per object and kept for the queries that follow (a chunk's code words for the translation
 * features, its declaration line's name parts): every object's run of numbers end to end in one growing Uint32Array,
 * and one small integer per object (where its run starts) in a WeakMap. At 105k chunks, one small array per chunk
 * held by a WeakMap (as both were kept until session 46) made the JS heap 35 MB larger after the warm-up's priming
 * (262 → 227 MB) and each full collection of it ~65 ms longer (~228 → ~163 ms); an integer per object costs the
 * collector next to nothing (bench/RESULTS.md, session 46).
 *
 * A run is never freed on its own (an edited file's chunks are new objects; their old runs stay in the array). So
 * the array starts over once it holds twice what it held after the last priming (`endPriming`), or `floor` numbers
 * if it was never primed; then each object's run is worked out again when it is next asked for.
 */
import { forEachInSlices } from './slices';

export class RunArena<K extends object> {
  private data = new Uint32Array(1 << 12);
  private used = 0;
  private at = new WeakMap<K, number>();
  private limit: number;
  /** Primings under way (two may overlap: each yields between slices). */
  private priming = 0;
  /** Runs worked out so far (for tests and statistics). */
  made = 0;

  constructor(private readonly floor = 1 << 22) {
    this.limit = floor;
  }

  /**
   * Where `key`'s run starts in `numbers`: its length is at that index and the run follows. `make` works it out the
   * first time. The array may be replaced by the next call: read `numbers` after this one.
   */
  offset(key: K, make: (key: K) => ArrayLike<number>): number {
    const hit = this.at.get(key);
    if (hit !== undefined) return hit;
    const run = make(key);
    this.made++;
    const need = run.length + 1;
    if (!this.priming && this.used + need > this.limit) this.clear();
    if (this.used + need > this.data.length) {
      const grown = new Uint32Array(Math.max(2 * this.data.length, this.used + need));
      grown.set(this.data.subarray(0, this.used));
      this.data = grown;
    }
    const at = this.used;
    this.data[at] = run.length;
    this.data.set(run, at + 1);
    this.used += need;
    this.at.set(key, at);
    return at;
  }

  /** Forgets every run (what they were made of has changed): each is worked out again when next asked for. */
  clear(): void {
    this.data = new Uint32Array(1 << 12);
    this.used = 0;
    this.at = new WeakMap();
  }

  get numbers(): Uint32Array {
    return this.data;
  }

  /** Numbers held, stale runs included. */
  get size(): number {
    return this.used;
  }

  /**
   * Works out the runs of all `keys` ahead of their first query, yielding every `slice` keys (`forEachInSlices`);
   * what it holds at the end counts as live (`endPriming`).
   */
  async prime(keys: Iterable<K>, make: (key: K) => ArrayLike<number>, slice: number, signal?: AbortSignal): Promise<void> {
    this.startPriming();
    try {
      await forEachInSlices(keys, (k) => this.offset(k, make), slice, signal);
    } finally {
      this.endPriming();
    }
  }

  /** From now until `endPriming`, the array does not start over however much it holds (the whole index is being primed). */
  startPriming(): void {
    this.priming++;
  }

  /** What is held now is what is live: the array may grow to twice this before it starts over. */
  endPriming(): void {
    this.priming = Math.max(0, this.priming - 1);
    this.limit = Math.max(this.floor, 2 * this.used);
  }
}
