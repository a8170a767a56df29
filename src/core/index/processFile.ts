import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, promises as fs, readSync } from 'node:fs';
import * as path from 'node:path';
import type { Chunk, ChunkOptions, SkippedFile } from '../types';
import type { Chunker } from '../parsing/chunker';
import type { Embedder } from '../embed/embedder';
import { chunkEmbeddingText } from '../embed/embedder';
import { decodeSource } from '../workspace/content';

/** One file to (re)process. `known*` come from the manifest so unchanged work is skipped. */
export interface ProcessRequest {
  root: string;
  path: string;
  /** Content hash recorded for this file; if the bytes still hash to it, nothing is re-chunked. */
  knownFileHash?: string;
  /** Chunk ids the index already holds vectors for: those are not embedded again. */
  knownIds: string[];
  chunkOptions?: Partial<ChunkOptions>;
  /** Embed new chunks here (true for CPU embedders run off-thread; false when the caller embeds, e.g. over HTTP). */
  embed: boolean;
  /** A .pinpointignore negation named this file: index it even if it looks minified. */
  allowMinified?: boolean;
}

export type ProcessResult =
  | { path: string; status: 'unchanged'; size: number; mtimeMs: number; fileHash: string }
  | {
      path: string;
      status: 'chunked';
      size: number;
      mtimeMs: number;
      fileHash: string;
      chunks: Chunk[];
      /** Parallel to `chunks`: a vector for each chunk that was new and embedded here, otherwise null. */
      vectors: (Float32Array | null)[];
      /** Line windows only because the file's grammar failed to load (see Chunker.chunkChecked). */
      degraded?: string;
    }
  /** `size`/`mtimeMs` when the file was read (its content was turned away), so the skip can be remembered. */
  | { path: string; status: 'skipped'; skipped: SkippedFile; size?: number; mtimeMs?: number }
  | { path: string; status: 'missing' };

export function sha256(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

type ReadResult = { bytes: Buffer; size: number; mtimeMs: number } | undefined;

/** The file's bytes, size and mtime from one open descriptor (undefined: not a regular file). */
async function readWhole(abs: string): Promise<ReadResult> {
  const fh = await fs.open(abs, 'r');
  try {
    const st = await fh.stat();
    if (!st.isFile()) return undefined;
    return { bytes: await fh.readFile(), size: st.size, mtimeMs: st.mtimeMs };
  } finally {
    await fh.close();
  }
}

/**
 * The same with blocking calls, for worker threads: each async call is a round trip through libuv's thread pool
 * (open, stat, read, read, close), which is most of a small file's read time and is shared with the caller's thread.
 */
function readWholeSync(abs: string): ReadResult {
  const fd = openSync(abs, 'r');
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return undefined;
    let bytes = Buffer.allocUnsafe(st.size + 1); // the spare byte shows whether the file grew since the stat
    let off = 0;
    for (;;) {
      if (off === bytes.length) bytes = Buffer.concat([bytes, Buffer.allocUnsafe(bytes.length)]);
      const n = readSync(fd, bytes, off, bytes.length - off, off);
      if (n === 0) break;
      off += n;
    }
    return { bytes: bytes.subarray(0, off), size: st.size, mtimeMs: st.mtimeMs };
  } finally {
    closeSync(fd);
  }
}

export interface ProcessOptions {
  /** Read with blocking calls (worker threads only: it would stall an editor's thread on a slow disk). */
  syncRead?: boolean;
}

/** Reads, decodes, hashes, chunks and (optionally) embeds one file. Pure apart from reading the file. */
export async function processFile(req: ProcessRequest, chunker: Chunker, embedder?: Embedder, opts: ProcessOptions = {}): Promise<ProcessResult> {
  const abs = path.join(req.root, ...req.path.split('/'));
  let read: ReadResult;
  try {
    read = opts.syncRead ? readWholeSync(abs) : await readWhole(abs);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { path: req.path, status: 'missing' };
    return { path: req.path, status: 'skipped', skipped: { path: req.path, reason: 'unreadable', detail: code ?? (e as Error).message } };
  }
  if (!read) return { path: req.path, status: 'missing' };
  const { bytes, size, mtimeMs } = read;
  const fileHash = sha256(bytes);
  if (req.knownFileHash === fileHash) return { path: req.path, status: 'unchanged', size, mtimeMs, fileHash };
  const decoded = decodeSource(req.path, bytes, { allowMinified: req.allowMinified });
  if (!decoded.ok) return { path: req.path, status: 'skipped', skipped: { path: req.path, reason: decoded.reason, detail: decoded.detail }, size, mtimeMs };
  const { chunks, degraded } = chunker.chunkChecked
    ? await chunker.chunkChecked(req.path, decoded.text, req.chunkOptions)
    : { chunks: await chunker.chunk(req.path, decoded.text, req.chunkOptions), degraded: undefined };
  const vectors: (Float32Array | null)[] = chunks.map(() => null);
  if (req.embed && embedder) {
    const known = new Set(req.knownIds);
    const fresh = chunks.map((c, i) => (known.has(c.id) ? -1 : i)).filter((i) => i >= 0);
    if (fresh.length) {
      const vs = await embedder.embed(fresh.map((i) => chunkEmbeddingText(chunks[i])), { kind: 'document' });
      fresh.forEach((ci, j) => (vectors[ci] = vs[j]));
    }
  }
  return { path: req.path, status: 'chunked', size, mtimeMs, fileHash, chunks, vectors, ...(degraded ? { degraded } : {}) };
}
