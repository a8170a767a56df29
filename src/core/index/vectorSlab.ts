/**
 * In-memory packed vectors for brute-force search: one contiguous int8 slab (a row per chunk, rows padded to a
 * multiple of 16 bytes) with a power-of-two scale per row, scored against an i16-quantized query by a
 * hand-assembled WebAssembly SIMD kernel (i32x4.dot_i16x8_s, two accumulators); engines without Wasm SIMD get
 * an unrolled JS loop on the same layout with the same integer arithmetic, so both give identical scores.
 * int8 holds a quarter of float32's bytes (~40 MB per 100k×384) and the scan reads a quarter of the memory;
 * on the docstring set, rounding the stored vectors to int8 moved no measurable quality (bench/RESULTS.md).
 *
 * Rows of removed vectors go on a free list and are reused, so the slab never holds more rows than the peak
 * number of live vectors. This is a search cache only: persistence is the VectorStore's (vectra) business,
 * which stores the dequantized vectors (exact in float32) and gets the same rows back on load.
 */

const BLOCK_ROWS = 4096; // rows scored per kernel call (scratch size)
const PAGE = 65536;

function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

/**
 * `scores(q, base, rows, stride, out)`: for each of `rows` int8 rows of `stride` bytes starting at byte `base`,
 * writes the i32 dot product with the i16 query at byte `q` to `out` (byte offsets into the imported memory
 * `env.mem`; stride % 16 == 0). Per 16 elements: two `v128.load8x8_s` (int8 → i16), two `i32x4.dot_i16x8_s`.
 */
function kernelBytes(): Uint8Array {
  const I32 = 0x7f;
  const V128 = 0x7b;
  const get = (i: number) => [0x20, i];
  const set = (i: number) => [0x21, i];
  const i32c = (n: number) => [0x41, ...leb(n)]; // n < 64: signed and unsigned LEB agree
  const simd = (op: number, ...imm: number[]) => [0xfd, ...leb(op), ...imm];
  const load = (off: number) => simd(0x00, 4, ...leb(off)); // v128.load align=16
  const load8x8 = (off: number) => simd(0x01, 3, ...leb(off)); // v128.load8x8_s align=8
  const zero = simd(0x0c, ...new Array<number>(16).fill(0)); // v128.const 0
  const DOT = 0xba, I32X4_ADD = 0xae, I32X4_EXTRACT = 0x1b;
  // params q0 base1 rows2 stride3 out4; locals qEnd5 row6 qp7 outEnd8 (i32), acc0 9, acc1 10 (v128)
  const body = [
    0x02, 0x04, I32, 0x02, V128,
    ...get(0), ...get(3), ...i32c(1), 0x74, 0x6a, ...set(5), // qEnd = q + 2·stride (i16 query)
    ...get(1), ...set(6),
    ...get(4), ...get(2), ...i32c(2), 0x74, 0x6a, ...set(8),
    0x02, 0x40, 0x03, 0x40, // block, loop (rows)
    ...get(4), ...get(8), 0x4f, 0x0d, 1, // out >= outEnd → break
    ...zero, ...set(9), ...zero, ...set(10), ...get(0), ...set(7),
    0x03, 0x40, // loop (16 elements per turn)
    ...get(9), ...get(6), ...load8x8(0), ...get(7), ...load(0), ...simd(DOT), ...simd(I32X4_ADD), ...set(9),
    ...get(10), ...get(6), ...load8x8(8), ...get(7), ...load(16), ...simd(DOT), ...simd(I32X4_ADD), ...set(10),
    ...get(7), ...i32c(32), 0x6a, ...set(7),
    ...get(6), ...i32c(16), 0x6a, ...set(6),
    ...get(7), ...get(5), 0x49, 0x0d, 0, // qp < qEnd → continue
    0x0b,
    ...get(9), ...get(10), ...simd(I32X4_ADD), ...set(9),
    ...get(4),
    ...get(9), ...simd(I32X4_EXTRACT, 0), ...get(9), ...simd(I32X4_EXTRACT, 1), 0x6a,
    ...get(9), ...simd(I32X4_EXTRACT, 2), 0x6a, ...get(9), ...simd(I32X4_EXTRACT, 3), 0x6a,
    0x36, 2, 0, // i32.store
    ...get(4), ...i32c(4), 0x6a, ...set(4),
    0x0c, 0,
    0x0b, 0x0b, 0x0b,
  ];
  const section = (id: number, bytes: number[]) => [id, ...leb(bytes.length), ...bytes];
  const str = (s: string) => [s.length, ...Array.from(s, (c) => c.charCodeAt(0))];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
    ...section(1, [1, 0x60, 5, I32, I32, I32, I32, I32, 0]),
    ...section(2, [1, ...str('env'), ...str('mem'), 0x02, 0x00, 1]),
    ...section(3, [1, 0]),
    ...section(7, [1, ...str('scores'), 0x00, 0]),
    ...section(10, [1, ...leb(body.length), ...body]),
  ]);
}

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

// The tsconfig's lib has no DOM, hence no WebAssembly typings: the little used here, declared locally.
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  Memory: new (desc: { initial: number; maximum?: number }) => WasmMemory;
}
const Wasm = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

let compiled: object | null | undefined;
function simdModule(): object | null {
  if (compiled === undefined) {
    try {
      const bytes = kernelBytes();
      compiled = Wasm && Wasm.validate(bytes) ? new Wasm.Module(bytes) : null;
    } catch {
      compiled = null;
    }
  }
  return compiled;
}

type Kernel = (q: number, base: number, rows: number, stride: number, out: number) => void;

export interface SlabHit {
  id: string;
  score: number;
}

export class VectorSlab {
  readonly stride: number;
  private readonly headerBytes: number;
  private mem: WasmMemory | undefined;
  private kernel: Kernel | undefined;
  private data!: Int8Array; // all rows, capacity × stride
  private scale = new Float32Array(0); // per row: the vector is data[row] · scale[row]
  private query!: Int16Array;
  private scratch!: Int32Array;
  /** Largest |query element|: keeps Σ |q·row| of a whole row inside i32 (127 · QMAX · stride < 2^31). */
  private readonly qMax: number;
  private capacity = 0;
  private high = 0; // rows ever used (live + free)
  /** Bumped by every add, remove and searchWithScores: the scores kept by the last one are valid while it is unchanged. */
  private version = 0;
  private kept = new Float32Array(0);
  private readonly ids: (string | undefined)[] = [];
  private readonly free: number[] = [];

  constructor(readonly dim: number, opts: { simd?: boolean } = {}) {
    // Past 65,536 dimensions the i16 query would keep under 8 bits to stay inside i32 sums; no embedder is that wide.
    if (!Number.isInteger(dim) || dim < 1 || dim > 65536) throw new RangeError(`bad dimension ${dim}`);
    this.stride = Math.ceil(dim / 16) * 16;
    this.qMax = Math.min(32767, Math.floor((2 ** 31 - 1) / (127 * this.stride)));
    this.headerBytes = Math.ceil((this.stride * 2 + BLOCK_ROWS * 4) / PAGE) * PAGE;
    const mod = opts.simd === false ? null : simdModule();
    if (mod && Wasm) {
      this.mem = new Wasm.Memory({ initial: this.headerBytes / PAGE });
      const inst = new Wasm.Instance(mod, { env: { mem: this.mem } });
      this.kernel = inst.exports.scores as Kernel;
    }
    this.grow(1024);
  }

  get usesSimd(): boolean {
    return this.kernel !== undefined;
  }
  get size(): number {
    return this.high - this.free.length;
  }

  private grow(minRows: number): void {
    const cap = Math.max(minRows, Math.ceil(this.capacity * 1.25), 1024);
    if (this.mem) {
      const need = this.headerBytes + cap * this.stride;
      const have = this.mem.buffer.byteLength;
      if (need > have) this.mem.grow(Math.ceil((need - have) / PAGE));
      const buf = this.mem.buffer;
      this.query = new Int16Array(buf, 0, this.stride);
      this.scratch = new Int32Array(buf, this.stride * 2, BLOCK_ROWS);
      this.data = new Int8Array(buf, this.headerBytes, cap * this.stride);
    } else {
      const next = new Int8Array(cap * this.stride);
      if (this.data) next.set(this.data);
      this.data = next;
      this.query = new Int16Array(this.stride);
      this.scratch = new Int32Array(BLOCK_ROWS);
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
    this.version++;
    this.ids[row] = undefined;
    this.free.push(row);
  }

  /** Dot product of the row's (dequantized) vector with `q`, in float. */
  dot(row: number, q: ArrayLike<number>): number {
    const d = this.data;
    const off = row * this.stride;
    let s = 0;
    for (let i = 0; i < this.dim; i++) s += d[off + i] * q[i];
    return s * this.scale[row];
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
   * instead of a dot product (and falls back to `dot` once the slab has changed or another searchWithScores ran).
   */
  searchWithScores(q: ArrayLike<number>, k: number): { hits: SlabHit[]; scoreOf: (row: number) => number } {
    // One buffer, reused by the next call (a scan's worth of garbage per query otherwise): the scores of an earlier
    // call, like those of a changed slab, are recomputed.
    if (this.kept.length < this.high) this.kept = new Float32Array(this.capacity);
    const all = this.kept;
    const version = ++this.version;
    const hits = this.search(q, k, undefined, all);
    return { hits, scoreOf: (row) => (this.version === version ? all[row] : this.dot(row, q)) };
  }

  /**
   * Top `k` rows by dot product with `q` (cosine for unit vectors), best first; `filter` is only asked about
   * contenders. With `all`, every row's score is also written there, row-indexed (free rows hold garbage).
   * The query is quantized to i16 (relative error ~1/QMAX of its largest element), so scores are within ~1e-4 of
   * the float dot product with the stored vectors.
   */
  search(q: ArrayLike<number>, k: number, filter?: (id: string) => boolean, all?: Float32Array): SlabHit[] {
    if (q.length !== this.dim) throw new RangeError(`query of length ${q.length}, store dimension ${this.dim}`);
    k = Math.floor(k);
    if (k <= 0 || this.size === 0) return [];
    let maxAbs = 0;
    for (let i = 0; i < this.dim; i++) maxAbs = Math.max(maxAbs, Math.abs(q[i]));
    const qs = maxAbs > 0 && Number.isFinite(maxAbs) ? maxAbs / this.qMax : 0;
    for (let i = 0; i < this.dim; i++) this.query[i] = qs ? Math.round(q[i] / qs) : 0;
    this.query.fill(0, this.dim);
    const topScore = new Float64Array(k);
    const topRow = new Int32Array(k);
    const scale = this.scale;
    let n = 0;
    for (let start = 0; start < this.high; start += BLOCK_ROWS) {
      const rows = Math.min(BLOCK_ROWS, this.high - start);
      this.scoreBlock(start, rows);
      const scratch = this.scratch;
      for (let i = 0; i < rows; i++) {
        const row = start + i;
        const s = scratch[i] * scale[row] * qs;
        if (all) all[row] = s;
        if (n === k ? !(s >= topScore[k - 1]) : s !== s) continue;
        const id = this.ids[row];
        if (id === undefined || (filter && !filter(id))) continue;
        // Equal scores (equal vectors: int8 makes them common) rank by id, so rows, which depend on the order of
        // past updates, never decide a ranking.
        const ids = this.ids;
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
    }
    const out: SlabHit[] = [];
    for (let i = 0; i < n; i++) out.push({ id: this.ids[topRow[i]]!, score: topScore[i] });
    return out;
  }

  /** i32 dot products of rows [start, start + rows) with the quantized query, into `scratch`. */
  private scoreBlock(start: number, rows: number): void {
    const stride = this.stride;
    if (this.kernel) {
      this.kernel(0, this.headerBytes + start * stride, rows, stride, stride * 2);
      return;
    }
    const q = this.query;
    const d = this.data;
    const out = this.scratch;
    for (let r = 0; r < rows; r++) {
      const base = (start + r) * stride;
      let a0 = 0, a1 = 0, a2 = 0, a3 = 0;
      for (let j = 0; j < stride; j += 4) {
        a0 += q[j] * d[base + j];
        a1 += q[j + 1] * d[base + j + 1];
        a2 += q[j + 2] * d[base + j + 2];
        a3 += q[j + 3] * d[base + j + 3];
      }
      out[r] = a0 + a1 + a2 + a3;
    }
  }
}
