/**
 * A vectra `FileStorage` that makes vectra's persistence crash-safe: every file vectra writes goes through
 * `writeFileChecked` (temp + fsync + rename + fsync dir, with a length+CRC header) and every file it reads
 * is verified, so a torn or corrupt shard surfaces as an `IntegrityError` instead of a misread index.
 * Folder operations and listings are delegated to vectra's own storage.
 */
import * as path from 'node:path';
import type { FileDetails, FileStorage, ListFilesFilter } from 'vectra';
import { readFileChecked, writeFileChecked } from './atomicFs';

export class CheckedFileStorage implements FileStorage {
  /** Number of files written, and of those fsynced (for tests and stats). */
  writes = 0;
  syncedWrites = 0;
  bytesWritten = 0;

  private readonly sync: boolean;
  /** Files whose writes skip fsync right now (see `withoutSync`), with a count per concurrent caller. */
  private readonly unsynced = new Map<string, number>();

  constructor(private readonly inner: FileStorage, opts: { fsync?: boolean } = {}) {
    this.sync = opts.fsync ?? true;
  }

  /**
   * Runs `fn` with fsync off for writes of `file` only (writes whose loss in a crash is harmless). Per file, not a
   * switch for the whole storage: shards are written concurrently, and a global switch turned off the fsync of
   * other shards' real writes made meanwhile (a cold index fsynced 6 of its 256 shards).
   */
  async withoutSync<T>(file: string, fn: () => Promise<T>): Promise<T> {
    const key = path.resolve(file);
    this.unsynced.set(key, (this.unsynced.get(key) ?? 0) + 1);
    try {
      return await fn();
    } finally {
      const n = this.unsynced.get(key)! - 1;
      if (n) this.unsynced.set(key, n);
      else this.unsynced.delete(key);
    }
  }

  async createFile(filePath: string, content: Buffer | string): Promise<void> {
    if (await this.inner.pathExists(filePath)) throw new Error(`file already exists: ${filePath}`);
    await this.upsertFile(filePath, content);
  }
  createFolder(folderPath: string): Promise<void> {
    return this.inner.createFolder(folderPath);
  }
  async deleteFile(filePath: string): Promise<void> {
    if (await this.inner.pathExists(filePath)) await this.inner.deleteFile(filePath);
  }
  /**
   * Refused. vectra's `createIndex` reacts to a failed write by `deleteIndex()` = deleting the index *folder*,
   * which here holds every shard; failing loudly keeps the other shards.
   */
  async deleteFolder(folderPath: string): Promise<void> {
    throw new Error(`refusing to delete index folder ${folderPath}`);
  }
  getDetails(fileOrFolderPath: string): Promise<FileDetails> {
    return this.inner.getDetails(fileOrFolderPath);
  }
  listFiles(folderPath: string, filter?: ListFilesFilter): Promise<FileDetails[]> {
    return this.inner.listFiles(folderPath, filter);
  }
  pathExists(fileOrFolderPath: string): Promise<boolean> {
    return this.inner.pathExists(fileOrFolderPath);
  }
  readFile(filePath: string): Promise<Buffer> {
    return readFileChecked(filePath);
  }
  async upsertFile(filePath: string, content: Buffer | string): Promise<void> {
    const buf = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    const fsync = this.sync && !this.unsynced.has(path.resolve(filePath));
    await writeFileChecked(filePath, buf, { fsync });
    this.writes++;
    if (fsync) this.syncedWrites++;
    this.bytesWritten += buf.byteLength + 16;
  }
}
