import type { IndexReport } from './indexer';

export interface SchedulerTarget {
  updateFiles(paths: string[]): Promise<IndexReport>;
  removeFiles(paths: string[]): Promise<IndexReport>;
}

/**
 * Coalesces file events into batches. The first event of a quiet period is processed on the next tick
 * (a save is searchable within milliseconds); events arriving while a batch runs — a `git checkout`
 * touching 2,000 files — accumulate and run as one batch when it finishes. A path's last event wins.
 */
export class IndexScheduler {
  private readonly pending = new Map<string, 'change' | 'delete'>();
  private running: Promise<void> | undefined;
  private timer: NodeJS.Immediate | undefined;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly target: SchedulerTarget,
    private readonly onBatch?: (report: IndexReport, batch: { changed: number; deleted: number }) => void,
    private readonly onError?: (e: Error) => void,
  ) {}

  changed(paths: string[]): void {
    for (const p of paths) this.pending.set(p, 'change');
    this.kick();
  }

  deleted(paths: string[]): void {
    for (const p of paths) this.pending.set(p, 'delete');
    this.kick();
  }

  get queued(): number {
    return this.pending.size;
  }

  /** Resolves when nothing is queued or running. */
  idle(): Promise<void> {
    if (!this.running && !this.timer && this.pending.size === 0) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  private kick(): void {
    if (this.running || this.timer) return;
    this.timer = setImmediate(() => {
      this.timer = undefined;
      this.running = this.drain().finally(() => {
        this.running = undefined;
        if (this.pending.size) this.kick();
        else for (const w of this.idleWaiters.splice(0)) w();
      });
    });
  }

  private async drain(): Promise<void> {
    const batch = new Map(this.pending);
    this.pending.clear();
    const changed = [...batch].filter(([, k]) => k === 'change').map(([p]) => p);
    const deleted = [...batch].filter(([, k]) => k === 'delete').map(([p]) => p);
    try {
      // (Not `onBatch?.(await …)`: an optional call would skip evaluating its arguments when there is no listener.)
      if (deleted.length) {
        const report = await this.target.removeFiles(deleted);
        this.onBatch?.(report, { changed: 0, deleted: deleted.length });
      }
      if (changed.length) {
        const report = await this.target.updateFiles(changed);
        this.onBatch?.(report, { changed: changed.length, deleted: 0 });
      }
    } catch (e) {
      this.onError?.(e as Error);
    }
  }
}
