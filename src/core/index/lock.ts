import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface LockInfo {
  pid: number;
  hostname: string;
  owner: string;
  since: string;
}

/** Thrown when the index is locked by a live process and the caller chose not to wait (or gave up waiting). */
export class IndexLockedError extends Error {
  constructor(readonly holder: LockInfo) {
    super(
      `the index is in use by ${holder.owner} (pid ${holder.pid} on ${holder.hostname}, since ${holder.since}); ` +
        `it was opened read-only — wait for that process to finish, or use another --index-dir`,
    );
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * An exclusive writer lock on an index directory (a `lock` file created with O_EXCL). A lock whose holder
 * is dead (same host, pid gone — e.g. after kill -9) is stale and taken over. A live holder makes
 * `acquire` wait up to `waitMs`, then throw IndexLockedError so the caller can open read-only.
 */
export class IndexLock {
  private held = false;
  private constructor(private readonly file: string) {}

  static async acquire(dir: string, opts: { owner: string; waitMs?: number; pollMs?: number }): Promise<IndexLock> {
    const lock = new IndexLock(path.join(dir, 'lock'));
    const deadline = Date.now() + (opts.waitMs ?? 0);
    const me: LockInfo = { pid: process.pid, hostname: os.hostname(), owner: opts.owner, since: new Date().toISOString() };
    for (;;) {
      try {
        const fh = await fs.open(lock.file, 'wx');
        await fh.writeFile(JSON.stringify(me));
        await fh.close();
        lock.held = true;
        return lock;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      const holder = await lock.readHolder();
      const age = holder ? 0 : await lock.ageMs();
      if ((!holder && age > 2000) || (holder && holder.hostname === me.hostname && !alive(holder.pid))) {
        // Stale: the holder died, or was killed between creating the file and writing it. Take over.
        await fs.rm(lock.file, { force: true });
        continue;
      }
      if (Date.now() >= deadline) {
        throw new IndexLockedError(holder ?? { pid: 0, hostname: me.hostname, owner: 'another process', since: 'just now' });
      }
      await new Promise((r) => setTimeout(r, opts.pollMs ?? 100));
    }
  }

  private async readHolder(): Promise<LockInfo | undefined> {
    try {
      const info = JSON.parse(await fs.readFile(this.file, 'utf8')) as LockInfo;
      return typeof info.pid === 'number' ? info : undefined;
    } catch {
      return undefined;
    }
  }

  private async ageMs(): Promise<number> {
    try {
      return Date.now() - (await fs.stat(this.file)).mtimeMs;
    } catch {
      return Infinity;
    }
  }

  async release(): Promise<void> {
    if (!this.held) return;
    this.held = false;
    await fs.rm(this.file, { force: true });
  }
}
