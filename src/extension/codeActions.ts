import * as vscode from 'vscode';
import { COMMANDS } from './commands/catalog';

/** Kind of the selection actions (a sub-kind of refactor.rewrite, so `only: refactor` requests include them). */
export const SELECTION_KIND = vscode.CodeActionKind.RefactorRewrite.append('pinpoint');
export const DIAGNOSTIC_KIND = vscode.CodeActionKind.QuickFix.append('pinpoint');

/** Documents whose files the index covers (local files). */
export const CODE_ACTION_SELECTOR: vscode.DocumentSelector = [{ scheme: 'file' }];

/**
 * Inline entry points into the chat: on a selection "Explain with Pinpoint", "Find related code",
 * "Ask Pinpoint about this…"; on each diagnostic in range "Explain this error with Pinpoint". The actions only
 * carry a command (uri, range, diagnostic); nothing runs until one is picked.
 */
export class PinpointCodeActions implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = { providedCodeActionKinds: [SELECTION_KIND, DIAGNOSTIC_KIND] };

  provideCodeActions(doc: vscode.TextDocument, range: vscode.Range | vscode.Selection, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const wants = (kind: vscode.CodeActionKind) => !context.only || context.only.contains(kind) || kind.contains(context.only);
    const actions: vscode.CodeAction[] = [];
    if (wants(DIAGNOSTIC_KIND)) {
      for (const d of context.diagnostics.slice(0, 3)) {
        const a = new vscode.CodeAction(`Explain this error with Pinpoint: ${truncate(d.message, 60)}`, DIAGNOSTIC_KIND);
        a.diagnostics = [d];
        a.command = { command: COMMANDS.explainDiagnostic.id, title: a.title, arguments: [doc.uri, d.range, d] };
        actions.push(a);
      }
    }
    if (!range.isEmpty && wants(SELECTION_KIND)) {
      const args = [doc.uri, range];
      const add = (title: string, command: string) => {
        const a = new vscode.CodeAction(title, SELECTION_KIND);
        a.command = { command, title, arguments: args };
        actions.push(a);
      };
      add('Explain with Pinpoint', COMMANDS.explainSelection.id);
      add('Find related code with Pinpoint', COMMANDS.findRelated.id);
      add('Ask Pinpoint about this…', COMMANDS.askAboutSelection.id);
    }
    return actions;
  }
}

function truncate(s: string, n: number): string {
  const line = s.split('\n')[0];
  return line.length > n ? line.slice(0, n - 1) + '…' : line;
}

export function registerCodeActions(): vscode.Disposable {
  return vscode.languages.registerCodeActionsProvider(CODE_ACTION_SELECTOR, new PinpointCodeActions(), PinpointCodeActions.metadata);
}
