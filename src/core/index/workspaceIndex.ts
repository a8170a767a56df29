import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { FsHost } from '../fsHost';
import type { Host } from '../host';
import type { ChunkOptions } from '../types';
import { createChunker } from '../parsing/chunker';
import { chunkerFingerprint } from '../parsing/fingerprint';
import type { Embedder } from '../embed/embedder';
import { embedderDirName, embedderKey } from '../embed/embedder';
import { createEmbedder, localSpecOf, type EmbedderConfig } from '../embed/factory';
import { CachedEmbedder, EmbeddingCache } from '../embed/cache';
import type { WalkOptions } from '../workspace/walk';
import { Indexer } from './indexer';
import { defaultIndexDir, ensureIndexDir } from './location';
import { IndexLock, IndexLockedError } from './lock';
import { defaultWorkerCount, InProcessProcessor, WorkerPool, workerScript, type FileProcessor } from './workerPool';

export interface OpenIndexOptions {
  root: string;
  /** Base index directory for this workspace folder (default: the XDG cache dir keyed by the folder path). */
  indexDir?: string;
  embedder?: EmbedderConfig;
  walk?: WalkOptions;
  chunkOptions?: Partial<ChunkOptions>;
  /** Worker threads for chunking/embedding; 0 runs in-process. Default: `defaultWorkerCount()` (1–4). */
  workers?: number;
  /** Who holds the lock (shown to a second process). */
  owner: string;
  /** How long to wait for another process's lock before giving up (ms). Default 0. */
  lockWaitMs?: number;
  /** When the lock is held elsewhere, open read-only (search works, indexing does not) instead of throwing. */
  allowReadOnly?: boolean;
  /** Drop this embedder's index and start over. */
  rebuild?: boolean;
  host?: Host;
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
}

export interface WorkspaceIndex {
  readonly root: string;
  /** This workspace's index directory (all embedders; traces live here too). */
  readonly baseDir: string;
  /** This embedder's index directory (…/<embedder>/). */
  readonly dir: string;
  readonly indexer: Indexer;
  /** Embeds queries (and documents, for remote embedders, through the content-keyed cache). */
  readonly embedder: Embedder;
  /** Set when another process holds the lock: searching works, indexing does not. */
  readonly readOnly?: string;
  close(): Promise<void>;
}

/** Opens (creating if needed) the index of one workspace folder for one embedder. */
export async function openWorkspaceIndex(opts: OpenIndexOptions): Promise<WorkspaceIndex> {
  const root = path.resolve(opts.root);
  const base = opts.indexDir ? path.resolve(opts.indexDir) : defaultIndexDir(root);
  const log = opts.log ?? (() => undefined);
  await fs.mkdir(base, { recursive: true });

  let lock: IndexLock | undefined;
  let readOnly: string | undefined;
  try {
    lock = await IndexLock.acquire(base, { owner: opts.owner, waitMs: opts.lockWaitMs ?? 0 });
  } catch (e) {
    if (!(e instanceof IndexLockedError) || !opts.allowReadOnly) throw e;
    readOnly = e.message;
    log('warn', e.message);
  }
  try {
    if (lock) {
      const stamp = await ensureIndexDir(base, root);
      if (stamp.message) log('warn', stamp.message);
    }
    let embedder = await createEmbedder(opts.embedder ?? { id: 'builtin' });
    const local = localSpecOf(embedder);
    const dir = path.join(base, embedderDirName(embedder));
    if (opts.rebuild && lock) await fs.rm(dir, { recursive: true, force: true });
    await fs.mkdir(dir, { recursive: true });
    let cache: CachedEmbedder | undefined;
    if (!local) {
      // Remote embedders: nothing is ever embedded twice, even across branch switches.
      cache = new CachedEmbedder(embedder, await EmbeddingCache.forEmbedder(path.join(base, 'embed-cache'), embedder));
      embedder = cache;
    }
    const chunker = createChunker();
    const script = workerScript();
    const workers = opts.workers ?? defaultWorkerCount();
    const processor: FileProcessor =
      workers > 0 && script ? new WorkerPool(script, workers, local) : new InProcessProcessor(chunker, local ? embedder : undefined);
    const indexer = await Indexer.open({
      host: opts.host ?? new FsHost(root),
      dir,
      embedder,
      processor,
      processorEmbeds: !!local,
      walk: opts.walk,
      chunkOptions: opts.chunkOptions,
      readOnly: !!readOnly,
      chunker: chunkerFingerprint(),
      log,
    });
    log('info', `index ${embedderKey(embedder)} at ${dir}`);
    return {
      root,
      baseDir: base,
      dir,
      indexer,
      embedder,
      readOnly,
      async close() {
        await indexer.close();
        await cache?.close();
        await lock?.release();
      },
    };
  } catch (e) {
    await lock?.release();
    throw e;
  }
}
