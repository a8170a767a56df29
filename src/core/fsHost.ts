import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { DirEntry, FileStat, Host } from './host';

/** Plain-filesystem host: the CLI's, and the tests'. Paths are workspace-relative and `/`-separated. */
export class FsHost implements Host {
  readonly root: string;
  constructor(root: string) {
    this.root = path.resolve(root);
  }
  private abs(rel: string): string {
    return path.join(this.root, ...rel.split('/'));
  }
  async readFile(rel: string): Promise<Uint8Array> {
    return fs.readFile(this.abs(rel));
  }
  async stat(rel: string): Promise<FileStat | undefined> {
    try {
      const l = await fs.lstat(this.abs(rel));
      return { size: l.size, mtimeMs: l.mtimeMs, isFile: l.isFile(), isDirectory: l.isDirectory(), isSymbolicLink: l.isSymbolicLink() };
    } catch {
      return undefined;
    }
  }
  async readDir(rel: string): Promise<DirEntry[]> {
    const entries = await fs.readdir(this.abs(rel), { withFileTypes: true });
    return entries.map((e) => ({ name: e.name, isFile: e.isFile(), isDirectory: e.isDirectory(), isSymbolicLink: e.isSymbolicLink() }));
  }
}
