/**
 * A persistent, content-keyed embedding cache (one directory per embedderKey) and the
 * CachedEmbedder wrapper: nothing is ever embedded twice, even after the chunks left the index
 * (branch switches back and forth re-embed nothing).
 *
 * File `embeddings.bin`, little-endian:
 *   header  16 bytes: "PPEC" | u32 version (1) | u32 dimension | u32 reserved (0)
 *   record  16-byte key (first 16 bytes of sha256 of the embedding text)
 *           | dimension × float32 | u32 crc32 of key + vector
 * Append-only. At open the file is scanned once; only key → offset is kept in memory (vectors are
 * read on demand), so a 100k-record cache costs a few MB of RAM whatever the dimension. A torn or
 * corrupt tail (crash mid-append) is detected by length/CRC and cut off, never a load failure.
 * When the file passes `maxBytes` it is compacted (newest records kept) into a temp file that
 * atomically replaces it. Single writer per directory.
 */
import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { crc32 } from 'node:zlib';
import { embedderDirName, embedderKey, type Embedder, type EmbedOptions } from './embedder';

const MAGIC = 0x43455050; // "PPEC" read as u32 LE
const VERSION = 1;
const HEADER = 16;
const KEY = 16;
const FILE = 'embeddings.bin';

export interface EmbeddingCacheOptions {
  dimension: number;
  /** Compact when the file grows past this. Default 1 GiB. */
  maxBytes?: number;
  /** Append automatically once this many records are pending. Default 512. */
  writeEvery?: number;
}

/** The cache key of an embedding text: 32 hex chars (16 bytes of sha256). */
export function cacheKey(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 32);
}

export class EmbeddingCache {
  private readonly offsets = new Map<string, number>();
  private pending = new Map<string, Float32Array>();
  private end = HEADER;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  /** Bytes dropped from a torn/corrupt tail at open (0 normally). */
  recoveredBytes = 0;

  private constructor(
    readonly dir: string,
    readonly dimension: number,
    private fh: fsp.FileHandle,
    private readonly maxBytes: number,
    private readonly writeEvery: number,
  ) {}

  private get recordSize(): number {
    return KEY + this.dimension * 4 + 4;
  }

  static async open(dir: string, opts: EmbeddingCacheOptions): Promise<EmbeddingCache> {
    const dim = opts.dimension;
    if (!Number.isInteger(dim) || dim <= 0) throw new RangeError(`embedding cache: bad dimension ${dim}`);
    await fsp.mkdir(dir, { recursive: true });
    const file = path.join(dir, FILE);
    let fh = await fsp.open(file, 'a+').then((h) => h.close()).then(() => fsp.open(file, 'r+'));
    const header = Buffer.alloc(HEADER);
    const { bytesRead } = await fh.read(header, 0, HEADER, 0);
    const valid = bytesRead === HEADER && header.readUInt32LE(0) === MAGIC && header.readUInt32LE(4) === VERSION && header.readUInt32LE(8) === dim;
    if (!valid) {
      // New, foreign or damaged file: it is only a cache, start afresh.
      await fh.close();
      fh = await fsp.open(file, 'w+');
      await fh.write(makeHeader(dim), 0, HEADER, 0);
      await fh.sync();
    }
    const cache = new EmbeddingCache(dir, dim, fh, opts.maxBytes ?? 1024 ** 3, Math.max(1, opts.writeEvery ?? 512));
    if (valid) await cache.scan();
    if (cache.end > cache.maxBytes) await cache.compact();
    return cache;
  }

  /** Opens the cache for an embedder under `root` (`root/<embedderDirName>/`). */
  static async forEmbedder(root: string, e: Embedder, opts: Omit<EmbeddingCacheOptions, 'dimension'> = {}): Promise<EmbeddingCache> {
    const dir = path.join(root, embedderDirName(e));
    const cache = await EmbeddingCache.open(dir, { ...opts, dimension: e.dimension });
    await fsp.writeFile(path.join(dir, 'embedder.json'), JSON.stringify({ key: embedderKey(e) }) + '\n').catch(() => undefined);
    return cache;
  }

  /** Records stored or pending. */
  get size(): number {
    return this.offsets.size + this.pending.size;
  }

  /** Bytes in the file (header included). */
  get fileBytes(): number {
    return this.end;
  }

  has(key: string): boolean {
    return this.pending.has(key) || this.offsets.has(key);
  }

  /** Vectors for keys, `undefined` where absent. */
  getMany(keys: string[]): Promise<(Float32Array | undefined)[]> {
    return this.serial(async () => {
      const out: (Float32Array | undefined)[] = new Array(keys.length);
      const len = this.dimension * 4;
      for (let i = 0; i < keys.length; i++) {
        const p = this.pending.get(keys[i]);
        if (p) {
          out[i] = p.slice();
          continue;
        }
        const off = this.offsets.get(keys[i]);
        if (off === undefined) continue;
        const v = new Float32Array(this.dimension);
        const { bytesRead } = await this.fh.read(Buffer.from(v.buffer), 0, len, off + KEY);
        out[i] = bytesRead === len ? v : undefined;
      }
      return out;
    });
  }

  async get(key: string): Promise<Float32Array | undefined> {
    return (await this.getMany([key]))[0];
  }

  /** Buffers a record (ignored if the key is already stored); appended on write()/flush(). */
  put(key: string, vec: Float32Array): void {
    if (this.closed) throw new Error('embedding cache is closed');
    if (vec.length !== this.dimension) throw new RangeError(`embedding cache: vector of ${vec.length} dims, expected ${this.dimension}`);
    if (!/^[0-9a-f]{32}$/.test(key)) throw new RangeError('embedding cache: key must be 32 hex chars (cacheKey)');
    if (this.has(key)) return;
    this.pending.set(key, vec.slice());
    if (this.pending.size >= this.writeEvery) void this.write().catch(() => undefined);
  }

  /** Appends pending records to the file (no fsync). */
  write(): Promise<void> {
    return this.serial(() => this.appendPending());
  }

  /** Appends pending records and fsyncs. */
  flush(): Promise<void> {
    return this.serial(async () => {
      await this.appendPending();
      await this.fh.datasync();
    });
  }

  /** Rewrites the file with only the records `keep` accepts (default: the newest that fit in half of maxBytes). */
  compact(keep?: (key: string) => boolean): Promise<void> {
    return this.serial(() => this.compactNow(keep));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.flush();
    this.closed = true;
    await this.fh.close();
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(() => {
      if (this.closed) throw new Error('embedding cache is closed');
      return fn();
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async appendPending(): Promise<void> {
    if (this.pending.size === 0) return;
    const rs = this.recordSize;
    const entries = [...this.pending];
    const buf = Buffer.alloc(entries.length * rs);
    entries.forEach(([key, vec], i) => encodeRecord(buf, i * rs, key, vec));
    await this.fh.write(buf, 0, buf.length, this.end);
    entries.forEach(([key], i) => {
      this.offsets.set(key, this.end + i * rs);
      this.pending.delete(key);
    });
    this.end += buf.length;
    if (this.end > this.maxBytes) await this.compactNow();
  }

  /** Reads the whole file once, indexing valid records and cutting off a torn/corrupt tail. */
  private async scan(): Promise<void> {
    const rs = this.recordSize;
    const size = (await this.fh.stat()).size;
    const perRead = Math.max(1, Math.floor((4 << 20) / rs));
    const buf = Buffer.alloc(perRead * rs);
    let pos = HEADER;
    scan: while (pos + rs <= size) {
      const want = Math.min(perRead, Math.floor((size - pos) / rs)) * rs;
      const { bytesRead } = await this.fh.read(buf, 0, want, pos);
      const n = Math.floor(bytesRead / rs);
      if (n === 0) break;
      for (let r = 0; r < n; r++) {
        const o = r * rs;
        if (crc32(buf.subarray(o, o + rs - 4)) !== buf.readUInt32LE(o + rs - 4)) break scan;
        this.offsets.set(buf.toString('hex', o, o + KEY), pos);
        pos += rs;
      }
    }
    this.end = pos;
    if (pos < size) {
      this.recoveredBytes = size - pos;
      await this.fh.truncate(pos);
      await this.fh.datasync();
    }
  }

  private async compactNow(keep?: (key: string) => boolean): Promise<void> {
    const rs = this.recordSize;
    let keys = [...this.offsets.keys()];
    if (keep) keys = keys.filter(keep);
    else {
      const fit = Math.max(1, Math.floor((this.maxBytes / 2 - HEADER) / rs));
      keys.sort((a, b) => this.offsets.get(a)! - this.offsets.get(b)!);
      if (keys.length > fit) keys = keys.slice(keys.length - fit);
    }
    const file = path.join(this.dir, FILE);
    const tmp = `${file}.${process.pid}.tmp`;
    const out = await fsp.open(tmp, 'w');
    const fresh = new Map<string, number>();
    try {
      await out.write(makeHeader(this.dimension), 0, HEADER, 0);
      let pos = HEADER;
      const batch = Math.max(1, Math.floor((4 << 20) / rs));
      const buf = Buffer.alloc(batch * rs);
      for (let i = 0; i < keys.length; i += batch) {
        const part = keys.slice(i, i + batch);
        for (let k = 0; k < part.length; k++) await this.fh.read(buf, k * rs, rs, this.offsets.get(part[k])!);
        await out.write(buf, 0, part.length * rs, pos);
        for (let k = 0; k < part.length; k++) fresh.set(part[k], pos + k * rs);
        pos += part.length * rs;
      }
      await out.sync();
      await out.close();
      await fsp.rename(tmp, file);
    } catch (e) {
      await out.close().catch(() => undefined);
      await fsp.rm(tmp, { force: true });
      throw e;
    }
    await this.fh.close();
    this.fh = await fsp.open(file, 'r+');
    this.offsets.clear();
    for (const [k, o] of fresh) this.offsets.set(k, o);
    this.end = HEADER + fresh.size * rs;
  }
}

function makeHeader(dim: number): Buffer {
  const h = Buffer.alloc(HEADER);
  h.writeUInt32LE(MAGIC, 0);
  h.writeUInt32LE(VERSION, 4);
  h.writeUInt32LE(dim, 8);
  return h;
}

function encodeRecord(buf: Buffer, o: number, key: string, vec: Float32Array): void {
  buf.write(key, o, KEY, 'hex');
  Buffer.from(vec.buffer, vec.byteOffset, vec.byteLength).copy(buf, o + KEY);
  const end = o + KEY + vec.byteLength;
  buf.writeUInt32LE(crc32(buf.subarray(o, end)), end);
}

export interface CacheStats {
  hits: number;
  misses: number;
}

/**
 * Wraps any embedder with an EmbeddingCache: only misses reach the inner embedder. Document
 * embeddings are persisted; query embeddings are kept in a small in-memory LRU only.
 */
export class CachedEmbedder implements Embedder {
  readonly stats: CacheStats = { hits: 0, misses: 0 };
  private readonly queries = new Map<string, Float32Array>();

  constructor(
    readonly inner: Embedder,
    readonly cache: EmbeddingCache,
    private readonly queryCacheSize = 256,
  ) {
    if (cache.dimension !== inner.dimension) {
      throw new Error(`embedding cache has dimension ${cache.dimension}, embedder ${embedderKey(inner)} has ${inner.dimension}`);
    }
  }

  get id(): string {
    return this.inner.id;
  }
  get model(): string {
    return this.inner.model;
  }
  get dimension(): number {
    return this.inner.dimension;
  }
  get variant(): string | undefined {
    return this.inner.variant;
  }

  async embed(texts: string[], opts: EmbedOptions = {}): Promise<Float32Array[]> {
    if (opts.kind === 'query') return this.embedQueries(texts, opts);
    const keys = texts.map(cacheKey);
    const found = await this.cache.getMany(keys);
    const missIdx = new Map<string, number[]>();
    for (let i = 0; i < texts.length; i++) {
      if (found[i]) continue;
      const list = missIdx.get(keys[i]);
      if (list) list.push(i);
      else missIdx.set(keys[i], [i]);
    }
    this.stats.hits += texts.length - missIdx.size; // a repeat within the call is served once: a hit
    if (missIdx.size) {
      const missKeys = [...missIdx.keys()];
      this.stats.misses += missKeys.length;
      const vecs = await this.inner.embed(missKeys.map((k) => texts[missIdx.get(k)![0]]), opts);
      if (vecs.length !== missKeys.length) throw new Error(`embedder ${embedderKey(this.inner)} returned ${vecs.length} vectors for ${missKeys.length} texts`);
      missKeys.forEach((k, j) => {
        this.cache.put(k, vecs[j]);
        for (const i of missIdx.get(k)!) found[i] = vecs[j];
      });
      await this.cache.write();
    }
    return found as Float32Array[];
  }

  flush(): Promise<void> {
    return this.cache.flush();
  }

  close(): Promise<void> {
    return this.cache.close();
  }

  private async embedQueries(texts: string[], opts: EmbedOptions): Promise<Float32Array[]> {
    const out: (Float32Array | undefined)[] = texts.map((t) => this.queries.get(t));
    const miss = [...new Set(texts.filter((_, i) => !out[i]))];
    this.stats.hits += out.filter(Boolean).length;
    if (miss.length) {
      this.stats.misses += miss.length;
      const vecs = await this.inner.embed(miss, opts);
      const fresh = new Map(miss.map((t, j) => [t, vecs[j]] as const));
      texts.forEach((t, i) => (out[i] ??= fresh.get(t)));
      for (const [t, v] of fresh) this.queries.set(t, v);
    }
    for (const t of texts) {
      const v = this.queries.get(t);
      if (v) {
        this.queries.delete(t); // refresh LRU position
        this.queries.set(t, v);
      }
    }
    while (this.queries.size > this.queryCacheSize) this.queries.delete(this.queries.keys().next().value as string);
    return out as Float32Array[];
  }
}
