/**
 * The scan thread: claims blocks of each vector scan the caller's thread begins and scores them into shared
 * memory (scanKernel.ts has the protocol). It sleeps on the job number between scans, so it costs nothing idle.
 * Bundled as dist/scanWorker.js; unbundled it runs from out/.
 */
import { workerData } from 'node:worker_threads';
import { claimBlocks, CTL, CTL_BYTES, instantiateKernel, simdModule, type WasmMemory } from './scanKernel';

const { mem, ctlByte } = workerData as { mem: WasmMemory; ctlByte: number };
const ctl = new Int32Array(mem.buffer, ctlByte, CTL_BYTES / 4);
const kernel = instantiateKernel(simdModule(true)!, mem);
let seen = Atomics.load(ctl, CTL.JOB);
for (;;) {
  Atomics.wait(ctl, CTL.JOB, seen);
  if (Atomics.load(ctl, CTL.STOP)) break;
  const job = Atomics.load(ctl, CTL.JOB);
  if (job === seen) continue;
  seen = job;
  const n = claimBlocks(ctl, job, kernel);
  if (n) Atomics.add(ctl, CTL.WORKER_BLOCKS, n);
}
