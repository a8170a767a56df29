/**
 * During a bulk run (a cold build, a resync after a branch switch): how many of each shard's files are still to be
 * settled, so that a shard is written as soon as its last file is committed rather than all shards at the end.
 *
 * The indexer hands a bulk run's files to the workers in shard order (`inShardOrder`), so shards finish one after
 * another while the workers are busy with later ones: the writes (encoding, fsync) overlap the parsing instead of
 * following it on one thread. Each shard is still written once, atomically and whole.
 */
export class ShardCompletion {
  private readonly left = new Map<number, number>();

  /** `write` is called, not awaited, with each shard whose files are all settled; it must not reject. */
  constructor(
    paths: Iterable<string>,
    private readonly shardOf: (path: string) => number,
    private readonly write: (shard: number) => void,
  ) {
    for (const p of paths) {
      const s = shardOf(p);
      this.left.set(s, (this.left.get(s) ?? 0) + 1);
    }
  }

  /** `files` sorted by shard (stable: within a shard they keep their order). */
  static inShardOrder<T extends { path: string }>(files: T[], shardOf: (path: string) => number): T[] {
    const keyed = files.map((f, i) => ({ f, s: shardOf(f.path), i }));
    keyed.sort((a, b) => a.s - b.s || a.i - b.i);
    return keyed.map((k) => k.f);
  }

  /** One of the run's files is settled (committed, skipped, unchanged or gone); the last of its shard writes the shard. */
  settle(path: string): void {
    const s = this.shardOf(path);
    const n = this.left.get(s);
    if (n === undefined) return;
    if (n > 1) this.left.set(s, n - 1);
    else {
      this.left.delete(s);
      this.write(s);
    }
  }
}
