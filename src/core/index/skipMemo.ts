/**
 * Files the content check turned away (binary, minified, not valid text), remembered by size and mtime, the way
 * the manifest remembers indexed files. Without it every resync re-reads them (1,381 files in django, most of
 * them .mo and images) and `pinpoint status` reports each as a new, stale file forever.
 *
 * Losing the file loses nothing but that shortcut: a missing, stale or damaged memo is read as empty.
 */
import type { SkippedFile } from '../types';
import { readFileChecked, writeFileChecked } from './atomicFs';

/** Bump when decodeSource's rules change, so files it would now accept are read again. */
export const SKIP_RULES_VERSION = 1;

interface Entry {
  size: number;
  mtimeMs: number;
  skipped: SkippedFile;
}

export class SkipMemo {
  private dirty = false;

  private constructor(private readonly file: string, private readonly entries: Map<string, Entry>) {}

  static async load(file: string): Promise<SkipMemo> {
    try {
      const data = JSON.parse((await readFileChecked(file)).toString('utf8')) as { version?: number; entries?: [string, Entry][] };
      if (data.version === SKIP_RULES_VERSION && Array.isArray(data.entries)) return new SkipMemo(file, new Map(data.entries));
    } catch {
      // missing or damaged: start empty
    }
    return new SkipMemo(file, new Map());
  }

  /** How the file was skipped, if it was and its size and mtime have not changed since. */
  get(path: string, size: number, mtimeMs: number): SkippedFile | undefined {
    const e = this.entries.get(path);
    return e && e.size === size && e.mtimeMs === mtimeMs ? e.skipped : undefined;
  }

  set(path: string, size: number, mtimeMs: number, skipped: SkippedFile): void {
    this.entries.set(path, { size, mtimeMs, skipped });
    this.dirty = true;
  }

  delete(path: string): void {
    if (this.entries.delete(path)) this.dirty = true;
  }

  /** Forgets files that are no longer in the workspace. */
  keepOnly(present: ReadonlySet<string>): void {
    for (const p of [...this.entries.keys()]) if (!present.has(p)) this.delete(p);
  }

  async save(): Promise<void> {
    if (!this.dirty) return;
    await writeFileChecked(this.file, JSON.stringify({ version: SKIP_RULES_VERSION, entries: [...this.entries] }));
    this.dirty = false;
  }
}
