import * as vscode from 'vscode';

/** Minimal activation for now: the UI arrives with the VS Code surfaces issue. */
export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('Pinpoint', { log: true });
  context.subscriptions.push(log);
  context.subscriptions.push(
    vscode.commands.registerCommand('pinpoint.showIndexStatus', () => {
      log.show();
      void vscode.window.showInformationMessage('Pinpoint is active.');
    }),
  );
  log.info('Pinpoint activated');
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
