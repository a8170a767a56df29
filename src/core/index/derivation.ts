/**
 * What an index's derived data was made from, so that a change of input is noticed on open:
 *  - the lexical index: the set of (path, content hash) and the chunking options;
 *  - the chunks: the chunker's fingerprint (src/core/parsing/fingerprint.ts), kept in `chunker.json`. A grammar fix
 *    changes the chunks of files that did not change, which size/mtime checks alone would never re-read.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Chunk, ChunkOptions } from '../types';
import { writeFileAtomic } from './atomicFs';
import type { VectorStore } from './vectorStore';

/** Every chunk of the store, file by file (what the lexical index is rebuilt from). */
export function* storeChunks(store: VectorStore): Iterable<Chunk> {
  for (const f of store.files()) for (const id of f.chunkIds) yield store.getChunk(id)!;
}

export function lexicalFingerprint(store: VectorStore, chunkOptions: Partial<ChunkOptions> | undefined): string {
  const h = createHash('sha256').update(JSON.stringify(chunkOptions ?? {}));
  const entries = [...store.files()].map((f) => `${f.path}\0${f.hash}`).sort();
  for (const e of entries) h.update(e).update('\n');
  return h.digest('hex');
}

const STAMP_FILE = 'chunker.json';

/**
 * The chunker an index directory was built with. `stale`: another one (or one from before stamps), so every indexed
 * file is to be re-chunked; `settle()` after a complete full sync records the current one.
 */
export class ChunkerStamp {
  private constructor(private readonly dir: string, private readonly fingerprint: string | undefined, private isStale: boolean) {}

  static async read(dir: string, fingerprint: string | undefined): Promise<ChunkerStamp> {
    return new ChunkerStamp(dir, fingerprint, fingerprint !== undefined && (await readChunkerStamp(dir)) !== fingerprint);
  }

  get stale(): boolean {
    return this.isStale;
  }

  async settle(): Promise<void> {
    if (this.isStale && this.fingerprint !== undefined) await writeFileAtomic(path.join(this.dir, STAMP_FILE), JSON.stringify({ fingerprint: this.fingerprint }) + '\n');
    this.isStale = false;
  }
}

/** The chunker fingerprint recorded in `dir`; undefined when none was recorded (or unreadable). */
async function readChunkerStamp(dir: string): Promise<string | undefined> {
  try {
    const v = (JSON.parse(await fs.readFile(path.join(dir, STAMP_FILE), 'utf8')) as { fingerprint?: unknown }).fingerprint;
    return typeof v === 'string' ? v : undefined;
  } catch {
    return undefined;
  }
}
