/**
 * What an index's derived data was made from, so that a change of input is noticed on open:
 *  - the lexical index: the set of (path, content hash) and the chunking options;
 *  - the chunks: the chunker's fingerprint (src/core/parsing/fingerprint.ts), kept in `chunker.json`. A grammar fix
 *    changes the chunks of files that did not change, which size/mtime checks alone would never re-read. Chunks cut
 *    into line windows because a grammar failed to load (a transient failure: memory, file handles) unset it, so
 *    the next full sync tries the grammar again.
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
 * file is to be re-chunked; `settle(mark())` after a complete full sync records the current one, unless a file was
 * `spoil`ed (cut into line windows for want of its grammar) since the mark.
 */
export class ChunkerStamp {
  private spoils = 0;

  private constructor(
    private readonly dir: string, private readonly fingerprint: string | undefined, private isStale: boolean,
    private readonly log: (message: string) => void,
  ) {}

  static async read(dir: string, fingerprint: string | undefined, log: (message: string) => void = () => undefined): Promise<ChunkerStamp> {
    return new ChunkerStamp(dir, fingerprint, fingerprint !== undefined && (await readChunkerStamp(dir)) !== fingerprint, log);
  }

  get stale(): boolean {
    return this.isStale;
  }

  /** Where a full sync begins, for `settle`. */
  mark(): number {
    return this.spoils;
  }

  async settle(since = this.spoils): Promise<void> {
    if (since !== this.spoils) return; // a grammar failed during the sync: stay stale, so the next one re-chunks
    if (this.isStale && this.fingerprint !== undefined) await writeFileAtomic(path.join(this.dir, STAMP_FILE), JSON.stringify({ fingerprint: this.fingerprint }) + '\n');
    this.isStale = false;
  }

  /** `file` was cut into line windows because its grammar failed to load (`reason`): every file is re-chunked by the next full sync. */
  async spoil(reason: string, file: string): Promise<void> {
    const wasStale = this.isStale;
    if (this.spoils++ === 0 || !wasStale) this.log(`${reason}, so ${file} is indexed as line windows; the next full sync re-chunks every file`);
    this.isStale = true;
    // A stale index has no stamp of this chunker on disk (none, or another's), and `settle` writes none after this.
    if (!wasStale) await fs.rm(path.join(this.dir, STAMP_FILE), { force: true });
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
