import * as vscode from 'vscode';
import type { ChunkKind } from '../../core/types';
import type { SearchResult, SearchService } from '../search';

/** Quiet time after a keystroke before searching. */
export const SEARCH_DEBOUNCE_MS = 120;
const RESULTS = 30;

export interface SearchItem extends vscode.QuickPickItem {
  result: SearchResult;
}

const ICONS: Partial<Record<ChunkKind, string>> = {
  function: 'symbol-function', method: 'symbol-method', class: 'symbol-class', interface: 'symbol-interface', struct: 'symbol-struct',
  enum: 'symbol-enum', trait: 'symbol-interface', type: 'symbol-class', module: 'symbol-module', constant: 'symbol-constant',
  block: 'symbol-namespace', section: 'file-text',
};

/** The chunk's range in the editor (0-based lines). */
export function resultRange(r: SearchResult): vscode.Range {
  const { startLine, endLine } = r.hit.chunk;
  return new vscode.Range(startLine - 1, 0, Math.max(startLine, endLine) - 1, 0);
}

export function toItem(r: SearchResult, multiRoot: boolean): SearchItem {
  const c = r.hit.chunk;
  const where = `${multiRoot ? `${r.folder.name}/` : ''}${c.path}:${c.startLine}`;
  return {
    label: `$(${ICONS[c.kind] ?? 'symbol-misc'}) ${c.qualifiedName || c.name || c.path}`,
    description: where,
    detail: r.hit.reasons.length ? r.hit.reasons.slice(0, 3).join(' · ') : undefined,
    alwaysShow: true,
    result: r,
  };
}

/**
 * `Pinpoint: Search Code…`: a Quick Pick that searches as you type (debounced; a newer query supersedes and
 * aborts an older one), previews the highlighted result without taking focus, and opens it on Enter.
 * Returns once the picker is shown; `done` resolves when it closes (with the opened result, if any).
 */
export function showSearchCode(search: SearchService, initial = ''): { picker: vscode.QuickPick<SearchItem>; done: Promise<SearchResult | undefined> } {
  const picker = vscode.window.createQuickPick<SearchItem>();
  picker.title = 'Pinpoint: Search Code';
  picker.placeholder = 'Describe what you are looking for, or type a symbol or path';
  picker.matchOnDescription = false;
  picker.matchOnDetail = false;
  // Keep the ranking: VS Code would otherwise float label matches to the top (a runtime property since 1.8x).
  (picker as { sortByLabel?: boolean }).sortByLabel = false;
  const multiRoot = (vscode.workspace.workspaceFolders?.length ?? 0) > 1;
  const original = vscode.window.activeTextEditor;
  const disposables: vscode.Disposable[] = [picker];
  let timer: NodeJS.Timeout | undefined;
  let inflight: AbortController | undefined;
  let seq = 0;
  let accepted: SearchResult | undefined;
  let previewed = false;

  const run = async (query: string) => {
    inflight?.abort();
    const mine = ++seq;
    const ac = (inflight = new AbortController());
    if (!query.trim()) {
      picker.items = [];
      picker.busy = false;
      return;
    }
    picker.busy = true;
    try {
      const results = await search.search(query, { k: RESULTS, signal: ac.signal });
      if (mine !== seq) return; // superseded
      picker.items = results.map((r) => toItem(r, multiRoot));
      if (!results.length) picker.items = [];
    } catch (e) {
      if (mine === seq && !ac.signal.aborted) void vscode.window.showErrorMessage(`Pinpoint search failed: ${(e as Error).message}`);
    } finally {
      if (mine === seq) picker.busy = false;
    }
  };

  disposables.push(
    picker.onDidChangeValue((v) => {
      if (timer) clearTimeout(timer);
      inflight?.abort();
      timer = setTimeout(() => void run(v), SEARCH_DEBOUNCE_MS);
    }),
    picker.onDidChangeActive(([item]) => {
      if (!item) return;
      previewed = true;
      void vscode.window.showTextDocument(item.result.uri, { preview: true, preserveFocus: true, selection: resultRange(item.result) }).then(undefined, () => undefined);
    }),
    picker.onDidAccept(() => {
      const item = picker.selectedItems[0] ?? picker.activeItems[0];
      if (!item) return;
      accepted = item.result;
      picker.hide();
    }),
  );

  const done = new Promise<SearchResult | undefined>((resolve) => {
    disposables.push(
      picker.onDidHide(async () => {
        if (timer) clearTimeout(timer);
        inflight?.abort();
        for (const d of disposables.splice(0)) d.dispose();
        if (accepted) {
          const range = resultRange(accepted);
          await vscode.window.showTextDocument(accepted.uri, { preview: false, selection: new vscode.Selection(range.start, range.start) });
        } else if (previewed && original) {
          await vscode.window.showTextDocument(original.document, { selection: original.selection, viewColumn: original.viewColumn });
        }
        resolve(accepted);
      }),
    );
  });

  picker.show();
  if (initial) {
    picker.value = initial;
    void run(initial);
  }
  return { picker, done };
}
