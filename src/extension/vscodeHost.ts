import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { DirEntry, FileStat, Host } from '../core/host';

/**
 * The core's window on one VS Code workspace folder. Paths are workspace-relative and `/`-separated.
 *
 * For `file` folders the file system is read with Node directly: the core's workers read and stat files
 * themselves (processFile), and the index compares sizes/mtimes with what they recorded, so stat must have
 * the same (sub-millisecond) precision — `workspace.fs` rounds mtimes to whole milliseconds. Other schemes
 * go through `workspace.fs` (readable for search and the assistant; the index covers `file` folders only).
 * Unsaved editor contents come from the open documents.
 */
export class VscodeHost implements Host {
  readonly root: string;

  constructor(
    readonly folder: vscode.Uri,
    private readonly logger?: vscode.LogOutputChannel,
  ) {
    this.root = folder.scheme === 'file' ? path.resolve(folder.fsPath) : folder.path;
  }

  private get local(): boolean {
    return this.folder.scheme === 'file';
  }

  private abs(rel: string): string {
    return path.join(this.root, ...rel.split('/').filter(Boolean));
  }

  uri(rel: string): vscode.Uri {
    const parts = rel.split('/').filter(Boolean);
    return parts.length ? vscode.Uri.joinPath(this.folder, ...parts) : this.folder;
  }

  async readFile(rel: string): Promise<Uint8Array> {
    if (this.local) return fs.readFile(this.abs(rel));
    return vscode.workspace.fs.readFile(this.uri(rel));
  }

  async stat(rel: string): Promise<FileStat | undefined> {
    if (this.local) {
      try {
        const l = await fs.lstat(this.abs(rel));
        return { size: l.size, mtimeMs: l.mtimeMs, isFile: l.isFile(), isDirectory: l.isDirectory(), isSymbolicLink: l.isSymbolicLink() };
      } catch {
        return undefined;
      }
    }
    try {
      const s = await vscode.workspace.fs.stat(this.uri(rel));
      return {
        size: s.size,
        mtimeMs: s.mtime,
        isFile: (s.type & vscode.FileType.File) !== 0,
        isDirectory: (s.type & vscode.FileType.Directory) !== 0,
        isSymbolicLink: (s.type & vscode.FileType.SymbolicLink) !== 0,
      };
    } catch {
      return undefined;
    }
  }

  async readDir(rel: string): Promise<DirEntry[]> {
    if (this.local) {
      const entries = await fs.readdir(this.abs(rel), { withFileTypes: true });
      return entries.map((e) => ({ name: e.name, isFile: e.isFile(), isDirectory: e.isDirectory(), isSymbolicLink: e.isSymbolicLink() }));
    }
    const entries = await vscode.workspace.fs.readDirectory(this.uri(rel));
    return entries.map(([name, type]) => ({
      name,
      // A symlink is reported with the type of its target or'ed in; the walk treats it as a link.
      isFile: type === vscode.FileType.File,
      isDirectory: type === vscode.FileType.Directory,
      isSymbolicLink: (type & vscode.FileType.SymbolicLink) !== 0,
    }));
  }

  openDocumentText(rel: string): string | undefined {
    const target = this.uri(rel).toString();
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === target);
    return doc?.isDirty ? doc.getText() : undefined;
  }

  /** The workspace-relative path of `uri` in this folder, or undefined when it lies outside. */
  relative(uri: vscode.Uri): string | undefined {
    if (uri.scheme !== this.folder.scheme || uri.authority !== this.folder.authority) return undefined;
    const base = this.folder.path.endsWith('/') ? this.folder.path : this.folder.path + '/';
    if (!uri.path.startsWith(base)) return undefined;
    const rel = uri.path.slice(base.length).replace(/\/+$/, '');
    return rel || undefined;
  }

  log(level: 'info' | 'warn' | 'error', message: string): void {
    if (!this.logger) return;
    if (level === 'error') this.logger.error(message);
    else if (level === 'warn') this.logger.warn(message);
    else this.logger.info(message);
  }
}
