/**
 * Warming the query path. A process's first queries run before V8 has optimised the ranking code: under the latency
 * benchmark's protocol the first query took 70–113 ms and others of the first ten up to ~60 ms, where the median
 * query takes ~16 ms (bench/RESULTS.md, session 32).
 * `warmUpRetriever` first works out every chunk's declaration-line parts (`primeSignatures`, nameMatch.ts) and
 * code words (`primeTranslation`, translation.ts), then runs a retriever over a few queries made from the index's own
 * chunks, one at a time and yielding between them, so that a user's first question is answered as fast as the
 * hundredth. The extension runs it once an index is ready (src/extension/search.ts); the latency benchmark runs it
 * before it measures, and says so.
 *
 * The queries take three shapes: a sentence from a doc comment (ranked by the short model, `queryClassOf`), a bare
 * name and an issue-length text of three chunks' source (both by the long model, the text with its title stage).
 * None is shaped as a question: the question model runs the same code with other weights. Chunks are taken at an
 * even stride through the store, so the same index gives the same queries.
 */
import type { Chunk } from '../types';
import type { Retriever } from './retriever';
import { primeSignatures } from './nameMatch';
import { primeTranslation } from './translation';

export interface WarmUpOptions {
  /** Queries to run. Default 20 (~0.6 s at 105k chunks on the benchmark host). */
  queries?: number;
  /** No query starts after this many milliseconds of queries (a very large index). Default 3,000. */
  budgetMs?: number;
  signal?: AbortSignal;
}

/** The chunks to make queries from, and how many there are (a VectorStore is one). */
export interface ChunkSource {
  chunks(): Iterable<Chunk>;
  stats(): { chunks: number };
}

/** Runs `queries` warm-up queries; resolves with how many ran and how long they took. Stops early when aborted or out of time. */
export async function warmUpRetriever(r: Retriever, source: ChunkSource, opts: WarmUpOptions = {}): Promise<{ queries: number; ms: number }> {
  const t0 = performance.now();
  const budget = opts.budgetMs ?? 3000;
  await primeSignatures(source.chunks(), opts.signal);
  await primeTranslation(source.chunks(), opts.signal);
  const tQueries = performance.now(); // the priming takes what it takes (10–13 s at 105k chunks on session 43's host): the budget is the queries'
  let ran = 0;
  for (const q of warmUpTexts(source, opts.queries ?? 20)) {
    if (opts.signal?.aborted || performance.now() - tQueries > budget) break;
    await r.retrieve(q, { k: 10, signal: opts.signal });
    ran++;
    await new Promise<void>((resolve) => setImmediate(resolve)); // the host's other work runs between queries
  }
  return { queries: ran, ms: Math.round(performance.now() - t0) };
}

/** `count` queries from chunks at an even stride: a doc sentence (or the name's words), a name, an issue-length text. */
export function warmUpTexts(source: ChunkSource, count: number): string[] {
  const total = source.stats().chunks;
  const want = 5 * count; // enough: every third query (an issue-length one) takes three chunks
  if (!total || count <= 0) return [];
  const stride = Math.max(1, Math.floor(total / want));
  const picked: Chunk[] = [];
  let i = 0;
  for (const c of source.chunks()) {
    if (i++ % stride === 0) picked.push(c);
    if (picked.length >= want) break;
  }
  const out: string[] = [];
  for (let n = 0, at = 0; n < count && at < picked.length; n++) {
    const shape = n % 3;
    if (shape === 0) {
      const c = picked[at++];
      out.push(firstSentence(c.doc) || c.name.replace(/[_\W]+/g, ' ').trim() || c.name);
    } else if (shape === 1) {
      out.push(picked[at++].name);
    } else {
      out.push(picked.slice(at, at + 3).map((c) => c.text).join('\n\n').slice(0, 4000));
      at += 3;
    }
  }
  return out.filter((q) => q.trim());
}

function firstSentence(doc: string): string {
  const s = doc.trim().split(/(?<=[.!?])\s|\n\s*\n/)[0] ?? '';
  return s.slice(0, 200);
}
