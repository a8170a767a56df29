import * as vscode from 'vscode';
import { COMMANDS } from './commands/catalog';
import type { IndexState } from './indexing/folderIndex';
import type { IndexManager } from './indexing/manager';

/** Text of the status-bar item for the folders' combined state (exported for tests). */
export function statusText(states: { state: IndexState; done: number; total: number }[]): { text: string; state: IndexState | 'none' } {
  if (!states.length) return { text: '$(circle-slash) Pinpoint', state: 'none' };
  const has = (s: IndexState) => states.some((x) => x.state === s);
  if (has('indexing') || has('opening')) {
    const done = states.reduce((n, s) => n + (s.state === 'indexing' ? s.done : 0), 0);
    const total = states.reduce((n, s) => n + (s.state === 'indexing' ? s.total : 0), 0);
    return { text: total ? `$(sync~spin) Pinpoint ${done}/${total}` : '$(sync~spin) Pinpoint', state: 'indexing' };
  }
  if (has('error')) return { text: '$(error) Pinpoint', state: 'error' };
  if (has('stale')) return { text: '$(warning) Pinpoint', state: 'stale' };
  return { text: '$(check) Pinpoint', state: 'ready' };
}

/** One status-bar item for all folders; click → Show Index Status. Throttled to ~5 updates a second. */
export class IndexStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('pinpoint.index', vscode.StatusBarAlignment.Left, 10);
  private readonly sub: vscode.Disposable;
  private timer: NodeJS.Timeout | undefined;
  /** The last rendered state (tests read it through the extension's API). */
  state: IndexState | 'none' = 'none';

  constructor(private readonly indexes: IndexManager) {
    this.item.name = 'Pinpoint Index';
    this.item.command = COMMANDS.showIndexStatus.id;
    this.sub = indexes.onDidChange(() => this.schedule());
    this.render();
    this.item.show();
  }

  private schedule(): void {
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.render();
    }, 200);
  }

  render(): void {
    const folders = this.indexes.all();
    const s = statusText(folders.map((f) => ({ state: f.state, done: f.progress.done, total: f.progress.total })));
    this.state = s.state;
    this.item.text = s.text;
    const lines = folders.map((f) => `${f.folder.name}: ${f.state}${f.message ? ` (${f.message})` : ''}${f.state === 'indexing' && f.progress.total ? ` ${f.progress.done}/${f.progress.total}` : ''}`);
    this.item.tooltip = `Pinpoint index — click for details\n${lines.join('\n') || 'no folder open'}`;
    this.item.backgroundColor = s.state === 'error' ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.sub.dispose();
    this.item.dispose();
  }
}
