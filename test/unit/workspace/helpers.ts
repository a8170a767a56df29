/** Temp workspaces for the workspace tests: real directories on disk, served by FsHost. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FsHost } from '../../../src/core/fsHost';
import type { DirEntry, FileStat, Host } from '../../../src/core/host';

export type Tree = Record<string, string | Uint8Array>;

/** Creates a temp directory holding `tree` (paths `/`-separated; a value is the file's content). */
export function makeTree(tree: Tree): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pinpoint-ws-'));
  for (const [rel, content] of Object.entries(tree)) {
    const abs = path.join(root, ...rel.split('/'));
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, content);
  }
  return root;
}

export function removeTree(root: string): void {
  fs.rmSync(root, { recursive: true, force: true });
}

/** An FsHost that records every call, to prove what was (not) read or listed. */
export class RecordingHost implements Host {
  readonly inner: FsHost;
  readonly reads: string[] = [];
  readonly listed: string[] = [];
  readonly stats: string[] = [];
  constructor(root: string) {
    this.inner = new FsHost(root);
  }
  get root(): string {
    return this.inner.root;
  }
  readFile(rel: string): Promise<Uint8Array> {
    this.reads.push(rel);
    return this.inner.readFile(rel);
  }
  stat(rel: string): Promise<FileStat | undefined> {
    this.stats.push(rel);
    return this.inner.stat(rel);
  }
  readDir(rel: string): Promise<DirEntry[]> {
    this.listed.push(rel);
    return this.inner.readDir(rel);
  }
}
