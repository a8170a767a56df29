/**
 * The store's shard files on disk: one vectra `LocalIndex` per shard, over `CheckedFileStorage` (every write atomic,
 * every read integrity-checked) with vectra's `ProtobufCodec`. This module knows files, not what is in them: the
 * items and how they map to files, chunks and vectors are vectorStore.ts's.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type * as Vectra from 'vectra';
import type { CheckedFileStorage } from './checkedStorage';
import { type DamageInfo, SHARD_FORMAT, parseShardName } from './shardFormat';

export class ShardFiles {
  readonly dir: string;

  constructor(
    private readonly storeDir: string,
    private readonly vectra: typeof Vectra,
    private readonly storage: CheckedFileStorage,
    private readonly codec: Vectra.IndexCodec,
    private readonly onDamage: (info: DamageInfo) => void,
  ) {
    this.dir = path.join(storeDir, 'shards');
  }

  /** Names of the shard files present, sorted. */
  async names(): Promise<string[]> {
    return (await fs.readdir(this.dir)).filter((n) => parseShardName(n) !== undefined).sort();
  }

  /** A shard file's items; throws (an `IntegrityError`, or vectra's decoding error) when it cannot be read. */
  read(name: string): Promise<Vectra.IndexItem[]> {
    return this.open(name).listItems();
  }

  async size(name: string): Promise<number> {
    return (await fs.stat(path.join(this.dir, name))).size;
  }

  /** Replaces a shard's items in one atomic write and returns the file's size; no items deletes the file (undefined). */
  async write(name: string, items: Partial<Vectra.IndexItem>[]): Promise<number | undefined> {
    const file = path.join(this.dir, name);
    if (items.length === 0) {
      await this.storage.deleteFile(file);
      return undefined;
    }
    let index = this.open(name);
    let old: Vectra.IndexItem[] = [];
    if (await index.isIndexCreated()) {
      try {
        old = await index.listItems();
      } catch (e) {
        // The caller's in-memory state is authoritative; keep the bad file for inspection and write a fresh one.
        await this.quarantine(name, `unreadable before rewrite: ${(e as Error).message}`);
        index = this.open(name);
      }
    }
    // A new shard: vectra writes an empty index first (a crash right after leaves an empty, valid shard,
    // so that write needs no fsync).
    if (!(await index.isIndexCreated())) await this.storage.withoutSync(file, () => index.createIndex({ version: SHARD_FORMAT }));
    await index.beginUpdate();
    try {
      await index.deleteItems(old.map((i) => i.id));
      for (const item of items) await index.insertItem(item);
      await index.endUpdate();
    } catch (e) {
      index.cancelUpdate();
      throw e;
    }
    return this.size(name);
  }

  /** Moves a damaged shard file to `quarantine/` (kept for inspection) and reports it. */
  async quarantine(name: string, reason: string, lostPaths?: string[]): Promise<void> {
    const qdir = path.join(this.storeDir, 'quarantine');
    await fs.mkdir(qdir, { recursive: true });
    await fs.rename(path.join(this.dir, name), path.join(qdir, `${name}.${Date.now()}`)).catch(() => undefined);
    this.onDamage({ shard: name, reason, lostPaths });
  }

  private open(name: string): Vectra.LocalIndex {
    return new this.vectra.LocalIndex(this.dir, name, this.storage, this.codec);
  }
}
