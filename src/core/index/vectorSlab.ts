/**
 * In-memory packed vectors for brute-force search: one contiguous float32 slab (a row per chunk, rows padded
 * to a multiple of 8 floats), scored by a hand-assembled WebAssembly SIMD kernel (f32x4, two accumulators).
 * The kernel scans ~100k×384 floats in ~9 ms on this class of machine, about 4× the best plain-JS loop;
 * engines without Wasm SIMD get the unrolled JS loop on the same layout.
 *
 * Rows of removed vectors go on a free list and are reused, so the slab never holds more rows than the peak
 * number of live vectors. This is a search cache only: persistence is the VectorStore's (vectra) business.
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
 * `scores(q, base, rows, stride, out)`: for each of `rows` rows of `stride` floats starting at byte `base`,
 * writes dot(q, row) as f32 to `out` (byte offsets into the imported memory `env.mem`; stride % 8 == 0).
 */
function kernelBytes(): Uint8Array {
  const I32 = 0x7f;
  const V128 = 0x7b;
  const get = (i: number) => [0x20, i];
  const set = (i: number) => [0x21, i];
  const i32c = (n: number) => [0x41, ...leb(n)]; // n < 64: signed and unsigned LEB agree
  const simd = (op: number, ...imm: number[]) => [0xfd, ...leb(op), ...imm];
  const load = (off: number) => simd(0x00, 4, ...leb(off)); // v128.load align=16
  const zero = simd(0x0c, ...new Array<number>(16).fill(0)); // v128.const 0
  const F32X4_ADD = 0xe4, F32X4_MUL = 0xe6, F32X4_EXTRACT = 0x1f;
  // params q0 base1 rows2 stride3 out4; locals qEnd5 row6 qp7 outEnd8 (i32), acc0 9, acc1 10 (v128)
  const body = [
    0x02, 0x04, I32, 0x02, V128,
    ...get(3), ...i32c(2), 0x74, ...set(3), // stride → bytes
    ...get(0), ...get(3), 0x6a, ...set(5),
    ...get(1), ...set(6),
    ...get(4), ...get(2), ...i32c(2), 0x74, 0x6a, ...set(8),
    0x02, 0x40, 0x03, 0x40, // block, loop (rows)
    ...get(4), ...get(8), 0x4f, 0x0d, 1, // out >= outEnd → break
    ...zero, ...set(9), ...zero, ...set(10), ...get(0), ...set(7),
    0x03, 0x40, // loop (floats, 8 per turn)
    ...get(9), ...get(7), ...load(0), ...get(6), ...load(0), ...simd(F32X4_MUL), ...simd(F32X4_ADD), ...set(9),
    ...get(10), ...get(7), ...load(16), ...get(6), ...load(16), ...simd(F32X4_MUL), ...simd(F32X4_ADD), ...set(10),
    ...get(7), ...i32c(32), 0x6a, ...set(7),
    ...get(6), ...i32c(32), 0x6a, ...set(6),
    ...get(7), ...get(5), 0x49, 0x0d, 0, // qp < qEnd → continue
    0x0b,
    ...get(9), ...get(10), ...simd(F32X4_ADD), ...set(9),
    ...get(4),
    ...get(9), ...simd(F32X4_EXTRACT, 0), ...get(9), ...simd(F32X4_EXTRACT, 1), 0x92,
    ...get(9), ...simd(F32X4_EXTRACT, 2), 0x92, ...get(9), ...simd(F32X4_EXTRACT, 3), 0x92,
    0x38, 2, 0, // f32.store
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
  private data!: Float32Array; // all rows, capacity × stride
  private query!: Float32Array;
  private scratch!: Float32Array;
  private capacity = 0;
  private high = 0; // rows ever used (live + free)
  /** Bumped by every add and remove: scores kept from a scan are valid while it is unchanged. */
  private version = 0;
  private readonly ids: (string | undefined)[] = [];
  private readonly free: number[] = [];

  constructor(readonly dim: number, opts: { simd?: boolean } = {}) {
    if (!Number.isInteger(dim) || dim < 1) throw new RangeError(`bad dimension ${dim}`);
    this.stride = Math.ceil(dim / 8) * 8;
    this.headerBytes = Math.ceil((this.stride * 4 + BLOCK_ROWS * 4) / PAGE) * PAGE;
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
  /** Bytes held for vectors (capacity, not just live rows). */
  get bytes(): number {
    return this.capacity * this.stride * 4;
  }

  private grow(minRows: number): void {
    const cap = Math.max(minRows, Math.ceil(this.capacity * 1.25), 1024);
    if (this.mem) {
      const need = this.headerBytes + cap * this.stride * 4;
      const have = this.mem.buffer.byteLength;
      if (need > have) this.mem.grow(Math.ceil((need - have) / PAGE));
      const buf = this.mem.buffer;
      this.query = new Float32Array(buf, 0, this.stride);
      this.scratch = new Float32Array(buf, this.stride * 4, BLOCK_ROWS);
      this.data = new Float32Array(buf, this.headerBytes, cap * this.stride);
    } else {
      const next = new Float32Array(cap * this.stride);
      if (this.data) next.set(this.data);
      this.data = next;
      this.query = new Float32Array(this.stride);
      this.scratch = new Float32Array(BLOCK_ROWS);
    }
    this.capacity = cap;
  }

  /** Stores `vec` under `id`; returns its row. */
  add(id: string, vec: ArrayLike<number>): number {
    if (vec.length !== this.dim) throw new RangeError(`vector of length ${vec.length}, store dimension ${this.dim}`);
    let row = this.free.pop();
    if (row === undefined) {
      if (this.high >= this.capacity) this.grow(this.high + 1);
      row = this.high++;
    }
    const off = row * this.stride;
    if (Array.isArray(vec)) {
      const d = this.data;
      for (let i = 0; i < this.dim; i++) d[off + i] = vec[i]; // much faster than TypedArray#set from a JS array
    } else this.data.set(vec, off);
    if (this.stride !== this.dim) this.data.fill(0, off + this.dim, off + this.stride);
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

  /** Dot product of the row's vector with `q` (no copy). */
  dot(row: number, q: ArrayLike<number>): number {
    const d = this.data;
    const off = row * this.stride;
    let s = 0;
    for (let i = 0; i < this.dim; i++) s += d[off + i] * q[i];
    return s;
  }

  /** A copy of the row's vector. */
  get(row: number): Float32Array {
    const off = row * this.stride;
    return this.data.slice(off, off + this.dim);
  }

  /** The row's vector as a plain array (what vectra items hold). */
  toArray(row: number): number[] {
    const off = row * this.stride;
    const out = new Array<number>(this.dim);
    for (let i = 0; i < this.dim; i++) out[i] = this.data[off + i];
    return out;
  }

  /**
   * `search`, also keeping every row's score, which the scan computes anyway: `scoreOf(row)` then costs a lookup
   * instead of a dot product (and falls back to `dot` once the slab has changed).
   */
  searchWithScores(q: ArrayLike<number>, k: number): { hits: SlabHit[]; scoreOf: (row: number) => number } {
    const all = new Float32Array(this.high);
    const version = this.version;
    const hits = this.search(q, k, undefined, all);
    return { hits, scoreOf: (row) => (this.version === version ? all[row] : this.dot(row, q)) };
  }

  /**
   * Top `k` rows by dot product with `q` (cosine for unit vectors), best first; `filter` is only asked about
   * contenders. With `all`, every row's score is also written there, row-indexed (free rows hold garbage).
   */
  search(q: ArrayLike<number>, k: number, filter?: (id: string) => boolean, all?: Float32Array): SlabHit[] {
    if (q.length !== this.dim) throw new RangeError(`query of length ${q.length}, store dimension ${this.dim}`);
    k = Math.floor(k);
    if (k <= 0 || this.size === 0) return [];
    this.query.set(q);
    this.query.fill(0, this.dim);
    const topScore = new Float64Array(k);
    const topRow = new Int32Array(k);
    let n = 0;
    for (let start = 0; start < this.high; start += BLOCK_ROWS) {
      const rows = Math.min(BLOCK_ROWS, this.high - start);
      this.scoreBlock(start, rows);
      const scratch = this.scratch;
      if (all) all.set(scratch.subarray(0, rows), start);
      for (let i = 0; i < rows; i++) {
        const s = scratch[i];
        if (n === k ? !(s > topScore[k - 1]) : s !== s) continue;
        const row = start + i;
        const id = this.ids[row];
        if (id === undefined || (filter && !filter(id))) continue;
        let j = n < k ? n++ : k - 1;
        while (j > 0 && topScore[j - 1] < s) {
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

  private scoreBlock(start: number, rows: number): void {
    const stride = this.stride;
    if (this.kernel) {
      this.kernel(0, this.headerBytes + start * stride * 4, rows, stride, stride * 4);
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
