import { existsSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Chunker } from '../parsing/chunker';
import type { Embedder } from '../embed/embedder';
import type { LocalEmbedderSpec } from '../embed/factory';
import { processFile, type ProcessRequest, type ProcessResult } from './processFile';

export interface WorkerRequest {
  seq: number;
  req: ProcessRequest;
}
export type WorkerReply = { seq: number; res: ProcessResult; error?: undefined } | { seq: number; error: string; res?: undefined };

/** Processes files; either on worker threads or in-process (tests, tiny jobs). */
export interface FileProcessor {
  process(req: ProcessRequest): Promise<ProcessResult>;
  close(): Promise<void>;
}

export class InProcessProcessor implements FileProcessor {
  constructor(private readonly chunker: Chunker, private readonly embedder?: Embedder) {}
  process(req: ProcessRequest): Promise<ProcessResult> {
    return processFile(req, this.chunker, this.embedder);
  }
  async close(): Promise<void> {}
}

/** Where the worker script is: next to the bundle (dist/worker.js) or next to this module (out/…/worker.js). */
export function workerScript(): string | undefined {
  const candidate = path.join(__dirname, 'worker.js');
  return existsSync(candidate) ? candidate : undefined;
}

/**
 * Workers lower their own thread's priority by this much where a thread can have its own (Linux: `nice` is per
 * thread), so the caller's thread (the editor's extension host) always comes first.
 */
export const WORKER_NICE = 10;

/** Whether a worker can lower the priority of its own thread only (elsewhere setpriority changes the process). */
export const perThreadPriority = (platform: NodeJS.Platform = process.platform): boolean => platform === 'linux';

/**
 * Default worker count, at most four. Where workers run at a lower priority (Linux) they take every core: idle
 * cycles go to indexing and the caller's thread still comes first (on 2 cores a cold index of django takes ~14 s
 * with two workers, ~18–23 s with one). Elsewhere all cores but one, at least one.
 */
export function defaultWorkerCount(cores = os.availableParallelism?.() ?? os.cpus().length, platform: NodeJS.Platform = process.platform): number {
  return Math.max(1, Math.min(4, perThreadPriority(platform) ? cores : cores - 1));
}

/**
 * Workers idle this long are stopped. Each holds ~60 MB or more (a V8 isolate, grammars, recent syntax trees);
 * starting one again costs ~0.45 s (the first save after a long pause is searchable that much later).
 */
export const WORKER_IDLE_MS = 5 * 60_000;
/**
 * A worker that has taken this many files (a cold build, a resync, a branch switch) stops after `BULK_IDLE_MS` idle
 * instead: its heap has grown with the run (the embedder's token memo, garbage not yet collected). After a cold
 * build of 207k chunks the two idle workers held ~660 MB (1,412 MB RSS, 747 MB once they stopped; session 36).
 */
export const BULK_FILES = 256;
export const BULK_IDLE_MS = 10_000;

/** Files waiting or in flight per worker that justify starting another (up to the pool's count). */
const FILES_PER_NEW_WORKER = 2;

/**
 * A small pool of worker threads. Each worker keeps up to `depth` files in flight: a worker whose replies wait while
 * this thread commits a batch (tens of milliseconds in a bulk run) still has files to work on. With 2 per worker, the
 * workers of a cold django build sat idle a quarter of the time; with 16, under 5% (bench/RESULTS.md, session 35).
 * A worker that dies fails its in-flight requests with a clear error and is replaced.
 *
 * Workers start with the first file to process, not with the pool, and stop after `idleMs` without work (after
 * `bulk.idleMs` once one has taken `bulk.files` files): opening an up-to-date index costs no worker, and an editor left
 * open does not keep one. Saves within `idleMs` of each other reuse the same worker (and its syntax trees, for the
 * incremental re-parse).
 */
export class WorkerPool implements FileProcessor {
  private readonly workers: { w: Worker; inflight: number; done: number }[] = [];
  private readonly pending = new Map<number, { resolve: (r: ProcessResult) => void; reject: (e: Error) => void; worker: Worker }>();
  private readonly queue: WorkerRequest[] = [];
  private seq = 0;
  private closed = false;
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly script: string,
    private readonly count: number,
    private readonly embedder?: LocalEmbedderSpec,
    private readonly depth = 16,
    private readonly idleMs = WORKER_IDLE_MS,
    private readonly bulk = { files: BULK_FILES, idleMs: BULK_IDLE_MS },
  ) {}

  /** Worker threads running now. */
  get running(): number {
    return this.workers.length;
  }

  private spawn(): void {
    const w = new Worker(this.script, { workerData: { embedder: this.embedder } });
    const slot = { w, inflight: 0, done: 0 };
    w.unref();
    w.on('message', (reply: WorkerReply) => {
      const p = this.pending.get(reply.seq);
      if (!p) return;
      this.pending.delete(reply.seq);
      slot.inflight--;
      slot.done++;
      if (reply.error !== undefined) p.reject(new Error(reply.error));
      else p.resolve(reply.res);
      this.pump();
    });
    const fail = (err: Error) => {
      for (const [seq, p] of this.pending) {
        if (p.worker !== w) continue;
        this.pending.delete(seq);
        p.reject(new Error(`indexing worker failed: ${err.message}`));
      }
      const i = this.workers.indexOf(slot);
      if (i >= 0) this.workers.splice(i, 1);
      if (!this.closed) {
        this.spawn();
        this.pump();
      }
    };
    w.on('error', fail);
    w.on('exit', (code) => {
      if (!this.closed && code !== 0) fail(new Error(`worker exited with code ${code}`));
    });
    this.workers.push(slot);
  }

  private pump(): void {
    if (this.queue.length) {
      if (this.idleTimer) clearTimeout(this.idleTimer);
      this.idleTimer = undefined;
      // As many threads as the files waiting or in flight can keep busy (two each): one saved file starts one, not all.
      const want = Math.min(this.count, Math.ceil(this.pending.size / FILES_PER_NEW_WORKER));
      while (!this.closed && this.workers.length < want) this.spawn();
    } else if (!this.pending.size && this.workers.length && !this.idleTimer && !this.closed) {
      const bulk = this.workers.some((s) => s.done >= this.bulk.files);
      this.idleTimer = setTimeout(() => this.retire(), bulk ? this.bulk.idleMs : this.idleMs);
      this.idleTimer.unref();
    }
    while (this.queue.length) {
      const slot = this.workers.filter((s) => s.inflight < this.depth).sort((a, b) => a.inflight - b.inflight)[0];
      if (!slot) return;
      const msg = this.queue.shift()!;
      const p = this.pending.get(msg.seq);
      if (!p) continue;
      p.worker = slot.w;
      slot.inflight++;
      slot.w.postMessage(msg);
    }
  }

  process(req: ProcessRequest): Promise<ProcessResult> {
    if (this.closed) return Promise.reject(new Error('worker pool is closed'));
    const seq = ++this.seq;
    return new Promise((resolve, reject) => {
      this.pending.set(seq, { resolve, reject, worker: undefined as unknown as Worker });
      this.queue.push({ seq, req });
      this.pump();
    });
  }

  /** Stops the idle workers; the next request starts new ones. */
  private retire(): void {
    this.idleTimer = undefined;
    if (this.pending.size || this.queue.length || this.closed) return;
    for (const { w } of this.workers.splice(0)) {
      w.removeAllListeners('exit'); // a retired worker's exit is not a failure to recover from
      w.removeAllListeners('error');
      w.on('error', () => undefined);
      void w.terminate();
    }
  }

  async close(): Promise<void> {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    this.closed = true;
    for (const p of this.pending.values()) p.reject(new Error('worker pool closed'));
    this.pending.clear();
    await Promise.all(this.workers.map((s) => s.w.terminate()));
    this.workers.length = 0;
  }
}
