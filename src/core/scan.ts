import type { Host } from './host';
import type { Chunk, ChunkOptions, ScanResult, SkippedFile } from './types';
import type { Chunker } from './parsing/chunker';
import { decodeSource } from './workspace/content';
import { walkWorkspace, type WalkOptions, type WalkedFile } from './workspace/walk';

export interface ReadResult {
  file: WalkedFile;
  text?: string;
  skipped?: SkippedFile;
}

/** Reads and decodes one walked file; content problems (binary, minified, invalid UTF-8) become a skip with a reason. */
export async function readSource(host: Host, file: WalkedFile): Promise<ReadResult> {
  let bytes: Uint8Array;
  try {
    bytes = await host.readFile(file.path);
  } catch (e) {
    return { file, skipped: { path: file.path, reason: 'unreadable', detail: (e as Error).message } };
  }
  const decoded = decodeSource(file.path, bytes);
  if (!decoded.ok) return { file, skipped: { path: file.path, reason: decoded.reason, detail: decoded.detail } };
  return { file, text: decoded.text };
}

/** Reads kept in flight ahead of the consumer, and the most bytes (by walked size) they may hold. */
export const READ_AHEAD_FILES = 16;
export const READ_AHEAD_BYTES = 16 * 1024 * 1024;

/**
 * Yields every indexable file of the workspace with its text, in `files` order, keeping up to READ_AHEAD_FILES
 * reads (READ_AHEAD_BYTES) in flight ahead of the consumer so disk I/O overlaps parsing. A file read takes several
 * thread-pool round trips (open, stat, read, close) that only advance when the consumer yields to the event loop;
 * with one read ahead, a CPU-bound consumer waited for nearly every file. Files that cannot be indexed are
 * yielded with `skipped` set.
 */
export async function* readWorkspace(host: Host, files: WalkedFile[], ahead = READ_AHEAD_FILES): AsyncGenerator<ReadResult> {
  const window: Promise<ReadResult>[] = [];
  let head = 0; // index in `window` of the next result to yield
  let next = 0; // index in `files` of the next file to start reading
  let inFlightBytes = 0;
  const fill = () => {
    while (next < files.length && window.length - head < Math.max(1, ahead) && (window.length === head || inFlightBytes + files[next].size <= READ_AHEAD_BYTES)) {
      inFlightBytes += files[next].size;
      window.push(readSource(host, files[next++]));
    }
  };
  fill();
  while (head < window.length) {
    const current = await window[head];
    inFlightBytes -= current.file.size;
    window[head++] = undefined as unknown as Promise<ReadResult>; // release the text once yielded
    fill();
    yield current;
  }
}

export interface ScanOptions extends WalkOptions {
  chunk?: Partial<ChunkOptions>;
  /** Called with each file's chunks (the CLI's `--chunks` output, the indexer's input). */
  onChunks?: (path: string, chunks: Chunk[]) => void;
}

/** Walks the workspace and chunks every indexable file: the `pinpoint scan` command. */
export async function scanWorkspace(host: Host, chunker: Chunker, opts: ScanOptions = {}): Promise<ScanResult> {
  const t0 = performance.now();
  const walked = await walkWorkspace(host, opts);
  const skipped = [...walked.skipped];
  const byLanguage: ScanResult['byLanguage'] = {};
  let files = 0;
  let chunks = 0;
  for await (const r of readWorkspace(host, walked.files)) {
    opts.signal?.throwIfAborted();
    if (r.skipped) {
      skipped.push(r.skipped);
      continue;
    }
    const cs = await chunker.chunk(r.file.path, r.text!, opts.chunk);
    const lang = chunker.languageOf(r.file.path);
    const entry = (byLanguage[lang] ??= { files: 0, chunks: 0 });
    entry.files++;
    entry.chunks += cs.length;
    files++;
    chunks += cs.length;
    opts.onChunks?.(r.file.path, cs);
  }
  skipped.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files, chunks, skipped, byLanguage, ms: Math.round(performance.now() - t0) };
}
