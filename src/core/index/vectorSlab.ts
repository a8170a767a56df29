/**
 * In-memory packed vectors for brute-force search: one contiguous int8 slab (a row per chunk, rows padded to a
 * multiple of 16 bytes) with a power-of-two scale per row, scored against an i16-quantized query by a
 * hand-assembled WebAssembly SIMD kernel (i32x4.dot_i16x8_s, two accumulators); engines without Wasm SIMD get
 * an unrolled JS loop on the same layout with the same integer arithmetic, so both give identical scores.
 * int8 holds a quarter of float32's bytes (~40 MB per 100k×384) and the scan reads a quarter of the memory;
 * on the docstring set, rounding the stored vectors to int8 moved no measurable quality (bench/RESULTS.md).
 *
 * The slab lives in a shared WebAssembly.Memory where the engine allows it. Once it holds 16,384 rows a scan thread
 * (scanWorker.ts) scores blocks of rows while the caller does other work, and the caller claims the blocks left when
 * it collects (scanKernel.ts has the protocol). Both run the same kernel, so the scores are the same integers.
 *
 * Rows of removed vectors go on a free list and are reused, so the slab never holds more rows than the peak
 * number of live vectors. This is a search cache only: persistence is the VectorStore's (vectra) business,
 * which stores the dequantized vectors (exact in float32) and gets the same rows back on load.
 */

import type { Worker } from 'node:worker_threads';
import { claimBlocks, claimTag, CTL, CTL_BYTES, instantiateKernel, type Kernel, MAX_BLOCKS, MAX_PAGES, PAGE, scanWorkerScript, simdModule, startScanThread, Wasm, type WasmMemory } from './scanKernel';

const BLOCK_ROWS = 4096; // rows per claim of a scan

/**
 * The power-of-two scale that maps `maxAbs` into ±127 with the most precision: the smallest 2^e with
 * maxAbs / 2^e ≤ 127. A power of two makes quantization idempotent: q·2^e is exact in float32 and its largest
 * |q| is ≥ 64, so quantizing a dequantized vector gives back the same q and scale (a vector read back from disk
 * or reused for an unchanged chunk is bit-for-bit what a fresh build stores).
 */
export function int8Scale(maxAbs: number): number {
  if (!(maxAbs > 0)) return 0;
  let e = Math.ceil(Math.log2(maxAbs / 127));
  while (maxAbs / 2 ** e > 127) e++;
  while (maxAbs / 2 ** (e - 1) <= 127) e--;
  return 2 ** e;
}

export interface SlabHit {
  id: string;
  score: number;
}

/** A scan begun and not yet collected (at most one per slab). */
interface Scan {
  job: number;
  /** The query's quantization step: a row's score is its i32 sum × its scale × qs. */
  qs: number;
}

/** A scan under way: `collect` waits for its blocks and picks the top `k`. */
export interface PendingSearch {
  collect(): { hits: SlabHit[]; scoreOf: (row: number) => number };
}

export interface SlabOptions {
  /** false: the JS loop instead of the Wasm SIMD kernel (tests; engines without Wasm SIMD get it anyway). */
  simd?: boolean;
  /** false: never start the scan thread. */
  parallel?: boolean;
  /** The scan thread starts once the slab has this many rows (default 16,384: a smaller scan takes under a millisecond). */
  parallelMinRows?: number;
}

export class VectorSlab {
  readonly stride: number;
  private readonly headerBytes: number;
  private mem: WasmMemory | undefined;
  private kernel: Kernel;
  private shared = false;
  private data!: Int8Array; // all rows, capacity × stride
  private scale = new Float32Array(0); // per row: the vector is data[row] · scale[row]
  private query!: Int16Array;
  /** Every row's i32 score from the last scan (in the Wasm memory after the rows, which grow into it). */
  private scores!: Int32Array;
  /** The scan's control block (scanKernel.ts CTL), after the query in the Wasm memory. */
  private ctl!: Int32Array;
  /** Largest |query element|: keeps Σ |q·row| of a whole row inside i32 (127 · QMAX · stride < 2^31). */
  private readonly qMax: number;
  private capacity = 0;
  private high = 0; // rows ever used (live + free)
  /** Bumped by every add, remove and scan begun: the scores of the last scan are valid while it is unchanged. */
  private version = 0;
  private readonly ids: (string | undefined)[] = [];
  private readonly free: number[] = [];
  private job = 0;
  private scan: Scan | undefined;
  private worker: Worker | undefined;
  private workerFailed: boolean;
  private readonly parallelMinRows: number;

  constructor(readonly dim: number, opts: SlabOptions = {}) {
    // Past 65,536 dimensions the i16 query would keep under 8 bits to stay inside i32 sums; no embedder is that wide.
    if (!Number.isInteger(dim) || dim < 1 || dim > 65536) throw new RangeError(`bad dimension ${dim}`);
    this.stride = Math.ceil(dim / 16) * 16;
    this.qMax = Math.min(32767, Math.floor((2 ** 31 - 1) / (127 * this.stride)));
    this.headerBytes = Math.ceil((this.stride * 2 + CTL_BYTES) / PAGE) * PAGE;
    this.parallelMinRows = opts.parallelMinRows ?? 16384;
    this.workerFailed = opts.parallel === false || !scanWorkerScript();
    let kernel: Kernel | undefined;
    if (opts.simd !== false && Wasm) {
      const initial = this.headerBytes / PAGE;
      const shared = this.workerFailed ? null : simdModule(true);
      try {
        // A shared memory lets the scan thread score rows in place; the engine reserves its maximum up front.
        if (shared) this.mem = new Wasm.Memory({ initial, maximum: MAX_PAGES, shared: true });
      } catch {
        this.mem = undefined;
      }
      this.shared = !!this.mem;
      const mod = this.mem ? shared : simdModule(false);
      if (mod && !this.mem) this.mem = new Wasm.Memory({ initial });
      if (mod) kernel = instantiateKernel(mod, this.mem!);
    }
    if (!this.shared) this.workerFailed = true;
    this.kernel = kernel ?? this.jsKernel;
    if (!this.mem) this.ctl = new Int32Array(CTL_BYTES / 4);
    this.grow(1024);
  }

  get usesSimd(): boolean {
    return this.mem !== undefined;
  }
  get size(): number {
    return this.high - this.free.length;
  }
  /** Whether the scan thread is running, and how many blocks it has scored (tests, measurement). */
  get scanThread(): { running: boolean; blocks: number } {
    return { running: this.worker !== undefined, blocks: Atomics.load(this.ctl, CTL.WORKER_BLOCKS) };
  }

  private grow(minRows: number): void {
    this.settle(); // the scores move
    const cap = Math.max(minRows, Math.ceil(this.capacity * 1.25), 1024);
    if (this.mem) {
      const need = this.headerBytes + cap * (this.stride + 4);
      const have = this.mem.buffer.byteLength;
      if (need > have) this.mem.grow(Math.ceil((need - have) / PAGE));
      const buf = this.mem.buffer;
      // Growing detaches a memory that is not shared: every view is made again (the contents stay).
      this.query = new Int16Array(buf, 0, this.stride);
      this.ctl = new Int32Array(buf, this.stride * 2, CTL_BYTES / 4);
      this.data = new Int8Array(buf, this.headerBytes, cap * this.stride);
      this.scores = new Int32Array(buf, this.headerBytes + cap * this.stride, cap);
    } else {
      const next = new Int8Array(cap * this.stride);
      if (this.data) next.set(this.data);
      this.data = next;
      this.query = new Int16Array(this.stride);
      this.scores = new Int32Array(cap);
    }
    const scale = new Float32Array(cap);
    scale.set(this.scale);
    this.scale = scale;
    this.capacity = cap;
  }

  /** Stores `vec` under `id`, quantized to int8 with a power-of-two scale (`int8Scale`); returns its row. */
  add(id: string, vec: ArrayLike<number>): number {
    if (vec.length !== this.dim) throw new RangeError(`vector of length ${vec.length}, store dimension ${this.dim}`);
    let maxAbs = 0;
    for (let i = 0; i < this.dim; i++) maxAbs = Math.max(maxAbs, Math.abs(vec[i]));
    if (!Number.isFinite(maxAbs)) throw new RangeError('vector has a non-finite element');
    this.settle(); // a scan under way reads the rows
    let row = this.free.pop();
    if (row === undefined) {
      if (this.high >= this.capacity) this.grow(this.high + 1);
      row = this.high++;
    }
    const off = row * this.stride;
    const s = int8Scale(maxAbs);
    const d = this.data;
    for (let i = 0; i < this.dim; i++) d[off + i] = s ? Math.max(-127, Math.min(127, Math.round(vec[i] / s))) : 0;
    if (this.stride !== this.dim) d.fill(0, off + this.dim, off + this.stride);
    this.scale[row] = s;
    this.ids[row] = id;
    this.version++;
    return row;
  }

  remove(row: number): void {
    if (this.ids[row] === undefined) return;
    this.settle();
    this.version++;
    this.ids[row] = undefined;
    this.free.push(row);
  }

  /**
   * A row's integer score for a quantized query `q` (`stride` elements): the sum the kernel adds, exact (it fits an
   * i32). The JS kernel's arithmetic, and how a kept score is computed again after another scan has begun.
   */
  private rowDot(q: Int16Array, row: number): number {
    const d = this.data;
    const b = row * this.stride;
    let a0 = 0, a1 = 0, a2 = 0, a3 = 0;
    for (let j = 0; j < this.stride; j += 4) {
      a0 += q[j] * d[b + j];
      a1 += q[j + 1] * d[b + j + 1];
      a2 += q[j + 2] * d[b + j + 2];
      a3 += q[j + 3] * d[b + j + 3];
    }
    return a0 + a1 + a2 + a3;
  }

  /** The row's vector, dequantized (exact: int8 times a power of two). */
  get(row: number): Float32Array {
    const out = new Float32Array(this.dim);
    const off = row * this.stride;
    const s = this.scale[row];
    for (let i = 0; i < this.dim; i++) out[i] = this.data[off + i] * s;
    return out;
  }

  /** The row's vector as a plain array (what vectra items hold). */
  toArray(row: number): number[] {
    // The same values as get() (int8 × a power of two is exact in float32 and in double), without the
    // Float32Array and Array.from's iteration: 4.6× faster, and it runs for every chunk of every shard written.
    const out: number[] = [];
    const d = this.data;
    const off = row * this.stride;
    const s = this.scale[row];
    for (let i = 0; i < this.dim; i++) out.push(d[off + i] * s);
    return out;
  }

  /**
   * `search`, also keeping every row's score, which the scan computes anyway: `scoreOf(row)` then costs a lookup
   * instead of a dot product (and computes it again, the same way, once the slab has changed or another search has begun).
   */
  searchWithScores(q: ArrayLike<number>, k: number): { hits: SlabHit[]; scoreOf: (row: number) => number } {
    return this.beginSearchWithScores(q, k).collect();
  }

  /**
   * Begins `searchWithScores`: the scan thread (if the slab is large enough to have one) starts on the rows at
   * once, and the caller's thread joins in when it collects. The caller can do other work in between. A change
   * to the slab before `collect` (add, remove, or another search begun) makes `collect` scan again, so the result
   * is always that of the slab as it is when collected.
   */
  beginSearchWithScores(q: ArrayLike<number>, k: number): PendingSearch {
    let scan = this.begin(q);
    return {
      collect: () => {
        if (scan !== this.scan) scan = this.begin(q);
        this.settle();
        const { version, scores, scale } = this;
        const qs = scan.qs;
        const hits = this.select(qs, k);
        const qi = this.query.slice();
        // A row's score as the scan computed it, rounded to float32 (the features were fitted on scores kept in a
        // Float32Array), while the scores are this scan's: the next scan, or a change to the slab, bumps the version.
        // After that the row's score is computed again, the same way, so a query's scores do not depend on whether
        // another query ran meanwhile (a float dot product differs from the scan's by up to 1e-4).
        return {
          hits,
          scoreOf: (row: number) =>
            Math.fround(this.version === version ? scores[row] * scale[row] * qs : this.rowDot(qi, row) * this.scale[row] * qs),
        };
      },
    };
  }

  /**
   * Top `k` rows by dot product with `q` (cosine for unit vectors), best first; `filter` is only asked about
   * contenders. The query is quantized to i16 (relative error ~1/QMAX of its largest element), so scores are
   * within ~1e-4 of the float dot product with the stored vectors.
   */
  search(q: ArrayLike<number>, k: number, filter?: (id: string) => boolean): SlabHit[] {
    const { qs } = this.begin(q);
    this.settle();
    return this.select(qs, k, filter);
  }

  /** Stops the scan thread. The slab stays usable (on the caller's thread alone). */
  dispose(): void {
    this.settle();
    this.stopWorker();
  }

  private stopWorker(): void {
    this.workerFailed = true;
    const w = this.worker;
    this.worker = undefined;
    if (!w) return;
    Atomics.store(this.ctl, CTL.STOP, 1);
    Atomics.notify(this.ctl, CTL.JOB);
    void w.terminate();
  }

  /** Quantizes `q` into the shared query buffer and starts a job over every row; wakes the scan thread. */
  private begin(q: ArrayLike<number>): Scan {
    if (q.length !== this.dim) throw new RangeError(`query of length ${q.length}, store dimension ${this.dim}`);
    this.settle(); // the query buffer and the scores are the last job's until it is done
    this.version++; // the last scan's scores are about to be overwritten
    let maxAbs = 0;
    for (let i = 0; i < this.dim; i++) maxAbs = Math.max(maxAbs, Math.abs(q[i]));
    const qs = maxAbs > 0 && Number.isFinite(maxAbs) ? maxAbs / this.qMax : 0;
    for (let i = 0; i < this.dim; i++) this.query[i] = qs ? Math.round(q[i] / qs) : 0;
    this.query.fill(0, this.dim);
    const ctl = this.ctl;
    const per = Math.max(BLOCK_ROWS, Math.ceil(this.high / MAX_BLOCKS));
    const job = (this.job = (this.job + 1) & 0x7fffffff);
    // Nothing is claimable under the new number until its parameters are written (scanKernel.ts claimBlocks).
    Atomics.store(ctl, CTL.CLAIM, claimTag(job) | 0xffff);
    Atomics.store(ctl, CTL.BLOCKS, Math.ceil(this.high / per));
    Atomics.store(ctl, CTL.BASE, this.headerBytes);
    Atomics.store(ctl, CTL.STRIDE, this.stride);
    Atomics.store(ctl, CTL.OUT, this.headerBytes + this.capacity * this.stride);
    Atomics.store(ctl, CTL.ROWS, this.high);
    Atomics.store(ctl, CTL.BLOCK_ROWS, per);
    Atomics.store(ctl, CTL.QUERY, 0);
    Atomics.store(ctl, CTL.DONE, 0);
    Atomics.store(ctl, CTL.CLAIM, claimTag(job));
    Atomics.store(ctl, CTL.JOB, job);
    if (this.high >= this.parallelMinRows && !this.workerFailed && !this.worker) this.startWorker();
    if (this.worker) Atomics.notify(ctl, CTL.JOB);
    return (this.scan = { job, qs });
  }

  /** Finishes the job under way, if any: claims what is left, then waits for the scan thread's last blocks. */
  private settle(): void {
    const scan = this.scan;
    if (!scan) return;
    const ctl = this.ctl;
    claimBlocks(ctl, scan.job, this.kernel);
    const blocks = Atomics.load(ctl, CTL.BLOCKS);
    const deadline = performance.now() + 2000;
    for (let done = Atomics.load(ctl, CTL.DONE); done < blocks; done = Atomics.load(ctl, CTL.DONE)) {
      if (performance.now() > deadline) {
        // A scan thread that stops mid-block (never seen): drop it, and score every row here.
        this.stopWorker();
        this.kernel(0, this.headerBytes, this.high, this.stride, this.headerBytes + this.capacity * this.stride);
        break;
      }
      try {
        Atomics.wait(ctl, CTL.DONE, done, 5); // a block takes ~0.2 ms; the thread notifies when the last is done
      } catch {
        // A thread that may not block (a browser's main thread; Node's may): the loop spins on the count instead.
      }
    }
    this.scan = undefined;
  }

  private startWorker(): void {
    this.worker = startScanThread(this.mem!, this.stride * 2, (w) => {
      if (this.worker === w) this.stopWorker();
    });
    if (!this.worker) this.workerFailed = true;
  }

  /** The top `k` of the last scan's scores (see `search`). */
  private select(qs: number, k: number, filter?: (id: string) => boolean): SlabHit[] {
    k = Math.floor(k);
    if (k <= 0 || this.size === 0) return [];
    const topScore = new Float64Array(k);
    const topRow = new Int32Array(k);
    const { scale, scores, ids } = this;
    let n = 0;
    for (let row = 0; row < this.high; row++) {
      const s = scores[row] * scale[row] * qs;
      if (n === k ? !(s >= topScore[k - 1]) : s !== s) continue;
      const id = ids[row];
      if (id === undefined || (filter && !filter(id))) continue;
      // Equal scores (equal vectors: int8 makes them common) rank by id, so rows, which depend on the order of
      // past updates, never decide a ranking.
      if (n === k && s === topScore[k - 1] && id > ids[topRow[k - 1]]!) continue;
      let j = n < k ? n++ : k - 1;
      while (j > 0 && (topScore[j - 1] < s || (topScore[j - 1] === s && ids[topRow[j - 1]]! > id))) {
        topScore[j] = topScore[j - 1];
        topRow[j] = topRow[j - 1];
        j--;
      }
      topScore[j] = s;
      topRow[j] = row;
    }
    const out: SlabHit[] = [];
    for (let i = 0; i < n; i++) out.push({ id: ids[topRow[i]]!, score: topScore[i] });
    return out;
  }

  /**
   * The kernel's arithmetic in JS, for engines without Wasm SIMD: the same byte offsets, into a layout where the
   * rows start at `headerBytes` and the scores follow them.
   */
  private readonly jsKernel: Kernel = (_q, base, rows, stride, out) => {
    const res = this.scores;
    const first = (base - this.headerBytes) / stride;
    const at = (out - this.headerBytes - this.capacity * stride) / 4;
    for (let r = 0; r < rows; r++) res[at + r] = this.rowDot(this.query, first + r);
  };
}
