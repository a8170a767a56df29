import * as vscode from 'vscode';
import { indexStatus, type IndexStatus } from '../../core/index/status';
import type { FolderIndex } from '../indexing/folderIndex';
import type { IndexManager } from '../indexing/manager';
import { COMMANDS } from './catalog';

interface StatusItem extends vscode.QuickPickItem {
  run?: () => unknown;
}

const STALE_SHOWN = 50;

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

function stateLabel(fi: FolderIndex): string {
  switch (fi.state) {
    case 'indexing':
      return fi.progress.total ? `indexing ${fi.progress.done}/${fi.progress.total}` : 'indexing (walking the folder)';
    case 'stale':
      return `stale${fi.message ? ` — ${fi.message}` : ''}`;
    case 'error':
      return `error — ${fi.message ?? 'unknown'}`;
    default:
      return fi.state;
  }
}

/** Counts, size and staleness of one folder's index, walked with the folder's own options. */
export async function folderStatus(fi: FolderIndex): Promise<IndexStatus | undefined> {
  return fi.index ? indexStatus(fi.index, { host: fi.host, walk: fi.opts.walk }) : undefined;
}

async function itemsFor(fi: FolderIndex, multiRoot: boolean): Promise<StatusItem[]> {
  const items: StatusItem[] = [];
  if (multiRoot) items.push({ label: fi.folder.name, kind: vscode.QuickPickItemKind.Separator });
  items.push({ label: `$(info) State: ${stateLabel(fi)}` });
  let st: IndexStatus | undefined;
  try {
    st = await folderStatus(fi);
  } catch (e) {
    items.push({ label: `$(error) Status unavailable: ${(e as Error).message}` });
  }
  if (!st) return items;
  const last = fi.lastUpdate?.toLocaleString() ?? (st.lastUpdate ? new Date(st.lastUpdate).toLocaleString() : 'never');
  items.push(
    { label: `$(files) ${st.files} files · ${st.chunks} chunks`, description: fi.lastReport ? `${fi.lastReport.skipped.length} skipped in the last run` : undefined },
    { label: `$(symbol-namespace) Embedder: ${st.embedder}` },
    { label: `$(database) ${formatBytes(st.bytesOnDisk)} on disk`, description: st.dir, run: () => vscode.env.clipboard.writeText(st.dir) },
    { label: `$(history) Last update: ${last}` },
  );
  if (st.readOnly) items.push({ label: `$(lock) Read-only: ${st.readOnly}` });
  items.push({ label: st.stale.length ? `$(warning) ${st.stale.length} stale file(s)` : '$(check) No stale files', kind: undefined });
  for (const s of st.stale.slice(0, STALE_SHOWN)) {
    items.push({
      label: `    ${s.path}`,
      description: s.state,
      run: s.state === 'deleted' ? undefined : () => vscode.window.showTextDocument(fi.host.uri(s.path)),
    });
  }
  if (st.stale.length > STALE_SHOWN) items.push({ label: `    … and ${st.stale.length - STALE_SHOWN} more` });
  return items;
}

/**
 * `Pinpoint: Show Index Status`: a Quick Pick with each folder's state, counts, embedder, size on disk, last
 * update and stale files (open one by picking it), plus Re-index and Open Logs. Resolves once shown.
 */
export async function showIndexStatus(indexes: IndexManager): Promise<vscode.QuickPick<StatusItem>> {
  const picker = vscode.window.createQuickPick<StatusItem>();
  picker.title = 'Pinpoint: Index Status';
  picker.placeholder = 'Pick a stale file to open it, or an action';
  picker.busy = true;
  picker.show();
  const folders = indexes.all();
  const multiRoot = folders.length > 1;
  const items: StatusItem[] = [];
  if (!folders.length) items.push({ label: '$(info) No folder is indexed (open a folder to index it)' });
  for (const fi of folders) items.push(...(await itemsFor(fi, multiRoot)));
  items.push(
    { label: 'Actions', kind: vscode.QuickPickItemKind.Separator },
    { label: `$(sync) ${COMMANDS.reindex.title}`, run: () => vscode.commands.executeCommand(COMMANDS.reindex.id) },
    { label: `$(output) ${COMMANDS.openLogs.title}`, run: () => vscode.commands.executeCommand(COMMANDS.openLogs.id) },
  );
  picker.items = items;
  picker.busy = false;
  const subs = [
    picker.onDidAccept(() => {
      const item = picker.selectedItems[0];
      picker.hide();
      void Promise.resolve(item?.run?.()).catch((e: Error) => vscode.window.showErrorMessage(e.message));
    }),
    picker.onDidHide(() => {
      for (const s of subs) s.dispose();
      picker.dispose();
    }),
  ];
  return picker;
}
