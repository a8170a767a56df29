/**
 * Where the memory of an open index goes: V8 heap and buffers after loading each part, with garbage collected.
 *
 *   node --expose-gc out/bench/memory.js [--index-dir bench/.work/index/latency]
 *
 * Opens the index written by `node out/bench/evalLatency.js` (105k chunks: django + sympy + scikit-learn) part by
 * part: the vector store (chunks and vectors), the lexical index, the search view (symbol table and file-grain
 * BM25), then what the warm-up primes (declaration-line parts and code words). Prints one JSON line; each part's
 * cost is the difference from the previous step, and `gcMs` is how long a full collection takes after it.
 */
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import { readFileChecked } from '../src/core/index/atomicFs';
import { VectorStore } from '../src/core/index/vectorStore';
import { LexicalIndex } from '../src/core/index/lexical';
import { RepoView } from '../src/core/search/repoView';
import { primeSignatures } from '../src/core/search/nameMatch';
import { primeTranslation } from '../src/core/search/translation';
import { arg, fullCollectionMs, machine } from './common';

const MB = 1024 * 1024;

/** Memory after a full collection, and how long a second full collection of what is left takes (`gcMs`). */
function sample(): { rss: number; heap: number; external: number; arrayBuffers: number; gcMs: number } {
  const gcMs = fullCollectionMs();
  if (gcMs === undefined) throw new Error('run with node --expose-gc');
  const m = process.memoryUsage();
  return { rss: Math.round(m.rss / MB), heap: Math.round(m.heapUsed / MB), external: Math.round(m.external / MB), arrayBuffers: Math.round(m.arrayBuffers / MB), gcMs };
}

async function main(): Promise<void> {
  const base = arg('--index-dir') ?? path.join(__dirname, '..', '..', 'bench', '.work', 'index', 'latency');
  const dir = readdirSync(base).filter((d) => d.startsWith('builtin-')).sort().pop();
  if (!dir) throw new Error(`no builtin index under ${base}: run node out/bench/evalLatency.js first`);
  const steps: Record<string, ReturnType<typeof sample>> = { start: sample() };
  // The stored dimension, read from the store itself: opened with another, a store discards its vectors (as an index
  // whose embedder changed must), which a measurement must never do (a name-derived guess once emptied the index).
  const { dimension } = JSON.parse((await readFileChecked(path.join(base, dir, 'store', 'store.json'))).toString('utf8')) as { dimension: number };
  const store = await VectorStore.open(path.join(base, dir, 'store'), { dimension });
  steps.store = sample();
  const lexFile = path.join(base, dir, 'lexical.bin');
  const lexical = await LexicalIndex.load(lexFile, (await LexicalIndex.fingerprintOf(lexFile)) ?? '');
  if (!lexical) throw new Error(`${lexFile}: not loadable`);
  steps.lexical = sample();
  const view = new RepoView(store, { lexical });
  view.sync();
  steps.view = sample();
  // What the warm-up keeps (warmUp.ts): every chunk's declaration-line parts and code words.
  await primeSignatures(store.chunks());
  await primeTranslation(store.chunks());
  steps.primed = sample();
  let text = 0;
  for (const c of store.chunks()) text += c.text.length;
  const out = { machine: machine(), date: new Date().toISOString(), index: dir, chunks: store.stats().chunks, lexicalDocs: lexical.size, chunkTextMb: Math.round(text / MB), steps };
  console.log(JSON.stringify(out));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
