import * as path from 'node:path';
import type { Host } from '../host';
import type { Chunk, ChunkOptions, SkippedFile } from '../types';
import type { Embedder } from '../embed/embedder';
import { chunkEmbeddingText, embedderKey } from '../embed/embedder';
import { WorkspaceFilter, walkWorkspace, type WalkedFile, type WalkOptions } from '../workspace/walk';
import type { FileProcessor } from './workerPool';
import type { ProcessResult } from './processFile';
import { VectorStore, type FileEntry } from './vectorStore';
import { SkipMemo } from './skipMemo';
import { LexicalIndex } from './lexical';
import { ShardCompletion } from './shardCompletion';
import { ChunkerStamp, lexicalFingerprint, storeChunks } from './derivation';

export interface IndexReport {
  files: number;
  chunks: number;
  added: number;
  updated: number;
  removed: number;
  unchanged: number;
  skipped: SkippedFile[];
  ms: number;
}

export interface IndexProgress {
  phase: 'walk' | 'index' | 'save';
  done: number;
  total: number;
  path?: string;
}

export interface IndexerOptions {
  host: Host;
  /** Directory of this embedder's index (…/<embedderKey>/); created if missing. */
  dir: string;
  embedder: Embedder;
  processor: FileProcessor;
  /** True when the processor embeds new chunks itself (CPU embedders on worker threads). */
  processorEmbeds: boolean;
  walk?: WalkOptions;
  chunkOptions?: Partial<ChunkOptions>;
  /** Another process holds the lock: load and search, but never write. */
  readOnly?: boolean;
  /** The chunker's fingerprint: when the index was chunked with another, the next full sync re-chunks every file. */
  chunker?: string;
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
}

const EMBED_BATCH = 256;
/** Files handed to the processor at once: enough that its workers have work while this thread commits a batch. */
const FILES_IN_FLIGHT = 64;
/** Chunks held back before they are committed, when no embedding is waiting for more. */
const COMMIT_BATCH = 512;
/** During bulk indexing, dirty shards are written at most this often. */
const BULK_FLUSH_MS = 30_000;
/** After a save/delete, dirty shards are written this long after the last change (the change is searchable at once). */
const EDIT_FLUSH_MS = 250;

/**
 * Keeps one embedder's index of one workspace folder equal to what a fresh build would give.
 * All mutations run one at a time (a promise chain); callers coalesce bursts through IndexScheduler.
 */
export class Indexer {
  private chain: Promise<unknown> = Promise.resolve();
  private readonly progressListeners = new Set<(p: IndexProgress) => void>();
  private filter?: WorkspaceFilter;
  private lexicalDirty = false;
  private flushTimer: NodeJS.Timeout | undefined;
  private lastFlush = performance.now();

  private constructor(
    private readonly opts: IndexerOptions,
    readonly store: VectorStore,
    readonly lexical: LexicalIndex,
    /** Files whose content was turned away, by size and mtime (not re-read while unchanged). */
    readonly skips: SkipMemo,
    /** Stale: the index was chunked by another chunker (see `chunker`), and the next full sync re-chunks every file. */
    private readonly stamp: ChunkerStamp,
  ) {}

  static async open(opts: IndexerOptions): Promise<Indexer> {
    const log = opts.log ?? (() => undefined);
    const store = await VectorStore.open(path.join(opts.dir, 'store'), {
      dimension: opts.embedder.dimension,
      onDamage: (d) => log('warn', `index shard ${d.shard} was damaged (${d.reason}); its files will be re-indexed`),
    });
    const fp = lexicalFingerprint(store, opts.chunkOptions);
    const lexFile = path.join(opts.dir, 'lexical.bin');
    let lexical = await LexicalIndex.load(lexFile, fp).catch((e: Error) => {
      log('warn', `lexical index unreadable (${e.message}); rebuilding it`);
      return undefined;
    });
    const skips = await SkipMemo.load(path.join(opts.dir, 'skipped.json'));
    const stamp = await ChunkerStamp.read(opts.dir, opts.chunker, (m) => log('warn', m));
    const indexer = new Indexer(opts, store, lexical ?? LexicalIndex.rebuild(storeChunks(store)), skips, stamp);
    if (!lexical && store.stats().chunks > 0) indexer.lexicalDirty = true;
    lexical = undefined;
    if (stamp.stale && store.stats().files > 0) log('info', 'the chunker changed since this index was built: the next sync re-chunks every file');
    return indexer;
  }

  get embedderKey(): string {
    return embedderKey(this.opts.embedder);
  }

  onProgress(listener: (p: IndexProgress) => void): { dispose(): void } {
    this.progressListeners.add(listener);
    return { dispose: () => this.progressListeners.delete(listener) };
  }

  private emit(p: IndexProgress): void {
    for (const l of this.progressListeners) l(p);
  }

  private serial<T>(job: () => Promise<T>): Promise<T> {
    if (this.opts.readOnly) return Promise.reject(new Error('the index is open read-only (another process is indexing it)'));
    const run = this.chain.then(job, job);
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Index the whole workspace incrementally: stat every file, re-read only those whose size/mtime changed. */
  indexAll(signal?: AbortSignal): Promise<IndexReport> {
    return this.serial(() => this.syncAll(signal));
  }

  /** Startup catch-up after the editor was closed or the process killed: same as an incremental indexAll. */
  resync(signal?: AbortSignal): Promise<IndexReport> {
    return this.indexAll(signal);
  }

  /** Re-index these files (saved, created or changed on disk). Paths are workspace-relative. */
  updateFiles(paths: string[], signal?: AbortSignal): Promise<IndexReport> {
    return this.serial(async () => {
      const t0 = performance.now();
      const report = emptyReport();
      const filter = await this.workspaceFilter();
      const todo: string[] = [];
      for (const p of new Set(paths)) {
        const st = await this.opts.host.stat(p);
        if (!st || !st.isFile) {
          if (this.store.getFile(p)) this.removeOne(p, report);
          continue;
        }
        const skip = await filter.check(p, st);
        if (skip) {
          report.skipped.push(skip);
          if (this.store.getFile(p)) this.removeOne(p, report);
          continue;
        }
        todo.push(p);
      }
      await this.processPaths(todo.map((p) => ({ path: p, allowMinified: filter.forceIncluded(p) })), report, signal, true);
      this.scheduleFlush();
      return this.finish(report, t0);
    });
  }

  /** Forget these files (deleted). A directory path removes every indexed file under it. */
  removeFiles(paths: string[]): Promise<IndexReport> {
    return this.serial(async () => {
      const t0 = performance.now();
      const report = emptyReport();
      for (const p of paths) {
        if (this.store.getFile(p)) this.removeOne(p, report);
        const prefix = p.endsWith('/') ? p : p + '/';
        for (const f of [...this.store.files()]) if (f.path.startsWith(prefix)) this.removeOne(f.path, report);
      }
      this.lexical.settle();
      this.scheduleFlush();
      return this.finish(report, t0);
    });
  }

  /** Ignore rules may have changed (.gitignore edited): drop the cached filter. */
  invalidateFilter(): void {
    this.filter = undefined;
  }

  private async workspaceFilter(): Promise<WorkspaceFilter> {
    return (this.filter ??= await WorkspaceFilter.load(this.opts.host, this.opts.walk));
  }

  private async syncAll(signal?: AbortSignal): Promise<IndexReport> {
    const t0 = performance.now();
    const report = emptyReport();
    this.emit({ phase: 'walk', done: 0, total: 0 });
    const mark = this.stamp.mark();
    this.filter = undefined;
    const walked = await walkWorkspace(this.opts.host, { ...this.opts.walk, signal });
    report.skipped.push(...walked.skipped);
    const seen = new Set<string>();
    const todo: { path: string; allowMinified: boolean }[] = [];
    for (const f of walked.files) {
      seen.add(f.path);
      const st = this.fileState(f);
      if (st.state === 'unchanged') report.unchanged++;
      else if (st.state === 'skipped') report.skipped.push(st.skipped);
      else todo.push({ path: f.path, allowMinified: !!f.forceInclude });
    }
    for (const f of [...this.store.files()]) if (!seen.has(f.path)) this.removeOne(f.path, report);
    this.skips.keepOnly(seen);
    try {
      await this.processPaths(ShardCompletion.inShardOrder(todo, (p) => this.store.shardOf(p)), report, signal, this.stamp.stale, true);
    } finally {
      await this.save(true); // what was committed before a cancel is kept
    }
    await this.stamp.settle(mark);
    return this.finish(report, t0);
  }

  /**
   * How a walked file stands against the index, by stat only: indexed with the same size and mtime, turned away
   * for its content before and unchanged since (unless a .pinpointignore negation forces another try), or to be read.
   * While the chunker differs from the one the index was built with, every indexed file is to be read again.
   */
  fileState(f: WalkedFile): { state: 'unchanged' } | { state: 'skipped'; skipped: SkippedFile } | { state: 'new' | 'modified' } {
    const e = this.store.getFile(f.path);
    if (e) return e.size === f.size && e.mtimeMs === f.mtimeMs && !this.stamp.stale ? { state: 'unchanged' } : { state: 'modified' };
    const skipped = f.forceInclude ? undefined : this.skips.get(f.path, f.size, f.mtimeMs);
    return skipped ? { state: 'skipped', skipped } : { state: 'new' };
  }

  /** Processes files with bounded concurrency, embedding new chunks in batches, committing each file whole; `bulk`: see ShardCompletion. */
  private async processPaths(files: { path: string; allowMinified: boolean }[], report: IndexReport, signal: AbortSignal | undefined, force: boolean, bulk = false): Promise<void> {
    const total = files.length;
    // Each shard is written once all its files are settled; one whose write fails stays dirty for the final save.
    const shards = bulk ? new ShardCompletion(files.map((f) => f.path), (p) => this.store.shardOf(p), (s) => void this.store.flush([s]).catch(() => undefined)) : undefined;
    let done = 0;
    let pending: { res: Extract<ProcessResult, { status: 'chunked' }>; existed: boolean }[] = [];
    let pendingTexts = 0;
    let pendingChunks = 0;
    const flushPending = async () => {
      const batch = pending;
      pending = [];
      pendingTexts = 0;
      pendingChunks = 0;
      await this.embedMissing(batch.map((b) => b.res), signal);
      for (const b of batch) {
        this.commit(b.res, b.existed, report);
        shards?.settle(b.res.path);
      }
    };
    const inflight = new Set<Promise<void>>();
    for (const { path: p, allowMinified } of files) {
      if (signal?.aborted) break;
      const entry = this.store.getFile(p);
      const job = this.opts.processor
        .process({
          root: this.opts.host.root,
          path: p,
          knownFileHash: force ? undefined : entry?.hash,
          knownIds: entry?.chunkIds ?? [],
          chunkOptions: this.opts.chunkOptions,
          embed: this.opts.processorEmbeds,
          allowMinified,
        })
        .then(async (res) => {
          done++;
          this.emit({ phase: 'index', done, total, path: p });
          if (res.status !== 'skipped') this.skips.delete(p);
          if (res.status === 'missing') {
            if (this.store.getFile(p)) this.removeOne(p, report);
          } else if (res.status === 'skipped') {
            report.skipped.push(res.skipped);
            if (res.size !== undefined && res.mtimeMs !== undefined) this.skips.set(p, res.size, res.mtimeMs, res.skipped);
            if (this.store.getFile(p)) this.removeOne(p, report);
          } else if (res.status === 'unchanged') {
            this.touch(p, res.size, res.mtimeMs);
            report.unchanged++;
          }
          if (res.status !== 'chunked') shards?.settle(p);
          else {
            if (res.degraded) await this.stamp.spoil(res.degraded, p);
            pending.push({ res, existed: !!this.store.getFile(p) });
            pendingTexts += res.vectors.filter((v) => !v).length;
            pendingChunks += res.chunks.length;
            // Commit as results come (the processor has embedded them, or a batch is ready to embed here), so
            // this thread's share of the work overlaps the workers' instead of piling up at the end.
            if (pendingTexts >= EMBED_BATCH || pendingChunks >= COMMIT_BATCH) await flushPending();
          }
        });
      const tracked = job.finally(() => inflight.delete(tracked));
      inflight.add(tracked);
      if (inflight.size >= FILES_IN_FLIGHT) await Promise.race(inflight);
      // Long bulk runs save progress now and then, so a crash loses little (each shard write is atomic).
      if (performance.now() - this.lastFlush > BULK_FLUSH_MS) await this.save(false);
    }
    await Promise.all(inflight);
    await flushPending();
    this.lexical.settle(); // here, not per batch: batches depend on the order results came back in
    signal?.throwIfAborted();
  }

  /** Fills in vectors the processor did not compute: reuse the stored vector of a known chunk id, else embed. */
  private async embedMissing(results: Extract<ProcessResult, { status: 'chunked' }>[], signal?: AbortSignal): Promise<void> {
    const need: { r: Extract<ProcessResult, { status: 'chunked' }>; i: number }[] = [];
    for (const r of results) {
      r.chunks.forEach((c, i) => {
        if (r.vectors[i]) return;
        const old = this.store.getVector(c.id);
        if (old) r.vectors[i] = old;
        else need.push({ r, i });
      });
    }
    if (!need.length) return;
    const vs = await this.opts.embedder.embed(need.map(({ r, i }) => chunkEmbeddingText(r.chunks[i])), { signal, kind: 'document' });
    need.forEach(({ r, i }, j) => (r.vectors[i] = vs[j]));
  }

  private commit(res: Extract<ProcessResult, { status: 'chunked' }>, existed: boolean, report: IndexReport): void {
    const old = this.store.getFile(res.path);
    const oldIds = new Set(old?.chunkIds ?? []);
    const newIds = new Set(res.chunks.map((c) => c.id));
    const entry: FileEntry = { path: res.path, size: res.size, mtimeMs: res.mtimeMs, hash: res.fileHash, chunkIds: res.chunks.map((c) => c.id) };
    this.store.putFile(entry, res.chunks, res.vectors as Float32Array[]);
    // A kept id has the same path, name and text (the id hashes them), so its lexical entry stays as it is;
    // only its line numbers moved, and those live in the store.
    const gone = [...oldIds].filter((id) => !newIds.has(id));
    if (gone.length) this.lexical.remove(gone);
    this.lexical.add(res.chunks.filter((c) => !oldIds.has(c.id)));
    this.lexicalDirty = true;
    if (existed) report.updated++;
    else report.added++;
  }

  private touch(p: string, size: number, mtimeMs: number): void {
    const e = this.store.getFile(p);
    if (!e || (e.size === size && e.mtimeMs === mtimeMs)) return;
    const chunks = e.chunkIds.map((id) => this.store.getChunk(id)!);
    const vectors = e.chunkIds.map((id) => this.store.getVector(id)!);
    this.store.putFile({ ...e, size, mtimeMs }, chunks, vectors);
  }

  private removeOne(p: string, report: IndexReport): void {
    const e = this.store.getFile(p);
    if (!e) return;
    this.lexical.remove(e.chunkIds);
    this.store.removeFile(p);
    this.lexicalDirty = true;
    report.removed++;
  }

  /** Writes dirty shards atomically; the lexical index is persisted after bulk work (and on close). */
  private async save(persistLexical: boolean): Promise<void> {
    this.emit({ phase: 'save', done: 0, total: 1 });
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    await this.store.flush();
    this.lastFlush = performance.now();
    if (persistLexical) {
      await this.persistLexical();
      await this.skips.save();
    }
  }

  private scheduleFlush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      this.serial(() => this.save(false)).catch((e: Error) => this.opts.log?.('error', `saving the index failed: ${e.message}`));
    }, EDIT_FLUSH_MS);
    this.flushTimer.unref?.();
  }

  /** Writes everything changed so far (dirty shards and the lexical index) to disk. */
  flush(): Promise<void> {
    return this.serial(() => this.save(true));
  }

  private async persistLexical(): Promise<void> {
    if (!this.lexicalDirty) return;
    await this.lexical.save(path.join(this.opts.dir, 'lexical.bin'), lexicalFingerprint(this.store, this.opts.chunkOptions));
    this.lexicalDirty = false;
  }

  private finish(report: IndexReport, t0: number): IndexReport {
    const s = this.store.stats();
    report.files = s.files;
    report.chunks = s.chunks;
    report.ms = Math.round(performance.now() - t0);
    return report;
  }

  getChunk(id: string): Chunk | undefined {
    return this.store.getChunk(id);
  }

  async close(): Promise<void> {
    if (!this.opts.readOnly) await this.flush();
    await this.opts.processor.close();
    await this.store.close();
  }
}

function emptyReport(): IndexReport {
  return { files: 0, chunks: 0, added: 0, updated: 0, removed: 0, unchanged: 0, skipped: [], ms: 0 };
}

