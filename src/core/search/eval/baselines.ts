/**
 * The published baselines, run on the same trees in the same eval run:
 *  - `bm25-files`: plain BM25 over whole source files (query = the full query text, every term; test files
 *    excluded, as in the BASELINES.md recipe);
 *  - `bm25-windows`: BM25 over fixed 800-token windows with 120 tokens of overlap (≈4 chars per token, cut at
 *    line ends): the naive chunking recipe. A window matches a gold function when their lines overlap.
 * Both are kept incrementally in step with the tree (files re-read only when their content hash changed).
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { VectorStore } from '../../index/vectorStore';
import { tokenizeCode, tokenizePath } from '../../text/tokenize';
import { Bm25Index } from '../bm25';
import { isTestPath } from '../repoView';

export interface Window {
  path: string;
  startLine: number;
  endLine: number;
}

const WINDOW_CHARS = 800 * 4;
const OVERLAP_CHARS = 120 * 4;

export function windows(text: string): { startLine: number; endLine: number; text: string }[] {
  const lines = text.split('\n');
  const out: { startLine: number; endLine: number; text: string }[] = [];
  let i = 0;
  while (i < lines.length) {
    let chars = 0;
    let j = i;
    while (j < lines.length && (chars === 0 || chars + lines[j].length + 1 <= WINDOW_CHARS)) chars += lines[j++].length + 1;
    out.push({ startLine: i + 1, endLine: j, text: lines.slice(i, j).join('\n') });
    if (j >= lines.length) break;
    // Step back over ~OVERLAP_CHARS of lines (at least one line forward progress).
    let back = 0;
    let k = j;
    while (k > i + 1 && back + lines[k - 1].length + 1 <= OVERLAP_CHARS) back += lines[--k].length + 1;
    i = k;
  }
  return out;
}

export class Baselines {
  readonly files = new Bm25Index();
  readonly windows = new Bm25Index();
  private readonly windowMeta = new Map<string, Window>();
  private readonly windowKeys = new Map<string, string[]>();
  private readonly known = new Map<string, string>();

  constructor(private readonly root: string, private readonly exts: Set<string>) {}

  private wanted(p: string): boolean {
    return this.exts.has(path.extname(p).toLowerCase());
  }

  async sync(store: VectorStore): Promise<number> {
    const present = new Set<string>();
    let changed = 0;
    for (const f of store.files()) {
      if (!this.wanted(f.path)) continue;
      present.add(f.path);
      if (this.known.get(f.path) === f.hash) continue;
      const text = await fs.readFile(path.join(this.root, f.path), 'utf8').catch(() => undefined);
      this.drop(f.path);
      if (text === undefined) continue;
      this.known.set(f.path, f.hash);
      this.files.add(f.path, [...tokenizePath(f.path), ...tokenizeCode(text, { minLength: 2 })]);
      const keys: string[] = [];
      for (const w of windows(text)) {
        const key = `${f.path}:${w.startLine}`;
        keys.push(key);
        this.windowMeta.set(key, { path: f.path, startLine: w.startLine, endLine: w.endLine });
        this.windows.add(key, [...tokenizePath(f.path), ...tokenizeCode(w.text, { minLength: 2 })]);
      }
      this.windowKeys.set(f.path, keys);
      changed++;
    }
    for (const p of [...this.known.keys()]) if (!present.has(p)) this.drop(p);
    return changed;
  }

  private drop(p: string): void {
    if (!this.known.has(p)) return;
    this.known.delete(p);
    this.files.remove(p);
    for (const k of this.windowKeys.get(p) ?? []) {
      this.windows.remove(k);
      this.windowMeta.delete(k);
    }
    this.windowKeys.delete(p);
  }

  /** Files ranked by plain BM25 (all query terms), test files excluded. */
  rankFiles(query: string, k: number): string[] {
    const terms = this.files.plan(tokenizeCode(query, { minLength: 2 }));
    return this.files.search(terms, k, (p) => !isTestPath(p)).map((h) => h.key);
  }

  /** Windows ranked by plain BM25. */
  rankWindows(query: string, k: number): Window[] {
    const terms = this.windows.plan(tokenizeCode(query, { minLength: 2 }));
    return this.windows.search(terms, k).map((h) => this.windowMeta.get(h.key)!);
  }
}
