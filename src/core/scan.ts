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

/**
 * Yields every indexable file of the workspace with its text, reading one file ahead of the consumer so
 * disk I/O overlaps parsing. Files that cannot be indexed are yielded with `skipped` set.
 */
export async function* readWorkspace(host: Host, files: WalkedFile[]): AsyncGenerator<ReadResult> {
  let next: Promise<ReadResult> | undefined = files.length ? readSource(host, files[0]) : undefined;
  for (let i = 0; i < files.length; i++) {
    const current = await next!;
    next = i + 1 < files.length ? readSource(host, files[i + 1]) : undefined;
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
