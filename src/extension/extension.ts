/**
 * The composition root: builds the services once, registers the command table, the code actions and the
 * status bar, starts the indexes and the chat. Everything is disposed through `context.subscriptions`; the
 * indexes are closed (flushed, locks released) in `deactivate`.
 */
import * as vscode from 'vscode';
import { ChatBridge } from './chatBridge';
import { registerCodeActions } from './codeActions';
import { registerCommands } from './commands/table';
import { readConfig } from './config';
import { IndexManager } from './indexing/manager';
import { SearchService } from './search';
import { ApiKeyStore } from './secrets';
import type { TurnView } from './protocol';
import type { PinpointServices } from './services';
import { IndexStatusBar } from './statusBar';

/** What `activate` returns: used by the real-VS Code tests (and open to other extensions). */
export interface PinpointApi {
  readonly services: PinpointServices;
  /** Searches every folder's index (what `Pinpoint: Search Code…` shows). */
  search(query: string, k?: number): Promise<{ folder: string; path: string; startLine: number; endLine: number; qualifiedName: string; reasons: string[] }[]>;
  /** Resolves when every folder's build has ended and queued file events are indexed. */
  whenIndexed(): Promise<void>;
  /** The combined index state shown in the status bar. */
  indexState(): string;
  readonly chatAvailable: boolean;
  /** The chat's conversation as its view shows it (empty when the chat is unavailable). */
  chatTurns(): TurnView[];
}

let indexes: IndexManager | undefined;

export function activate(context: vscode.ExtensionContext): PinpointApi {
  const log = vscode.window.createOutputChannel('Pinpoint', { log: true });
  context.subscriptions.push(log);
  const apiKey = new ApiKeyStore(context);
  void apiKey.get(); // primes the cached key synchronous callers (rerankers) read
  context.subscriptions.push(apiKey.onDidChange(() => void apiKey.get()));
  indexes = new IndexManager(context, log, apiKey);
  const search = new SearchService(indexes, apiKey);
  const services: PinpointServices = {
    context,
    log,
    indexes,
    search,
    apiKey,
    settings: () => readConfig(),
    isTrusted: () => vscode.workspace.isTrusted,
    modelConfig: () => search.modelConfig(),
    assistantWorkspace: (uri) => search.assistantWorkspace(uri),
  };
  const chat = new ChatBridge(services);
  const statusBar = new IndexStatusBar(indexes);
  context.subscriptions.push(indexes, statusBar, registerCodeActions(), ...registerCommands({ services, chat }), search.warmUp(log));
  if (!vscode.workspace.isTrusted) {
    log.info('untrusted workspace: indexing and searching locally; nothing is sent to a model until the workspace is trusted');
    context.subscriptions.push(vscode.workspace.onDidGrantWorkspaceTrust(() => log.info('workspace trusted: model requests enabled')));
  }
  chat.start();
  indexes.start();
  log.info(`Pinpoint activated (VS Code ${vscode.version}, ${vscode.workspace.workspaceFolders?.length ?? 0} folder(s))`);

  const manager = indexes;
  return {
    services,
    async search(query, k = 10) {
      const results = await search.search(query, { k });
      return results.map((r) => ({
        folder: r.folder.name, path: r.hit.chunk.path, startLine: r.hit.chunk.startLine, endLine: r.hit.chunk.endLine,
        qualifiedName: r.hit.chunk.qualifiedName, reasons: r.hit.reasons,
      }));
    },
    whenIndexed: () => manager.whenSettled(),
    indexState: () => {
      statusBar.render();
      return statusBar.state;
    },
    get chatAvailable() {
      return chat.available;
    },
    chatTurns: () => chat.instance?.turns ?? [],
  };
}

export async function deactivate(): Promise<void> {
  // Listeners go with context.subscriptions; the indexes must also be flushed and their locks released.
  await indexes?.close();
  indexes = undefined;
}
