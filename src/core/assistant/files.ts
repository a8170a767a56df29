/**
 * The assistant's only way to read workspace files. Paths are workspace-relative and checked before any
 * read: no `..`, no absolute paths, no secrets (isSecretPath), and the real path (symlinks resolved) must
 * stay under the real root. Contents are snapshotted per turn, so what the model saw and what the
 * citation verifier checks are the same lines.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { isSecretPath } from '../workspace/secrets';

/** Files larger than this are not read by tools. */
export const MAX_TOOL_FILE_BYTES = 2_000_000;

export class PathError extends Error {
  constructor(
    readonly kind: 'invalid' | 'absolute' | 'escape' | 'secret' | 'missing' | 'not-a-file' | 'too-large' | 'binary',
    message: string,
  ) {
    super(message);
    this.name = 'PathError';
  }
}

/** Normalises a model-supplied path to `a/b/c` or throws a PathError (before touching the disk). */
export function normaliseRelPath(input: unknown): string {
  if (typeof input !== 'string' || !input.trim()) throw new PathError('invalid', 'path must be a non-empty workspace-relative string');
  const p = input.trim();
  if (p.includes('\0')) throw new PathError('invalid', 'path contains a NUL character');
  if (path.posix.isAbsolute(p) || path.win32.isAbsolute(p) || /^[a-zA-Z]:/.test(p) || p.startsWith('~')) {
    throw new PathError('absolute', `absolute paths are not allowed ("${p}"): use a path relative to the workspace root`);
  }
  const parts = p.replace(/\\/g, '/').split('/').filter((s) => s !== '' && s !== '.');
  if (parts.includes('..')) throw new PathError('escape', `".." is not allowed in paths ("${p}"): tools only read inside the workspace`);
  if (parts.length === 0) throw new PathError('invalid', `"${p}" does not name a file`);
  const rel = parts.join('/');
  if (isSecretPath(rel)) throw new PathError('secret', `"${rel}" is a secrets file: it is never read or sent`);
  return rel;
}

export interface FileSnapshot {
  rel: string;
  lines: string[];
}

export class WorkspaceFiles {
  private realRoot?: Promise<string>;
  private readonly cache = new Map<string, Promise<FileSnapshot>>();

  constructor(readonly root: string) {}

  private rootReal(): Promise<string> {
    return (this.realRoot ??= fs.realpath(this.root).catch(() => path.resolve(this.root)));
  }

  /** Checks a path fully (syntax, secrets, symlinks) and returns its normalised relative form. */
  async check(input: unknown): Promise<string> {
    const rel = normaliseRelPath(input);
    const abs = path.join(this.root, ...rel.split('/'));
    let real: string;
    try {
      real = await fs.realpath(abs);
    } catch {
      throw new PathError('missing', `"${rel}" does not exist in the workspace`);
    }
    const root = await this.rootReal();
    const back = path.relative(root, real);
    if (back === '' || back.startsWith('..') || path.isAbsolute(back)) {
      throw new PathError('escape', `"${rel}" resolves (through a symlink) outside the workspace: not read`);
    }
    // A symlink inside the workspace pointing at a secret is a secret.
    if (isSecretPath(back.split(path.sep).join('/'))) throw new PathError('secret', `"${rel}" points at a secrets file: it is never read or sent`);
    return rel;
  }

  /** The file's lines (checked, snapshotted for the turn). Throws PathError. */
  read(input: unknown): Promise<FileSnapshot> {
    const rel = normaliseRelPath(input);
    let p = this.cache.get(rel);
    if (!p) {
      p = this.load(rel);
      this.cache.set(rel, p);
      p.catch(() => this.cache.delete(rel));
    }
    return p;
  }

  /** Lines of a file if it is readable, else undefined (no error). `cache: false` does not keep a new snapshot (bulk scans). */
  async tryRead(rel: string, opts: { cache?: boolean } = {}): Promise<FileSnapshot | undefined> {
    try {
      if (opts.cache === false && !this.cache.has(rel)) return await this.load(normaliseRelPath(rel));
      return await this.read(rel);
    } catch {
      return undefined;
    }
  }

  private async load(input: string): Promise<FileSnapshot> {
    const rel = await this.check(input);
    const abs = path.join(this.root, ...rel.split('/'));
    const st = await fs.stat(abs).catch(() => undefined);
    if (!st) throw new PathError('missing', `"${rel}" does not exist in the workspace`);
    if (!st.isFile()) throw new PathError('not-a-file', `"${rel}" is a directory, not a file: use list_files`);
    if (st.size > MAX_TOOL_FILE_BYTES) throw new PathError('too-large', `"${rel}" is too large to read (${st.size} bytes)`);
    const buf = await fs.readFile(abs);
    if (buf.subarray(0, 8192).includes(0)) throw new PathError('binary', `"${rel}" is a binary file`);
    const text = buf.toString('utf8').replace(/^\uFEFF/, '');
    const lines = text.split(/\r?\n/);
    if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
    return { rel, lines };
  }
}
