/**
 * Deterministic, stratified sampling of symbols from the index: definitions only (no blocks, line
 * windows or continuation parts of split definitions; no secrets files), shuffled with a seeded PRNG,
 * then taken round-robin across files (so one big file cannot dominate) and, within a file, rotating
 * through kinds (functions, classes, methods, types … alternate).
 */
import type { ChunkSource } from '../assistant/types';
import type { Chunk, ChunkKind } from '../types';
import { isSecretPath } from '../workspace/secrets';

export interface SampledSymbol {
  path: string;
  startLine: number;
  endLine: number;
  kind: ChunkKind;
  name: string;
  qualifiedName: string;
  signature: string;
  doc: string;
  language: string;
  /** The chunk's text (source lines). */
  text: string;
}

const SAMPLED_KINDS = new Set<ChunkKind>(['function', 'method', 'class', 'interface', 'struct', 'enum', 'trait', 'type', 'constant']);

/** mulberry32: a small seeded PRNG, uniform in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A shuffled copy of `xs` (Fisher–Yates, drawing from `rnd`). */
export function shuffle<T>(xs: readonly T[], rnd: () => number): T[] {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

export interface SampleOptions {
  seed?: number;
  /** Definitions shorter than this many lines are skipped (trivial getters). Default 3. */
  minLines?: number;
  /** Only paths this accepts. */
  filter?(path: string): boolean;
}

/** Up to `n` symbols; the same index and seed give the same sample in the same order. */
export function sampleSymbols(index: ChunkSource, n: number, o: SampleOptions = {}): SampledSymbol[] {
  const rnd = seededRandom(o.seed ?? 1);
  const minLines = o.minLines ?? 3;
  const byFile = new Map<string, Chunk[]>();
  for (const c of index.chunks()) {
    if (!SAMPLED_KINDS.has(c.kind) || (c.part && c.part.index > 1) || isSecretPath(c.path) || (o.filter && !o.filter(c.path))) continue;
    if (c.endLine - c.startLine + 1 < minLines) continue;
    const list = byFile.get(c.path) ?? [];
    list.push(c);
    byFile.set(c.path, list);
  }
  // Sorted first so the shuffle does not depend on the index's iteration order.
  const files = shuffle([...byFile.keys()].sort(), rnd);
  const queues = new Map<string, Chunk[]>();
  for (const f of files) {
    const chunks = byFile.get(f)!.sort((a, b) => a.startLine - b.startLine || a.id.localeCompare(b.id));
    // Rotate kinds: group by kind (shuffled), then interleave the groups.
    const groups = new Map<string, Chunk[]>();
    for (const c of shuffle(chunks, rnd)) groups.set(c.kind, [...(groups.get(c.kind) ?? []), c]);
    const order = shuffle([...groups.keys()].sort(), rnd);
    const q: Chunk[] = [];
    for (let i = 0; q.length < chunks.length; i++) for (const k of order) if (groups.get(k)![i]) q.push(groups.get(k)![i]);
    queues.set(f, q);
  }
  const out: SampledSymbol[] = [];
  for (let round = 0; out.length < n; round++) {
    let any = false;
    for (const f of files) {
      const c = queues.get(f)![round];
      if (!c) continue;
      any = true;
      out.push({ path: c.path, startLine: c.startLine, endLine: c.endLine, kind: c.kind, name: c.name, qualifiedName: c.qualifiedName, signature: c.signature, doc: c.doc, language: c.language, text: c.text });
      if (out.length >= n) break;
    }
    if (!any) break;
  }
  return out;
}
