import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Chunk } from '../../../src/core/types';
import { seededRandom } from '../../../src/core/finetune/sample';
import type { FileEntry } from '../../../src/core/index/vectorStore';

export function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'pinpoint-store-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Deterministic PRNG: the one the fine-tuning sampler uses. */
export const rng = seededRandom;

export function unitVector(dim: number, rand: () => number): Float32Array {
  const v = new Float32Array(dim);
  let n = 0;
  for (let i = 0; i < dim; i++) {
    v[i] = rand() - 0.5;
    n += v[i] * v[i];
  }
  n = Math.sqrt(n);
  for (let i = 0; i < dim; i++) v[i] /= n;
  return v;
}

export function makeChunk(p: string, i: number, text = `function fn${i}() { return ${i}; }`): Chunk {
  const hash = createHash('sha256').update(text).digest('hex');
  return {
    id: createHash('sha256').update(`${p}\0${i}\0${hash}`).digest('hex').slice(0, 24),
    path: p,
    language: 'typescript',
    kind: 'function',
    name: `fn${i}`,
    qualifiedName: `mod.fn${i}`,
    startLine: i * 10 + 1,
    endLine: i * 10 + 9,
    signature: `function fn${i}()`,
    doc: i % 2 ? `Doc of fn${i}.` : '',
    text,
    hash,
    ...(i % 3 === 0 ? { part: { index: 1, count: 2 } } : {}),
  };
}

export function makeFile(
  p: string,
  n: number,
  dim: number,
  rand: () => number,
): { entry: FileEntry; chunks: Chunk[]; vectors: Float32Array[] } {
  const chunks = Array.from({ length: n }, (_, i) => makeChunk(p, i));
  const vectors = chunks.map(() => unitVector(dim, rand));
  const entry: FileEntry = { path: p, size: 100 * n, mtimeMs: 1700000000000.5 + n, hash: `h-${p}`, chunkIds: chunks.map((c) => c.id), embedderKey: 'test@1' };
  return { entry, chunks, vectors };
}
