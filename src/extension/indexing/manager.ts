import { createHash } from 'node:crypto';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { EmbedderConfig } from '../../core/embed/factory';
import { WorkspaceFilter } from '../../core/workspace/filter';
import { affects, excludeGlobsFor, readConfig } from '../config';
import type { ApiKeyStore } from '../secrets';
import { FolderIndex } from './folderIndex';

/** Paths whose events are never worth a look (VCS internals). */
const NOISE = /(^|\/)\.(git|hg|svn)(\/|$)/;

/**
 * Every workspace folder's index (multi-root), kept fresh from editor and file-system events, all going
 * through each folder's IndexScheduler. Owns the FolderIndex objects and every listener it registers.
 */
export class IndexManager implements vscode.Disposable {
  private readonly folders = new Map<string, FolderIndex>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when any folder's state or progress changes (and when folders come and go). */
  readonly onDidChange = this.changed.event;
  private disposed = false;
  /** Reopens run one after another (settings can change twice in a row). */
  private reopening: Promise<void> = Promise.resolve();

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel,
    private readonly apiKey: ApiKeyStore,
  ) {
    this.disposables.push(this.changed);
  }

  /** Opens and indexes every folder, and starts listening for changes. */
  start(): void {
    const ws = vscode.workspace;
    const watcher = ws.createFileSystemWatcher('**/*');
    this.disposables.push(
      watcher,
      watcher.onDidCreate((u) => void this.onCreated(u)),
      watcher.onDidChange((u) => this.onChanged(u)),
      watcher.onDidDelete((u) => this.onDeleted(u)),
      ws.onDidSaveTextDocument((d) => this.onChanged(d.uri)),
      ws.onDidCreateFiles((e) => e.files.forEach((u) => void this.onCreated(u))),
      ws.onDidDeleteFiles((e) => e.files.forEach((u) => this.onDeleted(u))),
      ws.onDidRenameFiles((e) => e.files.forEach(({ oldUri, newUri }) => {
        this.onDeleted(oldUri);
        void this.onCreated(newUri);
      })),
      ws.onDidChangeWorkspaceFolders((e) => {
        for (const f of e.removed) void this.remove(f);
        for (const f of e.added) void this.add(f);
      }),
      ws.onDidChangeConfiguration((e) => {
        const a = affects(e);
        if (a.embedder) void this.reopenAll('the embedder settings changed');
        else if (a.walk) void this.reopenAll('the exclude settings changed');
      }),
      ws.onDidGrantWorkspaceTrust(() => {
        if (readConfig().embeddingsProvider !== 'builtin') void this.reopenAll('the workspace is now trusted: using the configured embedder');
      }),
    );
    const opening = Promise.all((ws.workspaceFolders ?? []).map((f) => this.add(f))).then(() => undefined);
    this.reopening = opening;
  }

  all(): FolderIndex[] {
    return [...this.folders.values()];
  }

  get(folder: vscode.WorkspaceFolder): FolderIndex | undefined {
    return this.folders.get(folder.uri.toString());
  }

  /** The folder index that holds `uri` and its workspace-relative path. */
  locate(uri: vscode.Uri): { fi: FolderIndex; rel: string } | undefined {
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    const fi = folder && this.get(folder);
    const rel = fi?.host.relative(uri);
    return fi && rel ? { fi, rel } : undefined;
  }

  /** Resolves when every folder has finished building and its queued events are indexed. */
  async whenSettled(): Promise<void> {
    await this.reopening;
    await Promise.all(this.all().map((f) => f.whenSettled()));
  }

  /** The embedder from the settings; always the built-in one in an untrusted workspace (nothing leaves the machine). */
  private async embedderConfig(): Promise<EmbedderConfig> {
    const s = readConfig();
    if (s.embeddingsProvider !== 'openai') return { id: 'builtin' };
    if (!vscode.workspace.isTrusted) {
      this.log.info('untrusted workspace: using the built-in embedder until the workspace is trusted');
      return { id: 'builtin' };
    }
    return { id: 'openai', baseURL: s.embeddingsBaseUrl, model: s.embeddingsModel, apiKey: await this.apiKey.get() };
  }

  /** Where `folder`'s index lives (its traces are in `<index dir>/traces`). */
  indexDir(folder: vscode.WorkspaceFolder): string {
    const base = (this.context.storageUri ?? this.context.globalStorageUri).fsPath;
    const key = createHash('sha256').update(folder.uri.toString()).digest('hex').slice(0, 12);
    const name = folder.name.replace(/[^\w.-]+/g, '_').slice(0, 40) || 'folder';
    return path.join(base, 'index', `${name}-${key}`);
  }

  private async add(folder: vscode.WorkspaceFolder, rebuild = false): Promise<FolderIndex | undefined> {
    if (this.disposed) return undefined;
    if (folder.uri.scheme !== 'file') {
      this.log.warn(`[${folder.name}] not indexed: only local folders can be indexed (scheme ${folder.uri.scheme})`);
      return undefined;
    }
    const key = folder.uri.toString();
    if (this.folders.has(key)) return this.folders.get(key);
    const s = readConfig(folder.uri);
    let embedder = await this.embedderConfig();
    const make = (e: EmbedderConfig) =>
      new FolderIndex({
        folder, indexDir: this.indexDir(folder), embedder: e, log: this.log, rebuild,
        walk: { excludeGlobs: excludeGlobsFor(folder.uri), maxFileBytes: s.indexMaxFileSize },
      });
    let fi = make(embedder);
    this.track(key, fi);
    let first = await fi.open();
    if (fi.state === 'error' && embedder.id !== 'builtin') {
      // A remote embedder that cannot be reached must not leave the workspace without search.
      void vscode.window.showWarningMessage(`Pinpoint: the embeddings endpoint failed (${fi.message}); using the built-in embedder.`);
      await fi.close();
      embedder = { id: 'builtin' };
      fi = make(embedder);
      this.track(key, fi);
      first = await fi.open();
    }
    if (fi.state === 'error' || fi.state === 'closed' || fi.state === 'stale') return fi;
    if (first) this.buildWithNotification(fi);
    else void fi.build();
    return fi;
  }

  private track(key: string, fi: FolderIndex): void {
    this.folders.set(key, fi);
    fi.onDidChange(() => this.changed.fire());
    this.changed.fire();
  }

  /** A first build (or a rebuild) shows a cancellable notification; later catch-ups only the status bar. */
  private buildWithNotification(fi: FolderIndex): void {
    const multi = (vscode.workspace.workspaceFolders?.length ?? 0) > 1;
    void vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Pinpoint: indexing${multi ? ` ${fi.folder.name}` : ''}`, cancellable: true },
      async (progress, token) => {
        let reported = 0;
        const sub = fi.onDidChange(() => {
          const { done, total } = fi.progress;
          if (!total) return;
          const pct = Math.floor((100 * done) / total);
          progress.report({ message: `${done}/${total} files`, increment: pct - reported });
          reported = pct;
        });
        try {
          await fi.build(token);
        } finally {
          sub.dispose();
        }
      },
    );
  }

  private async remove(folder: vscode.WorkspaceFolder): Promise<void> {
    const key = folder.uri.toString();
    const fi = this.folders.get(key);
    this.folders.delete(key);
    this.changed.fire();
    await fi?.close();
  }

  /** Closes and reopens every folder's index (new embedder or walk options; the core fixes them at open). */
  reopenAll(reason: string, rebuild = false): Promise<void> {
    const run = async () => {
      if (this.disposed) return;
      this.log.info(`reopening the index: ${reason}`);
      const current = this.all();
      this.folders.clear();
      await Promise.all(current.map((f) => f.close()));
      await Promise.all((vscode.workspace.workspaceFolders ?? []).map((f) => this.add(f, rebuild)));
    };
    this.reopening = this.reopening.then(run, run);
    return this.reopening;
  }

  /** `Pinpoint: Re-index Workspace`: drop every index and build from scratch (with the notification). */
  async reindex(): Promise<void> {
    await this.reopenAll('re-index requested', true);
  }

  private onChanged(uri: vscode.Uri): void {
    const hit = this.locate(uri);
    if (!hit) return;
    if (WorkspaceFilter.ruleFileKind(hit.rel)) hit.fi.requestResync(`${hit.rel} changed`, true);
    else if (!NOISE.test(hit.rel)) hit.fi.changedFiles([hit.rel]);
  }

  private async onCreated(uri: vscode.Uri): Promise<void> {
    const hit = this.locate(uri);
    if (!hit) return;
    if (WorkspaceFilter.ruleFileKind(hit.rel)) return hit.fi.requestResync(`${hit.rel} created`, true);
    if (NOISE.test(hit.rel)) return;
    const st = await hit.fi.host.stat(hit.rel);
    // A directory moved or checked out in one piece may arrive as one event: re-walk (only new files are read).
    if (st?.isDirectory) hit.fi.requestResync(`${hit.rel}/ appeared`);
    else hit.fi.changedFiles([hit.rel]);
  }

  private onDeleted(uri: vscode.Uri): void {
    const hit = this.locate(uri);
    if (!hit) return;
    if (WorkspaceFilter.ruleFileKind(hit.rel)) hit.fi.requestResync(`${hit.rel} deleted`, true);
    else if (!NOISE.test(hit.rel)) hit.fi.deletedFiles([hit.rel]); // a directory removes every file under it
  }

  dispose(): void {
    void this.close();
  }

  /** Closes every index (flushes, releases locks); awaited by deactivate. */
  async close(): Promise<void> {
    this.disposed = true;
    const all = this.all();
    this.folders.clear();
    for (const d of this.disposables.splice(0)) d.dispose();
    await Promise.all(all.map((f) => f.close()));
  }
}
