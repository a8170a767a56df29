import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
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
    }
  | { path: string; status: 'skipped'; skipped: SkippedFile }
  | { path: string; status: 'missing' };

export function sha256(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Reads, decodes, hashes, chunks and (optionally) embeds one file. Pure apart from reading the file. */
export async function processFile(req: ProcessRequest, chunker: Chunker, embedder?: Embedder): Promise<ProcessResult> {
  const abs = path.join(req.root, ...req.path.split('/'));
  let bytes: Buffer;
  let size: number;
  let mtimeMs: number;
  try {
    const fh = await fs.open(abs, 'r');
    try {
      const st = await fh.stat();
      if (!st.isFile()) return { path: req.path, status: 'missing' };
      size = st.size;
      mtimeMs = st.mtimeMs;
      bytes = await fh.readFile();
    } finally {
      await fh.close();
    }
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { path: req.path, status: 'missing' };
    return { path: req.path, status: 'skipped', skipped: { path: req.path, reason: 'unreadable', detail: code ?? (e as Error).message } };
  }
  const fileHash = sha256(bytes);
  if (req.knownFileHash === fileHash) return { path: req.path, status: 'unchanged', size, mtimeMs, fileHash };
  const decoded = decodeSource(req.path, bytes, { allowMinified: req.allowMinified });
  if (!decoded.ok) return { path: req.path, status: 'skipped', skipped: { path: req.path, reason: decoded.reason, detail: decoded.detail } };
  const chunks = await chunker.chunk(req.path, decoded.text, req.chunkOptions);
  const vectors: (Float32Array | null)[] = chunks.map(() => null);
  if (req.embed && embedder) {
    const known = new Set(req.knownIds);
    const fresh = chunks.map((c, i) => (known.has(c.id) ? -1 : i)).filter((i) => i >= 0);
    if (fresh.length) {
      const vs = await embedder.embed(fresh.map((i) => chunkEmbeddingText(chunks[i])), { kind: 'document' });
      fresh.forEach((ci, j) => (vectors[ci] = vs[j]));
    }
  }
  return { path: req.path, status: 'chunked', size, mtimeMs, fileHash, chunks, vectors };
}
