import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { WorkspaceIndex } from './workspaceIndex';
import { walkWorkspace, type WalkOptions } from '../workspace/walk';
import { FsHost } from '../fsHost';
import type { Host } from '../host';

export interface IndexStatus {
  dir: string;
  embedder: string;
  files: number;
  chunks: number;
  bytesOnDisk: number;
  lastUpdate?: string;
  /** Files whose content was turned away (binary, minified, not text) and has not changed since: not stale. */
  skipped: number;
  /** Files whose size/mtime differ from the index (modified), that are new, or that are gone. */
  stale: { path: string; state: 'modified' | 'new' | 'deleted' }[];
  readOnly?: string;
}

/**
 * Counts, size and staleness of an index, by stat only (nothing is read or hashed). Pass the walk options the
 * index was built with (editor excludes, size limit), or excluded files would be reported as new.
 */
export async function indexStatus(idx: WorkspaceIndex, opts: { host?: Host; walk?: WalkOptions } = {}): Promise<IndexStatus> {
  const { store } = idx.indexer;
  const s = store.stats();
  const walked = await walkWorkspace(opts.host ?? new FsHost(idx.root), opts.walk);
  const stale: IndexStatus['stale'] = [];
  const seen = new Set<string>();
  let skipped = 0;
  for (const f of walked.files) {
    seen.add(f.path);
    const st = idx.indexer.fileState(f);
    if (st.state === 'skipped') skipped++;
    else if (st.state !== 'unchanged') stale.push({ path: f.path, state: st.state });
  }
  for (const e of store.files()) if (!seen.has(e.path)) stale.push({ path: e.path, state: 'deleted' });
  let lastUpdate: string | undefined;
  let bytes = 0;
  for (const name of await fs.readdir(idx.dir, { recursive: true }).catch(() => [] as string[])) {
    const st = await fs.stat(path.join(idx.dir, name)).catch(() => undefined);
    if (!st?.isFile()) continue;
    bytes += st.size;
    if (!lastUpdate || st.mtime.toISOString() > lastUpdate) lastUpdate = st.mtime.toISOString();
  }
  return { dir: idx.dir, embedder: idx.indexer.embedderKey, files: s.files, chunks: s.chunks, skipped, bytesOnDisk: bytes, lastUpdate, stale, readOnly: idx.readOnly };
}
