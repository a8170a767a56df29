/**
 * The vector scan's kernel and the protocol by which two threads share one scan. The kernel is a hand-assembled
 * WebAssembly SIMD function (i32x4.dot_i16x8_s, two accumulators) over the int8 rows of a VectorSlab.
 *
 * A scan is cut into blocks of rows. The caller's thread and the scan thread (scanWorker.ts) claim blocks from
 * a counter in shared memory until none is left, and each writes its blocks' scores. The counter holds the job's
 * number in its high bits, and a claim is a compare-and-swap on the whole value. So a thread still busy with an
 * earlier job can never claim, or count, a block of a later one. The scan is bound by memory bandwidth, which a
 * second core doubles: 105k rows of 448 dimensions take ~3.7 ms on one thread and ~2 ms on two (bench/RESULTS.md,
 * session 31).
 */

import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';

export const PAGE = 65536;
export const MAX_PAGES = 65536;

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
function kernelBytes(shared: boolean): Uint8Array {
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
    // A shared memory (for the scan thread) must be imported as shared, with a maximum: 65,536 pages (4 GiB).
    ...section(2, [1, ...str('env'), ...str('mem'), 0x02, ...(shared ? [0x03, 1, ...leb(MAX_PAGES)] : [0x00, 1])]),
    ...section(3, [1, 0]),
    ...section(7, [1, ...str('scores'), 0x00, 0]),
    ...section(10, [1, ...leb(body.length), ...body]),
  ]);
}

// The tsconfig's lib has no DOM, hence no WebAssembly typings: the little used here, declared locally.
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
export interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  Memory: new (desc: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
}
export const Wasm = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

const compiled = new Map<boolean, object | null>();
/** The compiled kernel module (for a shared memory or not); null where the engine has no Wasm SIMD. */
export function simdModule(shared: boolean): object | null {
  let m = compiled.get(shared);
  if (m === undefined) {
    try {
      const bytes = kernelBytes(shared);
      m = Wasm && Wasm.validate(bytes) ? new Wasm.Module(bytes) : null;
    } catch {
      m = null;
    }
    compiled.set(shared, m);
  }
  return m;
}

/** `scores(q, base, rows, stride, out)`, byte offsets into the memory (see kernelBytes). */
export type Kernel = (q: number, base: number, rows: number, stride: number, out: number) => void;

export function instantiateKernel(module: object, mem: WasmMemory): Kernel {
  return new Wasm!.Instance(module, { env: { mem } }).exports.scores as Kernel;
}

/** The control block: Int32 slots in shared memory. */
export const CTL = {
  /** The current job's number; the scan thread waits on it. */
  JOB: 0,
  /** (job & 0x7fff) << 16 | the next unclaimed block. */
  CLAIM: 1,
  /** Blocks scored so far in this job; the caller waits on it. */
  DONE: 2,
  /** The job's parameters: blocks, first row's byte, row stride, scores' byte, rows, rows per block, query's byte. */
  BLOCKS: 3, BASE: 4, STRIDE: 5, OUT: 6, ROWS: 7, BLOCK_ROWS: 8, QUERY: 9,
  /** Set to make the scan thread return. */
  STOP: 10,
  /** Blocks the scan thread has scored, over all jobs (for tests and measurement). */
  WORKER_BLOCKS: 11,
} as const;
export const CTL_BYTES = 64;
/** A scan has at most this many blocks, so a counter whose next block is 0xffff has nothing to claim (a closed job). */
export const MAX_BLOCKS = 0xffff;

export const claimTag = (job: number): number => (job & 0x7fff) << 16;

/**
 * Claims blocks of `job` and scores them until none is left (or a later job has begun); returns how many this
 * thread scored. A claim is a compare-and-swap of the counter seen, and the parameters are read between seeing it
 * and swapping it. The caller begins a job by making the counter unclaimable under the new job's number, then
 * writes the parameters, then opens the counter (VectorSlab.begin). So a claim that succeeds read the parameters
 * of its own job, and a job is done when its blocks are: a late thread can neither score nor count a block of
 * another job.
 */
export function claimBlocks(ctl: Int32Array, job: number, kernel: Kernel): number {
  const tag = claimTag(job);
  let n = 0;
  for (;;) {
    const cur = Atomics.load(ctl, CTL.CLAIM);
    if ((cur & ~0xffff) !== tag) return n;
    const b = cur & 0xffff;
    const blocks = Atomics.load(ctl, CTL.BLOCKS), base = Atomics.load(ctl, CTL.BASE), stride = Atomics.load(ctl, CTL.STRIDE);
    const out = Atomics.load(ctl, CTL.OUT), rows = Atomics.load(ctl, CTL.ROWS), per = Atomics.load(ctl, CTL.BLOCK_ROWS);
    const q = Atomics.load(ctl, CTL.QUERY);
    if (b >= blocks) return n;
    if (Atomics.compareExchange(ctl, CTL.CLAIM, cur, cur + 1) !== cur) continue;
    const first = b * per;
    kernel(q, base + first * stride, Math.min(per, rows - first), stride, out + first * 4);
    n++;
    if (Atomics.add(ctl, CTL.DONE, 1) + 1 === blocks) Atomics.notify(ctl, CTL.DONE);
  }
}

/** Where the scan thread's script is: next to the bundle (dist/scanWorker.js) or next to this module (out/…). */
export function scanWorkerScript(): string | undefined {
  const candidate = path.join(__dirname, 'scanWorker.js');
  return existsSync(candidate) ? candidate : undefined;
}

/**
 * Starts the scan thread over `mem` (its control block at `ctlByte`); `gone` hears of it if it fails or exits.
 * Undefined where no thread can start. The thread never keeps a process (the CLI) alive.
 */
export function startScanThread(mem: WasmMemory, ctlByte: number, gone: (w: Worker) => void): Worker | undefined {
  try {
    const w = new Worker(scanWorkerScript()!, { workerData: { mem, ctlByte } });
    w.unref();
    w.on('error', () => gone(w));
    w.on('exit', () => gone(w));
    return w;
  } catch {
    return undefined;
  }
}
