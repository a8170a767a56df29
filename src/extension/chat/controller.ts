/**
 * The sidebar chat: registers the `pinpoint.chat` webview view, validates every message from it
 * (src/extension/protocol.ts), and bridges it to the conversation (session.ts): questions, stop, new chat,
 * ratings, and citations opened in the editor at the cited range.
 *
 * Contract with activation (src/extension/extension.ts):
 *   const chat = new ChatController(context, { log, getIndexes, getModelConfig, traceDir, getRetriever });
 *   context.subscriptions.push(chat);
 *   await chat.ask('Explain this', { selection: { path, startLine, endLine, text } });
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { parseWebviewMessage, rangeLabel, type HostMessage, type WebviewMessage } from '../protocol';
import { chatHtml } from './html';
import { isInside } from './retrieval';
import { ChatSession, type AskOptions, type SessionDeps } from './session';

/** The session's dependencies, with the extension's log channel. */
export interface ChatDeps extends SessionDeps {
  log: vscode.LogOutputChannel;
}

export interface AskContext {
  selection?: { path: string; startLine: number; endLine: number; text: string };
  diagnostic?: { message: string; path: string; line: number; source?: string; code?: string };
}

/** workspaceState key of the conversation. */
export const CONVERSATION_KEY = 'pinpoint.chat.conversation';
const MAX_SELECTION_CHARS = 12_000;

export class ChatController implements vscode.Disposable, vscode.WebviewViewProvider {
  static readonly viewType = 'pinpoint.chat';

  private readonly session: ChatSession;
  private readonly disposables: vscode.Disposable[] = [];
  private viewDisposables: vscode.Disposable[] = [];
  private view: vscode.WebviewView | undefined;
  private ready = false;
  private readyWaiters: (() => void)[] = [];

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly deps: ChatDeps,
  ) {
    const store = {
      get: () => context.workspaceState.get(CONVERSATION_KEY),
      set: (value: unknown) => context.workspaceState.update(CONVERSATION_KEY, value),
    };
    this.session = new ChatSession(deps, store, (m) => this.post(m));
    this.disposables.push(
      vscode.window.registerWebviewViewProvider(ChatController.viewType, this, { webviewOptions: { retainContextWhenHidden: true } }),
      // Trusting the workspace turns the model on: the status line and welcome text follow.
      vscode.workspace.onDidGrantWorkspaceTrust(() => void this.session.status().then((status) => this.post({ type: 'status', status }))),
    );
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.disposeView();
    this.view = view;
    this.ready = false;
    const { extensionUri } = this.context;
    view.webview.options = {
      enableScripts: true,
      enableCommandUris: false,
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
    };
    view.webview.html = chatHtml(view.webview, extensionUri);
    this.viewDisposables.push(
      view.webview.onDidReceiveMessage((raw: unknown) => void this.onMessage(raw)),
      view.onDidChangeVisibility(() => {
        if (view.visible) void this.session.status().then((status) => this.post({ type: 'status', status }));
      }),
      view.onDidDispose(() => {
        if (this.view === view) {
          this.view = undefined;
          this.ready = false;
        }
        this.disposeView();
      }),
    );
  }

  /** Shows the chat view and resolves once its webview is loaded (or after 10 s). */
  async reveal(): Promise<void> {
    if (this.view && !this.view.visible) this.view.show(false);
    else if (!this.view) await vscode.commands.executeCommand(`${ChatController.viewType}.focus`);
    if (this.ready) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 10_000);
      this.readyWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Asks a question in the chat (the view is revealed); resolves when the answer is complete. */
  async ask(question: string, context: AskContext = {}): Promise<void> {
    await this.reveal();
    await this.session.ask(question, this.askOptions(question, context));
  }

  /** The conversation as the webview shows it (for tests and diagnostics). */
  get turns() {
    return this.session.views();
  }

  dispose(): void {
    this.session.dispose();
    this.disposeView();
    for (const d of this.disposables.splice(0)) d.dispose();
    for (const w of this.readyWaiters.splice(0)) w();
  }

  // ---------------------------------------------------------------------------------------------- internals

  private post(message: HostMessage): void {
    if (this.view && this.ready) void this.view.webview.postMessage(message);
  }

  private async onMessage(raw: unknown): Promise<void> {
    let msg: WebviewMessage;
    try {
      msg = parseWebviewMessage(raw);
    } catch (e) {
      this.deps.log.warn(`chat: ignored a malformed message from the webview: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    try {
      await this.handle(msg);
    } catch (e) {
      this.deps.log.error(`chat: handling "${msg.type}" failed: ${e instanceof Error ? e.message : String(e)}`);
      void vscode.window.showErrorMessage(`Pinpoint chat: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private async handle(msg: WebviewMessage): Promise<void> {
    switch (msg.type) {
      case 'ready':
        this.ready = true;
        this.post(await this.session.restoreMessage());
        for (const w of this.readyWaiters.splice(0)) w();
        return;
      case 'ask':
        return this.session.ask(msg.question, { preferPath: activeFilePath() });
      case 'stop':
        return this.session.stop();
      case 'newChat':
        return this.session.newChat();
      case 'rate':
        if (!(await this.session.rate(msg.turnId, msg.rating))) {
          void vscode.window.showWarningMessage('Pinpoint: this answer has no trace to attach a rating to.');
        }
        return;
      case 'openSettings':
        await vscode.commands.executeCommand('workbench.action.openSettings', 'pinpoint.chat');
        return;
      case 'manageTrust':
        await vscode.commands.executeCommand('workbench.trust.manage');
        return;
      case 'openCitation':
        return this.openCitation(msg.turnId, msg.path, msg.startLine, msg.endLine);
    }
  }

  /** Opens the cited file with the cited lines selected and revealed. */
  private async openCitation(turnId: string, relPath: string, startLine: number, endLine: number): Promise<void> {
    const label = rangeLabel({ path: relPath, startLine, endLine });
    const file = this.session.citationFile(turnId, relPath);
    if (!file) {
      void vscode.window.showWarningMessage(`Pinpoint: ${label} is outside the workspace folder.`);
      return;
    }
    let doc: vscode.TextDocument;
    try {
      doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
    } catch {
      void vscode.window.showWarningMessage(`Pinpoint: cannot open ${label} — the file does not exist (an unverified citation).`);
      return;
    }
    const last = Math.max(0, doc.lineCount - 1);
    const start = Math.min(Math.max(0, startLine - 1), last);
    const end = Math.min(Math.max(start, endLine - 1), last);
    const range = new vscode.Range(start, 0, end, doc.lineAt(end).text.length);
    const editor = await vscode.window.showTextDocument(doc, { selection: range, preview: true, preserveFocus: false });
    editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    if (endLine - 1 > last) void vscode.window.showWarningMessage(`Pinpoint: ${label} is past the end of the file (${doc.lineCount} lines).`);
  }

  /** The prompt, label and preferred folder of a question asked with a selection or a diagnostic. */
  private askOptions(question: string, ctx: AskContext): AskOptions {
    const parts = [question];
    let contextLabel: string | undefined;
    let preferPath = activeFilePath();
    const rel = (p: string) => {
      if (!path.isAbsolute(p)) return p.replace(/\\/g, '/');
      const root = this.deps.getIndexes().map((i) => i.root).filter((r) => isInside(r, p)).sort((a, b) => b.length - a.length)[0]
        ?? vscode.workspace.getWorkspaceFolder(vscode.Uri.file(p))?.uri.fsPath;
      return root ? path.relative(root, p).split(path.sep).join('/') : p;
    };
    if (ctx.selection) {
      const s = ctx.selection;
      const where = rangeLabel({ path: rel(s.path), startLine: s.startLine, endLine: s.endLine });
      const text = s.text.length > MAX_SELECTION_CHARS ? `${s.text.slice(0, MAX_SELECTION_CHARS)}\n[… selection cut]` : s.text;
      parts.push(`Selected code [${where}]:\n\`\`\`\n${text.replace(/```/g, '``\u200b`')}\n\`\`\``);
      contextLabel = `selection ${where}`;
      if (path.isAbsolute(s.path)) preferPath = s.path;
    }
    if (ctx.diagnostic) {
      const d = ctx.diagnostic;
      const where = rangeLabel({ path: rel(d.path), startLine: d.line, endLine: d.line });
      const origin = d.source ? ` (${d.source}${d.code ? ` ${d.code}` : ''})` : '';
      parts.push(`Diagnostic at [${where}]${origin}: ${d.message}`);
      contextLabel = contextLabel ? `${contextLabel} · diagnostic ${where}` : `diagnostic ${where}`;
      if (path.isAbsolute(d.path)) preferPath = d.path;
    }
    return { prompt: parts.join('\n\n'), contextLabel, preferPath };
  }

  private disposeView(): void {
    for (const d of this.viewDisposables.splice(0)) d.dispose();
  }
}

/** The active editor's file (its folder answers first in a multi-root workspace). */
function activeFilePath(): string | undefined {
  const uri = vscode.window.activeTextEditor?.document.uri;
  return uri?.scheme === 'file' ? uri.fsPath : undefined;
}
