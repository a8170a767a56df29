/**
 * One bench/index measurement in a fresh process (peak RSS is its own). Prints one JSON line.
 *   indexWorker.js cold <root> <indexDir>              cold build
 *   indexWorker.js edits <root> <indexDir> <file> <n>  n one-line edits of <file>: write → updateFiles → search finds it
 *   indexWorker.js checkout <root> <indexDir> <commit>  git checkout, then incremental indexAll (time to fresh)
 *   indexWorker.js queries <root> <indexDir> <queries.json>  open the index and run the queries (latency, RSS)
 */
import { execFileSync } from 'node:child_process';
import { promises as fs, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { openWorkspaceIndex } from '../src/core/index/workspaceIndex';
import { hybridSearch } from '../src/core/search/hybrid';
import { cpuSince, peakRssMb, percentile } from './common';

async function dirBytes(dir: string): Promise<number> {
  let n = 0;
  for (const name of await fs.readdir(dir, { recursive: true })) {
    const st = await fs.stat(path.join(dir, name)).catch(() => undefined);
    if (st?.isFile()) n += st.size;
  }
  return n;
}

async function main() {
  const [mode, root, indexDir, a1, a2] = process.argv.slice(2);
  const t0 = performance.now();
  const idx = await openWorkspaceIndex({ root, indexDir, owner: 'bench' });
  const openMs = performance.now() - t0;
  const search = (q: string, k = 10) => hybridSearch({ store: idx.indexer.store, lexical: idx.indexer.lexical, embedder: idx.embedder }, q, k);
  let out: Record<string, unknown> = { mode };
  if (mode === 'cold') {
    const c0 = process.cpuUsage();
    const r = await idx.indexer.indexAll();
    const cpuMs = cpuSince(c0);
    await idx.close();
    let sourceBytes = 0;
    for (const f of idx.indexer.store.files()) sourceBytes += f.size;
    out = { ...out, ms: r.ms, cpuMs, files: r.files, chunks: r.chunks, skipped: r.skipped.length, indexBytes: await dirBytes(indexDir), sourceBytes };
  } else if (mode === 'edits') {
    const file = a1;
    const n = Number(a2);
    const abs = path.join(root, file);
    const original = readFileSync(abs, 'utf8');
    const lines = original.split('\n');
    const lat: number[] = [];
    let found = 0;
    for (let i = 0; i < n; i++) {
      const token = `pinpointedit${i}marker`;
      const at = Math.floor(lines.length / 3) + (i % 200) * 3; // a line inside the file's body, moving each time
      const edited = [...lines];
      edited[at] = `${edited[at]}  # ${token}`;
      writeFileSync(abs, edited.join('\n'));
      const s = performance.now();
      await idx.indexer.updateFiles([file]);
      const hits = idx.indexer.lexical.search(token, 1);
      lat.push(performance.now() - s);
      if (hits.length && idx.indexer.store.getChunk(hits[0].id)?.path === file) found++;
    }
    writeFileSync(abs, original);
    await idx.indexer.updateFiles([file]);
    await idx.close();
    out = { ...out, file, lines: lines.length, n, found, p50: percentile(lat, 50), p95: percentile(lat, 95), max: Math.max(...lat) };
  } else if (mode === 'checkout') {
    execFileSync('git', ['-C', root, 'checkout', '-q', '--force', a1], { stdio: 'pipe' });
    const r = await idx.indexer.indexAll();
    await idx.close();
    out = { ...out, commit: a1, ms: performance.now() - t0, indexMs: r.ms, added: r.added, updated: r.updated, removed: r.removed, unchanged: r.unchanged, chunks: r.chunks };
  } else if (mode === 'queries') {
    const queries = JSON.parse(readFileSync(a1, 'utf8')) as string[];
    global.gc?.();
    const rssAfterOpen = Math.round(process.memoryUsage().rss / 2 ** 20);
    const lat: number[] = [];
    for (const q of queries) {
      const s = performance.now();
      await search(q);
      lat.push(performance.now() - s);
    }
    const chunks = idx.indexer.store.stats().chunks;
    await idx.close();
    out = { ...out, chunks, openMs, n: queries.length, p50: percentile(lat, 50), p95: percentile(lat, 95), rssAfterOpenMb: rssAfterOpen };
  }
  console.log(JSON.stringify({ ...out, rssMb: peakRssMb() }));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
