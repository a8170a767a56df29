/**
 * The core's only window on the editor/filesystem. Two implementations: the VS Code one
 * (src/extension/vscodeHost.ts) and the plain-filesystem one (src/core/fsHost.ts) used by the CLI and tests.
 */
export interface FileStat {
  size: number;
  mtimeMs: number;
  isFile: boolean;
  isDirectory: boolean;
  isSymbolicLink: boolean;
}

export interface DirEntry {
  name: string;
  isFile: boolean;
  isDirectory: boolean;
  isSymbolicLink: boolean;
}

export interface Host {
  /** Absolute root of the workspace folder this host serves. */
  readonly root: string;
  readFile(relPath: string): Promise<Uint8Array>;
  stat(relPath: string): Promise<FileStat | undefined>;
  readDir(relPath: string): Promise<DirEntry[]>;
  /** Unsaved editor contents, when the host has them (VS Code); undefined otherwise. */
  openDocumentText?(relPath: string): string | undefined;
  log?(level: 'info' | 'warn' | 'error', message: string): void;
}
