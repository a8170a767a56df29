import * as path from 'node:path';
import * as vscode from 'vscode';
import { ChatController, type AskContext, type ChatDeps } from './chat/controller';
import type { PinpointServices } from './services';
import { readConfig } from './config';
import { TRACES_DIR_NAME } from '../core/finetune/paths';

export type { AskContext };

/**
 * The one place that reaches the chat module (src/extension/chat/, built in parallel). Starting it is guarded:
 * if the controller fails to start, indexing, search and every other command still work, and the chat
 * commands say clearly what is missing.
 *
 * Contract used: `new ChatController(context, deps: ChatDeps)` (a Disposable that registers the `pinpoint.chat`
 * webview view), `ask(question, context?)` (reveals the view, resolves when the answer is complete) and `reveal()`.
 */
export class ChatBridge {
  private controller: ChatController | undefined;
  private failure: string | undefined;

  constructor(private readonly services: PinpointServices) {}

  /** The dependencies the chat is built with: indexes, model, traces and retrieval all come from the services. */
  deps(): ChatDeps {
    const { log, search } = this.services;
    return {
      log,
      getIndexes: () => search.openIndexes(),
      getModelConfig: () => this.services.modelConfig(),
      // Asked only when there is no model config: a configured model then means the workspace is not trusted.
      offlineReason: () => (this.services.settings().chatModel && !this.services.isTrusted() ? 'untrusted' : 'no-model'),
      traceDir: (index) => path.join(index.baseDir, TRACES_DIR_NAME),
      getRetriever: (index) => search.assistantRetriever(index),
      getAssistantSettings: () => ({ maxToolRounds: readConfig().chatMaxToolRounds }),
    };
  }

  /** Starts the chat controller (at activation, so its view provider is registered before the view opens). */
  start(): void {
    if (this.controller || this.failure) return;
    try {
      this.controller = new ChatController(this.services.context, this.deps());
      this.services.context.subscriptions.push(this.controller);
    } catch (e) {
      this.failure = `The Pinpoint chat failed to start: ${(e as Error).message}`;
      this.services.log.error(this.failure);
    }
  }

  get available(): boolean {
    return !!this.controller;
  }

  /** The controller, for tests (undefined when it failed to start). */
  get instance(): ChatController | undefined {
    return this.controller;
  }

  private unavailable(): false {
    void vscode.window.showWarningMessage(this.failure ?? 'The Pinpoint chat is not available.', 'Open Logs').then((a) => {
      if (a) this.services.log.show();
    });
    return false;
  }

  /** Reveals the chat and asks; resolves when the answer is complete. False when the chat is unavailable. */
  async ask(question: string, context?: AskContext): Promise<boolean> {
    this.start();
    if (!this.controller) return this.unavailable();
    await this.controller.ask(question, context);
    return true;
  }

  async reveal(): Promise<boolean> {
    this.start();
    if (!this.controller) return this.unavailable();
    await this.controller.reveal();
    return true;
  }
}
