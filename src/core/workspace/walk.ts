/**
 * The workspace walk: every indexable file by name and size, and every skipped path with its reason.
 * Rules (ignore files, built-ins, secrets) live in filter.ts; content checks in content.ts.
 * Symlinks are never followed, so nothing outside the workspace is reached.
 */
import type { DirEntry, Host } from '../host';
import type { SkippedFile } from '../types';
import { WorkspaceFilter, type DirState, type FilterOptions, type Verdict } from './filter';

export { WorkspaceFilter, DEFAULT_MAX_FILE_BYTES, type FilterOptions } from './filter';

export interface WalkOptions extends FilterOptions {
  /** Files larger than this are skipped as `too-large`. Default 1,000,000 (or the filter's). */
  maxFileBytes?: number;
  /** Extra gitignore-syntax patterns, e.g. from editor settings. */
  excludeGlobs?: string[];
  signal?: AbortSignal;
  /** Host calls in flight at once. Default 32. */
  concurrency?: number;
  /** Reuse a loaded filter (keeps its cache of .gitignore files for later `check` calls). */
  filter?: WorkspaceFilter;
  /** Walk only this directory (workspace-relative), e.g. one a watcher reported as created. */
  under?: string;
}

export interface WalkedFile {
  path: string;
  size: number;
  mtimeMs: number;
  /** Set when a .pinpointignore negation names the file: pass `allowMinified` to decodeSource. */
  forceInclude?: true;
}

export interface WalkResult {
  files: WalkedFile[];
  skipped: SkippedFile[];
}

type Run = <T>(fn: () => Promise<T>) => Promise<T>;

/** Runs at most `n` host calls at once; checks the abort signal before each. */
function limiter(n: number, signal?: AbortSignal): Run {
  let active = 0;
  // A FIFO with a moving head: tens of thousands of waiters must not make `shift()` quadratic.
  let queue: Array<() => void> = [];
  let head = 0;
  return async <T>(fn: () => Promise<T>): Promise<T> => {
    if (active >= n) await new Promise<void>((resolve) => queue.push(resolve));
    else active++;
    try {
      signal?.throwIfAborted();
      return await fn();
    } finally {
      if (head < queue.length) {
        const next = queue[head++];
        if (head > 1024 && head * 2 > queue.length) {
          queue = queue.slice(head);
          head = 0;
        }
        next(); // the slot passes to the next waiter
      } else active--;
    }
  };
}

const byPath = (a: { path: string }, b: { path: string }): number => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** Walks the workspace; output sorted by path. Throws the signal's reason when aborted. */
export async function walkWorkspace(host: Host, opts: WalkOptions = {}): Promise<WalkResult> {
  const { signal } = opts;
  signal?.throwIfAborted();
  const filter = opts.filter ?? (await WorkspaceFilter.load(host, opts));
  const maxFileBytes = opts.maxFileBytes ?? filter.maxFileBytes;
  const run = limiter(Math.max(1, opts.concurrency ?? 32), signal);
  const files: WalkedFile[] = [];
  const skipped: SkippedFile[] = [];

  const list = async (dir: string): Promise<DirEntry[] | undefined> => {
    try {
      return await run(() => host.readDir(dir));
    } catch (err) {
      if (signal?.aborted) throw err;
      skipped.push({ path: dir ? dir + '/' : '', reason: 'unreadable', detail: `could not list the directory: ${message(err)}` });
      return undefined;
    }
  };

  const visitEntries = async (state: DirState, entries: DirEntry[]): Promise<void> => {
    await Promise.all(entries.map((e) => visitEntry(state, e)));
  };

  const visitDir = async (parent: DirState, dir: string, verdict: Verdict): Promise<void> => {
    const entries = await list(dir);
    if (!entries) return;
    const hasGitignore = entries.some((e) => e.name === '.gitignore' && e.isFile);
    const state = await filter.enter(parent, dir, verdict, hasGitignore);
    if (state) await visitEntries(state, entries);
  };

  const visitEntry = async (state: DirState, e: DirEntry): Promise<void> => {
    const rel = state.path ? `${state.path}/${e.name}` : e.name;
    let { isFile, isDirectory, isSymbolicLink } = e;
    if (!isFile && !isDirectory && !isSymbolicLink) {
      // Type unknown to the host's listing: ask lstat.
      const st = await run(() => host.stat(rel));
      if (!st) return;
      ({ isFile, isDirectory, isSymbolicLink } = st);
    }
    if (isDirectory && !isSymbolicLink) {
      const v = filter.classify(state, rel, true);
      if (!v.include && !v.inherited) skipped.push({ path: rel + '/', reason: v.reason, detail: v.detail });
      // enter() decides whether an excluded directory is still walked (.pinpointignore re-includes below it).
      if (v.include || filter.mayReincludeBelow(rel, v)) await visitDir(state, rel, v);
      else await filter.enter(state, rel, v, false);
      return;
    }
    const v = filter.classifyFile(state, rel);
    if (!v.include) {
      if (!v.inherited) skipped.push({ path: rel, reason: v.reason, detail: v.detail });
      return;
    }
    if (isSymbolicLink) {
      skipped.push({ path: rel, reason: 'ignored', detail: 'symlink (not followed)' });
      return;
    }
    const st = await run(() => host.stat(rel));
    if (!st) {
      skipped.push({ path: rel, reason: 'unreadable', detail: 'vanished during the walk' });
      return;
    }
    const bad = filter.statCheck(rel, st, maxFileBytes);
    if (bad) skipped.push(bad);
    else files.push(v.forced ? { path: rel, size: st.size, mtimeMs: st.mtimeMs, forceInclude: true } : { path: rel, size: st.size, mtimeMs: st.mtimeMs });
  };

  const under = opts.under ? opts.under.replace(/\\/g, '/').replace(/^\/+|\/+$/g, '') : '';
  const start = await filter.stateFor(under);
  if (!('path' in start)) {
    skipped.push({ path: under + '/', reason: start.reason, detail: start.detail });
  } else {
    const entries = await list(under);
    if (entries) await visitEntries(start, entries);
  }
  files.sort(byPath);
  skipped.sort(byPath);
  return { files, skipped };
}
