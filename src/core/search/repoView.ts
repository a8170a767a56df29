/**
 * A file- and symbol-level view of the index, derived from the VectorStore's public API and kept in step
 * with it incrementally (per file content hash; a whole pass is skipped while the store's fingerprint is
 * unchanged, so a search after a branch switch pays only for the files that changed).
 *
 *  - symbol table: definition name (lower-cased) → chunk ids; qualified names are checked by suffix;
 *  - files: kind (test / docs / example / code), Python module path, basename, defined names;
 *  - module path → file, basename → files (for traceback and path mentions);
 *  - a file-grain BM25 index (optional) over the file's chunk texts and path.
 */
import type { Chunk } from '../types';
import type { FileEntry, VectorStore } from '../index/vectorStore';
import type { LexicalIndex } from '../index/lexical';
import { Bm25Index } from './bm25';
import { allFileCounts, fileCounts } from './fileTerms';
import { lowerBasename } from './query';

export interface FileInfo {
  path: string;
  hash: string;
  chunkIds: string[];
  language: string;
  isTest: boolean;
  isDoc: boolean;
  isExample: boolean;
  /** Source code in a programming language (not text/markdown/json/yaml…). */
  isCode: boolean;
  /** Python dotted module (`django.db.models.query`; a package's `__init__.py` → the package). */
  module?: string;
  /** Lower-cased file name without extension (`query` for query.py; the package name for `__init__.py`). */
  stem: string;
  /** Lower-cased names defined in the file. */
  defs: Set<string>;
}

const DEF_KINDS = new Set(['function', 'method', 'class', 'interface', 'struct', 'enum', 'trait', 'type', 'constant', 'module']);
const NON_CODE = new Set(['text', 'markdown', 'json', 'yaml', 'toml', 'xml', 'html', 'css', 'ini', 'restructuredtext', 'rst', 'csv']);

/** Test directories: `test(s)`, `testdata` (Go), `spec(s)`, `__tests__`, `e2e`, `runtime-tests`, and .NET test projects (`Foo.Tests`). */
const TEST_DIR = /^(tests?|testing|testdata|__tests__|specs?|e2e)$|[.\-_](unit)?tests$|\.(unit)?test$/;
/** Test files by each language's convention (matched against the file name in its own case). */
const TEST_FILE = [
  /^test_.*\.(py|rb|c|cc|cpp|cxx)$/, // test_x.py, test_x.rb, test_x.c
  /_(unit)?tests?\.(py|go|rb|c|cc|cpp|cxx|h|hpp|[cm]?[jt]sx?)$/, // x_test.go, x_unittest.cc, x_test.rb, Deno's x_test.ts
  /_spec\.rb$/,
  /\.(test|spec)\.[cm]?[jt]sx?$/,
  /^Test[A-Z_0-9].*\.(java|kt|cs|php|scala)$/, // TestCart.java
  /[a-z0-9](Tests?|IT)\.(java|kt|cs|php|scala|swift)$/, // CartTest.java, CartTests.cs, CartIT.java
  /^tests?\.rs$|_tests?\.rs$/,
];

export function isTestPath(p: string): boolean {
  const segs = p.split('/');
  const base = segs[segs.length - 1];
  for (let i = 0; i < segs.length - 1; i++) if (TEST_DIR.test(segs[i].toLowerCase())) return true;
  if (base === 'conftest.py') return true;
  return TEST_FILE.some((re) => re.test(base));
}

/** A definition inside a scope named `tests`/`test` (Rust's `#[cfg(test)] mod tests` in a source file) is a test. */
export function isTestScope(qualifiedName: string): boolean {
  return /(?:^|\.)tests?\./.test(qualifiedName);
}

/**
 * The implementation files a declaration stub declares, beside it: `x.pyi` → `x.py`; `x.d.ts` → `x.ts`, `x.js`,
 * `x.tsx`, `x.jsx`; `x.d.mts` → `x.mts`, `x.mjs` (and `.d.cts` alike). Empty for any other file.
 */
export function stubImplementations(p: string): string[] {
  if (p.endsWith('.pyi')) return [p.slice(0, -1)];
  const m = /\.d\.([cm]?)ts$/.exec(p);
  if (!m) return [];
  const base = p.slice(0, m.index);
  const x = m[1];
  return x ? [`${base}.${x}ts`, `${base}.${x}js`] : [`${base}.ts`, `${base}.js`, `${base}.tsx`, `${base}.jsx`];
}

export function isDocPath(p: string, language: string): boolean {
  const lower = p.toLowerCase();
  if (/(^|\/)(docs?|documentation)\//.test(lower)) return true;
  if (/\.(md|rst|txt|adoc)$/.test(lower)) return true;
  return language === 'markdown' || language === 'text';
}

export function isExamplePath(p: string): boolean {
  return /(^|\/)(examples?|samples?|benchmarks?|asv_bench|scripts|tutorials?|gallery|galleries)\//i.test(p);
}

export function pythonModule(p: string): string | undefined {
  if (!p.endsWith('.py') && !p.endsWith('.pyi')) return undefined;
  let m = p.replace(/\.pyi?$/, '').replace(/\/__init__$/, '');
  m = m.replace(/^(src|lib|python)\//, '');
  return m.split('/').join('.');
}

export function definedNames(c: Chunk): string[] {
  if (!DEF_KINDS.has(c.kind)) return [];
  if (c.kind === 'constant') return c.name.split(/\s*,\s*/).filter((n) => /^[A-Za-z_$][\w$]*$/.test(n));
  return c.name && /^[A-Za-z_$][\w$]*$/.test(c.name) ? [c.name] : [];
}

const sameFile = (a: { hash: string; chunkIds: string[] }, b: { hash: string; chunkIds: string[] }) =>
  a.hash === b.hash && a.chunkIds.length === b.chunkIds.length && a.chunkIds.every((id, i) => id === b.chunkIds[i]);

export interface RepoViewOptions {
  /** Maintain the file-grain BM25 index (default true). */
  fileIndex?: boolean;
  /** The store's lexical index: a first build sums its postings per file instead of tokenizing every chunk. */
  lexical?: LexicalIndex;
}

export class RepoView {
  readonly files = new Map<string, FileInfo>();
  /** Lower-cased definition name → chunk ids. */
  private readonly byName = new Map<string, Set<string>>();
  /** `definitions()`'s sorted answers, dropped when a name's set changes. */
  private readonly sortedDefs = new Map<string, readonly string[]>();
  /** Python module → paths (two files can claim one module: `a.py` and `a/__init__.py`). */
  private readonly byModule = new Map<string, Set<string>>();
  /** Lower-cased basename (`core.py`) → paths. */
  private readonly byBasename = new Map<string, Set<string>>();
  readonly fileBm25?: Bm25Index;
  private seen = '';
  private running?: Promise<number>;

  private readonly lexical?: LexicalIndex;

  constructor(private readonly store: VectorStore, opts: RepoViewOptions = {}) {
    if (opts.fileIndex ?? true) this.fileBm25 = new Bm25Index();
    this.lexical = opts.lexical;
  }

  /** Brings the view in step with the store; cheap when nothing changed. Returns the number of files updated. */
  sync(): number {
    const steps = this.syncSteps();
    let r = steps.next();
    while (!r.done) r = steps.next();
    return r.value;
  }

  /**
   * `sync()` in slices of at most `sliceMs`, yielding to the event loop between them, so that a first search
   * over a big index (tens of seconds of work at 100k chunks) never freezes the editor's extension host.
   * Concurrent calls share one run.
   */
  async syncAsync(sliceMs = 20): Promise<number> {
    if (this.running) return this.running;
    const run = async () => {
      let changed = 0;
      let passes = 0;
      do {
        const steps = this.syncSteps();
        let t = performance.now();
        let r = steps.next();
        while (!r.done) {
          if (performance.now() - t > sliceMs) {
            await new Promise((resolve) => setImmediate(resolve));
            t = performance.now();
          }
          r = steps.next();
        }
        changed += r.value;
        // The store changed while we yielded: one more pass, not an endless chase during a bulk build (the view is
        // consistent file by file; the next search catches up).
      } while (++passes < 2 && this.store.fingerprint() !== this.seen);
      return changed;
    };
    this.running = run().finally(() => (this.running = undefined));
    return this.running;
  }

  /** The work of one sync, one file per step; each step leaves the view consistent. */
  private *syncSteps(): Generator<void, number> {
    const fp = this.store.fingerprint();
    if (fp === this.seen) return 0;
    // First build: the file BM25 of every file at once, from the lexical index (abandoned if the store changes
    // meanwhile); then each file's entry. A file that changed since, or that the bulk pass did not cover, is
    // tokenized as usual.
    let bulk: Map<string, FileEntry> | undefined;
    const bm = this.fileBm25;
    if (bm && this.lexical && this.files.size === 0 && bm.size === 0) {
      let covered: readonly FileEntry[] = [];
      const sink = {
        begin: (files: readonly FileEntry[], lengths: Float64Array) => bm.beginFill((covered = files).map((f) => f.path), lengths),
        term: (term: string, docs: Int32Array, tfs: Int32Array, n: number) => bm.fillTerm(term, docs, tfs, n),
      };
      if ((yield* allFileCounts(this.store, this.lexical, sink, () => this.store.fingerprint() === fp)) && this.store.fingerprint() === fp) {
        bm.endFill();
        bulk = new Map(covered.map((f) => [f.path, f]));
      } else bm.clear();
    }
    let changed = 0;
    const present = new Set<string>();
    for (const f of [...this.store.files()]) {
      present.add(f.path);
      const cur = this.files.get(f.path);
      if (cur && sameFile(cur, f)) continue;
      if (cur) this.drop(cur);
      const chunks = f.chunkIds.map((id) => this.store.getChunk(id)).filter((c): c is Chunk => !!c);
      const b = bulk?.get(f.path);
      this.addFile(f.path, f.hash, f.chunkIds, chunks, !!b && sameFile(b, f));
      changed++;
      yield;
    }
    for (const [p, info] of [...this.files]) {
      if (!present.has(p)) {
        this.drop(info);
        changed++;
      }
    }
    for (const p of bulk?.keys() ?? []) if (!present.has(p)) this.fileBm25?.remove(p);
    this.seen = fp;
    return changed;
  }

  private addFile(path: string, hash: string, chunkIds: string[], chunks: Chunk[], inFileIndex = false): void {
    const language = chunks[0]?.language ?? 'text';
    const base = lowerBasename(path);
    const module = pythonModule(path);
    const stem = base === '__init__.py' ? (path.split('/').slice(-2, -1)[0] ?? '').toLowerCase() : base.replace(/\.[^.]+$/, '');
    const defs = new Set<string>();
    for (const c of chunks) {
      for (const n of definedNames(c)) {
        const key = n.toLowerCase();
        defs.add(key);
        let s = this.byName.get(key);
        if (!s) this.byName.set(key, (s = new Set()));
        s.add(c.id);
        this.sortedDefs.delete(key);
      }
    }
    const info: FileInfo = {
      path, hash, chunkIds, language, module, stem, defs,
      isTest: isTestPath(path),
      isDoc: isDocPath(path, language),
      isExample: isExamplePath(path),
      isCode: !NON_CODE.has(language),
    };
    this.files.set(path, info);
    if (module) {
      let m = this.byModule.get(module);
      if (!m) this.byModule.set(module, (m = new Set()));
      m.add(path);
    }
    let b = this.byBasename.get(base);
    if (!b) this.byBasename.set(base, (b = new Set()));
    b.add(path);
    if (this.fileBm25 && !inFileIndex) {
      const { tf, length } = fileCounts(path, chunks);
      this.fileBm25.addCounts(path, tf, length);
    }
  }

  private drop(info: FileInfo): void {
    for (const id of info.chunkIds) {
      const c = this.store.getChunk(id);
      for (const n of c ? definedNames(c) : []) {
        this.byName.get(n.toLowerCase())?.delete(id);
        this.sortedDefs.delete(n.toLowerCase());
      }
    }
    // Chunks already gone from the store: sweep names this file defined.
    for (const n of info.defs) {
      const s = this.byName.get(n);
      if (!s) continue;
      for (const id of info.chunkIds) s.delete(id);
      if (s.size === 0) this.byName.delete(n);
      this.sortedDefs.delete(n);
    }
    const m = info.module ? this.byModule.get(info.module) : undefined;
    if (m?.delete(info.path) && m.size === 0) this.byModule.delete(info.module!);
    this.byBasename.get(lowerBasename(info.path))?.delete(info.path);
    this.fileBm25?.remove(info.path);
    this.files.delete(info.path);
  }

  /**
   * Indexed files whose path ends with the given (normalized) path, longest matching suffix first; for a compiled
   * `.js` / `.mjs` / `.cjs` / `.jsx` path that is not indexed, its TypeScript source's.
   */
  resolvePath(mention: string): string[] {
    const segs = mention.split('/').filter((s) => s && s !== '.' && s !== '..');
    if (!segs.length) return [];
    const base = segs[segs.length - 1].toLowerCase();
    const found = this.resolveTail(segs, base);
    if (found.length) return found;
    // Compiled JavaScript that is not indexed (a Node stack trace through out/ or dist/) names its TypeScript
    // source: `…/out/src/core/search/features.js` → src/core/search/features.ts.
    const js = /^(.+)\.([mc]?)js(x?)$/.exec(base);
    if (!js) return [];
    for (const ext of js[3] ? ['tsx'] : js[2] ? [`${js[2]}ts`, 'ts'] : ['ts', 'tsx']) {
      const source = this.resolveTail(segs, `${js[1]}.${ext}`);
      if (source.length) return source;
    }
    return [];
  }

  /** The indexed files named `base` whose paths end with the most of `segs` before it. */
  private resolveTail(segs: string[], base: string): string[] {
    const cands = this.byBasename.get(base);
    if (!cands || !cands.size) return [];
    let best: string[] = [];
    let bestLen = 0;
    for (const p of cands) {
      const ps = p.toLowerCase().split('/');
      let n = 1;
      while (n < segs.length && n < ps.length && ps[ps.length - 1 - n] === segs[segs.length - 1 - n].toLowerCase()) n++;
      if (n > bestLen) {
        best = [p];
        bestLen = n;
      } else if (n === bestLen) best.push(p);
    }
    return best.sort();
  }

  /** The longest module prefix of a dotted name that is an indexed module, and the rest (a symbol path). */
  resolveDotted(dotted: string): { path: string; rest: string[] } | undefined {
    const parts = dotted.split('.');
    for (let n = parts.length; n >= 1; n--) {
      const p = this.byModule.get(parts.slice(0, n).join('.'));
      if (p?.size) return { path: p.size === 1 ? p.values().next().value! : [...p].sort()[0], rest: parts.slice(n) };
    }
    return undefined;
  }

  /**
   * Chunk ids defining `name` (case-insensitive exact match on the short name), sorted: the order in which the
   * index learned its files (workers' finishing order, past updates) must not reach a ranking through ties.
   * A name with more than `max` definitions gives none, unsorted and uncached (callers skip such common names).
   */
  definitions(name: string, max = Infinity): readonly string[] {
    const key = name.toLowerCase();
    let ids = this.sortedDefs.get(key);
    if (!ids) {
      const set = this.byName.get(key);
      if (!set || set.size > max) return [];
      ids = [...set].sort();
      this.sortedDefs.set(key, ids);
    }
    return ids.length > max ? [] : ids;
  }
}
