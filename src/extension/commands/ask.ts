import * as vscode from 'vscode';
import type { ChatBridge } from '../chatBridge';
import type { AskContext } from '../chatBridge';

const MAX_CONTEXT_CHARS = 20_000;

/** The location arguments a code action passes to its command (the palette passes none: the active editor is used). */
export interface CodeLocation {
  uri: vscode.Uri;
  range: vscode.Range;
  diagnostic?: vscode.Diagnostic;
}

function diagnosticCode(d: vscode.Diagnostic): string | undefined {
  const c = d.code;
  if (c === undefined) return undefined;
  return typeof c === 'object' ? String(c.value) : String(c);
}

/**
 * The chat's context of a selection or a diagnostic. For a diagnostic the selection is the diagnostic's whole
 * lines (its own range is often a single token), so the chat sees the code as well as the message.
 */
export async function askContext(loc: CodeLocation): Promise<AskContext> {
  const doc = await vscode.workspace.openTextDocument(loc.uri);
  const d = loc.diagnostic;
  const range = d ? new vscode.Range(d.range.start.line, 0, d.range.end.line, doc.lineAt(d.range.end.line).text.length) : loc.range;
  // An absolute path for local files (the chat makes it workspace-relative); the URI otherwise.
  const file = loc.uri.scheme === 'file' ? loc.uri.fsPath : loc.uri.toString();
  // A selection ending at column 0 of a line does not include that line.
  const endLine = range.end.character === 0 && range.end.line > range.start.line ? range.end.line : range.end.line + 1;
  return {
    selection: { path: file, startLine: range.start.line + 1, endLine, text: doc.getText(range).slice(0, MAX_CONTEXT_CHARS) },
    ...(d ? { diagnostic: { message: d.message, path: file, line: d.range.start.line + 1, source: d.source, code: diagnosticCode(d) } } : {}),
  };
}

/** The code location from command arguments, or the active editor's selection. */
export function locationFrom(args: unknown[]): CodeLocation | undefined {
  const [uri, range, diagnostic] = args;
  if (uri instanceof vscode.Uri && range instanceof vscode.Range) return { uri, range, diagnostic: diagnostic instanceof vscode.Diagnostic ? diagnostic : undefined };
  const editor = vscode.window.activeTextEditor;
  if (!editor) return undefined;
  return { uri: editor.document.uri, range: editor.selection };
}

export const QUESTIONS = {
  explain: 'Explain this code: what it does, how it fits into the workspace, and anything surprising.',
  related: 'Find the code related to this: its callers, callees, tests and the definitions it depends on.',
  diagnostic: 'Explain this error: what causes it here and how to fix it.',
} as const;

/** `Pinpoint: Ask About the Workspace…`: an input box, then the chat view with the question. */
export async function askWorkspace(chat: ChatBridge, question?: string): Promise<void> {
  const q = question ?? (await vscode.window.showInputBox({ title: 'Pinpoint: Ask About the Workspace', prompt: 'Answers cite path:line, checked against the files', ignoreFocusOut: true }));
  if (!q?.trim()) return;
  await chat.ask(q.trim());
}

/** Selection / diagnostic commands: ask the chat with the code attached. `question` undefined asks the user. */
export async function askAboutCode(chat: ChatBridge, args: unknown[], question: string | undefined): Promise<void> {
  const loc = locationFrom(args);
  if (!loc) {
    void vscode.window.showInformationMessage('Pinpoint: select some code in an editor first.');
    return;
  }
  if (!loc.diagnostic && loc.range.isEmpty) {
    // No selection: the line under the cursor.
    const line = loc.range.start.line;
    loc.range = new vscode.Range(line, 0, line + 1, 0);
  }
  let q = question;
  if (q === undefined) {
    q = (await vscode.window.showInputBox({ title: 'Pinpoint: Ask About This Code', prompt: 'Your question about the selected code', ignoreFocusOut: true }))?.trim();
    if (!q) return;
  }
  await chat.ask(q, await askContext(loc));
}
