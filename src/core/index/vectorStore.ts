/**
 * The chunk + vector store: a sharded set of vectra indexes (one vectra `LocalIndex` per shard, vectra's
 * `ProtobufCodec` so vectors are float32 on disk, and a `CheckedFileStorage` so every shard write is atomic
 * and every read is integrity-checked). A shard holds everything about a fixed bucket of files (stable hash
 * of the path): their manifest entries, chunks (with text) and vectors, so one shard file is one atomic unit.
 * Saving one file rewrites one small shard.
 *
 * In memory, chunks live in a Map and vectors in a packed int8 `VectorSlab` scanned by a Wasm SIMD kernel
 * (vectra's own query walks `number[]` items and is several times slower, and its `number[]` vectors cost 8×
 * the memory); vectra stays the persisted store, holding the slab's dequantized (exact) vectors. Its BM25 is not
 * used (see lexical.ts). Reading and writing the shard files themselves is shardFiles.ts.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type * as Vectra from 'vectra';
import type { Chunk } from '../types';
import { IntegrityError, readFileChecked, removeStaleTempFiles, writeFileChecked } from './atomicFs';
import { CheckedFileStorage } from './checkedStorage';
import { ShardFiles } from './shardFiles';
import { StoredChunk, TextArena } from './chunkTexts';
import {
  DamageInfo, FileEntry, SHARD_FORMAT, StoreMeta, chunkItem, decodeItem, fileItem, fnv1a, headerItem, parseShardName, shardName, shardOf,
} from './shardFormat';
import { VectorSlab } from './vectorSlab';

export type { DamageInfo, FileEntry } from './shardFormat';

export interface VectorStoreOptions {
  dimension: number;
  /** Buckets of files; default 256 (or what the store was created with). A different count re-buckets on the next flush. */
  shardCount?: number;
  onDamage?: (info: DamageInfo) => void;
  /** fsync writes (default true). */
  fsync?: boolean;
}

let vectraModule: Promise<typeof Vectra> | undefined;
/** vectra's entry point pulls in wink-nlp, its server, etc. (~0.7–1.3 s): load it only when a store is opened. */
const loadVectra = (): Promise<typeof Vectra> => (vectraModule ??= import('vectra'));

/** Shard files written at once by a flush. */
const FLUSH_CONCURRENCY = 8;

/** A vector search's hits, with the score of any chunk and the best of a file's first `n` chunks. */
export interface ScoredSearch {
  hits: { id: string; score: number }[];
  scoreOf: (id: string) => number | undefined;
  bestOfFile: (path: string, n: number) => number | undefined;
}

export class VectorStore {
  private readonly fileMap = new Map<string, FileEntry>();
  private readonly chunkMap = new Map<string, StoredChunk>();
  private readonly rowOf = new Map<string, number>();
  private readonly fileRows = new Map<string, Int32Array>(); // per file, its chunks' slab rows in `chunkIds` order
  private readonly shardPaths = new Map<number, Set<string>>();
  private readonly shardBytes = new Map<number, number>();
  private readonly dirty = new Set<number>();
  private readonly slab: VectorSlab;
  private arena: TextArena;
  private fpA = 0;
  private fpB = 0;
  private flushChain: Promise<void> = Promise.resolve();
  private closed = false;

  private constructor(
    readonly dir: string,
    readonly dimension: number,
    readonly shardCount: number,
    private readonly shardFiles: ShardFiles,
    private readonly onDamage: (info: DamageInfo) => void,
  ) {
    this.slab = new VectorSlab(dimension);
    this.arena = new TextArena(dir);
  }

  static async open(dir: string, opts: VectorStoreOptions): Promise<VectorStore> {
    const vectra = await loadVectra();
    const onDamage = opts.onDamage ?? (() => undefined);
    const storage = new CheckedFileStorage(new vectra.LocalFileStorage(), { fsync: opts.fsync });
    const shardFiles = new ShardFiles(dir, vectra, storage, new vectra.ProtobufCodec(), onDamage);
    const shardsDir = shardFiles.dir;
    await fs.mkdir(shardsDir, { recursive: true });
    await removeStaleTempFiles(dir);
    await removeStaleTempFiles(shardsDir);
    const metaFile = path.join(dir, 'store.json');
    let meta: StoreMeta | undefined;
    try {
      meta = JSON.parse((await readFileChecked(metaFile)).toString('utf8')) as StoreMeta;
      if (meta.format !== 'pinpoint-vectors' || typeof meta.dimension !== 'number') throw new Error('not a store.json');
    } catch (e) {
      if (!(e instanceof IntegrityError && e.problem === 'missing')) onDamage({ shard: 'store.json', reason: String((e as Error).message) });
      meta = undefined;
    }
    const shardCount = opts.shardCount ?? meta?.shardCount ?? 256;
    if (!Number.isInteger(shardCount) || shardCount < 1 || shardCount > 0xffff) throw new RangeError(`bad shardCount ${shardCount}`);
    const store = new VectorStore(dir, opts.dimension, shardCount, shardFiles, onDamage);
    if (meta && meta.dimension !== opts.dimension) {
      onDamage({ shard: '*', reason: `vector dimension changed from ${meta.dimension} to ${opts.dimension}; stored vectors discarded` });
      await fs.rm(shardsDir, { recursive: true, force: true });
      await fs.mkdir(shardsDir, { recursive: true });
    } else {
      await store.loadShards();
    }
    if (!meta || meta.dimension !== opts.dimension || meta.shardCount !== shardCount) {
      const next: StoreMeta = { format: 'pinpoint-vectors', version: SHARD_FORMAT, dimension: opts.dimension, shardCount };
      await writeFileChecked(metaFile, JSON.stringify(next), { fsync: opts.fsync });
    }
    return store;
  }

  // ---- reading -------------------------------------------------------------------------------------------

  getFile(p: string): FileEntry | undefined {
    return this.fileMap.get(p);
  }
  files(): IterableIterator<FileEntry> {
    return this.fileMap.values();
  }
  /** The stored chunk; its text, doc, signature and hash are read from the scratch file on access (chunkTexts.ts). */
  getChunk(id: string): Chunk | undefined {
    return this.chunkMap.get(id);
  }
  /** All stored chunks (e.g. to rebuild the lexical index). */
  chunks(): IterableIterator<Chunk> {
    return this.chunkMap.values();
  }
  /** A copy of the chunk's vector. */
  getVector(id: string): Float32Array | undefined {
    const row = this.rowOf.get(id);
    return row === undefined ? undefined : this.slab.get(row);
  }
  /** Order-independent fingerprint of the set of chunk ids (same set ⇒ same string, across reopen). */
  fingerprint(): string {
    const hex = (n: number) => (n >>> 0).toString(16).padStart(8, '0');
    return `${this.chunkMap.size}-${hex(this.fpA)}${hex(this.fpB)}`;
  }

  /** Top `k` chunks by dot product with `query` (cosine: vectors are unit length), best first. */
  search(query: Float32Array, k: number, filter?: (id: string) => boolean): { id: string; score: number }[] {
    return this.slab.search(query, k, filter);
  }

  /**
   * `search`, also keeping the score of every chunk (VectorSlab.searchWithScores): `scoreOf(id)` is undefined for
   * an unknown id; `bestOfFile(path, n)` is the best score of the file's first `n` chunks (rows kept per file, so
   * no per-chunk id lookups), undefined for an unknown file.
   */
  searchWithScores(query: Float32Array, k: number): ScoredSearch {
    return this.beginSearchWithScores(query, k).collect();
  }

  /**
   * Begins `searchWithScores`; the scan runs on the slab's scan thread while the caller does other work, until
   * `collect` (VectorSlab.beginSearchWithScores).
   */
  beginSearchWithScores(query: Float32Array, k: number): { collect(): ScoredSearch } {
    const pending = this.slab.beginSearchWithScores(query, k);
    return {
      collect: () => {
        const { hits, scoreOf } = pending.collect();
        return {
          hits,
          scoreOf: (id) => {
            const row = this.rowOf.get(id);
            return row === undefined ? undefined : scoreOf(row);
          },
          bestOfFile: (p, n) => {
            const rows = this.fileRows.get(p);
            if (!rows) return undefined;
            let best = -Infinity;
            for (let i = 0; i < rows.length && i < n; i++) best = Math.max(best, scoreOf(rows[i]));
            return best;
          },
        };
      },
    };
  }

  /** `scratchBytes`: the chunk bodies' scratch file (chunkTexts.ts), not part of the index. */
  stats(): { files: number; chunks: number; shards: number; bytesOnDisk: number; scratchBytes: number } {
    let bytes = 0;
    for (const b of this.shardBytes.values()) bytes += b;
    return { files: this.fileMap.size, chunks: this.chunkMap.size, shards: this.shardBytes.size, bytesOnDisk: bytes, scratchBytes: this.arena.size };
  }

  // ---- writing -------------------------------------------------------------------------------------------

  /**
   * Replaces the file's previous chunks; searchable at once, persisted by the next `flush`. `entry.chunkIds` is taken from
   * `chunks`. A chunk id the file already holds keeps its stored body and vector (ids hash the content); only its lines move.
   */
  putFile(entry: FileEntry, chunks: Chunk[], vectors: Float32Array[]): void {
    this.assertOpen();
    if (chunks.length !== vectors.length) throw new Error(`putFile ${entry.path}: ${chunks.length} chunks but ${vectors.length} vectors`);
    const seen = new Set<string>();
    for (let i = 0; i < chunks.length; i++) {
      const c = chunks[i];
      if (c.path !== entry.path) throw new Error(`putFile ${entry.path}: chunk ${c.id} belongs to ${c.path}`);
      if (seen.has(c.id)) throw new Error(`putFile ${entry.path}: duplicate chunk id ${c.id}`);
      seen.add(c.id);
      const owner = this.chunkMap.get(c.id)?.path;
      if (owner !== undefined && owner !== entry.path) throw new Error(`putFile ${entry.path}: chunk id ${c.id} already belongs to ${owner}`);
      if (vectors[i].length !== this.dimension) throw new Error(`putFile ${entry.path}: vector ${i} has length ${vectors[i].length}, store dimension ${this.dimension}`);
    }
    // A chunk id the file already had is the same content (ids hash it): its stored body and vector stay, only its
    // lines move. A save rewrites one chunk of a large file, not all of them.
    const kept = new Set((this.fileMap.get(entry.path)?.chunkIds ?? []).filter((id) => seen.has(id)));
    this.dropFile(entry.path, kept);
    const stored: FileEntry = { ...entry, chunkIds: chunks.map((c) => c.id) };
    for (let i = 0; i < chunks.length; i++) {
      const c = chunks[i];
      if (kept.has(c.id)) this.chunkMap.set(c.id, this.chunkMap.get(c.id)!.withLines(c));
      else this.addChunk(c, vectors[i], entry.path);
    }
    this.addFile(stored);
    this.compactTexts();
  }

  removeFile(p: string): void {
    this.assertOpen();
    this.dropFile(p);
    this.compactTexts();
  }

  /** The shard holding a file's entry, chunks and vectors (a stable hash of its path). */
  shardOf(p: string): number {
    return shardOf(p, this.shardCount);
  }

  /** Atomically writes the dirty shards (only those; given `shards`, only those of them). Concurrent calls are serialized. */
  flush(shards?: Iterable<number>): Promise<void> {
    const only = shards && new Set(shards);
    const run = this.flushChain.then(() => this.flushNow(only));
    this.flushChain = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.flush();
    this.closed = true;
    this.slab.dispose();
    this.arena.close();
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('VectorStore is closed');
  }

  private addChunk(c: Chunk, vector: ArrayLike<number>, p = c.path): void {
    this.chunkMap.set(c.id, new StoredChunk(c, this.arena, p));
    this.rowOf.set(c.id, this.slab.add(c.id, vector));
    this.fpA ^= fnv1a(c.id);
    this.fpB ^= fnv1a(c.id, 0x9747b28c);
  }

  /** Replaced chunks leave dead bodies in the scratch file: once they outweigh the live ones (and 64 MB), copy the live ones to a new file. */
  private compactTexts(): void {
    const a = this.arena;
    if (a.size < 64 * 1024 * 1024 || a.size - a.live < a.live) return;
    this.arena = new TextArena(this.dir);
    for (const c of this.chunkMap.values()) c.moveTo(this.arena);
    a.retire();
  }

  private addFile(e: FileEntry, markDirty = true): void {
    const shard = shardOf(e.path, this.shardCount);
    this.fileMap.set(e.path, e);
    this.fileRows.set(e.path, Int32Array.from(e.chunkIds, (id) => this.rowOf.get(id)!));
    let set = this.shardPaths.get(shard);
    if (!set) this.shardPaths.set(shard, (set = new Set()));
    set.add(e.path);
    if (markDirty) this.dirty.add(shard);
  }

  /** Forgets a file and its chunks, except those in `keep` (which stay as they are). */
  private dropFile(p: string, keep?: Set<string>): void {
    const old = this.fileMap.get(p);
    if (!old) return;
    for (const id of old.chunkIds) {
      if (keep?.has(id)) continue;
      const row = this.rowOf.get(id);
      if (row !== undefined) this.slab.remove(row);
      this.chunkMap.get(id)?.release();
      if (this.chunkMap.delete(id)) {
        this.fpA ^= fnv1a(id);
        this.fpB ^= fnv1a(id, 0x9747b28c);
      }
      this.rowOf.delete(id);
    }
    this.fileMap.delete(p);
    this.fileRows.delete(p);
    const shard = shardOf(p, this.shardCount);
    this.shardPaths.get(shard)?.delete(p);
    this.dirty.add(shard);
  }

  private async flushNow(only?: Set<number>): Promise<void> {
    // Each shard is snapshotted synchronously right before its write (so the heap never holds more than one
    // shard's items); a putFile during the writes marks its shard dirty again for the next flush.
    // Shards are independent files: up to FLUSH_CONCURRENCY are written at once so fsync latencies overlap.
    let firstError: unknown;
    const queue = [...this.dirty].filter((s) => !only || only.has(s)).sort((a, b) => a - b);
    const worker = async () => {
      for (let shard = queue.shift(); shard !== undefined; shard = queue.shift()) await writeOne(shard);
    };
    const writeOne = async (shard: number) => {
      if (!this.dirty.delete(shard)) return;
      const items: Partial<Vectra.IndexItem>[] = [];
      for (const p of this.shardPaths.get(shard) ?? []) {
        const e = this.fileMap.get(p)!;
        items.push(fileItem(e));
        for (const id of e.chunkIds) items.push(chunkItem(this.chunkMap.get(id)!, this.slab.toArray(this.rowOf.get(id)!)));
      }
      if (items.length) items.unshift(headerItem(this.dimension, shard));
      try {
        await this.writeShard(shard, items);
      } catch (e) {
        this.dirty.add(shard);
        firstError ??= e;
      }
    };
    await Promise.all(Array.from({ length: Math.min(FLUSH_CONCURRENCY, queue.length) }, worker));
    if (firstError) throw firstError;
  }

  /** Replaces a shard's file with `items` in one atomic write (an empty shard's file is deleted). */
  private async writeShard(shard: number, items: Partial<Vectra.IndexItem>[]): Promise<void> {
    const bytes = await this.shardFiles.write(shardName(shard), items);
    if (bytes === undefined) this.shardBytes.delete(shard);
    else this.shardBytes.set(shard, bytes);
  }

  // ---- loading -------------------------------------------------------------------------------------------

  private async loadShards(): Promise<void> {
    for (const name of await this.shardFiles.names()) {
      let items: Vectra.IndexItem[];
      try {
        items = await this.shardFiles.read(name);
      } catch (e) {
        const reason = e instanceof IntegrityError ? e.message : `undecodable: ${(e as Error).message}`;
        await this.shardFiles.quarantine(name, reason);
        continue;
      }
      try {
        this.loadShardItems(parseShardName(name)!, name, items);
      } catch (e) {
        await this.shardFiles.quarantine(name, `malformed: ${(e as Error).message}`);
        continue;
      }
      this.shardBytes.set(parseShardName(name)!, await this.shardFiles.size(name));
    }
  }

  /** Validates a decoded shard fully before adopting any of it; damage confined to some files drops only those. */
  private loadShardItems(fileShard: number, name: string, items: Vectra.IndexItem[]): void {
    const files: FileEntry[] = [];
    const chunks = new Map<string, { chunk: Chunk; vector: number[] }>();
    let header = false;
    for (const item of items) {
      const d = decodeItem(item);
      if (d.type === 'header') {
        if (d.version !== SHARD_FORMAT) throw new Error(`shard format ${d.version}`);
        if (d.dimension !== this.dimension) throw new Error(`dimension ${d.dimension}, store ${this.dimension}`);
        header = true;
      } else if (d.type === 'file') files.push(d.entry);
      else {
        if (d.vector.length !== this.dimension) throw new Error(`chunk ${d.chunk.id}: vector length ${d.vector.length}`);
        chunks.set(d.chunk.id, d);
      }
    }
    if (!header) throw new Error('no shard header');
    const lost: string[] = [];
    const used = new Set<string>();
    for (const e of files) {
      if (this.fileMap.has(e.path)) continue; // also in an earlier shard (interrupted re-bucketing): keep that one
      const ok = e.chunkIds.every((id) => chunks.get(id)?.chunk.path === e.path && !used.has(id) && !this.chunkMap.has(id));
      if (!ok) {
        lost.push(e.path);
        continue;
      }
      e.chunkIds = e.chunkIds.map((id) => {
        used.add(id);
        const c = chunks.get(id)!;
        c.chunk.path = e.path; // share one string per file
        this.addChunk(c.chunk, c.vector);
        return c.chunk.id;
      });
      const target = shardOf(e.path, this.shardCount);
      this.addFile(e, target !== fileShard); // bucketed elsewhere (shard count changed): rewrite the target
      if (target !== fileShard) this.dirty.add(fileShard);
    }
    // Orphan chunks, duplicates or dropped files: rewrite this shard without them.
    if (lost.length || used.size !== chunks.size || files.some((e) => !this.fileMap.has(e.path))) this.dirty.add(fileShard);
    if (lost.length) this.onDamage({ shard: name, reason: 'files with missing or conflicting chunks dropped', lostPaths: lost });
  }
}
