/**
 * Where the memory of an open index goes: V8 heap and buffers after loading each part, with garbage collected.
 *
 *   node --expose-gc out/bench/memory.js [--index-dir bench/.work/index/latency]
 *
 * Opens the index written by `node out/bench/evalLatency.js` (105k chunks: django + sympy + scikit-learn) part by
 * part: the vector store (chunks and vectors), the lexical index, then the search view (symbol table and file-grain
 * BM25). Prints one JSON line; each part's cost is the difference from the previous step.
 */
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import { VectorStore } from '../src/core/index/vectorStore';
import { LexicalIndex } from '../src/core/index/lexical';
import { RepoView } from '../src/core/search/repoView';
import { arg, machine } from './common';

const MB = 1024 * 1024;

function sample(): { rss: number; heap: number; external: number; arrayBuffers: number } {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc');
  gc();
  const m = process.memoryUsage();
  return { rss: Math.round(m.rss / MB), heap: Math.round(m.heapUsed / MB), external: Math.round(m.external / MB), arrayBuffers: Math.round(m.arrayBuffers / MB) };
}

async function main(): Promise<void> {
  const base = arg('--index-dir') ?? path.join(__dirname, '..', '..', 'bench', '.work', 'index', 'latency');
  const dir = readdirSync(base).filter((d) => d.startsWith('builtin-')).sort().pop();
  if (!dir) throw new Error(`no builtin index under ${base}: run node out/bench/evalLatency.js first`);
  const steps: Record<string, ReturnType<typeof sample>> = { start: sample() };
  const store = await VectorStore.open(path.join(base, dir, 'store'), { dimension: Number(dir.split('-')[3]) || 384 });
  steps.store = sample();
  const lexFile = path.join(base, dir, 'lexical.bin');
  const lexical = await LexicalIndex.load(lexFile, (await LexicalIndex.fingerprintOf(lexFile)) ?? '');
  if (!lexical) throw new Error(`${lexFile}: not loadable`);
  steps.lexical = sample();
  const view = new RepoView(store, { lexical });
  view.sync();
  steps.view = sample();
  let text = 0;
  for (const c of store.chunks()) text += c.text.length;
  const out = { machine: machine(), date: new Date().toISOString(), index: dir, chunks: store.stats().chunks, lexicalDocs: lexical.size, chunkTextMb: Math.round(text / MB), steps };
  console.log(JSON.stringify(out));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
