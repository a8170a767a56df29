/**
 * Chunk bodies off the JS heap. An open store keeps each chunk's large, rarely read fields (text, doc comment,
 * signature, content hash: about three quarters of a chunk's heap) in a scratch file of this process, and only
 * their offset in memory. `StoredChunk` reads them back on access: one `pread` (page-cached) of at least 16 KB, so
 * the records after it (a file's other chunks) come without another, and the last record read is kept, so `c.text`
 * then `c.doc` costs one decode.
 *
 * The scratch file is derived data: it is rebuilt from the shards at every open and never read by another
 * process. Where the OS allows it (POSIX), it is unlinked right after it is created, so nothing is left behind
 * even by a kill -9; elsewhere it is deleted at close, and a dead process's file is swept at the next open
 * (`removeStaleTempFiles`: the name carries the pid).
 */
import { closeSync, openSync, readSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Chunk, ChunkKind } from '../types';
import { TEMP_INFIX } from './atomicFs';

/** The fields kept off the heap. */
export type ChunkBody = Pick<Chunk, 'text' | 'doc' | 'signature' | 'hash'>;

const STAGE_BYTES = 1 << 20;
/** A read fetches at least this much, so the next records (a file's other chunks, written together) need no syscall. */
const READ_WINDOW = 16 * 1024;
const HEAD = 16; // four u32 byte lengths

interface Handle {
  fd: number;
  file: string | undefined; // set while the file still has a name to delete at close
}
function release(h: Handle): void {
  if (h.fd < 0) return;
  closeSync(h.fd);
  h.fd = -1;
  if (h.file) rmSync(h.file, { force: true });
}
/** An arena replaced by compaction stays readable for chunks still held elsewhere, and is closed once none are. */
const finalizer = new FinalizationRegistry<Handle>((h) => {
  try {
    release(h);
  } catch {
    // best effort: the process's exit closes it anyway
  }
});

/** An append-only file of chunk bodies, with a write stage in memory. Synchronous: reads sit on the query path. */
export class TextArena {
  private readonly h: Handle;
  private flushed = 0;
  private stage = Buffer.allocUnsafe(STAGE_BYTES);
  private staged = 0;
  private readBuf = Buffer.allocUnsafe(64 * 1024);
  /** File offsets [start, end) that `readBuf` holds (flushed records never change: the arena is append-only). */
  private win = { start: 0, end: 0 };
  private liveBytes = 0;
  private last: { at: number; body: ChunkBody } | undefined;

  constructor(dir: string) {
    const name = `texts.bin${TEMP_INFIX}${process.pid}-${randomBytes(4).toString('hex')}`;
    let file = path.join(dir, name);
    let fd: number;
    try {
      fd = openSync(file, 'w+');
    } catch {
      fd = openSync((file = path.join(tmpdir(), name)), 'w+'); // an index directory we may not write to
    }
    this.h = { fd, file };
    try {
      unlinkSync(file);
      this.h.file = undefined;
    } catch {
      // Windows: an open file cannot be unlinked; it is deleted at close
    }
    finalizer.register(this, this.h, this);
  }

  /** Bytes written (live and dead). */
  get size(): number {
    return this.flushed + this.staged;
  }
  /** Bytes of records not yet freed. */
  get live(): number {
    return this.liveBytes;
  }

  /** Appends a body; returns its offset and length. */
  put(b: ChunkBody): { at: number; len: number } {
    const lens = [Buffer.byteLength(b.text), Buffer.byteLength(b.doc), Buffer.byteLength(b.signature), Buffer.byteLength(b.hash)];
    const len = HEAD + lens[0] + lens[1] + lens[2] + lens[3];
    if (this.staged + len > STAGE_BYTES) this.flushStage();
    const big = len > STAGE_BYTES;
    const buf = big ? Buffer.allocUnsafe(len) : this.stage;
    let o = big ? 0 : this.staged;
    const at = this.flushed + this.staged;
    for (let i = 0; i < 4; i++) buf.writeUInt32LE(lens[i], o + 4 * i);
    o += HEAD;
    o += buf.write(b.text, o, 'utf8');
    o += buf.write(b.doc, o, 'utf8');
    o += buf.write(b.signature, o, 'utf8');
    buf.write(b.hash, o, 'utf8');
    if (big) this.writeAll(buf, len);
    else this.staged += len;
    this.liveBytes += len;
    return { at, len };
  }

  get(at: number, len: number): ChunkBody {
    if (this.last?.at === at) return this.last.body;
    if (this.h.fd < 0) throw new Error('chunk text store is closed (the index was closed)');
    let buf: Buffer;
    let o = 0;
    if (at >= this.flushed) {
      buf = this.stage;
      o = at - this.flushed;
    } else {
      if (at < this.win.start || at + len > this.win.end) this.fill(at, len);
      buf = this.readBuf;
      o = at - this.win.start;
    }
    const l0 = buf.readUInt32LE(o), l1 = buf.readUInt32LE(o + 4), l2 = buf.readUInt32LE(o + 8), l3 = buf.readUInt32LE(o + 12);
    let p = o + HEAD;
    const text = buf.toString('utf8', p, (p += l0));
    const doc = buf.toString('utf8', p, (p += l1));
    const signature = buf.toString('utf8', p, (p += l2));
    const hash = buf.toString('utf8', p, p + l3);
    const body = { text, doc, signature, hash };
    this.last = { at, body };
    return body;
  }

  /** Reads the record at `at` and, up to READ_WINDOW in all, what follows it on disk into `readBuf`. */
  private fill(at: number, len: number): void {
    const want = Math.max(len, Math.min(READ_WINDOW, this.flushed - at));
    if (this.readBuf.length < want) this.readBuf = Buffer.allocUnsafe(Math.max(want, this.readBuf.length * 2));
    this.win = { start: at, end: at };
    let got = 0;
    while (got < want) {
      const n = readSync(this.h.fd, this.readBuf, got, want - got, at + got);
      if (n === 0) break;
      got += n;
    }
    if (got < len) throw new Error(`chunk text store: short read at ${at}`);
    this.win.end = at + got;
  }

  /** Marks a record dead (its bytes stay until the arena is replaced). */
  free(len: number): void {
    this.liveBytes -= len;
  }

  /** Closes the file now (the store's close); its chunks can no longer be read. */
  close(): void {
    finalizer.unregister(this);
    release(this.h);
    this.stage = Buffer.alloc(0);
    this.last = undefined;
  }

  /** Leaves the file open while chunks held elsewhere may read it; the garbage collector closes it. */
  retire(): void {
    this.flushStage();
    this.stage = Buffer.alloc(0);
    this.last = undefined;
  }

  private flushStage(): void {
    if (this.staged) this.writeAll(this.stage, this.staged);
    this.staged = 0;
  }

  private writeAll(buf: Buffer, len: number): void {
    let done = 0;
    while (done < len) done += writeSync(this.h.fd, buf, done, len - done, this.flushed + done);
    this.flushed += len;
  }
}

/**
 * A chunk as an open store holds it: names and lines on the heap, the body in a `TextArena`. It reads like a
 * `Chunk` (the body fields are getters); `JSON.stringify` gives the whole chunk. Object spread does not copy
 * getters: use `plainChunk` for a copy.
 */
export class StoredChunk implements Chunk {
  readonly id: string;
  path: string;
  readonly language: string;
  readonly kind: ChunkKind;
  readonly name: string;
  readonly qualifiedName: string;
  readonly startLine: number;
  readonly endLine: number;
  readonly part?: { index: number; count: number };
  #arena: TextArena;
  #at: number;
  #len: number;

  /** `record`: the body is already in `arena` there (see `withLines`); otherwise it is written. */
  constructor(c: Chunk, arena: TextArena, path = c.path, record?: { at: number; len: number }) {
    this.id = c.id;
    this.path = path;
    this.language = intern(c.language);
    this.kind = intern(c.kind) as ChunkKind;
    this.name = c.name;
    this.qualifiedName = c.qualifiedName;
    this.startLine = c.startLine;
    this.endLine = c.endLine;
    if (c.part) this.part = { index: c.part.index, count: c.part.count };
    this.#arena = arena;
    ({ at: this.#at, len: this.#len } = record ?? arena.put(c));
  }

  /** This chunk as `c` places it (same id, so the same body; other lines): a new object sharing the stored body. */
  withLines(c: Chunk): StoredChunk {
    return new StoredChunk(c, this.#arena, this.path, { at: this.#at, len: this.#len });
  }

  get text(): string {
    return this.#arena.get(this.#at, this.#len).text;
  }
  get doc(): string {
    return this.#arena.get(this.#at, this.#len).doc;
  }
  get signature(): string {
    return this.#arena.get(this.#at, this.#len).signature;
  }
  get hash(): string {
    return this.#arena.get(this.#at, this.#len).hash;
  }

  /** Copies the body into `to` (compaction) and frees it here. */
  moveTo(to: TextArena): void {
    const body = this.#arena.get(this.#at, this.#len);
    this.#arena.free(this.#len);
    ({ at: this.#at, len: this.#len } = to.put(body));
    this.#arena = to;
  }

  /** Marks the body dead (the chunk left the store). */
  release(): void {
    this.#arena.free(this.#len);
  }

  toJSON(): Chunk {
    const { id, path: p, language, kind, name, qualifiedName, startLine, endLine, part } = this;
    const { text, doc, signature, hash } = this.#arena.get(this.#at, this.#len);
    const out: Chunk = { id, path: p, language, kind, name, qualifiedName, startLine, endLine, signature, doc, text, hash };
    if (part) out.part = { ...part };
    return out;
  }
}

const interned = new Map<string, string>();
/** One string per language id and kind across stores (a bounded table: these are few). */
function intern(s: string): string {
  const hit = interned.get(s);
  if (hit !== undefined) return hit;
  if (interned.size < 1000) interned.set(s, s);
  return s;
}

/** A plain, self-contained copy of any chunk (a stored one's body included). */
export function plainChunk(c: Chunk): Chunk {
  return c instanceof StoredChunk ? c.toJSON() : { ...c };
}
