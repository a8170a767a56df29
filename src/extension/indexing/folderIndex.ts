import * as vscode from 'vscode';
import type { EmbedderConfig } from '../../core/embed/factory';
import type { IndexReport } from '../../core/index/indexer';
import { IndexScheduler } from '../../core/index/scheduler';
import { openWorkspaceIndex, type WorkspaceIndex } from '../../core/index/workspaceIndex';
import type { WalkOptions } from '../../core/workspace/walk';
import { VscodeHost } from '../vscodeHost';

export type IndexState = 'opening' | 'indexing' | 'ready' | 'stale' | 'error' | 'closed';

export interface FolderIndexOptions {
  folder: vscode.WorkspaceFolder;
  indexDir: string;
  embedder: EmbedderConfig;
  walk: WalkOptions;
  log: vscode.LogOutputChannel;
  /** Drop the existing index and build from scratch. */
  rebuild?: boolean;
}

export interface BuildProgress {
  done: number;
  total: number;
}

/** Delay that merges bursts of resync requests (ignore-file edits, created directories). */
const RESYNC_DEBOUNCE_MS = 300;

/**
 * One workspace folder's index: opens it, builds/resyncs it in the background (cancellable), and feeds file
 * events to the core's IndexScheduler, which coalesces them. Its state drives the status bar.
 */
export class FolderIndex implements vscode.Disposable {
  readonly host: VscodeHost;
  private _index: WorkspaceIndex | undefined;
  private scheduler: IndexScheduler | undefined;
  private _state: IndexState = 'opening';
  private _progress: BuildProgress = { done: 0, total: 0 };
  private _message: string | undefined;
  private _lastReport: IndexReport | undefined;
  private _lastUpdate: Date | undefined;
  private building: AbortController | undefined;
  private building$: Promise<void> | undefined;
  private resyncTimer: NodeJS.Timeout | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readyWaiters: (() => void)[] = [];

  constructor(readonly opts: FolderIndexOptions) {
    this.host = new VscodeHost(opts.folder.uri, opts.log);
    this.disposables.push(this.changed);
  }

  get folder(): vscode.WorkspaceFolder {
    return this.opts.folder;
  }
  get index(): WorkspaceIndex | undefined {
    return this._index;
  }
  get state(): IndexState {
    return this._state;
  }
  get progress(): BuildProgress {
    return this._progress;
  }
  get message(): string | undefined {
    return this._message;
  }
  get lastReport(): IndexReport | undefined {
    return this._lastReport;
  }
  get lastUpdate(): Date | undefined {
    return this._lastUpdate;
  }
  get queued(): number {
    return this.scheduler?.queued ?? 0;
  }

  private setState(state: IndexState, message?: string): void {
    this._state = state;
    this._message = message;
    this.changed.fire();
    if (state === 'ready' || state === 'stale' || state === 'error' || state === 'closed') for (const w of this.readyWaiters.splice(0)) w();
  }

  /** Resolves once the current build ends (ready, stale, error or closed) and queued file events are indexed. */
  async whenSettled(): Promise<void> {
    if (this._state === 'opening' || this._state === 'indexing') await new Promise<void>((r) => this.readyWaiters.push(r));
    await this.scheduler?.idle();
  }

  /** Opens the index. Returns true when it is empty (a first build: the caller shows a notification). */
  async open(): Promise<boolean> {
    const { folder, log } = this.opts;
    try {
      this._index = await openWorkspaceIndex({
        root: this.host.root,
        indexDir: this.opts.indexDir,
        embedder: this.opts.embedder,
        walk: this.opts.walk,
        owner: `vscode extension host pid ${process.pid}`,
        lockWaitMs: 2_000,
        allowReadOnly: true,
        rebuild: this.opts.rebuild,
        host: this.host,
        log: (level, message) => this.host.log(level, `[${folder.name}] ${message}`),
      });
    } catch (e) {
      log.error(`[${folder.name}] cannot open the index: ${(e as Error).message}`);
      this.setState('error', (e as Error).message);
      return false;
    }
    const idx = this._index;
    this.disposables.push(
      idx.indexer.onProgress((p) => {
        if (!this.building) return;
        this._progress = p.phase === 'index' ? { done: p.done, total: p.total } : this._progress;
        this.changed.fire();
      }),
    );
    this.scheduler = new IndexScheduler(
      idx.indexer,
      (report, batch) => {
        this._lastReport = report;
        this._lastUpdate = new Date();
        log.debug(`[${folder.name}] ${batch.changed ? `updated ${batch.changed}` : `removed ${batch.deleted}`} path(s): +${report.added} ~${report.updated} -${report.removed} in ${Math.round(report.ms)} ms`);
        this.changed.fire();
      },
      (e) => {
        log.error(`[${folder.name}] incremental update failed: ${e.message}`);
        if (this._state === 'ready') this.setState('stale', e.message);
      },
    );
    if (idx.readOnly) {
      this.setState('stale', `read-only: ${idx.readOnly}`);
      return false;
    }
    return idx.indexer.store.stats().files === 0;
  }

  /** Indexes the whole folder incrementally (a full build the first time). Cancelling keeps what was done. */
  build(token?: vscode.CancellationToken): Promise<void> {
    const idx = this._index;
    if (!idx || idx.readOnly || this._state === 'closed') return Promise.resolve();
    if (this.building$) return this.building$;
    const ac = new AbortController();
    this.building = ac;
    const sub = token?.onCancellationRequested(() => ac.abort());
    this._progress = { done: 0, total: 0 };
    this.setState('indexing');
    const { folder, log } = this.opts;
    this.building$ = idx.indexer
      .indexAll(ac.signal)
      .then(
        (report) => {
          this._lastReport = report;
          this._lastUpdate = new Date();
          log.info(`[${folder.name}] indexed ${report.files} files, ${report.chunks} chunks (+${report.added} ~${report.updated} -${report.removed} =${report.unchanged}, ${report.skipped.length} skipped) in ${Math.round(report.ms)} ms`);
          if (this._state !== 'closed') this.setState('ready');
        },
        (e: Error) => {
          if (this._state === 'closed') return;
          if (ac.signal.aborted) {
            log.warn(`[${folder.name}] indexing cancelled; the index is incomplete until the next re-index`);
            this.setState('stale', 'indexing was cancelled');
          } else {
            log.error(`[${folder.name}] indexing failed: ${e.stack ?? e.message}`);
            this.setState('error', e.message);
          }
        },
      )
      .finally(() => {
        sub?.dispose();
        this.building = undefined;
        this.building$ = undefined;
      });
    return this.building$;
  }

  cancelBuild(): void {
    this.building?.abort();
  }

  /** Files saved/created/changed on disk (workspace-relative). */
  changedFiles(paths: string[]): void {
    if (paths.length) this.scheduler?.changed(paths);
  }

  /** Files or directories deleted (workspace-relative). */
  deletedFiles(paths: string[]): void {
    if (paths.length) this.scheduler?.deleted(paths);
  }

  /** Ignore rules changed or a directory appeared: re-walk (incremental: only changed files are read). */
  requestResync(reason: string, invalidateFilter = false): void {
    if (invalidateFilter) this._index?.indexer.invalidateFilter();
    if (this.resyncTimer) clearTimeout(this.resyncTimer);
    this.resyncTimer = setTimeout(() => {
      this.resyncTimer = undefined;
      this.opts.log.info(`[${this.folder.name}] resync: ${reason}`);
      void this.build();
    }, RESYNC_DEBOUNCE_MS);
  }

  /** Flushes and closes the index (releases its lock). */
  async close(): Promise<void> {
    if (this._state === 'closed') return;
    this.setState('closed');
    if (this.resyncTimer) clearTimeout(this.resyncTimer);
    this.building?.abort();
    await this.building$?.catch(() => undefined);
    await this.scheduler?.idle().catch(() => undefined);
    const idx = this._index;
    this._index = undefined;
    try {
      await idx?.close();
    } catch (e) {
      this.opts.log.warn(`[${this.folder.name}] closing the index: ${(e as Error).message}`);
    }
    for (const d of this.disposables.splice(0)) d.dispose();
  }

  dispose(): void {
    void this.close();
  }
}
